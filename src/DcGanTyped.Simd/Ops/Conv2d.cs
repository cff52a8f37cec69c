// Shape contract: x (N, Cin, H, W), weight (Cout, Cin, K, K), bias (Cout); y (N, Cout, Ho, Wo) with
// Ho = (H + 2P - K) / S + 1. Forward: col = im2col(x) (Cin*K*K, N*Ho*Wo); Y = W col; backward:
// dW += dY col^T, dcol = W^T dY, dx = col2im(dcol).
using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>2-d convolution computed as one GEMM over the whole batch.</summary>
public sealed class Conv2d : ConvolutionLayer
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private readonly Tensor col = Tensor.Empty();
    private readonly Tensor channelMajor = Tensor.Empty();
    private ConvGeometry geometry;
    private Tensor? input;

    /// <summary>Creates the layer with zero weights.</summary>
    public Conv2d(string name, int inChannels, int outChannels, int kernel, int stride, int pad, bool bias)
        : base(name, inChannels, outChannels, kernel, stride, pad, bias, new Parameter("weight", outChannels, inChannels, kernel, kernel))
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        CheckInput(x);

        input = x;
        geometry = new ConvGeometry(x.Dim(0), InChannels, x.Dim(2), x.Dim(3), Kernel, Stride, Pad);
        var (rows, cols, s) = (geometry.Rows, geometry.Cols, geometry.Ho * geometry.Wo);
        col.Resize(rows, cols);
        Im2Col.Gather(geometry, x.Span, col.Span);

        // Y (Cout x N*S) = W (Cout x Cin*K*K) * col
        channelMajor.Resize(OutChannels, cols);
        Gemm.Multiply(false, false, OutChannels, cols, rows, Weight.Value.Span, rows, col.Span, cols, channelMajor.Span, cols, accumulate: false);
        output.Resize(geometry.N, OutChannels, geometry.Ho, geometry.Wo);
        ChannelLayout.FromChannelMajor(channelMajor.Span, geometry.N, OutChannels, s, output.Span, Bias is null ? default : Bias.Value.Span);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        var x = input ?? throw new InvalidOperationException($"Conv2d '{Name}': Backward before Forward.");
        var (rows, cols, s) = (geometry.Rows, geometry.Cols, geometry.Ho * geometry.Wo);
        if (Bias is not null)
        {
            ChannelLayout.AccumulateBiasGrad(gradOutput.Span, geometry.N, OutChannels, s, Bias.Grad.Span);
        }

        // dY in channel-major layout (Cout x N*S), reusing the forward's buffer.
        ChannelLayout.ToChannelMajor(gradOutput.Span, geometry.N, OutChannels, s, channelMajor.Span);

        // dW (Cout x Cin*K*K) += dY * col^T
        Gemm.Multiply(false, true, OutChannels, rows, cols, channelMajor.Span, cols, col.Span, cols, Weight.Grad.Span, rows, accumulate: true);

        // dcol (Cin*K*K x N*S) = W^T * dY, overwriting col, which is no longer needed.
        Gemm.Multiply(true, false, rows, cols, OutChannels, Weight.Value.Span, rows, channelMajor.Span, cols, col.Span, cols, accumulate: false);
        gradInput.ResizeLike(x);
        Im2Col.Scatter(geometry, col.Span, gradInput.Span);
        return gradInput;
    }
}
