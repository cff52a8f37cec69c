using System.Globalization;
using Xunit;

namespace DcGanTyped.Cli.Tests.Reliability;

/// <summary>Ctrl+C and SIGTERM stop cleanly; two runs never share an output folder; a killed run's lock is not forever.</summary>
public sealed class SignalAndLockTests
{
    [Theory]
    [InlineData(CliProcess.SIGINT, 130, "SIGINT")]
    [InlineData(CliProcess.SIGTERM, 143, "SIGTERM")]
    public void A_signal_finishes_the_step_writes_a_snapshot_says_where_and_exits_128_plus_the_signal(int signal, int code, string name)
    {
        var dir = CliProcess.TempDir("signal");
        using var p = CliProcess.Start(dir, CliProcess.Train(dir, 1000, 1000));
        Assert.True(p.WaitUntil(() => p.LastPrintedIteration() >= 2), p.Output);
        var printedBefore = p.LastPrintedIteration();

        p.Signal(signal);

        Assert.True(p.WaitForExit() == code, p.Output);
        Assert.Contains($"{name}: finishing the current step and writing a snapshot", p.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(p.StdoutLines, l => l.StartsWith("interrupted at iteration ", StringComparison.Ordinal));
        var iteration = long.Parse(line.Split(' ', ';')[3], CultureInfo.InvariantCulture);
        var snapshot = Path.Combine(dir, $"snapshot_iter_{iteration}");
        Assert.Equal($"interrupted at iteration {iteration}; snapshot: {snapshot}; continue with --resume {snapshot}", line);
        Assert.True(iteration >= printedBefore, $"stopped at {iteration} but {printedBefore} was already printed");

        // The step in flight finished: its log entry, weights and snapshot are all there, and nothing half-written.
        Assert.True(CliProcess.HasValidChecksum(snapshot));
        Assert.Equal(Enumerable.Range(1, (int)iteration).Select(i => (long)i), CliProcess.ReadLog(dir).Select(e => e.Iteration));
        Assert.True(File.Exists(Path.Combine(dir, $"gen_iter_{iteration}")) && File.Exists(Path.Combine(dir, $"dis_iter_{iteration}")));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
        Assert.False(File.Exists(Path.Combine(dir, ".dcgan.lock")), "the lock must be released");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_second_run_on_the_same_out_is_refused_and_the_lock_of_a_killed_run_does_not_block_the_next()
    {
        var dir = CliProcess.TempDir("lock");
        using var first = CliProcess.Start(dir, CliProcess.Train(dir, 1000, 1000));
        Assert.True(first.WaitUntil(() => first.LastPrintedIteration() >= 1), first.Output);

        var (code, second) = CliProcess.Run(dir, CliProcess.Train(dir, 2, 1));
        using (second)
        {
            Assert.True(code == 2, second.Output);
            Assert.Contains($"error: --out {dir} is in use by another training run (pid {first.Pid})", second.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(dir, "snapshot_iter_*"));
        }

        first.Signal(CliProcess.SIGKILL);
        Assert.Equal(137, first.WaitForExit());
        Assert.True(File.Exists(Path.Combine(dir, ".dcgan.lock")), "a SIGKILLed run cannot remove its lock");

        // The killed run left a log but no snapshot: --resume latest starts it again from scratch (without it the
        // folder would be refused as holding a run).
        var (code3, third) = CliProcess.Run(dir, [.. CliProcess.Train(dir, 2, 1), "--resume", "latest"]);
        using (third)
        {
            Assert.True(code3 == 0, third.Output);
            Assert.True(CliProcess.HasValidChecksum(Path.Combine(dir, "snapshot_iter_2")));
            Assert.False(File.Exists(Path.Combine(dir, ".dcgan.lock")));
        }

        Directory.Delete(dir, recursive: true);
    }
}
