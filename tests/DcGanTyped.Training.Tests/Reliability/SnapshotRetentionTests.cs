using DcGanTyped.Training.Reliability;
using Xunit;

namespace DcGanTyped.Training.Tests.Reliability;

public sealed class SnapshotRetentionTests
{
    [Fact]
    public void Keeps_the_newest_k_up_to_the_new_snapshot_and_never_counts_later_stale_ones()
    {
        // snapshot_iter_20 is left from a run that was rolled back or resumed from an older snapshot; counting it
        // among the K would delete the snapshot just written.
        var dir = Folder("snapshot_iter_2", "snapshot_iter_4", "snapshot_iter_6", "snapshot_iter_20", ".snapshot_iter_8.tmp-1", "gen_iter_2");

        var deleted = SnapshotRetention.Apply(dir, newestSafeIteration: 6, keep: 2);

        Assert.Equal([Path.Combine(dir, "snapshot_iter_2")], deleted);
        Assert.Equal([".snapshot_iter_8.tmp-1", "gen_iter_2", "snapshot_iter_20", "snapshot_iter_4", "snapshot_iter_6"], Names(dir));
    }

    [Fact]
    public void Deletes_nothing_when_the_new_snapshot_is_not_on_disk()
    {
        var dir = Folder("snapshot_iter_2", "snapshot_iter_4");

        Assert.Empty(SnapshotRetention.Apply(dir, newestSafeIteration: 6, keep: 1));
        Assert.Equal(["snapshot_iter_2", "snapshot_iter_4"], Names(dir));
    }

    [Fact]
    public void Keep_one_leaves_only_the_new_snapshot()
    {
        var dir = Folder("snapshot_iter_1", "snapshot_iter_2", "snapshot_iter_3");

        SnapshotRetention.Apply(dir, newestSafeIteration: 3, keep: 1);

        Assert.Equal(["snapshot_iter_3"], Names(dir));
    }

    private static string Folder(params string[] files)
    {
        var dir = TestModels.TempDir();
        foreach (var f in files)
        {
            File.WriteAllText(Path.Combine(dir, f), f);
        }

        return dir;
    }

    private static string[] Names(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
