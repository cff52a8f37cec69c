using System.Globalization;
using System.Text.RegularExpressions;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>Finds <c>snapshot_iter_N</c> files in an output folder (never the hidden temporary files).</summary>
public static partial class SnapshotLocator
{
    /// <summary>The file name of the snapshot at <paramref name="iteration"/>.</summary>
    public static string FileName(long iteration) => $"snapshot_iter_{iteration.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Snapshots in <paramref name="dir"/>, newest (highest iteration) first.</summary>
    public static IReadOnlyList<(long Iteration, string Path)> List(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(dir, "snapshot_iter_*")
            .Select(p => (Match: SnapshotName().Match(Path.GetFileName(p)), Path: p))
            .Where(m => m.Match.Success && long.TryParse(m.Match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(m => (long.Parse(m.Match.Groups[1].Value, CultureInfo.InvariantCulture), m.Path))
            .OrderByDescending(s => s.Item1)];
    }

    /// <summary>
    /// The newest snapshot in <paramref name="dir"/> that reads and verifies, skipping corrupt ones (each reported to
    /// <paramref name="skipped"/>). Null when the folder holds no snapshot at all.
    /// </summary>
    /// <exception cref="CheckpointException">Snapshots exist but none is valid.</exception>
    public static (SnapshotContent Content, string Path)? FindLatestValid(string dir, Action<string>? skipped = null)
    {
        CheckpointException? newestError = null;
        foreach (var (_, path) in List(dir))
        {
            try
            {
                return (SnapshotFile.Read(path), path);
            }
            catch (CheckpointException e)
            {
                newestError ??= e;
                skipped?.Invoke($"skipping {e.Message}");
            }
        }

        return newestError is null
            ? null
            : throw new CheckpointException(newestError.Path, $"no valid snapshot in {dir}; the newest is refused: {newestError.Message}");
    }

    [GeneratedRegex(@"^snapshot_iter_(\d{1,18})$")]
    private static partial Regex SnapshotName();
}
