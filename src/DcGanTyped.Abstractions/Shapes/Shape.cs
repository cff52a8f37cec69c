namespace DcGanTyped.Shapes;

/// <summary>An immutable tensor shape without the batch dimension, with value equality.</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] dims;

    /// <summary>Creates a shape from its dimensions.</summary>
    public Shape(params int[] dims) => this.dims = (int[])dims.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => dims.Length;

    /// <summary>The dimension at <paramref name="index"/>.</summary>
    public int this[int index] => dims[index];

    /// <summary>Product of the dimensions.</summary>
    public long Elements => ShapeMath.Elements(dims);

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])dims.Clone();

    /// <summary>The dimensions with a leading batch dimension.</summary>
    public long[] WithBatch(long batch)
    {
        var r = new long[dims.Length + 1];
        r[0] = batch;
        for (var i = 0; i < dims.Length; i++)
        {
            r[i + 1] = dims[i];
        }

        return r;
    }

    /// <inheritdoc/>
    public bool Equals(Shape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in dims)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    /// <summary>Formats as <c>(512, 4, 4)</c>.</summary>
    public override string ToString() => ShapeMath.Format(dims);
}
