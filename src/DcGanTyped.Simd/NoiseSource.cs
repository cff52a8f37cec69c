namespace DcGanTyped.Simd;

/// <summary>
/// A seeded Gaussian random source (<see cref="Xoshiro256"/> and the Box-Muller transform) for the GaussianNoise
/// layers of one network. Its whole state is the generator's four integers, so snapshots can save and restore it
/// and a resumed run draws the same noise.
/// </summary>
public sealed class NoiseSource
{
    private readonly Xoshiro256 rng;

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
    public double NextUniform() => ((rng.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="destination"/> with N(0, sigma) samples.</summary>
    public void FillNormal(Span<float> destination, float sigma)
    {
        var i = 0;
        for (; i + 1 < destination.Length; i += 2)
        {
            var (a, b) = NextPair();
            destination[i] = (float)(a * sigma);
            destination[i + 1] = (float)(b * sigma);
        }

        if (i < destination.Length)
        {
            destination[i] = (float)(NextPair().A * sigma);
        }
    }

    private (double A, double B) NextPair()
    {
        var r = Math.Sqrt(-2.0 * Math.Log(NextUniform()));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * NextUniform());
        return (r * cos, r * sin);
    }
}
