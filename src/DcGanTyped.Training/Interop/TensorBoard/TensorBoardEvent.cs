namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>An encoded image in a TensorBoard summary (<c>Summary.Image</c>).</summary>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Colorspace">1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA.</param>
/// <param name="EncodedImage">The PNG file's bytes.</param>
public sealed record SummaryImage(int Height, int Width, int Colorspace, byte[] EncodedImage);

/// <summary>One tagged value of a summary (<c>Summary.Value</c>): a scalar or an image.</summary>
/// <param name="Tag">The series name, e.g. <c>gen/loss</c>.</param>
/// <param name="SimpleValue">The scalar, when this is a scalar value.</param>
/// <param name="Image">The image, when this is an image value.</param>
public sealed record SummaryValue(string Tag, float? SimpleValue = null, SummaryImage? Image = null);

/// <summary>One TensorBoard event (the <c>Event</c> protobuf message, the fields this project writes).</summary>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Step">The training iteration.</param>
/// <param name="FileVersion">Set only on a file's first event (<c>brain.Event:2</c>).</param>
/// <param name="Values">The summary's values; empty for the file-version event.</param>
public sealed record TensorBoardEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<SummaryValue> Values);
