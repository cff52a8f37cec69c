// Shape contract: x (N, Cin, H, W), weight (Cin, Cout, K, K), bias (Cout); y (N, Cout, Ho, Wo) with
// Ho = (H - 1) S - 2P + K. A transposed convolution is the data gradient of a convolution over y's geometry:
// forward: col = W^T X (Cout*K*K, N*H*W), y = col2im(col); backward: dcol = im2col(dy), dX = W dcol,
// dW += X dcol^T.
using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>2-d transposed convolution (Chainer's Deconvolution2D) computed as one GEMM over the whole batch.</summary>
public sealed class ConvTranspose2d : Layer
{
    private readonly Parameter[] parameters;
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private readonly Tensor col = Tensor.Empty();
    private readonly Tensor inputChannelMajor = Tensor.Empty();
    private readonly Tensor gradChannelMajor = Tensor.Empty();
    private ConvGeometry geometry;
    private int inH;
    private int inW;

    /// <summary>Creates the layer with zero weights.</summary>
    public ConvTranspose2d(string name, int inChannels, int outChannels, int kernel, int stride, int pad, bool bias)
        : base(name)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Pad = pad;
        Weight = new Parameter("weight", inChannels, outChannels, kernel, kernel);
        Bias = bias ? new Parameter("bias", outChannels) : null;
        parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding removed from each side of the output.</summary>
    public int Pad { get; }

    /// <summary>Weight (Cin, Cout, K, K).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias (Cout), or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Dim(1) != InChannels)
        {
            throw new ArgumentException($"ConvTranspose2d '{Name}' expects (N, {InChannels}, H, W) but receives {x}.", nameof(x));
        }

        var n = x.Dim(0);
        (inH, inW) = (x.Dim(2), x.Dim(3));
        var ho = Shapes.ShapeMath.ConvTransposeOutput(inH, Kernel, Stride, Pad);
        var wo = Shapes.ShapeMath.ConvTransposeOutput(inW, Kernel, Stride, Pad);
        geometry = new ConvGeometry(n, OutChannels, ho, wo, Kernel, Stride, Pad);
        var (rows, cols, s) = (geometry.Rows, n * inH * inW, inH * inW);

        inputChannelMajor.Resize(InChannels, cols);
        ChannelLayout.ToChannelMajor(x.Span, n, InChannels, s, inputChannelMajor.Span);

        // col (Cout*K*K x N*H*W) = W^T (Cout*K*K x Cin) * X (Cin x N*H*W)
        col.Resize(rows, cols);
        Gemm.Multiply(true, false, rows, cols, InChannels, Weight.Value.Span, rows, inputChannelMajor.Span, cols, col.Span, cols, accumulate: false);
        output.Resize(n, OutChannels, ho, wo);
        Im2Col.Scatter(geometry, col.Span, output.Span);
        if (Bias is not null)
        {
            ChannelLayout.AddBias(output.Span, n, OutChannels, ho * wo, Bias.Value.Span);
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (inputChannelMajor.Length == 0)
        {
            throw new InvalidOperationException($"ConvTranspose2d '{Name}': Backward before Forward.");
        }

        var n = geometry.N;
        var (rows, cols, s) = (geometry.Rows, n * inH * inW, inH * inW);
        if (Bias is not null)
        {
            ChannelLayout.AccumulateBiasGrad(gradOutput.Span, n, OutChannels, geometry.H * geometry.W, Bias.Grad.Span);
        }

        Im2Col.Gather(geometry, gradOutput.Span, col.Span);

        // dW (Cin x Cout*K*K) += X (Cin x N*H*W) * dcol^T
        Gemm.Multiply(false, true, InChannels, rows, cols, inputChannelMajor.Span, cols, col.Span, cols, Weight.Grad.Span, rows, accumulate: true);

        // dX (Cin x N*H*W) = W (Cin x Cout*K*K) * dcol
        gradChannelMajor.Resize(InChannels, cols);
        Gemm.Multiply(false, false, InChannels, cols, rows, Weight.Value.Span, rows, col.Span, cols, gradChannelMajor.Span, cols, accumulate: false);
        gradInput.Resize(n, InChannels, inH, inW);
        ChannelLayout.FromChannelMajor(gradChannelMajor.Span, n, InChannels, s, gradInput.Span, default);
        return gradInput;
    }
}
