// Shape contract: an image batch x (N, C, H, W) and its column matrix col (C*K*K, N*Ho*Wo), where row
// (c, ky, kx) and column (n, oy, ox) hold x[n, c, oy*S - P + ky, ox*S - P + kx] (zero outside the image) and
// Ho, Wo = ShapeMath.ConvOutput(H, W). Im2Col gathers; Col2Im scatters back, summing overlapping taps.
namespace DcGanTyped.Simd.Kernels;

/// <summary>Geometry of one convolution: input image size, kernel, stride, padding and output size.</summary>
internal readonly record struct ConvGeometry(int N, int C, int H, int W, int K, int S, int P)
{
    /// <summary>Output height.</summary>
    public int Ho => Shapes.ShapeMath.ConvOutput(H, K, S, P);

    /// <summary>Output width.</summary>
    public int Wo => Shapes.ShapeMath.ConvOutput(W, K, S, P);

    /// <summary>Rows of the column matrix.</summary>
    public int Rows => C * K * K;

    /// <summary>Columns of the column matrix.</summary>
    public int Cols => N * Ho * Wo;
}

/// <summary>Column-matrix transforms that turn convolutions into one GEMM each.</summary>
internal static unsafe class Im2Col
{
    [ThreadStatic]
    private static Job? job;

    /// <summary>Fills <paramref name="col"/> (C*K*K x N*Ho*Wo) from <paramref name="x"/> (N, C, H, W), in parallel over rows.</summary>
    public static void Gather(ConvGeometry g, ReadOnlySpan<float> x, Span<float> col)
    {
        Check(g, x.Length, col.Length);
        fixed (float* px = x)
        fixed (float* pc = col)
        {
            Run(g, px, pc, g.Rows, &GatherPart);
        }
    }

    /// <summary>Overwrites <paramref name="x"/> (N, C, H, W) with the sum of the taps in <paramref name="col"/>, in parallel over channels.</summary>
    public static void Scatter(ConvGeometry g, ReadOnlySpan<float> col, Span<float> x)
    {
        Check(g, x.Length, col.Length);
        fixed (float* px = x)
        fixed (float* pc = col)
        {
            Run(g, px, pc, g.C, &ScatterPart);
        }
    }

    // Runs part over at most `units` chunks with this thread's reusable job (no allocation per call).
    private static void Run(ConvGeometry g, float* x, float* col, int units, delegate*<object, int, int, void> part)
    {
        var j = job ??= new Job();
        j.G = g;
        j.X = x;
        j.Col = col;
        WorkerPool.Run(Math.Min(WorkerPool.Parallelism, units), j, part);
    }

    /// <summary>Naive sibling of <see cref="Gather"/>.</summary>
    public static void GatherNaive(ConvGeometry g, ReadOnlySpan<float> x, Span<float> col)
    {
        var (ho, wo) = (g.Ho, g.Wo);
        for (var c = 0; c < g.C; c++)
        for (var ky = 0; ky < g.K; ky++)
        for (var kx = 0; kx < g.K; kx++)
        for (var n = 0; n < g.N; n++)
        for (var oy = 0; oy < ho; oy++)
        for (var ox = 0; ox < wo; ox++)
        {
            var (iy, ix) = ((oy * g.S) - g.P + ky, (ox * g.S) - g.P + kx);
            var row = (((c * g.K) + ky) * g.K) + kx;
            var column = (((n * ho) + oy) * wo) + ox;
            col[(row * g.Cols) + column] = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W ? x[(((((n * g.C) + c) * g.H) + iy) * g.W) + ix] : 0f;
        }
    }

    /// <summary>Naive sibling of <see cref="Scatter"/>.</summary>
    public static void ScatterNaive(ConvGeometry g, ReadOnlySpan<float> col, Span<float> x)
    {
        var (ho, wo) = (g.Ho, g.Wo);
        x[..(g.N * g.C * g.H * g.W)].Clear();
        for (var c = 0; c < g.C; c++)
        for (var ky = 0; ky < g.K; ky++)
        for (var kx = 0; kx < g.K; kx++)
        for (var n = 0; n < g.N; n++)
        for (var oy = 0; oy < ho; oy++)
        for (var ox = 0; ox < wo; ox++)
        {
            var (iy, ix) = ((oy * g.S) - g.P + ky, (ox * g.S) - g.P + kx);
            if (iy >= 0 && iy < g.H && ix >= 0 && ix < g.W)
            {
                var row = (((c * g.K) + ky) * g.K) + kx;
                var column = (((n * ho) + oy) * wo) + ox;
                x[(((((n * g.C) + c) * g.H) + iy) * g.W) + ix] += col[(row * g.Cols) + column];
            }
        }
    }

    private static void Check(ConvGeometry g, int xLength, int colLength)
    {
        if (g.Ho <= 0 || g.Wo <= 0 || xLength < g.N * g.C * g.H * g.W || colLength < (long)g.Rows * g.Cols)
        {
            throw new ArgumentException($"Buffers do not fit the convolution geometry {g}.");
        }
    }

    // The valid output range [lo, hi) for kernel offset kk: positions whose input index o*S - P + kk lies in [0, size).
    private static (int Lo, int Hi) Valid(int kk, int size, int outSize, int s, int p)
    {
        var lo = Math.Min(outSize, Math.Max(0, (p - kk + s - 1) / s));
        var hi = Math.Min(outSize, ((size - 1 + p - kk) / s) + 1);
        if (size - 1 + p - kk < 0)
        {
            hi = 0;
        }

        return (lo, Math.Max(lo, hi));
    }

    private static void GatherPart(object state, int index, int count)
    {
        var j = (Job)state;
        var g = j.G;
        var (ho, wo) = (g.Ho, g.Wo);
        var (r0, r1) = WorkerPool.Range(index, count, g.Rows);
        for (var row = r0; row < r1; row++)
        {
            var c = row / (g.K * g.K);
            var ky = row / g.K % g.K;
            var kx = row % g.K;
            var (xLo, xHi) = Valid(kx, g.W, wo, g.S, g.P);
            var dst = j.Col + ((long)row * g.Cols);
            for (var n = 0; n < g.N; n++)
            {
                var plane = j.X + ((long)((n * g.C) + c) * g.H * g.W);
                for (var oy = 0; oy < ho; oy++, dst += wo)
                {
                    var iy = (oy * g.S) - g.P + ky;
                    if (iy < 0 || iy >= g.H)
                    {
                        new Span<float>(dst, wo).Clear();
                        continue;
                    }

                    var src = plane + (iy * g.W) - g.P + kx;
                    new Span<float>(dst, xLo).Clear();
                    if (g.S == 1)
                    {
                        new ReadOnlySpan<float>(src + xLo, xHi - xLo).CopyTo(new Span<float>(dst + xLo, xHi - xLo));
                    }
                    else
                    {
                        for (var ox = xLo; ox < xHi; ox++)
                        {
                            dst[ox] = src[ox * g.S];
                        }
                    }

                    new Span<float>(dst + xHi, wo - xHi).Clear();
                }
            }
        }
    }

    private static void ScatterPart(object state, int index, int count)
    {
        var j = (Job)state;
        var g = j.G;
        var (ho, wo) = (g.Ho, g.Wo);
        var (c0, c1) = WorkerPool.Range(index, count, g.C);
        for (var c = c0; c < c1; c++)
        {
            for (var n = 0; n < g.N; n++)
            {
                new Span<float>(j.X + ((long)((n * g.C) + c) * g.H * g.W), g.H * g.W).Clear();
            }

            for (var ky = 0; ky < g.K; ky++)
            for (var kx = 0; kx < g.K; kx++)
            {
                var row = (((c * g.K) + ky) * g.K) + kx;
                var (xLo, xHi) = Valid(kx, g.W, wo, g.S, g.P);
                var src = j.Col + ((long)row * g.Cols);
                for (var n = 0; n < g.N; n++)
                {
                    var plane = j.X + ((long)((n * g.C) + c) * g.H * g.W);
                    for (var oy = 0; oy < ho; oy++, src += wo)
                    {
                        var iy = (oy * g.S) - g.P + ky;
                        if (iy < 0 || iy >= g.H || xHi <= xLo)
                        {
                            continue;
                        }

                        var dst = plane + (iy * g.W) - g.P + kx;
                        if (g.S == 1)
                        {
                            var d = new Span<float>(dst + xLo, xHi - xLo);
                            System.Numerics.Tensors.TensorPrimitives.Add(d, new ReadOnlySpan<float>(src + xLo, xHi - xLo), d);
                        }
                        else
                        {
                            for (var ox = xLo; ox < xHi; ox++)
                            {
                                dst[ox * g.S] += src[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    private sealed class Job
    {
        public ConvGeometry G;
        public float* X;
        public float* Col;
    }
}
