// Shape contract: batch-major (N, C, S) <-> channel-major (C, N*S), where S is the spatial size. Convolutions run
// their GEMM on channel-major matrices so a whole batch is one multiplication.
using System.Numerics.Tensors;

namespace DcGanTyped.Simd.Kernels;

/// <summary>Transposes between batch-major and channel-major layouts, and per-channel bias work.</summary>
internal static class ChannelLayout
{
    /// <summary>dst[c, n*S + s] = src[n, c, s].</summary>
    public static void ToChannelMajor(ReadOnlySpan<float> src, int n, int c, int s, Span<float> dst)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                src.Slice(((i * c) + ch) * s, s).CopyTo(dst.Slice(((ch * n) + i) * s, s));
            }
        }
    }

    /// <summary>dst[n, c, s] = src[c, n*S + s] (+ bias[c] when given).</summary>
    public static void FromChannelMajor(ReadOnlySpan<float> src, int n, int c, int s, Span<float> dst, ReadOnlySpan<float> bias)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                var from = src.Slice(((ch * n) + i) * s, s);
                var to = dst.Slice(((i * c) + ch) * s, s);
                if (bias.IsEmpty)
                {
                    from.CopyTo(to);
                }
                else
                {
                    TensorPrimitives.Add(from, bias[ch], to);
                }
            }
        }
    }

    /// <summary>Adds bias[c] to every element of channel c of x (N, C, S).</summary>
    public static void AddBias(Span<float> x, int n, int c, int s, ReadOnlySpan<float> bias)
    {
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                var seg = x.Slice(((i * c) + ch) * s, s);
                TensorPrimitives.Add(seg, bias[ch], seg);
            }
        }
    }

    /// <summary>grad[c] += sum over n and s of dy[n, c, s].</summary>
    public static void AccumulateBiasGrad(ReadOnlySpan<float> dy, int n, int c, int s, Span<float> grad)
    {
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += TensorPrimitives.Sum(dy.Slice(((i * c) + ch) * s, s));
            }

            grad[ch] += (float)sum;
        }
    }
}
