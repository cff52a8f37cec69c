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
            Assert.StartsWith(Environment.ProcessId + " ", File.ReadAllText(lockFile), StringComparison.Ordinal);
            Assert.Throws<TrainingInputException>(() => OutputLock.Acquire(dir));
        }

        Assert.False(File.Exists(lockFile));
    }
}
