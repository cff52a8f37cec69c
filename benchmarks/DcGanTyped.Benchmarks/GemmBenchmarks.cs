using BenchmarkDotNet.Attributes;
using DcGanTyped.Simd.Kernels;
using TorchSharp;

namespace DcGanTyped.Benchmarks;

/// <summary>
/// Square 1024 GEMM: the engine's packed kernels against TorchSharp's <c>torch.mm</c> (libtorch's BLAS), both
/// on all cores. GFLOP/s = 2 * 1024^3 / mean time. The Vector512 row runs in software where AVX-512 is absent.
/// </summary>
public class GemmBenchmarks
{
    private const int Size = 1024;
    private float[] a = [];
    private float[] b = [];
    private float[] c = [];
    private torch.Tensor ta = null!;
    private torch.Tensor tb = null!;

    /// <summary>Kernel family of the SIMD rows.</summary>
    [Params("Vector512", "Vector256")]
    public string Kernel { get; set; } = "Vector512";

    /// <summary>Random operands, identical for both engines.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        a = [.. Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble() - 0.5f)];
        b = [.. Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble() - 0.5f)];
        c = new float[Size * Size];
        ta = torch.tensor(a, [Size, Size]);
        tb = torch.tensor(b, [Size, Size]);
    }

    /// <summary>Releases the native tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        ta.Dispose();
        tb.Dispose();
    }

    /// <summary>libtorch's GEMM (the 4 MB result allocation is negligible next to 2 GFLOP).</summary>
    [Benchmark(Baseline = true)]
    public void TorchMm()
    {
        using var r = torch.mm(ta, tb);
    }

    /// <summary>The engine's packed GEMM.</summary>
    [Benchmark]
    public void SimdGemm()
        => Gemm.Multiply(false, false, Size, Size, Size, a, Size, b, Size, c, Size, accumulate: false, Enum.Parse<GemmKernel>(Kernel));
}
