using DcGanTyped.Training.Checkpoints;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>SIGTERM and SIGINT: finish the step, write a snapshot, say where, exit 143 or 130.</summary>
[Collection("cli")]
public sealed class SignalTests
{
    [Theory]
    [InlineData(15, 143)]
    [InlineData(2, 130)]
    public async Task Signal_writes_a_snapshot_and_exits_with_128_plus_the_signal(int signal, int expectedCode)
    {
        var work = CliProcess.TempDir();
        var output = Path.Combine(work, "out");
        using var p = CliProcess.Start(work, ["train", .. CliProcess.Small, "--iterations", "100000", "--display_interval", "1", "--snapshot_interval", "100000", "--out", output]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();

        // Wait until training is under way (the first log entry exists), then signal.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(Path.Combine(output, "log")) && DateTime.UtcNow < deadline && !p.HasExited)
        {
            await Task.Delay(100);
        }

        if (p.HasExited)
        {
            Assert.Fail($"train exited early with {p.ExitCode}: {await stderr}");
        }

        CliProcess.Signal(p.Id, signal);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(120)), "the process did not stop after the signal");
        var (outText, errText) = (await stdout, await stderr);
        Assert.True(p.ExitCode == expectedCode, $"exit {p.ExitCode}\n{outText}\n{errText}");

        var line = outText.Split('\n').Single(l => l.StartsWith("interrupted at iteration", StringComparison.Ordinal));
        var latest = SnapshotLocator.FindLatestValid(output);
        Assert.NotNull(latest);
        Assert.Contains(latest.Value.Path, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, OutputLock.FileName)));
    }
}
