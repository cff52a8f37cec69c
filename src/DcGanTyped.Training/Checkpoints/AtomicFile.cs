using System.Runtime.InteropServices;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>
/// Writes files so a reader sees either the old complete file or the new complete one, never a mix: the bytes go to
/// a hidden temporary file in the same folder, are flushed to the disk (fsync), then renamed over the target, and the
/// folder itself is synced so the rename survives a power loss. Temporary names start with a dot and end with
/// <c>.tmp-PID</c>, so no snapshot listing ever takes one for a snapshot.
/// </summary>
public static partial class AtomicFile
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes what <paramref name="write"/> produces to <paramref name="path"/> atomically.</summary>
    /// <exception cref="DiskFullException">The disk or quota is full; the previous file is untouched.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var tmp = TempPathFor(full);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                // The wrapper is the identity unless a test switched on a fault (full disk, slow snapshot write).
                write(Reliability.FaultInjection.Wrap(fs, full));
                fs.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
            SyncDirectory(dir);
        }
        catch (Exception e)
        {
            TryDelete(tmp);
            if (e is IOException io && IsDiskFull(io))
            {
                throw new DiskFullException(full, e);
            }

            throw;
        }
    }

    /// <summary>The temporary name used while <paramref name="path"/> is written by this process.</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
    }

    /// <summary>Whether <paramref name="name"/> is a temporary file name of <see cref="Write(string, Action{Stream})"/>.</summary>
    public static bool IsTemporaryName(string name) => name.StartsWith('.') && name.Contains(".tmp-", StringComparison.Ordinal);

    /// <summary>
    /// Deletes temporary files left in <paramref name="dir"/> by processes that no longer run (a kill -9 during a
    /// write), so they do not fill the disk; files of live processes are left alone.
    /// </summary>
    public static void DeleteStaleTemporaries(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(dir, ".*.tmp-*"))
        {
            var name = Path.GetFileName(file);
            var pidText = name[(name.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..];
            if (int.TryParse(pidText, out var pid) && !ProcessAlive(pid))
            {
                TryDelete(file);
            }
        }
    }

    /// <summary>Whether a process with id <paramref name="pid"/> exists (Linux: <c>/proc/PID</c>).</summary>
    public static bool ProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="e"/> says the disk (or quota) is full.</summary>
    public static bool IsDiskFull(IOException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.HResult is ENOSPC or EDQUOT or unchecked((int)0x80070070) or unchecked((int)0x80070027)
            || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("quota", StringComparison.OrdinalIgnoreCase);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: a temporary file that cannot be deleted is ignored by every reader anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        // .NET cannot open a folder as a FileStream; fsync on the folder makes the rename durable.
        var fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
