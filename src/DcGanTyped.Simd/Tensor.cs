namespace DcGanTyped.Simd;

/// <summary>
/// A float32 tensor: a contiguous row-major (NCHW) buffer plus its shape. Layers own the tensors they return and
/// reuse them while the batch size stays the same, so <see cref="Data"/> may be longer than <see cref="Length"/>:
/// always read through <see cref="Span"/>.
/// </summary>
public sealed class Tensor
{
    private int[] shape;

    /// <summary>Creates a zero tensor of the given shape.</summary>
    /// <param name="shape">Dimensions, batch first.</param>
    public Tensor(params int[] shape)
    {
        this.shape = (int[])shape.Clone();
        Length = checked((int)Shapes.ShapeMath.Elements(shape));
        Data = new float[Length];
    }

    private Tensor(float[] data, int[] shape, int length)
    {
        this.shape = shape;
        Data = data;
        Length = length;
    }

    /// <summary>Dimensions, batch first. Do not modify; the tensor may share it.</summary>
    public int[] Shape => shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>The backing array; it may be longer than <see cref="Length"/>.</summary>
    public float[] Data { get; private set; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length { get; private set; }

    /// <summary>The elements, in row-major order.</summary>
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Creates a zero tensor.</summary>
    /// <param name="shape">Dimensions, batch first.</param>
    public static Tensor Zeros(params int[] shape) => new(shape);

    /// <summary>Wraps <paramref name="data"/> (no copy) as a tensor of the given shape.</summary>
    /// <param name="data">Elements in row-major order; at least as many as the shape holds.</param>
    /// <param name="shape">Dimensions, batch first.</param>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        var length = checked((int)Shapes.ShapeMath.Elements(shape));
        if (data.Length < length)
        {
            throw new ArgumentException($"{data.Length} elements cannot hold shape {Shapes.ShapeMath.Format(shape)}.", nameof(data));
        }

        return new Tensor(data, (int[])shape.Clone(), length);
    }

    /// <summary>A deep copy with an exact-size buffer.</summary>
    public Tensor Clone()
    {
        var t = new Tensor(shape);
        Span.CopyTo(t.Data);
        return t;
    }

    /// <summary>Copies the elements of <paramref name="source"/>, which must have the same element count.</summary>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException($"Expected {Length} elements, got {source.Length}.", nameof(source));
        }

        source.CopyTo(Span);
    }

    /// <summary>Formats the shape, e.g. <c>Tensor(50, 3, 32, 32)</c>.</summary>
    public override string ToString() => "Tensor" + Shapes.ShapeMath.Format(shape);

    /// <summary>An empty placeholder that layers grow on first use.</summary>
    internal static Tensor Empty() => new([], [0], 0);

    /// <summary>Size of dimension <paramref name="i"/>.</summary>
    internal int Dim(int i) => shape[i];

    /// <summary>Elements per batch item.</summary>
    internal int ItemLength => shape[0] == 0 ? 0 : Length / shape[0];

    /// <summary>
    /// Gives the tensor a new shape, reusing the buffer when it is large enough and the shape array when the
    /// dimensions are unchanged, so a steady training loop allocates nothing. Contents are unspecified afterwards.
    /// </summary>
    internal Tensor Resize(ReadOnlySpan<int> dims)
    {
        if (!dims.SequenceEqual(shape))
        {
            shape = dims.ToArray();
        }

        var length = 1;
        foreach (var d in dims)
        {
            length = checked(length * d);
        }

        if (Data.Length < length)
        {
            Data = new float[length];
        }

        Length = length;
        return this;
    }

    /// <summary>Resize to two dimensions.</summary>
    internal Tensor Resize(int d0, int d1) => Resize([d0, d1]);

    /// <summary>Resize to four dimensions.</summary>
    internal Tensor Resize(int n, int c, int h, int w) => Resize([n, c, h, w]);

    /// <summary>Resize to the shape of <paramref name="other"/>.</summary>
    internal Tensor ResizeLike(Tensor other) => Resize(other.shape);

    /// <summary>Makes this tensor a view of <paramref name="source"/>'s buffer with another shape (no copy).</summary>
    internal Tensor AliasOf(Tensor source, ReadOnlySpan<int> dims)
    {
        if (!dims.SequenceEqual(shape))
        {
            shape = dims.ToArray();
        }

        Data = source.Data;
        Length = source.Length;
        return this;
    }
}
