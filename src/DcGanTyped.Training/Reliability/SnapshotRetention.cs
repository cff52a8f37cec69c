using DcGanTyped.Training.Checkpoints;

namespace DcGanTyped.Training.Reliability;

/// <summary>
/// <c>--keep-snapshots K</c>: after the snapshot of iteration N is on disk (written, synced, renamed), the snapshots
/// older than the K newest up to N are deleted. Snapshots of a later iteration than N (left by a run that was rolled
/// back or resumed from an older snapshot) are never counted among the K and never deleted here, so a stale or
/// corrupt file with a high number cannot push the only valid ones out. Weights files and previews are kept: they
/// are the run's results, not its restart points.
/// </summary>
public static class SnapshotRetention
{
    /// <summary>Deletes what <c>--keep-snapshots <paramref name="keep"/></c> allows, given the newest safe snapshot.</summary>
    /// <returns>The deleted files.</returns>
    public static IReadOnlyList<string> Apply(string outDir, long newestSafeIteration, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var deleted = new List<string>();
        var candidates = SnapshotLocator.List(outDir).Where(s => s.Iteration <= newestSafeIteration).ToList();
        if (candidates.Count == 0 || candidates[0].Iteration != newestSafeIteration)
        {
            // The new snapshot is not where it should be: delete nothing.
            return deleted;
        }

        foreach (var (_, path) in candidates.Skip(keep))
        {
            try
            {
                File.Delete(path);
                deleted.Add(path);
            }
            catch (IOException)
            {
                // An old snapshot that cannot be deleted costs disk space, not data; the next save tries again.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }

        return deleted;
    }
}
