using TorchSharp;
using TT = TorchSharp.torch.Tensor;

namespace DcGanTyped.Simd.Tests;

/// <summary>Conversions to TorchSharp, random data and tolerance checks that report the worst element.</summary>
internal static class TestUtil
{
    /// <summary>A tensor of N(0, scale) values from a seeded generator.</summary>
    public static Tensor Random(Random rng, float scale, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        Fill(rng, t.Span, scale);
        return t;
    }

    /// <summary>Fills with N(0, scale).</summary>
    public static void Fill(Random rng, Span<float> values, float scale)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
    }

    /// <summary>A TorchSharp copy of <paramref name="t"/>, optionally requiring a gradient.</summary>
    public static TT ToTorch(Tensor t, bool requiresGrad = false)
        => torch.tensor(t.Span.ToArray(), [.. t.Shape.Select(d => (long)d)]).requires_grad_(requiresGrad);

    /// <summary>The elements of a TorchSharp tensor.</summary>
    public static float[] ToArray(TT t) => t.detach().contiguous().data<float>().ToArray();

    /// <summary>
    /// Asserts |actual - expected| &lt;= abs + rel * |expected| everywhere, naming the worst element and its
    /// difference on failure.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double abs, double rel, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        var (worst, at, excess) = (0.0, -1, 0.0);
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)actual[i] - expected[i]);
            var over = d - (abs + (rel * Math.Abs(expected[i])));
            if (double.IsNaN(d) || d > worst)
            {
                worst = double.IsNaN(d) ? double.PositiveInfinity : d;
                at = i;
            }

            if (double.IsNaN(d) || over > excess)
            {
                excess = double.IsNaN(over) ? double.PositiveInfinity : over;
            }
        }

        Assert.True(
            excess <= 0,
            $"{what}: max abs diff {worst:G4} at index {at} (expected {(at >= 0 ? expected[at] : 0):G6}, actual {(at >= 0 ? actual[at] : 0):G6}); tolerance {abs:G2} + {rel:G2}*|expected|");
    }

    /// <summary>Compares a TorchSharp tensor with ours.</summary>
    public static void AssertClose(TT expected, Tensor actual, double abs, double rel, string what)
    {
        Assert.Equal(expected.shape, actual.Shape.Select(d => (long)d).ToArray());
        AssertClose(ToArray(expected), actual.Span, abs, rel, what);
    }
}
