using System.Text.Json;
using DcGanTyped.Training.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class SerialIteratorTests
{
    [Property(MaxTest = 200)]
    public Property Matches_Chainers_state_machine()
    {
        var cases =
            from n in Gen.Choose(1, 23)
            from batch in Gen.Choose(1, 60)
            from steps in Gen.Choose(1, 40)
            from seed in Gen.Choose(0, 1000)
            select (n, batch, steps, seed);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var (n, batch, steps, seed) = c;
            var iterator = new SerialIterator(new IndexDataset(n), batch, (ulong)seed);
            var reference = new ChainerReference(n, batch, (ulong)seed);
            var indices = new int[batch];
            for (var s = 0; s < steps; s++)
            {
                var expected = reference.Next();
                iterator.NextIndices(indices);
                if (!indices.SequenceEqual(expected) || iterator.Epoch != reference.Epoch || iterator.Position != reference.Position
                    || iterator.IsNewEpoch != reference.IsNewEpoch || iterator.PreviousEpochDetail != reference.PreviousEpochDetail)
                {
                    return false.Label(
                        $"n={n} batch={batch} seed={seed} step {s}: got [{string.Join(",", indices)}] epoch {iterator.Epoch} pos {iterator.Position} new {iterator.IsNewEpoch}; " +
                        $"expected [{string.Join(",", expected)}] epoch {reference.Epoch} pos {reference.Position} new {reference.IsNewEpoch}");
                }
            }

            return true.Label("ok");
        });
    }

    [Property(MaxTest = 100)]
    public Property Every_epoch_visits_every_image_once()
    {
        var cases = from n in Gen.Choose(1, 30) from batch in Gen.Choose(1, 45) from seed in Gen.Choose(0, 100) select (n, batch, seed);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var (n, batch, seed) = c;
            var iterator = new SerialIterator(new IndexDataset(n), batch, (ulong)seed);
            var stream = new List<int>();
            var indices = new int[batch];
            while (stream.Count < 5 * n)
            {
                iterator.NextIndices(indices);
                stream.AddRange(indices);
            }

            // The stream of indices is a concatenation of permutations of 0..n-1.
            for (var e = 0; e < stream.Count / n; e++)
            {
                var window = stream.Skip(e * n).Take(n).Order().ToArray();
                if (!window.SequenceEqual(Enumerable.Range(0, n)))
                {
                    return false.Label($"n={n} batch={batch} seed={seed}: epoch {e} is [{string.Join(",", stream.Skip(e * n).Take(n))}]");
                }
            }

            return (iterator.Epoch == stream.Count / n).Label($"epoch {iterator.Epoch} after {stream.Count} indices of {n}");
        });
    }

    [Fact]
    public void Counts_epochs_like_Chainer_when_the_batch_divides_the_dataset()
    {
        var iterator = new SerialIterator(new IndexDataset(10), 5, 0);
        var indices = new int[5];
        iterator.NextIndices(indices);
        Assert.Equal((0, 5, false, 0.5, 0.0), (iterator.Epoch, iterator.Position, iterator.IsNewEpoch, iterator.EpochDetail, iterator.PreviousEpochDetail));
        iterator.NextIndices(indices);
        Assert.Equal((1, 0, true, 1.0, 0.5), (iterator.Epoch, iterator.Position, iterator.IsNewEpoch, iterator.EpochDetail, iterator.PreviousEpochDetail));
        iterator.NextIndices(indices);
        Assert.Equal((1, 5, false), (iterator.Epoch, iterator.Position, iterator.IsNewEpoch));
        Assert.Equal(-1.0, new SerialIterator(new IndexDataset(3), 2, 0).PreviousEpochDetail);
    }

    [Fact]
    public void A_batch_across_the_epoch_end_takes_the_rest_then_the_start_of_the_new_order()
    {
        var iterator = new SerialIterator(new IndexDataset(7), 5, 11);
        var indices = new int[5];
        iterator.NextIndices(indices);
        var firstOrder = iterator.Order.ToArray();
        iterator.NextIndices(indices);
        var secondOrder = iterator.Order.ToArray();
        Assert.Equal(firstOrder[5..7].Concat(secondOrder[..3]), indices);
        Assert.True(iterator.IsNewEpoch);
        Assert.Equal(1, iterator.Epoch);
        Assert.Equal(3, iterator.Position);
        Assert.NotEqual(firstOrder, secondOrder);
    }

    [Fact]
    public void Is_deterministic_from_the_seed()
    {
        static int[] Run(ulong seed)
        {
            var iterator = new SerialIterator(new IndexDataset(50), 8, seed);
            var all = new List<int>();
            var indices = new int[8];
            for (var i = 0; i < 20; i++)
            {
                iterator.NextIndices(indices);
                all.AddRange(indices);
            }

            return [.. all];
        }

        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Fact]
    public void Without_shuffle_it_walks_in_index_order()
    {
        var iterator = new SerialIterator(new IndexDataset(4), 3, 99, shuffle: false);
        var indices = new int[3];
        iterator.NextIndices(indices);
        Assert.Equal([0, 1, 2], indices);
        iterator.NextIndices(indices);
        Assert.Equal([3, 0, 1], indices);
    }

    [Fact]
    public void An_exported_state_resumes_exactly_even_through_json()
    {
        var uninterrupted = new SerialIterator(new IndexDataset(13), 6, 5);
        var first = new SerialIterator(new IndexDataset(13), 6, 5);
        var indices = new int[6];
        var expected = new int[6];
        for (var i = 0; i < 7; i++)
        {
            first.NextIndices(indices);
            uninterrupted.NextIndices(expected);
        }

        var json = JsonSerializer.Serialize(first.ExportState());
        var state = JsonSerializer.Deserialize<IteratorState>(json)!;
        var resumed = new SerialIterator(new IndexDataset(13), 6, seed: 12345);
        resumed.ImportState(state);
        Assert.Equal((uninterrupted.Epoch, uninterrupted.Position, uninterrupted.EpochDetail), (resumed.Epoch, resumed.Position, resumed.EpochDetail));
        for (var i = 0; i < 30; i++)
        {
            resumed.NextIndices(indices);
            uninterrupted.NextIndices(expected);
            Assert.Equal(expected, indices);
            Assert.Equal(uninterrupted.Epoch, resumed.Epoch);
        }
    }

    [Fact]
    public void Importing_a_state_for_another_dataset_is_refused()
    {
        var state = new SerialIterator(new IndexDataset(5), 2, 0).ExportState();
        var other = new SerialIterator(new IndexDataset(6), 2, 0);
        Assert.Throws<ArgumentException>(() => other.ImportState(state));
        var same = new SerialIterator(new IndexDataset(5), 2, 0);
        Assert.Throws<ArgumentException>(() => same.ImportState(state with { Order = [0, 0, 1, 2, 3] }));
        Assert.Throws<ArgumentException>(() => same.ImportState(state with { Position = 5 }));
        Assert.Throws<ArgumentException>(() => same.ImportState(state with { RngState = [0, 0, 0, 0] }));
    }

    [Fact]
    public void NextBatch_copies_the_images_of_the_batch_and_allocates_nothing()
    {
        var pixels = new byte[9 * ImageDataset.ImageFloats];
        for (var i = 0; i < 9; i++)
        {
            pixels.AsSpan(i * ImageDataset.ImageFloats, ImageDataset.ImageFloats).Fill((byte)(i * 20));
        }

        var dataset = new ImageDataset(pixels, 9, "test");
        var iterator = new SerialIterator(dataset, 4, 1);
        var batch = new float[4 * ImageDataset.ImageFloats];
        iterator.NextBatch(batch);
        for (var k = 0; k < 4; k++)
        {
            var image = iterator.LastIndices[k];
            Assert.All(batch.AsSpan(k * ImageDataset.ImageFloats, ImageDataset.ImageFloats).ToArray(), v => Assert.Equal(image * 20 / 255f, v));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            iterator.NextBatch(batch);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Throws<ArgumentException>(() => iterator.NextBatch(new float[10]));
    }

    [Fact]
    public void Rejects_an_empty_dataset_and_a_bad_batch_size()
    {
        Assert.Throws<ArgumentException>(() => new SerialIterator(new IndexDataset(0), 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SerialIterator(new IndexDataset(3), 0, 0));
    }

    /// <summary>A dataset whose images are never read: only the index stream is under test.</summary>
    private sealed class IndexDataset(int count) : IImageDataset
    {
        public int Count => count;

        public string Description => "indices";

        public void CopyImage(int index, Span<float> destination) => destination[..ImageDataset.ImageFloats].Fill(index);
    }

    /// <summary>
    /// A direct transcription of chainer/iterators/_statemachine.py (repeat=True) with lists, and the shuffle order
    /// sampler drawing a fresh permutation from an identically seeded generator.
    /// </summary>
    private sealed class ChainerReference
    {
        private readonly int _batch;
        private readonly Xoshiro256 _rng;
        private int[] _order;

        public ChainerReference(int n, int batch, ulong seed)
        {
            _batch = batch;
            _rng = new Xoshiro256(seed);
            _order = Sample(n);
            PreviousEpochDetail = -1;
        }

        public int Position { get; private set; }

        public int Epoch { get; private set; }

        public bool IsNewEpoch { get; private set; }

        public double PreviousEpochDetail { get; private set; }

        public List<int> Next()
        {
            PreviousEpochDetail = Epoch + ((double)Position / _order.Length);
            var i = Position;
            var n = _order.Length;
            var iEnd = i + _batch;
            var isNewEpoch = false;
            var indices = new List<int>();
            while (iEnd >= n)
            {
                indices.AddRange(_order[i..n]);
                _order = Sample(n);
                i = 0;
                iEnd -= n;
                Epoch += 1;
                isNewEpoch = true;
            }

            indices.AddRange(_order[i..iEnd]);
            Position = iEnd;
            IsNewEpoch = isNewEpoch;
            return indices;
        }

        private int[] Sample(int n)
        {
            var order = new int[n];
            _rng.Permutation(order);
            return order;
        }
    }
}
