using DcGanTyped.Training.Extensions;
using DcGanTyped.Training.Interop.TensorBoard;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

/// <summary>The <c>--tensorboard</c> extension on a real (tiny) training run: events must match the files the trainer wrote.</summary>
[Collection("torch")]
public sealed class TensorBoardObserverTests
{
    [Fact]
    public void A_training_run_logs_every_loss_and_every_preview_grid()
    {
        var root = TestModels.TempDir();
        var outDir = Path.Combine(root, "result");
        var logDir = Path.Combine(root, "tb");
        var recorder = new TestModels.Recorder();
        string eventFile;
        using (var writer = new TensorBoardWriter(logDir))
        {
            eventFile = writer.FilePath;
            var observer = TensorBoardObserver.Wrap(recorder, writer, outDir);
            var result = new Trainer(TestModels.Options(outDir), TestModels.Narrow, TestModels.SmallShapes(16), observer).Run();
            Assert.Equal(6, result.Iteration);
        }

        // Every call still reaches the wrapped observer.
        Assert.Contains(recorder.Notes, n => n.StartsWith("snapshot written", StringComparison.Ordinal));

        var events = TensorBoardReader.ReadFile(eventFile);
        var scalars = events.SelectMany(e => e.Values.Where(v => v.SimpleValue is not null).Select(v => (e.Step, v.Tag, Value: v.SimpleValue!.Value))).ToList();
        var log = LogReport.ReadJson(Path.Combine(outDir, "log"));
        Assert.Equal(6, log.Count);
        Assert.Equal(log.Select(e => (e.Iteration, (float)e.GenLoss)), scalars.Where(s => s.Tag == "gen/loss").Select(s => (s.Step, s.Value)));
        Assert.Equal(log.Select(e => (e.Iteration, (float)e.DisLoss)), scalars.Where(s => s.Tag == "dis/loss").Select(s => (s.Step, s.Value)));
        Assert.Equal(log.Select(e => (e.Iteration, (float)e.Epoch)), scalars.Where(s => s.Tag == "epoch").Select(s => (s.Step, s.Value)));

        // Snapshots every 3 iterations: the grids of iterations 3 and 6, byte for byte.
        var images = events.SelectMany(e => e.Values.Where(v => v.Image is not null).Select(v => (e.Step, v.Tag, v.Image!))).ToList();
        Assert.Equal([3L, 6L], images.Select(i => i.Step));
        foreach (var (step, tag, image) in images)
        {
            Assert.Equal("preview", tag);
            var png = File.ReadAllBytes(Path.Combine(outDir, "preview", $"image{step:00000000}.png"));
            Assert.Equal(png, image.EncodedImage);
            Assert.Equal(TensorBoardObserver.PngSize(png), (image.Width, image.Height));
            Assert.Equal(320, image.Width);
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Without_a_writer_the_observer_is_returned_unchanged()
    {
        var recorder = new TestModels.Recorder();
        Assert.Same(recorder, TensorBoardObserver.Wrap(recorder, null, "out"));
    }
}
