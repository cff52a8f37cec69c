using DcGanTyped.Training;
using Xunit;

namespace DcGanTyped.Cli.Tests.Reliability;

/// <summary>
/// A NaN gradient injected by the test hook (<c>DCGANTYPED_TEST_INJECT_NAN</c>) stops the run naming the iteration
/// and the network, or, with <c>--on-nan rollback</c>, is rolled back to the last snapshot at most
/// <c>--max-rollbacks</c> times.
/// </summary>
public sealed class NanWatchdogTests
{
    /// <summary>The torch engine, and the SIMD engine where the built-in narrow pair has SIMD networks.</summary>
    public static TheoryData<string> Engines()
    {
        var data = new TheoryData<string> { "torch" };
        if (BuiltInModels.Get("narrow").SimdGenerator is not null)
        {
            data.Add("simd");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Stop_names_the_iteration_and_the_network_and_keeps_the_last_snapshot(string engine)
    {
        var dir = CliProcess.TempDir("nan-stop");
        var (code, run) = CliProcess.Run(dir, CliProcess.Train(dir, 8, 2, engine), Inject("5"));
        using (run)
        {
            Assert.True(code == 1, run.Output);
            Assert.Matches(@"^error: the gradient of dis/[a-z0-9_]+\.weight is NaN at iteration 5: the discriminator diverged; ", run.Stderr);
        }

        // Nothing of the bad step was logged or saved.
        Assert.Equal([1L, 2, 3, 4], CliProcess.ReadLog(dir).Select(e => e.Iteration));
        Assert.Equal([4L, 2], CliProcess.ValidSnapshots(dir));
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Rollback_restores_the_last_snapshot_reseeds_and_goes_on(string engine)
    {
        var reference = CliProcess.TempDir("nan-ref");
        var dir = CliProcess.TempDir("nan-rollback");
        var (refCode, refRun) = CliProcess.Run(reference, CliProcess.Train(reference, 6, 2, engine));
        refRun.Dispose();
        Assert.Equal(0, refCode);

        var (code, run) = CliProcess.Run(dir, [.. CliProcess.Train(dir, 6, 2, engine), "--on-nan", "rollback"], Inject("5:gen"));
        using (run)
        {
            Assert.True(code == 0, run.Output);
            var note = $"the generator diverged at iteration 5 (the gradient of gen/l0.weight is NaN at iteration 5); rolled back to {Path.Combine(dir, "snapshot_iter_4")} (iteration 4) with new noise seeds, rollback 1 of 3";
            Assert.Contains(note, run.StdoutLines);
        }

        // Each iteration logged once. Up to the snapshot the run equals an undisturbed one; after the rollback the
        // new noise seeds give other (finite) losses.
        var log = CliProcess.ReadLog(dir);
        var undisturbed = CliProcess.ReadLog(reference);
        Assert.Equal([1L, 2, 3, 4, 5, 6], log.Select(e => e.Iteration));
        Assert.Equal(undisturbed.Take(4), log.Take(4));
        Assert.NotEqual(undisturbed[4], log[4]);
        Assert.All(log, e => Assert.True(double.IsFinite(e.GenLoss) && double.IsFinite(e.DisLoss)));
        Assert.Equal([6L, 4, 2], CliProcess.ValidSnapshots(dir));
        Directory.Delete(dir, recursive: true);
        Directory.Delete(reference, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Rollback_gives_up_after_max_rollbacks_even_before_the_first_snapshot(string engine)
    {
        // NaN at iteration 1 every time: each rollback returns to the initial state, the third try stops the run.
        var dir = CliProcess.TempDir("nan-exhaust");
        var (code, run) = CliProcess.Run(dir, [.. CliProcess.Train(dir, 6, 2, engine), "--on-nan", "rollback", "--max-rollbacks", "2"], Inject("1:dis:always"));
        using (run)
        {
            Assert.True(code == 1, run.Output);
            var lines = run.StdoutLines;
            Assert.Contains(lines, l => l.EndsWith("rolled back to the initial state (iteration 0) with new noise seeds, rollback 1 of 2", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.EndsWith("rolled back to the initial state (iteration 0) with new noise seeds, rollback 2 of 2", StringComparison.Ordinal));
            Assert.Contains("--max-rollbacks 2 reached; stopping", lines);
            Assert.Contains("is NaN at iteration 1: the discriminator diverged", run.Stderr, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(dir, "snapshot_iter_*"));
        Directory.Delete(dir, recursive: true);
    }

    private static Dictionary<string, string> Inject(string spec) => new() { ["DCGANTYPED_TEST_INJECT_NAN"] = spec };
}
