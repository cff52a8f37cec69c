using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>
/// A seeded Gaussian random source (<see cref="Xoshiro256"/> and the Box-Muller transform) for the GaussianNoise
/// layers of one network. Its whole state is the generator's four integers, so snapshots can save and restore it
/// and a resumed run draws the same noise.
/// </summary>
/// <remarks>
/// Samples 2k and 2k + 1 come from one Box-Muller pair fed by draws 2k (the radius) and 2k + 1 (the angle) of
/// the stream; an odd tail uses a whole pair and keeps its cosine half. The draws are sequential and cheap, the
/// transform (a logarithm, a sine-cosine and a square root in double precision per pair) is not, so a fill first
/// copies the draws into a scratch buffer and then transforms the pairs in parallel chunks on the worker pool.
/// Each pair depends only on its own two draws, so the samples are bit for bit those of a one-pair-at-a-time loop
/// on any number of threads.
/// </remarks>
public sealed unsafe class NoiseSource
{
    // Below this many pairs the transform stays on the calling thread: a pool call costs a few microseconds.
    private const int ParallelPairs = 2048;

    private readonly Xoshiro256 rng;

    // Raw 64-bit draws of the current fill; grows to the largest fill and is then reused (no allocation per step).
    private ulong[] draws = [];

    // The running parallel fill's arguments, read by the pool's chunks; set and cleared around WorkerPool.Run,
    // during which the buffers are pinned.
    private ulong* fillDraws;
    private float* fillDestination;
    private float* fillAddend;
    private int fillLength;
    private float fillSigma;

    /// <summary>Creates a source from a seed.</summary>
    public NoiseSource(ulong seed) => rng = new Xoshiro256(seed);

    /// <summary>Re-seeds the source.</summary>
    public void Reset(ulong seed) => rng.Reset(seed);

    /// <summary>The state (the generator's four words), for snapshots.</summary>
    public ulong[] GetState() => rng.GetState();

    /// <summary>Restores a state returned by <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">The state is not four integers or is all zero.</exception>
    public void SetState(ReadOnlySpan<ulong> state) => rng.SetState(state);

    /// <summary>A uniform double in (0, 1], so that Box-Muller's logarithm stays finite.</summary>
    public double NextUniform() => ToUniform(rng.NextUInt64());

    /// <summary>Fills <paramref name="destination"/> with N(0, sigma) samples.</summary>
    public void FillNormal(Span<float> destination, float sigma) => Fill(default, destination, sigma);

    /// <summary>
    /// Writes <paramref name="source"/> plus N(0, sigma) noise to <paramref name="destination"/> (which may be
    /// <paramref name="source"/> itself), drawing exactly the samples <see cref="FillNormal"/> would: the result is
    /// bit for bit a <see cref="FillNormal"/> followed by a single-precision add.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void AddNormal(ReadOnlySpan<float> source, Span<float> destination, float sigma)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException(
                $"The source has {source.Length} values but the destination {destination.Length}.", nameof(destination));
        }

        if (destination.IsEmpty)
        {
            return;
        }

        Fill(source, destination, sigma);
    }

    private void Fill(ReadOnlySpan<float> addend, Span<float> destination, float sigma)
    {
        var pairs = (destination.Length + 1) / 2;
        var count = 2 * pairs;
        if (draws.Length < count)
        {
            draws = new ulong[count];
        }

        // Sequential: this is the stream order the snapshots' state refers to.
        var buffer = draws.AsSpan(0, count);
        rng.Fill(buffer);

        fixed (ulong* d = buffer)
        fixed (float* y = destination)
        fixed (float* x = addend)
        {
            var chunks = WorkerPool.Parallelism;
            if (pairs < ParallelPairs || chunks == 1)
            {
                Transform(d, y, x, destination.Length, sigma, 0, pairs);
                return;
            }

            fillDraws = d;
            fillDestination = y;
            fillAddend = x;
            fillLength = destination.Length;
            fillSigma = sigma;
            try
            {
                WorkerPool.Run(chunks, this, &TransformChunk);
            }
            finally
            {
                fillDraws = null;
                fillDestination = null;
                fillAddend = null;
            }
        }
    }

    private static void TransformChunk(object state, int index, int count)
    {
        var source = (NoiseSource)state;
        var (start, end) = WorkerPool.Range(index, count, (source.fillLength + 1) / 2);
        Transform(source.fillDraws, source.fillDestination, source.fillAddend, source.fillLength, source.fillSigma, start, end);
    }

    /// <summary>Box-Muller on pairs [<paramref name="start"/>, <paramref name="end"/>); <paramref name="addend"/> may be null.</summary>
    private static void Transform(ulong* draws, float* destination, float* addend, int length, float sigma, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            var r = Math.Sqrt(-2.0 * Math.Log(ToUniform(draws[2 * k])));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * ToUniform(draws[(2 * k) + 1]));
            var i = 2 * k;

            // The sample is rounded to float first and then added in float, as a fill followed by an add would.
            var a = (float)(r * cos * sigma);
            destination[i] = addend == null ? a : addend[i] + a;
            if (i + 1 < length)
            {
                var b = (float)(r * sin * sigma);
                destination[i + 1] = addend == null ? b : addend[i + 1] + b;
            }
        }
    }

    private static double ToUniform(ulong bits) => ((bits >> 11) + 1) * (1.0 / (1UL << 53));
}
