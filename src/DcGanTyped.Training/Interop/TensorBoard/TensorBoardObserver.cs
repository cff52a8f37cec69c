using System.Buffers.Binary;
using System.Globalization;
using DcGanTyped.Training.Extensions;

namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>
/// The trainer's <c>--tensorboard DIR</c> extension: wraps the observer the trainer reports to and mirrors each log
/// entry (<c>gen/loss</c>, <c>dis/loss</c>, <c>epoch</c>) and each preview grid the trainer writes
/// (<c>preview/imageNNNNNNNN.png</c> in the output folder) into a TensorBoard event file. Every call is forwarded
/// to the wrapped observer unchanged.
/// </summary>
public sealed class TensorBoardObserver : ITrainingObserver
{
    private readonly ITrainingObserver inner;
    private readonly TensorBoardWriter writer;
    private readonly string previewDir;
    private long lastIteration = -1;
    private long lastPreview = -1;

    /// <summary>Creates the extension.</summary>
    /// <param name="inner">The observer to forward every call to.</param>
    /// <param name="writer">Where events go; the caller disposes it after training.</param>
    /// <param name="trainOut">The trainer's output folder (<c>--out</c>), whose previews are mirrored.</param>
    public TensorBoardObserver(ITrainingObserver inner, TensorBoardWriter writer, string trainOut)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.writer = writer ?? throw new ArgumentNullException(nameof(writer));
        ArgumentNullException.ThrowIfNull(trainOut);
        previewDir = Path.Combine(Path.GetFullPath(trainOut), "preview");
    }

    /// <summary>Wraps <paramref name="inner"/> when <paramref name="writer"/> is given; otherwise returns it unchanged.</summary>
    /// <param name="inner">The trainer's observer.</param>
    /// <param name="writer">The event writer, or null when <c>--tensorboard</c> is not set.</param>
    /// <param name="trainOut">The trainer's output folder.</param>
    /// <returns>The observer to hand to the trainer.</returns>
    public static ITrainingObserver Wrap(ITrainingObserver inner, TensorBoardWriter? writer, string trainOut)
        => writer is null ? inner : new TensorBoardObserver(inner, writer, trainOut);

    /// <summary>The PNG's width and height, read from its IHDR chunk.</summary>
    /// <param name="png">A PNG file's bytes.</param>
    /// <returns>The size in pixels.</returns>
    /// <exception cref="InteropFormatException">Not a PNG.</exception>
    public static (int Width, int Height) PngSize(ReadOnlySpan<byte> png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 24 || !png[..8].SequenceEqual(signature) || !png[12..16].SequenceEqual("IHDR"u8))
        {
            throw new InteropFormatException("not a PNG file");
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]));
    }

    /// <inheritdoc/>
    public void Started(long iteration, long total)
    {
        lastIteration = iteration;
        inner.Started(iteration, total);
    }

    /// <inheritdoc/>
    public void Stepped(long iteration, int epoch)
    {
        lastIteration = iteration;
        inner.Stepped(iteration, epoch);
    }

    /// <inheritdoc/>
    public void Logged(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        writer.AddScalar("gen/loss", (float)entry.GenLoss, entry.Iteration);
        writer.AddScalar("dis/loss", (float)entry.DisLoss, entry.Iteration);
        writer.AddScalar("epoch", entry.Epoch, entry.Iteration);
        inner.Logged(entry);
    }

    /// <inheritdoc/>
    public void Note(string line)
    {
        // The trainer writes the preview grid before it reports the snapshot; any note after a step is the moment
        // to pick up a grid that appeared for that step.
        if (lastIteration >= 0 && lastIteration != lastPreview)
        {
            var path = Path.Combine(previewDir, $"image{lastIteration.ToString("00000000", CultureInfo.InvariantCulture)}.png");
            if (File.Exists(path))
            {
                var png = File.ReadAllBytes(path);
                var (width, height) = PngSize(png);
                writer.AddImage("preview", png, width, height, lastIteration);
                lastPreview = lastIteration;
            }
        }

        inner.Note(line);
    }
}
