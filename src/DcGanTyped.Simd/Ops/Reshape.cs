// Shape contract: Reshape: (N, ...) -> (N, shape...) with the same element count; Flatten: (N, ...) -> (N, prod).
// Both are views of the input buffer (no copy); Backward views the gradient with the input's shape.
namespace DcGanTyped.Simd;

/// <summary>Reshapes each batch item to a declared shape.</summary>
public sealed class Reshape : Layer
{
    private readonly int[] itemShape;
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private int[] inputShape = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="name">Derived name, e.g. <c>reshape3</c>.</param>
    /// <param name="shape">Shape of one item.</param>
    public Reshape(string name, int[] shape)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        itemShape = (int[])shape.Clone();
    }

    /// <summary>Shape of one item.</summary>
    public IReadOnlyList<int> ItemShape => itemShape;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Dim(0);
        Span<int> dims = stackalloc int[itemShape.Length + 1];
        dims[0] = n;
        itemShape.CopyTo(dims[1..]);
        if (n * Shapes.ShapeMath.Elements(itemShape) != x.Length)
        {
            throw new ArgumentException($"Reshape '{Name}' cannot view {x} as (N, {string.Join(", ", itemShape)}).", nameof(x));
        }

        inputShape = x.Shape;
        return output.AliasOf(x, dims);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        return gradInput.AliasOf(gradOutput, inputShape);
    }
}

/// <summary>Flattens each batch item to a vector.</summary>
public sealed class Flatten(string name) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private int[] inputShape = [];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        inputShape = x.Shape;
        return output.AliasOf(x, [x.Dim(0), x.ItemLength]);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        return gradInput.AliasOf(gradOutput, inputShape);
    }
}
