// Elementwise kernels TensorPrimitives has no single call for. Each has a Vector<float> body with a scalar
// remainder and a naive sibling that tests compare against at every length around the vector width.
using System.Numerics;

namespace DcGanTyped.Simd.Kernels;

/// <summary>Activation forward/backward kernels over equal-length spans.</summary>
internal static class Elementwise
{
    /// <summary>dx = y &gt; 0 ? dy : 0 (ReLU backward from its output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var mask = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(mask, new Vector<float>(dy[i..]), Vector<float>.Zero).CopyTo(dx[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            dx[i] = y[i] > 0 ? dy[i] : 0f;
        }
    }

    /// <summary>Naive sibling of <see cref="ReluBackward"/>.</summary>
    public static void ReluBackwardNaive(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            dx[i] = y[i] > 0 ? dy[i] : 0f;
        }
    }

    /// <summary>y = x &gt; 0 ? x : slope * x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * slope).CopyTo(y[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? x[i] : slope * x[i];
        }
    }

    /// <summary>Naive sibling of <see cref="LeakyRelu"/>.</summary>
    public static void LeakyReluNaive(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? x[i] : slope * x[i];
        }
    }

    /// <summary>dx = x &gt; 0 ? dy : slope * dy.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float slope, Span<float> dx)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(dy[i..]);
                var mask = Vector.GreaterThan(new Vector<float>(x[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(mask, g, g * slope).CopyTo(dx[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
        }
    }

    /// <summary>Naive sibling of <see cref="LeakyReluBackward"/>.</summary>
    public static void LeakyReluBackwardNaive(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float slope, Span<float> dx)
    {
        for (var i = 0; i < x.Length; i++)
        {
            dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
        }
    }

    /// <summary>dx = dy * y * (1 - y) (sigmoid backward from its output).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(y[i..]);
                (new Vector<float>(dy[i..]) * v * (Vector<float>.One - v)).CopyTo(dx[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            dx[i] = dy[i] * y[i] * (1f - y[i]);
        }
    }

    /// <summary>Naive sibling of <see cref="SigmoidBackward"/>.</summary>
    public static void SigmoidBackwardNaive(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < y.Length; i++)
        {
            dx[i] = dy[i] * y[i] * (1f - y[i]);
        }
    }
}
