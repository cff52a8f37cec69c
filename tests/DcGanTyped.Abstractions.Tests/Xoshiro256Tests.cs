namespace DcGanTyped.Tests;

public sealed class Xoshiro256Tests
{
    [Fact]
    public void Matches_the_reference_sequence_for_state_1_2_3_4()
    {
        // The first outputs of the authors' xoshiro256starstar.c from the state {1, 2, 3, 4}.
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
            16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576,
        ];
        var rng = new Xoshiro256([1UL, 2UL, 3UL, 4UL]);
        var actual = expected.Select(_ => rng.NextUInt64()).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Seeding_expands_the_seed_with_SplitMix64()
    {
        // SplitMix64's first four outputs from 0, the published reference values.
        var rng = new Xoshiro256(0);
        Assert.Equal([0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL, 0xF88BB8A8724C81ECUL], rng.GetState());
    }

    [Fact]
    public void A_restored_state_continues_the_same_sequence()
    {
        var a = new Xoshiro256(42);
        for (var i = 0; i < 17; i++)
        {
            a.NextUInt64();
        }

        var b = new Xoshiro256(a.GetState());
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void Reset_starts_the_sequence_of_a_new_generator_with_that_seed()
    {
        var used = new Xoshiro256(99);
        used.NextUInt64();
        used.Reset(12345);
        var fresh = new Xoshiro256(12345);
        Assert.Equal(fresh.GetState(), used.GetState());
        Assert.Equal(fresh.NextUInt64(), used.NextUInt64());
    }

    [Fact]
    public void Rejects_invalid_states()
    {
        Assert.Throws<ArgumentException>(() => new Xoshiro256([0UL, 0UL, 0UL, 0UL]));
        Assert.Throws<ArgumentException>(() => new Xoshiro256([1UL, 2UL]));
    }

    [Fact]
    public void NextInt_is_in_range_and_roughly_uniform()
    {
        var rng = new Xoshiro256(7);
        var counts = new int[6];
        const int draws = 60_000;
        for (var i = 0; i < draws; i++)
        {
            counts[rng.NextInt(6)]++;
        }

        // Each bin expects 10,000 with a standard deviation of about 91: 5 sigma is 456.
        Assert.All(counts, c => Assert.InRange(c, 10_000 - 456, 10_000 + 456));
        Assert.Equal(0, new Xoshiro256(1).NextInt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }

    [Fact]
    public void Permutation_is_a_permutation_and_every_position_is_reachable()
    {
        var rng = new Xoshiro256(3);
        var order = new int[5];
        var firstSeen = new bool[5];
        for (var t = 0; t < 200; t++)
        {
            rng.Permutation(order);
            Assert.Equal([0, 1, 2, 3, 4], order.Order());
            firstSeen[order[0]] = true;
        }

        Assert.All(firstSeen, Assert.True);
    }

    [Fact]
    public void Doubles_and_singles_are_in_the_unit_interval()
    {
        var rng = new Xoshiro256(5);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.NextDouble(), 0.0, 0.9999999999999999);
            Assert.InRange(rng.NextSingle(), 0f, 0.99999994f);
        }
    }

    [Fact]
    public void Fill_draws_the_same_values_and_leaves_the_same_state_as_NextUInt64()
    {
        foreach (var length in new[] { 0, 1, 2, 7, 1000 })
        {
            var one = new Xoshiro256(42);
            var bulk = new Xoshiro256(42);
            var expected = Enumerable.Range(0, length).Select(_ => one.NextUInt64()).ToArray();
            var actual = new ulong[length];
            bulk.Fill(actual);
            Assert.Equal(expected, actual);
            Assert.Equal(one.GetState(), bulk.GetState());
            Assert.Equal(one.NextUInt64(), bulk.NextUInt64());
        }
    }
}
