using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>
/// A lock file (<c>.dcgan.lock</c>) in the output folder so two runs never interleave their files. The owner keeps
/// the file open with an exclusive OS lock (<c>flock(LOCK_EX)</c> on Linux and macOS, a share-none handle on Windows)
/// for the whole run: the kernel gives it to exactly one of two runs that start at the same instant, and releases it
/// when the owner exits in any way, SIGKILL included, so a killed run never blocks the folder. The file holds the
/// owner's PID and start time for the message. A lock file naming a live process is honoured too, for file systems
/// that do not enforce <c>flock</c>; a PID that no longer runs, or was reused by another process, is stale.
/// </summary>
public sealed partial class OutputLock : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string FileName = ".dcgan.lock";

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly string path;
    private readonly string owner;
    private readonly FileStream stream;

    private OutputLock(string path, string owner, FileStream stream)
    {
        this.path = path;
        this.owner = owner;
        this.stream = stream;
    }

    /// <summary>Takes the lock of <paramref name="dir"/> (which must exist).</summary>
    /// <param name="dir">The output folder.</param>
    /// <param name="whileLocked">
    /// Runs once the lock is held but before the lock file is written; if it throws, the lock is released and the
    /// folder is left as it was (a lock file that was already there keeps its contents).
    /// </param>
    /// <exception cref="TrainingInputException">Another live run holds it, or the folder is not writable.</exception>
    public static OutputLock Acquire(string dir, Action? whileLocked = null)
    {
        var path = Path.Combine(dir, FileName);
        var owner = Describe(Environment.ProcessId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existed = File.Exists(path);
            FileStream stream;
            try
            {
                // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on Unix (a share-none handle on Windows);
                // a second opener gets an IOException at once instead of waiting.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TrainingInputException($"--out {dir} is not writable ({e.Message}); choose a folder you can write to", e);
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw InUse(dir, OwnerPid(ReadWithoutLocking(path)), e);
            }
            catch (IOException e)
            {
                if (AtomicFile.IsDiskFull(e))
                {
                    throw new DiskFullException(path, e);
                }

                throw new TrainingInputException($"--out {dir} is not writable ({e.Message}); choose a folder you can write to", e);
            }

            try
            {
                // .NET skips its flock when file locking is switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); take it
                // here as well. On a handle that already holds it this is a no-op.
                if (!OperatingSystem.IsWindows() && Flock(stream.SafeFileHandle, LockExclusive | LockNonBlocking) != 0
                    && Marshal.GetLastPInvokeError() == (OperatingSystem.IsMacOS() ? 35 : 11))
                {
                    throw InUse(dir, OwnerPid(ReadWithoutLocking(path)), null);
                }

                var previous = ReadFrom(stream);
                if (OwnerPid(previous) is int pid && pid != Environment.ProcessId && IsSameLiveProcess(pid, StartTimeField(previous)))
                {
                    throw InUse(dir, pid, null);
                }

                whileLocked?.Invoke();

                stream.SetLength(0);
                stream.Write(Encoding.ASCII.GetBytes(owner + "\n"));
                stream.Flush(flushToDisk: true);

                // The previous owner deletes the file while it still holds the lock; if that happened between our
                // open and our lock, we hold a lock on a file no longer in the folder. Only the file at the path counts.
                if (ReadWithoutLocking(path).Trim() == owner)
                {
                    return new OutputLock(path, owner, stream);
                }

                stream.Dispose();
            }
            catch
            {
                // Nothing of ours may stay behind: an empty lock file we created goes, an existing one keeps its contents.
                if (!existed && stream.Length == 0)
                {
                    TryDelete(path);
                }

                stream.Dispose();
                throw;
            }
        }

        throw new TrainingInputException($"--out {dir}: could not take the lock file {FileName}; another run may be starting there");
    }

    /// <summary>Releases the lock: the file is deleted while still locked, then the handle is closed.</summary>
    public void Dispose()
    {
        try
        {
            if (ReadWithoutLocking(path).Trim() == owner)
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // A lock file that cannot be removed is not held once the handle closes; the next run takes it over.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
        finally
        {
            stream.Dispose();
        }
    }

    private static TrainingInputException InUse(string dir, int? pid, Exception? inner)
    {
        var message = $"--out {dir} is in use by another training run{(pid is int p ? $" (pid {p.ToString(CultureInfo.InvariantCulture)})" : string.Empty)}; wait for it, stop it, or choose another --out";
        return inner is null ? new TrainingInputException(message) : new TrainingInputException(message, inner);
    }

    private static int? OwnerPid(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static string? StartTimeField(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 1 ? parts[1] : null;
    }

    private static string ReadFrom(FileStream stream)
    {
        var buffer = new byte[Math.Min(stream.Length, 256)];
        stream.Position = 0;
        stream.ReadExactly(buffer);
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>
    /// The lock file's text, read past the lock: .NET's own reads take flock(LOCK_SH) and would fail while the owner
    /// holds it, so on Unix the file is read with plain open/read. Empty when it cannot be read.
    /// </summary>
    private static string ReadWithoutLocking(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return string.Empty;
            }
        }

        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return string.Empty;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[256];
            var n = Read(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            return n > 0 ? Encoding.ASCII.GetString(buffer[..(int)n]) : string.Empty;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty, unlocked lock file is taken over by the next run.
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

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
