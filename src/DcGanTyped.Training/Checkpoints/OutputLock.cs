using System.Globalization;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>
/// A lock file (<c>.dcgan.lock</c>) in the output folder so two runs never interleave their files. It holds the
/// owner's PID and start time; a lock whose process no longer runs (or whose PID was reused by another process) is
/// stale and taken over, so a killed run never blocks the folder.
/// </summary>
public sealed class OutputLock : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string FileName = ".dcgan.lock";

    private readonly string path;
    private readonly string owner;

    private OutputLock(string path, string owner)
    {
        this.path = path;
        this.owner = owner;
    }

    /// <summary>Takes the lock of <paramref name="dir"/> (which must exist).</summary>
    /// <exception cref="TrainingInputException">Another live run holds it, or the folder is not writable.</exception>
    public static OutputLock Acquire(string dir)
    {
        var path = Path.Combine(dir, FileName);
        var owner = Describe(Environment.ProcessId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    fs.Write(System.Text.Encoding.ASCII.GetBytes(owner + "\n"));
                    fs.Flush(flushToDisk: true);
                }

                return new OutputLock(path, owner);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TrainingInputException($"--out {dir} is not writable ({e.Message}); choose a folder you can write to", e);
            }
            catch (IOException e) when (File.Exists(path))
            {
                var text = TryRead(path);
                var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && IsSameLiveProcess(pid, parts.Length > 1 ? parts[1] : null))
                {
                    throw new TrainingInputException(
                        $"--out {dir} is in use by another training run (pid {pid}); wait for it, stop it, or choose another --out", e);
                }

                // Stale: its process is gone. Remove it and try again (another starter may win the race; then we refuse).
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    // Retried below.
                }
            }
            catch (IOException e)
            {
                if (AtomicFile.IsDiskFull(e))
                {
                    throw new DiskFullException(path, e);
                }

                throw new TrainingInputException($"--out {dir} is not writable ({e.Message}); choose a folder you can write to", e);
            }
        }

        throw new TrainingInputException($"--out {dir}: could not take the lock file {FileName}; another run may be starting there");
    }

    /// <summary>Releases the lock (deletes the file if it is still ours).</summary>
    public void Dispose()
    {
        try
        {
            if (TryRead(path).Trim() == owner)
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // A lock that cannot be removed is stale once this process exits; the next run takes it over.
        }
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static bool IsSameLiveProcess(int pid, string? startTime)
    {
        if (!AtomicFile.ProcessAlive(pid))
        {
            return false;
        }

        // A recycled PID belongs to a process with another start time.
        var now = StartTime(pid);
        return startTime is null || now is null || now == startTime;
    }

    private static string Describe(int pid) => StartTime(pid) is { } start ? $"{pid} {start}" : pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Field 22 of <c>/proc/PID/stat</c> (start time in clock ticks since boot), or null off Linux.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
