using DcGanTyped.Training.Extensions;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>The SIMD engine end to end: it trains, resumes exactly, writes TorchSharp-format weights, and never loads libtorch.</summary>
[Collection("cli")]
public sealed class SimdEngineTests
{
    private static readonly string[] Simd = ["train", "--engine", "simd", "--model", "narrow", "--dataset", "shapes", "--batchsize", "4", "--display_interval", "1", "--snapshot_interval", "2"];

    [Fact]
    public void Simd_training_never_loads_libtorch_and_resume_matches_the_uninterrupted_run()
    {
        var work = CliProcess.TempDir();
        var straight = Path.Combine(work, "straight");
        var maps = Path.Combine(work, "maps");
        var whole = CliProcess.Run(work, [.. Simd, "--iterations", "4", "--out", straight], new Dictionary<string, string> { ["DCGAN_DUMP_MAPS"] = maps });
        Assert.True(whole.Code == 0, $"exit {whole.Code}\n{whole.Stdout}\n{whole.Stderr}");

        // /proc/self/maps at exit lists every shared object ever loaded (none is unloaded).
        var text = File.ReadAllText(maps);
        Assert.Contains("libcoreclr.so", text, StringComparison.Ordinal);
        foreach (var native in new[] { "libtorch", "LibTorchSharp", "libc10" })
        {
            Assert.DoesNotContain(native, text, StringComparison.Ordinal);
        }

        using (var preview = SKBitmap.Decode(Path.Combine(straight, "preview", "image00000004.png")))
        {
            Assert.Equal((320, 320), (preview.Width, preview.Height));
        }

        var split = Path.Combine(work, "split");
        Assert.Equal(0, CliProcess.Run(work, [.. Simd, "--iterations", "2", "--out", split]).Code);
        var resumed = CliProcess.Run(work, [.. Simd, "--iterations", "4", "--out", split, "--resume", "latest"]);
        Assert.True(resumed.Code == 0, resumed.Stderr);
        var expected = LogReport.ReadJson(Path.Combine(straight, "log")).Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss));
        var actual = LogReport.ReadJson(Path.Combine(split, "log")).Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss));
        Assert.Equal(expected, actual);

        // The SIMD engine's weights are TorchSharp's format: the torch engine samples from them.
        var grid = Path.Combine(work, "grid.png");
        var gen = CliProcess.Run(work, ["generate", "--gen", Path.Combine(straight, "gen_iter_4"), "--engine", "torch", "--rows", "2", "--cols", "2", "--out", grid]);
        Assert.True(gen.Code == 0, gen.Stderr);
        using var bmp = SKBitmap.Decode(grid);
        Assert.Equal((64, 64), (bmp.Width, bmp.Height));
    }
}
