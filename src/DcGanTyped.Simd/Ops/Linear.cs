// Shape contract: x (N, ...) with inFeatures elements per item (flattened, as Chainer's Linear does),
// weight (out, in), bias (out); y (N, out). dx has x's shape.
using System.Numerics.Tensors;
using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>Fully connected layer: y = x W^T + b.</summary>
public sealed class Linear : Layer
{
    private readonly Parameter[] parameters;
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private Tensor? input;

    /// <summary>Creates the layer with zero weights (see <see cref="SimdNetwork.InitializeWeights"/>).</summary>
    public Linear(string name, int inFeatures, int outFeatures, bool bias)
        : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter("weight", outFeatures, inFeatures);
        Bias = bias ? new Parameter("bias", outFeatures) : null;
        parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight (out, in).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias (out), or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Dim(0);
        if (x.Length != n * InFeatures)
        {
            throw new ArgumentException($"Linear '{Name}' expects {InFeatures} inputs per item but receives {x}.", nameof(x));
        }

        input = x;
        output.Resize(n, OutFeatures);
        Gemm.Multiply(false, true, n, OutFeatures, InFeatures, x.Span, InFeatures, Weight.Value.Span, InFeatures, output.Span, OutFeatures, accumulate: false);
        if (Bias is not null)
        {
            for (var i = 0; i < n; i++)
            {
                var row = output.Span.Slice(i * OutFeatures, OutFeatures);
                TensorPrimitives.Add(row, Bias.Value.Span, row);
            }
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        var x = input ?? throw new InvalidOperationException($"Linear '{Name}': Backward before Forward.");
        var n = x.Dim(0);
        var dy = gradOutput.Span;

        // dW (out x in) += dy^T (out x N) * x (N x in)
        Gemm.Multiply(true, false, OutFeatures, InFeatures, n, dy, OutFeatures, x.Span, InFeatures, Weight.Grad.Span, InFeatures, accumulate: true);
        if (Bias is not null)
        {
            for (var i = 0; i < n; i++)
            {
                TensorPrimitives.Add(Bias.Grad.Span, dy.Slice(i * OutFeatures, OutFeatures), Bias.Grad.Span);
            }
        }

        // dx (N x in) = dy (N x out) * W (out x in)
        gradInput.ResizeLike(x);
        Gemm.Multiply(false, false, n, InFeatures, OutFeatures, dy, OutFeatures, Weight.Value.Span, InFeatures, gradInput.Span, InFeatures, accumulate: false);
        return gradInput;
    }
}
