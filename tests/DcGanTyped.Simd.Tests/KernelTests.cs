using System.Numerics;
using DcGanTyped.Simd.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static DcGanTyped.Simd.Tests.TestUtil;

namespace DcGanTyped.Simd.Tests;

/// <summary>Fast elementwise and im2col kernels against their naive siblings.</summary>
public sealed class KernelTests
{
    [Fact]
    public void ElementwiseKernelsMatchNaiveAtEveryLengthAroundTheVectorWidth()
    {
        var rng = new Random(5);
        for (var len = 1; len <= (3 * Vector<float>.Count) + 7; len++)
        {
            var x = Random(rng, 2, len).Span.ToArray();
            x[0] = 0f; // the kink itself
            var dy = Random(rng, 1, len).Span.ToArray();
            var (fast, naive) = (new float[len], new float[len]);
            Elementwise.ReluBackward(x, dy, fast);
            Elementwise.ReluBackwardNaive(x, dy, naive);
            AssertClose(naive, fast, 0, 0, $"ReluBackward length {len}");
            Elementwise.LeakyRelu(x, 0.2f, fast);
            Elementwise.LeakyReluNaive(x, 0.2f, naive);
            AssertClose(naive, fast, 0, 0, $"LeakyRelu length {len}");
            Elementwise.LeakyReluBackward(x, dy, 0.2f, fast);
            Elementwise.LeakyReluBackwardNaive(x, dy, 0.2f, naive);
            AssertClose(naive, fast, 0, 0, $"LeakyReluBackward length {len}");
            Elementwise.SigmoidBackward(x, dy, fast);
            Elementwise.SigmoidBackwardNaive(x, dy, naive);
            AssertClose(naive, fast, 1e-6, 1e-6, $"SigmoidBackward length {len}");
        }
    }

    [Property(MaxTest = 60)]
    public Property Im2ColAndCol2ImMatchNaive() => Prop.ForAll(
        (from n in Gen.Choose(1, 4) from c in Gen.Choose(1, 7) from k in Gen.Choose(1, 5) from s in Gen.Choose(1, 3) from p in Gen.Choose(0, 3)
         from h in Gen.Choose(1, 11) from w in Gen.Choose(1, 11) from seed in Gen.Choose(0, int.MaxValue - 1)
         select (n, c, h, w, k, s, p, seed)).ToArbitrary(),
        t =>
        {
            var g = new ConvGeometry(t.n, t.c, t.h, t.w, t.k, t.s, t.p);
            if (g.Ho <= 0 || g.Wo <= 0)
            {
                return;
            }

            var rng = new Random(t.seed);
            var x = Random(rng, 1, t.n * t.c * t.h * t.w).Span.ToArray();
            var (fast, naive) = (new float[g.Rows * g.Cols], new float[g.Rows * g.Cols]);
            Fill(rng, fast, 1); // stale contents must be overwritten
            Im2Col.Gather(g, x, fast);
            Im2Col.GatherNaive(g, x, naive);
            AssertClose(naive, fast, 0, 0, $"Im2Col {g}");

            var col = Random(rng, 1, g.Rows * g.Cols).Span.ToArray();
            var (xFast, xNaive) = (new float[x.Length], new float[x.Length]);
            Fill(rng, xFast, 1);
            Im2Col.Scatter(g, col, xFast);
            Im2Col.ScatterNaive(g, col, xNaive);
            AssertClose(xNaive, xFast, 1e-5, 1e-5, $"Col2Im {g}");
        });

    [Fact]
    public void ChannelLayoutRoundTrips()
    {
        var rng = new Random(9);
        var x = Random(rng, 1, 3, 5, 7).Span.ToArray();
        var cm = new float[x.Length];
        ChannelLayout.ToChannelMajor(x, 3, 5, 7, cm);
        Assert.Equal(x[(((2 * 5) + 4) * 7) + 6], cm[(((4 * 3) + 2) * 7) + 6]);
        var back = new float[x.Length];
        ChannelLayout.FromChannelMajor(cm, 3, 5, 7, back, default);
        Assert.Equal(x, back);
    }
}
