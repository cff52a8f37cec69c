using System.Text.Json.Nodes;
using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Updaters;
using Xunit;

namespace DcGanTyped.Training.Tests.Checkpoints;

public sealed class SnapshotFileTests
{
    private static SnapshotContent Sample()
    {
        var state = new EngineState();
        state.Tensors.Add(new NamedTensor("gen/l0.weight", [2, 3], [1, 2, 3, 4, 5, 6]));
        state.Tensors.Add(new NamedTensor("dis/bn.running_mean", [3], [0.5f, -1, 7]));
        state.Blobs["opt/gen"] = [1, 2, 3, 4, 5];
        return new SnapshotContent("simd", "narrow", new JsonObject { ["iteration"] = 42 }, state);
    }

    private static byte[] Bytes(SnapshotContent c)
    {
        using var ms = new MemoryStream();
        SnapshotFile.WriteTo(ms, c);
        return ms.ToArray();
    }

    [Fact]
    public void Round_trips_tensors_blobs_and_trainer_state()
    {
        var back = SnapshotFile.Parse(Bytes(Sample()), "x");
        Assert.Equal("simd", back.Engine);
        Assert.Equal(42, (int)back.Trainer["iteration"]!);
        Assert.Equal([1, 2, 3, 4, 5, 6], back.State.Tensors[0].Data);
        Assert.Equal([2, 3], back.State.Tensors[0].Shape);
        Assert.Equal([0.5f, -1, 7], back.State.Tensors[1].Data);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, back.State.Blobs["opt/gen"]);
    }

    [Fact]
    public void Every_truncation_is_refused_with_the_file_name()
    {
        var bytes = Bytes(Sample());
        for (var n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<CheckpointException>(() => SnapshotFile.Parse(bytes.AsSpan(0, n), "snapshot_iter_9"));
            Assert.StartsWith("snapshot_iter_9: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_refused()
    {
        var bytes = Bytes(Sample());
        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit += 3)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                Assert.Throws<CheckpointException>(() => SnapshotFile.Parse(copy, "f"));
            }
        }
    }

    [Fact]
    public void Atomic_write_leaves_no_temporary_file_and_replaces_the_old_content()
    {
        var dir = TestModels.TempDir();
        var path = Path.Combine(dir, "snapshot_iter_1");
        File.WriteAllText(path, "old");
        SnapshotFile.Write(path, Sample());
        Assert.Equal(["snapshot_iter_1"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Equal("narrow", SnapshotFile.Read(path).Model);
    }

    [Fact]
    public void Layout_check_names_the_first_differing_key_or_shape()
    {
        var state = Sample().State;
        var shape = Assert.Throws<CheckpointException>(() => state.CheckLayout([("gen/l0.weight", [3, 2]), ("dis/bn.running_mean", [3])], "p", "m"));
        Assert.Contains("'gen/l0.weight' has shape (2, 3) in the file but (3, 2) in the model", shape.Message, StringComparison.Ordinal);
        var key = Assert.Throws<CheckpointException>(() => state.CheckLayout([("gen/l0.weight", [2, 3]), ("dis/c0.weight", [3])], "p", "m"));
        Assert.Contains("key 'dis/c0.weight' is missing from the file", key.Message, StringComparison.Ordinal);
        var extra = Assert.Throws<CheckpointException>(() => state.CheckLayout([("gen/l0.weight", [2, 3])], "p", "m"));
        Assert.Contains("the file has a key 'dis/bn.running_mean' the model does not have", extra.Message, StringComparison.Ordinal);

        // Matching is by name, as Module.load does: the file's order does not matter.
        var aligned = state.Align([("dis/bn.running_mean", [3]), ("gen/l0.weight", [2, 3])], "p", "m");
        Assert.Equal(["dis/bn.running_mean", "gen/l0.weight"], aligned.Select(t => t.Name));
        var missing = Assert.Throws<CheckpointException>(() => state.CheckLayout([("gen/l0.weight", [2, 3]), ("dis/bn.running_mean", [3]), ("dis/x", [1])], "p", "m"));
        Assert.Contains("'dis/x' is missing", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_valid_snapshot_skips_corrupt_newer_ones_and_temporaries()
    {
        var dir = TestModels.TempDir();
        SnapshotFile.Write(Path.Combine(dir, "snapshot_iter_10"), Sample());
        var bytes = Bytes(Sample());
        File.WriteAllBytes(Path.Combine(dir, "snapshot_iter_20"), bytes[..^5]);
        File.WriteAllBytes(Path.Combine(dir, ".snapshot_iter_30.tmp-999999"), bytes);
        var skipped = new List<string>();
        var found = SnapshotLocator.FindLatestValid(dir, skipped.Add);
        Assert.NotNull(found);
        Assert.EndsWith("snapshot_iter_10", found.Value.Path, StringComparison.Ordinal);
        Assert.Single(skipped);
        Assert.Contains("snapshot_iter_20", skipped[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_manifest_detects_a_changed_file()
    {
        var dir = TestModels.TempDir();
        var path = Path.Combine(dir, "gen_iter_1");
        WeightsFile.Write(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, WeightsFile.Read(path));
        File.WriteAllBytes(path, [1, 2, 4]);
        var e = Assert.Throws<CheckpointException>(() => WeightsFile.Read(path));
        Assert.Contains("checksum mismatch", e.Message, StringComparison.Ordinal);
    }
}
