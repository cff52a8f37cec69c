using DcGanTyped.Training.Checkpoints;
using Xunit;

namespace DcGanTyped.Training.Tests.Checkpoints;

public sealed class OutputLockTests
{
    [Fact]
    public void A_live_owner_blocks_and_a_dead_one_does_not()
    {
        var dir = TestModels.TempDir();
        var lockFile = Path.Combine(dir, OutputLock.FileName);

        // PID 1 always runs (and is not this process): a lock naming it is held.
        File.WriteAllText(lockFile, "1\n");
        var e = Assert.Throws<TrainingInputException>(() => OutputLock.Acquire(dir));
        Assert.Contains("in use by another training run (pid 1)", e.Message, StringComparison.Ordinal);

        // A PID above the kernel's maximum never runs: stale, taken over.
        File.WriteAllText(lockFile, "2147483646\n");
        using (OutputLock.Acquire(dir))
        {
            // The owner's handle holds the OS lock; a second opener is refused by it and still reads the PID.
            Assert.StartsWith(Environment.ProcessId + " ", ReadPastTheLock(lockFile), StringComparison.Ordinal);
            var held = Assert.Throws<TrainingInputException>(() => OutputLock.Acquire(dir));
            Assert.Contains($"in use by another training run (pid {Environment.ProcessId})", held.Message, StringComparison.Ordinal);
            Assert.IsType<IOException>(held.InnerException, exactMatch: false);
        }

        Assert.False(File.Exists(lockFile));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Of_many_runs_starting_at_once_on_a_stale_lock_exactly_one_holds_it()
    {
        // The race a PID file alone loses: every starter sees the stale PID, deletes the file and creates its own.
        const int Starters = 8;
        for (var round = 0; round < 25; round++)
        {
            var dir = TestModels.TempDir();
            File.WriteAllText(Path.Combine(dir, OutputLock.FileName), "2147483646\n");
            using var start = new Barrier(Starters);
            using var attempted = new Barrier(Starters);
            var holders = 0;
            var refused = 0;
            var threads = Enumerable.Range(0, Starters).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                OutputLock? taken = null;
                try
                {
                    taken = OutputLock.Acquire(dir);
                    Interlocked.Increment(ref holders);
                }
                catch (TrainingInputException)
                {
                    Interlocked.Increment(ref refused);
                }

                // Winners keep the lock until every starter has tried.
                attempted.SignalAndWait();
                taken?.Dispose();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.True(holders == 1, $"round {round}: {holders} starters held the lock at once, {refused} refused");
            Assert.Equal(Starters - 1, refused);
            Assert.False(File.Exists(Path.Combine(dir, OutputLock.FileName)));
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_refusal_inside_the_lock_leaves_an_existing_lock_file_as_it_was_and_creates_none()
    {
        var dir = TestModels.TempDir();
        var lockFile = Path.Combine(dir, OutputLock.FileName);
        Assert.Throws<TrainingInputException>(() => OutputLock.Acquire(dir, () => throw new TrainingInputException("refused")));
        Assert.False(File.Exists(lockFile));

        File.WriteAllText(lockFile, "2147483646 12\n");
        Assert.Throws<TrainingInputException>(() => OutputLock.Acquire(dir, () => throw new TrainingInputException("refused")));
        Assert.Equal("2147483646 12\n", File.ReadAllText(lockFile));

        // And the lock is free again afterwards.
        OutputLock.Acquire(dir).Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private static string ReadPastTheLock(string path)
    {
        // /proc/self/fd is not needed: cat does not take flock, so it reads what another run would show.
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", path) { RedirectStandardOutput = true })!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }
}
