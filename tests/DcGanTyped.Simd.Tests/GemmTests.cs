using System.Numerics;
using DcGanTyped.Simd.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DcGanTyped.Simd.Tests;

/// <summary>
/// Every GEMM micro-kernel (Vector512 even where it runs in software, Vector256, scalar) against the naive triple
/// loop, over all transpose combinations, edge tiles and the KC/MC block boundaries.
/// </summary>
public sealed class GemmTests
{
    // Relative to the sum of |a||b| products, which bounds the float rounding of a K-term dot product.
    private const double Tolerance = 1e-5;

    public static TheoryData<int> Kernels => [(int)GemmKernel.Vector512, (int)GemmKernel.Vector256, (int)GemmKernel.Scalar];

    private static readonly Gen<(int M, int N, int K, bool TA, bool TB, bool Acc, int Seed)> SmallCases =
        from m in Gen.Choose(1, 31)
        from n in Gen.Choose(1, (3 * 16) + 7)
        from k in Gen.Choose(1, 40)
        from ta in ArbMap.Default.GeneratorFor<bool>()
        from tb in ArbMap.Default.GeneratorFor<bool>()
        from acc in ArbMap.Default.GeneratorFor<bool>()
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select (m, n, k, ta, tb, acc, seed);

    [Property(MaxTest = 40)]
    public Property Vector512KernelMatchesNaive() => Prop.ForAll(SmallCases.ToArbitrary(), c => Check(GemmKernel.Vector512, c));

    [Property(MaxTest = 40)]
    public Property Vector256KernelMatchesNaive() => Prop.ForAll(SmallCases.ToArbitrary(), c => Check(GemmKernel.Vector256, c));

    [Property(MaxTest = 40)]
    public Property ScalarKernelMatchesNaive() => Prop.ForAll(SmallCases.ToArbitrary(), c => Check(GemmKernel.Scalar, c));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void BlockBoundariesAndParallelSplitMatchNaive(int kernelId)
    {
        var kernel = (GemmKernel)kernelId;
        // k crosses KC = 256, m crosses MC, n is not a multiple of any tile width; large enough to run in parallel.
        Check(kernel, (150, 77, 300, false, false, false, 11));
        Check(kernel, (70, 133, 260, true, true, true, 12));
    }

    [Fact]
    public void EveryLengthAroundTheVectorWidth()
    {
        var max = (3 * Vector<float>.Count) + 7;
        foreach (var kernel in new[] { GemmKernel.Vector512, GemmKernel.Vector256, GemmKernel.Scalar })
        {
            for (var len = 1; len <= Math.Max(max, 55); len++)
            {
                Check(kernel, (len, len, 3, false, false, false, len));
                Check(kernel, (1, len, len, false, true, false, len));
            }
        }
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply(false, false, 2, 2, 0, [], 1, [], 2, c, 2, accumulate: true);
        Assert.Equal([1f, 2, 3, 4], c);
        Gemm.Multiply(false, false, 2, 2, 0, [], 1, [], 2, c, 2, accumulate: false);
        Assert.Equal([0f, 0, 0, 0], c);
    }

    private static void Check(GemmKernel kernel, (int M, int N, int K, bool TA, bool TB, bool Acc, int Seed) c)
    {
        var rng = new Random(c.Seed);
        var a = TestUtil.Random(rng, 1, c.M * c.K).Span.ToArray();
        var b = TestUtil.Random(rng, 1, c.K * c.N).Span.ToArray();
        var initial = TestUtil.Random(rng, 1, c.M * c.N).Span.ToArray();
        var (lda, ldb) = (c.TA ? c.M : c.K, c.TB ? c.K : c.N);
        var expected = (float[])initial.Clone();
        Gemm.MultiplyNaive(c.TA, c.TB, c.M, c.N, c.K, a, lda, b, ldb, expected, c.N, c.Acc);
        var actual = (float[])initial.Clone();
        Gemm.Multiply(c.TA, c.TB, c.M, c.N, c.K, a, lda, b, ldb, actual, c.N, c.Acc, kernel);
        TestUtil.AssertClose(expected, actual, Tolerance * Math.Sqrt(c.K) * 4, 1e-5, $"{kernel} GEMM {c}");
    }
}
