namespace DcGanTyped.Checkpoints;

/// <summary>One float32 entry of a state dictionary: a parameter or buffer, by its state_dict name.</summary>
/// <param name="Name">State-dict key, e.g. <c>l0.weight</c> or <c>bn0.running_mean</c>.</param>
/// <param name="Shape">Dimensions (may be empty for a scalar).</param>
/// <param name="Data">Row-major (C-contiguous) values; exactly as many as the shape's product.</param>
public sealed record NamedArray(string Name, long[] Shape, float[] Data)
{
    /// <summary>Number of elements the shape describes.</summary>
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
}
