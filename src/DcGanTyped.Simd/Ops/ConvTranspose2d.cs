// Shape contract: x (N, Cin, H, W), weight (Cin, Cout, K, K), bias (Cout); y (N, Cout, Ho, Wo) with
// Ho = (H - 1) S - 2P + K. A transposed convolution is the data gradient of a convolution over y's geometry:
// forward: col = W^T X (Cout*K*K, N*H*W), y = col2im(col); backward: dcol = im2col(dy), dX = W dcol,
// dW += X dcol^T.
using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>2-d transposed convolution (Chainer's Deconvolution2D) computed as one GEMM over the whole batch.</summary>
public sealed class ConvTranspose2d : ConvolutionLayer
{
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
        : base(name, inChannels, outChannels, kernel, stride, pad, bias, new Parameter("weight", inChannels, outChannels, kernel, kernel))
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x);

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
