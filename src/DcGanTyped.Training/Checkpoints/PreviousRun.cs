namespace DcGanTyped.Training.Checkpoints;

/// <summary>
/// Refuses to start a new run in a folder that already holds one. Chainer's trainer overwrites the log, weights and
/// snapshots of the earlier run; here a new run without <c>--resume</c> must be pointed at another folder.
/// </summary>
public static class PreviousRun
{
    /// <summary>Whether <paramref name="dir"/> holds a snapshot, weights file or a non-empty <c>log</c>.</summary>
    public static bool IsPresent(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return false;
        }

        var log = new FileInfo(Path.Combine(dir, "log"));
        return (log.Exists && log.Length > 0)
            || new[] { "snapshot_iter_*", "gen_iter_*", "dis_iter_*" }.Any(p => Directory.EnumerateFiles(dir, p).Any());
    }

    /// <summary>Throws when <paramref name="dir"/> holds a run; reads only, so the folder is left as it was.</summary>
    /// <exception cref="TrainingInputException">One line naming the folder and its newest snapshot.</exception>
    public static void ThrowIfPresent(string dir)
    {
        if (!IsPresent(dir))
        {
            return;
        }

        var newest = SnapshotLocator.List(dir) is [var (_, path), ..] ? $"newest snapshot {path}" : "no snapshot yet";
        throw new TrainingInputException(
            $"--out {dir} already holds a training run ({newest}); continue it with --resume latest, or choose another --out (nothing was changed)");
    }
}
