namespace DcGanTyped.Simd;

/// <summary>
/// A seeded Gaussian random source (xoshiro256** and the Box-Muller transform) for the GaussianNoise layers of one
/// network. Its whole state is four integers, so snapshots can save and restore it and a resumed run draws the
/// same noise.
/// </summary>
public sealed class NoiseSource
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    /// <summary>Creates a source from a seed.</summary>
    public NoiseSource(ulong seed) => Reset(seed);

    /// <summary>Re-seeds the source.</summary>
    public void Reset(ulong seed)
    {
        // SplitMix64 spreads any seed (0 included) over the state, as xoshiro's authors recommend.
        s0 = SplitMix(ref seed);
        s1 = SplitMix(ref seed);
        s2 = SplitMix(ref seed);
        s3 = SplitMix(ref seed);
    }

    /// <summary>The state, for snapshots.</summary>
    public ulong[] GetState() => [s0, s1, s2, s3];

    /// <summary>Restores a state returned by <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("A noise state is four integers, not all zero.", nameof(state));
        }

        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>A uniform double in (0, 1].</summary>
    public double NextUniform() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

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

    private ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
