using System.Globalization;

namespace DcGanTyped.Training.Reliability;

/// <summary>
/// Test-only faults, switched on by environment variables so tests can drive the real command-line process into the
/// failures a day-long run meets (a full disk, a kill during a snapshot write, a diverging step). Every variable is
/// read once per process; when none is set, nothing here changes what the trainer does.
/// <list type="bullet">
/// <item><c>DCGANTYPED_TEST_DISK_FULL_AFTER_BYTES=N</c>: after N bytes written through <c>AtomicFile</c> in this
/// process, every further write fails like a full disk (IOException with ENOSPC).</item>
/// <item><c>DCGANTYPED_TEST_SLOW_SNAPSHOT_MS=N</c>: each snapshot write pauses N ms after its first bytes reached
/// the temporary file, so a test can kill the process in the middle of it.</item>
/// <item><c>DCGANTYPED_TEST_INJECT_NAN=ITER[:gen|dis][:always]</c>: see <see cref="NanInjection"/>.</item>
/// <item><c>DCGANTYPED_TEST_MEMORY_TRACE=FILE</c>: see <see cref="MemoryTrace"/>.</item>
/// </list>
/// </summary>
public static class FaultInjection
{
    /// <summary>Bytes this process may write before writes fail as if the disk were full.</summary>
    public const string DiskFullAfterBytesVariable = "DCGANTYPED_TEST_DISK_FULL_AFTER_BYTES";

    /// <summary>Pause, in milliseconds, in the middle of every snapshot write.</summary>
    public const string SlowSnapshotVariable = "DCGANTYPED_TEST_SLOW_SNAPSHOT_MS";

    /// <summary>The errno of a full disk on Linux; .NET puts it in <see cref="Exception.HResult"/> of the IOException.</summary>
    private const int ENOSPC = 28;

    private static readonly long? DiskLimit = ReadLong(DiskFullAfterBytesVariable);
    private static readonly long? SnapshotPauseMs = ReadLong(SlowSnapshotVariable);
    private static long written;

    /// <summary>
    /// Wraps the stream an atomic write fills for <paramref name="targetPath"/>; returns <paramref name="inner"/>
    /// itself when no fault is configured.
    /// </summary>
    public static Stream Wrap(Stream inner, string targetPath)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var pause = SnapshotPauseMs is long ms && Path.GetFileName(targetPath).StartsWith("snapshot_iter_", StringComparison.Ordinal) ? ms : 0;
        return DiskLimit is null && pause == 0 ? inner : new FaultyStream(inner, targetPath, pause);
    }

    private static long? ReadLong(string variable)
        => long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A write-only pass-through that runs out of space after the configured byte count, or pauses once.</summary>
    private sealed class FaultyStream(Stream inner, string targetPath, long pauseMs) : Stream
    {
        private bool paused;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (DiskLimit is long limit)
            {
                var room = Math.Max(0, limit - Interlocked.Read(ref written));
                if (buffer.Length > room)
                {
                    // Like a real disk: the bytes that fit land in the file, then the write fails.
                    inner.Write(buffer[..(int)room]);
                    Interlocked.Add(ref written, room);
                    inner.Flush();
                    throw new IOException($"No space left on device : '{targetPath}'", ENOSPC);
                }

                Interlocked.Add(ref written, buffer.Length);
            }

            inner.Write(buffer);
            if (pauseMs > 0 && !paused)
            {
                // The first bytes reach the temporary file before the pause, so a test sees a half-written snapshot.
                paused = true;
                inner.Flush();
                Thread.Sleep(TimeSpan.FromMilliseconds(pauseMs));
            }
        }
    }
}
