using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Extensions;
using Xunit;

namespace DcGanTyped.Training.Tests;

[Collection("torch")]
public sealed class TrainerTests
{
    public static TheoryData<EngineKind> Engines => [EngineKind.Torch, EngineKind.Simd];

    [Theory]
    [MemberData(nameof(Engines))]
    public void Three_steps_then_resume_then_three_more_equal_six_uninterrupted(EngineKind engine)
    {
        // 10 images at batch 4: the iterator wraps (new permutation, epoch 1) between steps 2 and 3 and again later,
        // so the saved iterator state is exercised across an epoch boundary.
        var data = TestModels.SmallShapes(10);
        var straight = TestModels.TempDir();
        var split = TestModels.TempDir();
        var whole = new Trainer(TestModels.Options(straight, engine), TestModels.Narrow, data, new TestModels.Recorder()).Run();
        Assert.Equal(StopReason.Completed, whole.Reason);

        new Trainer(TestModels.Options(split, engine) with { Iterations = 3 }, TestModels.Narrow, data, new TestModels.Recorder()).Run();
        var recorder = new TestModels.Recorder();
        var resumed = new Trainer(
            TestModels.Options(split, engine) with { Resume = "latest" }, TestModels.Narrow, data, recorder).Run();
        Assert.Contains(recorder.Notes, n => n.StartsWith("resumed from", StringComparison.Ordinal) && n.Contains("snapshot_iter_3", StringComparison.Ordinal));
        Assert.Equal(6, resumed.Iteration);

        var expected = LogReport.ReadJson(Path.Combine(straight, "log"));
        var actual = LogReport.ReadJson(Path.Combine(split, "log"));
        Assert.Equal([1L, 2, 3, 4, 5, 6], actual.Select(e => e.Iteration));
        Assert.Equal(expected.Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss)), actual.Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss)));
        Assert.True(expected[^1].Epoch >= 2, "the run should cross epoch boundaries");
    }

    [Fact]
    public void Cancellation_finishes_the_step_and_writes_a_snapshot()
    {
        var dir = TestModels.TempDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = new Trainer(TestModels.Options(dir) with { Iterations = 100 }, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run(cts.Token);
        Assert.Equal(StopReason.Interrupted, result.Reason);
        Assert.Equal(1, result.Iteration);
        Assert.Equal(Path.Combine(dir, "snapshot_iter_1"), result.LastSnapshot);
        Assert.Equal(1, (long)SnapshotFile.Read(result.LastSnapshot!).Trainer["iteration"]!);
        Assert.False(File.Exists(Path.Combine(dir, OutputLock.FileName)), "the lock must be released");
    }

    [Fact]
    public void Resuming_with_the_other_engine_is_refused_by_name()
    {
        var dir = TestModels.TempDir();
        new Trainer(TestModels.Options(dir) with { Iterations = 3 }, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run();
        var snapshot = SnapshotFile.Read(Path.Combine(dir, "snapshot_iter_3"));
        var renamed = Path.Combine(dir, "snapshot_iter_4");
        SnapshotFile.Write(renamed, snapshot with { Engine = "simd" });
        var e = Assert.Throws<CheckpointException>(() => new Trainer(
            TestModels.Options(dir) with { Resume = renamed }, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run());
        Assert.Contains("written by the simd engine; resume it with --engine simd", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 1, 100, "--batchsize must be at least 1 (got 0)")]
    [InlineData(-3, 1, 1, 100, "--batchsize must be at least 1 (got -3)")]
    [InlineData(4, 0, 1, 100, "--snapshot_interval must be at least 1 (got 0)")]
    [InlineData(4, 1, 0, 100, "--display_interval must be at least 1 (got 0)")]
    [InlineData(4, 1, 1, 64, "--n_hidden 64 does not match model 'narrow': its generator takes z of shape (100)")]
    public void Bad_options_are_one_clear_line(int batch, int snapshot, int display, int nHidden, string message)
    {
        var dir = Path.Combine(TestModels.TempDir(), "never");
        var options = TestModels.Options(dir) with { BatchSize = batch, SnapshotInterval = snapshot, DisplayInterval = display, NHidden = nHidden };
        var e = Assert.Throws<TrainingInputException>(() => new Trainer(options, TestModels.Narrow, TestModels.SmallShapes(), new TestModels.Recorder()).Run());
        Assert.Equal(message, e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Unknown_model_is_refused()
    {
        var e = Assert.Throws<TrainingInputException>(() => BuiltInModels.Get("wide"));
        Assert.Equal("unknown --model 'wide'; use one of: seed, narrow", e.Message);
    }
}
