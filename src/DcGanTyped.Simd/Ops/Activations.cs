// Shape contract: elementwise; y and dx have x's shape. ReLU and Sigmoid differentiate from their output,
// LeakyReLU from its input.
using System.Numerics.Tensors;
using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>Rectified linear unit.</summary>
public sealed class ReLU(string name) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        TensorPrimitives.Max(x.Span, 0f, output.ResizeLike(x).Span);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        Elementwise.ReluBackward(output.Span, gradOutput.Span, gradInput.ResizeLike(output).Span);
        return gradInput;
    }
}

/// <summary>Leaky rectified linear unit: x for x &gt; 0, slope * x otherwise.</summary>
public sealed class LeakyReLU(string name, float slope) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private Tensor? input;

    /// <summary>Slope for negative inputs.</summary>
    public float Slope { get; } = slope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        input = x;
        Elementwise.LeakyRelu(x.Span, Slope, output.ResizeLike(x).Span);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        var x = input ?? throw new InvalidOperationException($"LeakyReLU '{Name}': Backward before Forward.");
        Elementwise.LeakyReluBackward(x.Span, gradOutput.Span, Slope, gradInput.ResizeLike(x).Span);
        return gradInput;
    }
}

/// <summary>Logistic sigmoid.</summary>
public sealed class Sigmoid(string name) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        TensorPrimitives.Sigmoid(x.Span, output.ResizeLike(x).Span);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        Elementwise.SigmoidBackward(output.Span, gradOutput.Span, gradInput.ResizeLike(output).Span);
        return gradInput;
    }
}
