// Shape contract: C[m x n] = (accumulate ? C : 0) + op(A)[m x k] * op(B)[k x n], all row-major with leading
// dimensions lda/ldb/ldc; op(X) is X or its transpose. This is the one GEMM every Linear and convolution uses.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DcGanTyped.Simd.Kernels;

/// <summary>The micro-kernel family a GEMM call uses.</summary>
internal enum GemmKernel
{
    /// <summary>4x4 scalar tile.</summary>
    Scalar,

    /// <summary>6x16 tile of Vector256 (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>8x32 tile of Vector512 (AVX-512); runs in software where not accelerated.</summary>
    Vector512,
}

/// <summary>
/// Packed, cache-blocked GEMM in the BLIS style: B is packed per (KC x NC) block into NR-wide panels, A per
/// (MC x KC) block into MR-high panels, and a register-blocked micro-kernel multiplies panel pairs. Large calls
/// are cut along the longer of m and n across <see cref="WorkerPool"/>; each thread packs into its own buffers.
/// </summary>
internal static unsafe class Gemm
{
    private const int KC = 256;
    private const int NC = 4096;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long ParallelThreshold = 1L << 18;

    [ThreadStatic]
    private static float* packA;

    [ThreadStatic]
    private static float* packB;

    [ThreadStatic]
    private static GemmJob? job;

    /// <summary>The fastest kernel this process can run in hardware.</summary>
    public static GemmKernel Default { get; } =
        Vector512.IsHardwareAccelerated ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernel.Vector256
        : GemmKernel.Scalar;

    /// <summary>Multiplies spans; see the file header for the contract.</summary>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        bool accumulate, GemmKernel? kernel = null, bool parallel = true)
    {
        CheckExtent(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckExtent(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckExtent(c.Length, m, n, ldc, nameof(c));
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Multiply(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, kernel ?? Default, parallel);
        }
    }

    /// <summary>Multiplies pinned buffers; see the file header for the contract.</summary>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc,
        bool accumulate, GemmKernel kernel, bool parallel)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                for (var i = 0; i < m; i++)
                {
                    new Span<float>(c + ((long)i * ldc), n).Clear();
                }
            }

            return;
        }

        var g = job ??= new GemmJob();
        g.TransA = transA;
        g.TransB = transB;
        g.M = m;
        g.N = n;
        g.K = k;
        g.A = a;
        g.Lda = lda;
        g.B = b;
        g.Ldb = ldb;
        g.C = c;
        g.Ldc = ldc;
        g.Accumulate = accumulate;
        g.Kernel = kernel;
        var (mr, nr) = Tile(kernel);
        var parts = parallel && (long)m * n * k >= ParallelThreshold ? WorkerPool.Parallelism : 1;
        // Cutting along n duplicates the packing of A (m x k) in every part, along m that of B (k x n): cut the longer.
        g.SplitColumns = n >= m;
        if (parts > 1 && (g.SplitColumns ? n < parts * nr : m < parts * mr))
        {
            g.SplitColumns = !g.SplitColumns;
            if (g.SplitColumns ? n < parts * nr : m < parts * mr)
            {
                parts = 1;
            }
        }

        WorkerPool.Run(parts, g, &RunPart);
    }

    /// <summary>The naive sibling: a triple loop with double accumulation, the reference for tests.</summary>
    public static void MultiplyNaive(
        bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = accumulate ? c[(i * ldc) + j] : 0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    var bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += (double)av * bv;
                }

                c[(i * ldc) + j] = (float)sum;
            }
        }
    }

    /// <summary>Register tile (rows, columns) of a kernel.</summary>
    public static (int MR, int NR) Tile(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Vector512 => (8, 32),
        GemmKernel.Vector256 => (6, 16),
        _ => (4, 4),
    };

    private static void CheckExtent(int length, int rows, int cols, int ld, string name)
    {
        if (rows > 0 && cols > 0 && (ld < cols || ((long)(rows - 1) * ld) + cols > length))
        {
            throw new ArgumentException($"Matrix {name} ({rows} x {cols}, leading dimension {ld}) does not fit in {length} elements.", name);
        }
    }

    private static void RunPart(object state, int index, int count)
    {
        var g = (GemmJob)state;
        var (mr, nr) = Tile(g.Kernel);
        if (g.SplitColumns)
        {
            var (j0, j1) = WorkerPool.Range(index, count, g.N, nr);
            Block(g, 0, g.M, j0, j1);
        }
        else
        {
            var (i0, i1) = WorkerPool.Range(index, count, g.M, mr);
            Block(g, i0, i1, 0, g.N);
        }
    }

    private static void Block(GemmJob g, int i0, int i1, int j0, int j1)
    {
        var kernel = g.Kernel;
        var (mr, nr) = Tile(kernel);
        var mc = mr * (kernel == GemmKernel.Vector256 ? 24 : 16);
        delegate*<int, float*, float*, float*, int, bool, void> micro = kernel switch
        {
            GemmKernel.Vector512 => &GemmMicroKernels.Vector512Kernel8x32,
            GemmKernel.Vector256 => &GemmMicroKernels.Vector256Kernel6x16,
            _ => &GemmMicroKernels.Scalar4x4,
        };

        // Sized for the widest tile, once per thread, on the pinned heap so the kernels can hold raw pointers.
        if (packA == null)
        {
            packA = (float*)NativeBuffers.Allocate(16 * 24 * KC);
            packB = (float*)NativeBuffers.Allocate(KC * (NC + 32));
        }

        var ap = packA;
        var bp = packB;
        var edge = stackalloc float[8 * 32];
        for (var jc = j0; jc < j1; jc += NC)
        {
            var nc = Math.Min(NC, j1 - jc);
            for (var pc = 0; pc < g.K; pc += KC)
            {
                var kc = Math.Min(KC, g.K - pc);
                PackB(g, pc, kc, jc, nc, nr, bp);
                var accumulate = g.Accumulate || pc > 0;
                for (var ic = i0; ic < i1; ic += mc)
                {
                    var mcEff = Math.Min(mc, i1 - ic);
                    PackA(g, ic, mcEff, pc, kc, mr, ap);
                    for (var jr = 0; jr < nc; jr += nr)
                    {
                        var nrEff = Math.Min(nr, nc - jr);
                        for (var ir = 0; ir < mcEff; ir += mr)
                        {
                            var mrEff = Math.Min(mr, mcEff - ir);
                            var c = g.C + ((long)(ic + ir) * g.Ldc) + jc + jr;
                            if (mrEff == mr && nrEff == nr)
                            {
                                micro(kc, ap + (ir * kc), bp + (jr * kc), c, g.Ldc, accumulate);
                            }
                            else
                            {
                                micro(kc, ap + (ir * kc), bp + (jr * kc), edge, nr, false);
                                for (var r = 0; r < mrEff; r++)
                                {
                                    var src = new ReadOnlySpan<float>(edge + (r * nr), nrEff);
                                    var dst = new Span<float>(c + ((long)r * g.Ldc), nrEff);
                                    if (accumulate)
                                    {
                                        System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
                                    }
                                    else
                                    {
                                        src.CopyTo(dst);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Packs rows [ic, ic + mc) x depth [pc, pc + kc) of op(A) into MR-high panels: panel-major, then k, then row;
    // rows past the edge are zero so the micro-kernel never branches.
    private static void PackA(GemmJob g, int ic, int mc, int pc, int kc, int mr, float* dst)
        => PackPanels(g.A, g.Lda, alongPanel: g.TransA, ic, mc, pc, kc, mr, dst);

    // Packs depth [pc, pc + kc) x columns [jc, jc + nc) of op(B) into NR-wide panels, zero-padded at the edge.
    private static void PackB(GemmJob g, int pc, int kc, int jc, int nc, int nr, float* dst)
        => PackPanels(g.B, g.Ldb, alongPanel: !g.TransB, jc, nc, pc, kc, nr, dst);

    // The packing both operands share. Panels of `width` cells cover [start, start + count) and run over depth
    // [pc, pc + kc); dst holds panel after panel, each k step's `width` cells together. When `alongPanel`, the
    // cells of one k step are contiguous in the source (row pc + p at offset start); otherwise each cell is a
    // source row (start + cell) read along its depth.
    private static void PackPanels(float* source, int ld, bool alongPanel, int start, int count, int pc, int kc, int width, float* dst)
    {
        for (var first = 0; first < count; first += width)
        {
            var cells = Math.Min(width, count - first);
            if (alongPanel)
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = new ReadOnlySpan<float>(source + ((long)(pc + p) * ld) + start + first, cells);
                    var d = new Span<float>(dst + (p * width), width);
                    src.CopyTo(d);
                    d[cells..].Clear();
                }
            }
            else
            {
                for (var cell = 0; cell < width; cell++)
                {
                    if (cell < cells)
                    {
                        var src = source + ((long)(start + first + cell) * ld) + pc;
                        for (var p = 0; p < kc; p++)
                        {
                            dst[(p * width) + cell] = src[p];
                        }
                    }
                    else
                    {
                        for (var p = 0; p < kc; p++)
                        {
                            dst[(p * width) + cell] = 0;
                        }
                    }
                }
            }

            dst += width * kc;
        }
    }

    /// <summary>Arguments of one call, kept in a per-thread object so dispatching to the pool allocates nothing.</summary>
    private sealed class GemmJob
    {
        public bool TransA;
        public bool TransB;
        public int M;
        public int N;
        public int K;
        public float* A;
        public int Lda;
        public float* B;
        public int Ldb;
        public float* C;
        public int Ldc;
        public bool Accumulate;
        public GemmKernel Kernel;
        public bool SplitColumns;
    }
}
