using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DcGanTyped.Simd.Tests;

/// <summary>
/// The parallel fill must give exactly the samples and leave exactly the state of the one-pair-at-a-time
/// Box-Muller loop it replaced (snapshots resume from that state), at every length around the parallel threshold,
/// odd and even, with and without the fused add, on any thread count. The tolerance is 0: compared as bits.
/// </summary>
[Collection(nameof(ThreadCountCollection))]
public sealed class NoiseSourceParallelTests
{
    [Property(MaxTest = 40)]
    public Property Fill_and_fused_add_match_the_sequential_loop(PositiveInt size, ulong seed, bool add)
    {
        // Up to about 20000 values: below and well above the 2048-pair threshold of the parallel path.
        var length = 1 + (size.Get * 997 % 20000);
        var (equal, message) = Compare(length, seed, add);
        return equal.Label($"length {length}, seed {seed}, add {add}: {message}");
    }

    [Fact]
    public void Lengths_around_the_parallel_threshold_on_one_two_and_three_threads_match_the_sequential_loop()
    {
        var before = SimdEngine.Threads;
        try
        {
            foreach (var threads in new[] { 1, 2, 3 })
            {
                SimdEngine.Threads = threads;
                foreach (var length in new[] { 0, 1, 2, 3, 4095, 4096, 4097, 4098, 4099, 12345, 65536 })
                {
                    foreach (var add in new[] { false, true })
                    {
                        var (equal, message) = Compare(length, (ulong)(length + threads), add);
                        Assert.True(equal, $"{threads} threads, length {length}, add {add}: {message}");
                    }
                }
            }
        }
        finally
        {
            SimdEngine.Threads = before;
        }
    }

    [Fact]
    public void The_fused_add_checks_lengths_and_may_write_in_place()
    {
        var noise = new NoiseSource(3);
        Assert.Throws<ArgumentException>(() => noise.AddNormal(new float[4], new float[5], 1f));

        var values = Enumerable.Range(0, 5001).Select(i => i * 0.01f).ToArray();
        var expected = new float[values.Length];
        new NoiseSource(3).AddNormal(values, expected, 0.2f);
        noise.AddNormal(values, values, 0.2f);
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), values.Select(BitConverter.SingleToUInt32Bits));
    }

    private static (bool Equal, string Message) Compare(int length, ulong seed, bool add)
    {
        const float sigma = 0.3f;
        var x = Enumerable.Range(0, length).Select(i => MathF.Sin(i) * 2f).ToArray();
        var expected = Reference(length, seed, sigma, out var expectedState);
        if (add)
        {
            for (var i = 0; i < length; i++)
            {
                expected[i] += x[i];
            }
        }

        var noise = new NoiseSource(seed);
        var actual = new float[length];
        if (add)
        {
            noise.AddNormal(x, actual, sigma);
        }
        else
        {
            noise.FillNormal(actual, sigma);
        }

        var mismatch = Enumerable.Range(0, length).FirstOrDefault(i => BitConverter.SingleToUInt32Bits(actual[i]) != BitConverter.SingleToUInt32Bits(expected[i]), -1);
        var maxDiff = length == 0 ? 0 : Enumerable.Range(0, length).Max(i => Math.Abs(actual[i] - expected[i]));
        var stateEqual = noise.GetState().SequenceEqual(expectedState);
        return (mismatch < 0 && stateEqual, $"first differing bits at {mismatch} (max abs difference {maxDiff}); state equal: {stateEqual}");
    }

    /// <summary>The original loop: one pair at a time, drawing radius then angle, the odd tail keeping the cosine.</summary>
    private static float[] Reference(int length, ulong seed, float sigma, out ulong[] state)
    {
        var rng = new Xoshiro256(seed);
        double Uniform() => ((rng.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
        var result = new float[length];
        for (var i = 0; i < length; i += 2)
        {
            var r = Math.Sqrt(-2.0 * Math.Log(Uniform()));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * Uniform());
            result[i] = (float)(r * cos * sigma);
            if (i + 1 < length)
            {
                result[i + 1] = (float)(r * sin * sigma);
            }
        }

        state = rng.GetState();
        return result;
    }
}
