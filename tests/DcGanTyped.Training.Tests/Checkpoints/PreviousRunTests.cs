using DcGanTyped.Training.Checkpoints;
using Xunit;

namespace DcGanTyped.Training.Tests.Checkpoints;

public sealed class PreviousRunTests
{
    [Theory]
    [InlineData("snapshot_iter_7", "x", true)]
    [InlineData("gen_iter_7", "x", true)]
    [InlineData("dis_iter_7", "x", true)]
    [InlineData("gen_iter_7.sha256", "x", true)]
    [InlineData("log", "[]", true)]
    [InlineData("log", "", false)]
    [InlineData("loss.png", "x", false)]
    [InlineData(OutputLock.FileName, "1\n", false)]
    public void A_run_is_any_snapshot_or_weights_file_or_a_non_empty_log(string file, string content, bool isRun)
    {
        var dir = TestModels.TempDir();
        Assert.False(PreviousRun.IsPresent(dir));
        File.WriteAllText(Path.Combine(dir, file), content);
        Assert.Equal(isRun, PreviousRun.IsPresent(dir));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_second_run_without_resume_is_refused_naming_the_newest_snapshot_and_resume_latest_continues()
    {
        var dir = TestModels.TempDir();
        var options = TestModels.Options(dir, EngineKind.Simd) with { Iterations = 2, SnapshotInterval = 1 };
        new Trainer(options, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run();
        var log = File.ReadAllText(Path.Combine(dir, "log"));

        var e = Assert.Throws<TrainingInputException>(() => new Trainer(options, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run());
        Assert.Equal(
            $"--out {dir} already holds a training run (newest snapshot {Path.Combine(dir, "snapshot_iter_2")}); continue it with --resume latest, or choose another --out (nothing was changed)",
            e.Message);
        Assert.Equal(log, File.ReadAllText(Path.Combine(dir, "log")));
        Assert.False(File.Exists(Path.Combine(dir, OutputLock.FileName)));

        var resumed = new Trainer(options with { Iterations = 3, Resume = "latest" }, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run();
        Assert.Equal(3, resumed.Iteration);
        Directory.Delete(dir, recursive: true);
    }
}
