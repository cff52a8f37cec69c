using System.Text.Json;
using DcGanTyped.Training.Extensions;
using DcGanTyped.Training.Updaters;
using Xunit;

namespace DcGanTyped.Training.Tests.Extensions;

public sealed class LogReportTests
{
    [Fact]
    public void Entries_are_interval_means_in_chainers_format_and_survive_export()
    {
        var log = new LogReport();
        log.Add(new GanStepResult(1, 10));
        log.Add(new GanStepResult(3, 20));
        log.Report(0, 2, 0.5);
        log.Add(new GanStepResult(5, 30));
        var dir = TestModels.TempDir();
        log.Write(Path.Combine(dir, "log"));

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "log")));
        var entry = Assert.Single(doc.RootElement.EnumerateArray().ToList());
        Assert.Equal(["gen/loss", "dis/loss", "epoch", "iteration", "elapsed_time"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2.0, entry.GetProperty("gen/loss").GetDouble());
        Assert.Equal(15.0, entry.GetProperty("dis/loss").GetDouble());

        // The open interval (one step so far) is part of the state: a resumed run reports the same mean.
        var copy = new LogReport();
        copy.ImportState(log.ExportState());
        copy.Add(new GanStepResult(7, 40));
        log.Add(new GanStepResult(7, 40));
        Assert.Equal(log.Report(0, 4, 1), copy.Report(0, 4, 1));
        Assert.Equal(6.0, copy.Entries[^1].GenLoss);
    }

    [Fact]
    public void Image_grid_is_rows_by_cols_tiles()
    {
        var images = new float[4 * 3 * 32 * 32];
        images.AsSpan(3 * 3 * 32 * 32, 32 * 32).Fill(1f); // red plane of the 4th image
        using var bmp = SkiaSharp.SKBitmap.Decode(ImageGrid.EncodePng(images, 2, 2));
        Assert.Equal(64, bmp.Width);
        Assert.Equal(64, bmp.Height);
        Assert.Equal(new SkiaSharp.SKColor(255, 0, 0), bmp.GetPixel(40, 40));
        Assert.Equal(new SkiaSharp.SKColor(0, 0, 0), bmp.GetPixel(10, 40));
    }
}
