using System.Text.Json;
using DcGanTyped.Models;
using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Extensions;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>One short real run shared by the tests that read its outputs.</summary>
public sealed class TorchRunFixture
{
    public TorchRunFixture()
    {
        Work = CliProcess.TempDir();
        Out = Path.Combine(Work, "result");
        Result = CliProcess.Run(Work, ["train", .. CliProcess.Small, "--iterations", "4", "--display_interval", "1", "--snapshot_interval", "2", "--out", Out]);
    }

    public string Work { get; }

    public string Out { get; }

    public (int Code, string Stdout, string Stderr) Result { get; }
}

[Collection("cli")]
public sealed class TrainEndToEndTests(TorchRunFixture run) : IClassFixture<TorchRunFixture>
{
    [Fact]
    public void Train_writes_every_output_in_chainers_layout()
    {
        Assert.True(run.Result.Code == 0, $"exit {run.Result.Code}\n{run.Result.Stdout}\n{run.Result.Stderr}");
        var o = run.Out;

        // log: a JSON array, one entry per display interval, with Chainer's keys.
        using (var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(o, "log"))))
        {
            var entries = log.RootElement.EnumerateArray().ToList();
            Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.GetProperty("iteration").GetInt64()));
            foreach (var e in entries)
            {
                Assert.Equal(["gen/loss", "dis/loss", "epoch", "iteration", "elapsed_time"], e.EnumerateObject().Select(p => p.Name));
                Assert.True(double.IsFinite(e.GetProperty("gen/loss").GetDouble()));
                Assert.True(e.GetProperty("dis/loss").GetDouble() > 0);
            }
        }

        // Printed table.
        Assert.Contains("epoch       iteration   gen/loss    dis/loss", run.Result.Stdout, StringComparison.Ordinal);

        // Previews every snapshot interval: 10 x 10 tiles of 32 x 32.
        foreach (var it in new[] { "00000002", "00000004" })
        {
            using var bmp = SKBitmap.Decode(Path.Combine(o, "preview", $"image{it}.png"));
            Assert.Equal((320, 320), (bmp.Width, bmp.Height));
        }

        using (var plot = SKBitmap.Decode(Path.Combine(o, "loss.png")))
        {
            Assert.True(plot.Width > 100 && plot.Height > 100);
        }

        // Weights load with TorchSharp's own Module.load, strictly, into the generated modules.
        using (var gen = new NarrowGenerator.TorchModule())
        using (var dis = new NarrowDiscriminator.TorchModule())
        {
            gen.load(Path.Combine(o, "gen_iter_4"), strict: true);
            dis.load(Path.Combine(o, "dis_iter_4"), strict: true);
            Assert.Equal(NarrowGenerator.Info.Parameters, gen.parameters().Sum(p => p.numel()));
        }

        Assert.True(File.Exists(Path.Combine(o, "gen_iter_2.sha256")));
        var snapshot = SnapshotFile.Read(Path.Combine(o, "snapshot_iter_4"));
        Assert.Equal(4, (long)snapshot.Trainer["iteration"]!);
        Assert.False(File.Exists(Path.Combine(o, OutputLock.FileName)));
        Assert.DoesNotContain(Directory.GetFiles(o), f => Path.GetFileName(f).Contains(".tmp-", StringComparison.Ordinal));
    }

    [Fact]
    public void Resume_from_snapshot_gives_the_same_log_as_the_uninterrupted_run()
    {
        var dir = Path.Combine(CliProcess.TempDir(), "split");
        var first = CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "2", "--display_interval", "1", "--snapshot_interval", "2", "--out", dir]);
        Assert.True(first.Code == 0, first.Stderr);
        var second = CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "4", "--display_interval", "1", "--snapshot_interval", "2", "--out", dir, "--resume", Path.Combine(dir, "snapshot_iter_2")]);
        Assert.True(second.Code == 0, second.Stderr);
        var expected = LogReport.ReadJson(Path.Combine(run.Out, "log")).Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss));
        var actual = LogReport.ReadJson(Path.Combine(dir, "log")).Select(e => (e.Epoch, e.Iteration, e.GenLoss, e.DisLoss));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Generate_and_interpolate_write_pngs_of_the_requested_layout()
    {
        var gen = Path.Combine(run.Out, "gen_iter_4");
        var grid = Path.Combine(run.Work, "grid.png");
        var r = CliProcess.Run(run.Work, ["generate", "--gen", gen, "--rows", "3", "--cols", "5", "--seed", "7", "--out", grid]);
        Assert.True(r.Code == 0, r.Stderr);
        using (var bmp = SKBitmap.Decode(grid))
        {
            Assert.Equal((160, 96), (bmp.Width, bmp.Height));
        }

        var many = Path.Combine(run.Work, "many");
        r = CliProcess.Run(run.Work, ["generate", "--gen", gen, "--count", "3", "--out", many, "--model", "narrow"]);
        Assert.True(r.Code == 0, r.Stderr);
        Assert.Equal(3, Directory.GetFiles(many, "*.png").Length);
        using (var one = SKBitmap.Decode(Directory.GetFiles(many, "*.png")[0]))
        {
            Assert.Equal((32, 32), (one.Width, one.Height));
        }

        var walk = Path.Combine(run.Work, "walk.png");
        r = CliProcess.Run(run.Work, ["interpolate", "--gen", gen, "--steps", "6", "--rows", "2", "--seed", "3", "--out", walk]);
        Assert.True(r.Code == 0, r.Stderr);
        using (var bmp = SKBitmap.Decode(walk))
        {
            Assert.Equal((192, 64), (bmp.Width, bmp.Height));
        }
    }

    [Fact]
    public void Generate_with_another_architecture_names_the_first_differing_shape()
    {
        var r = CliProcess.Run(run.Work, ["generate", "--gen", Path.Combine(run.Out, "gen_iter_4"), "--model", "seed"]);
        var line = CliProcess.AssertBadInput(r);
        Assert.Contains("gen_iter_4: not a checkpoint of model 'Generator': 'l0.weight' has shape (1024, 100) in the file but (8192, 100) in the model", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_with_another_architecture_names_the_first_differing_shape()
    {
        var r = CliProcess.Run(run.Work, ["train", "--model", "seed", "--dataset", "shapes", "--iterations", "1", "--out", Path.Combine(run.Work, "other"), "--resume", Path.Combine(run.Out, "snapshot_iter_2")]);
        var line = CliProcess.AssertBadInput(r);
        Assert.Contains("snapshot_iter_2: not a checkpoint of model 'Generator/Discriminator': 'gen/l0.weight' has shape (1024, 100) in the file but (8192, 100) in the model", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_snapshot_and_weights_are_refused_by_name()
    {
        var bytes = File.ReadAllBytes(Path.Combine(run.Out, "snapshot_iter_2"));
        var cut = Path.Combine(run.Work, "snapshot_iter_99");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var line = CliProcess.AssertBadInput(CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "3", "--out", Path.Combine(run.Work, "t"), "--resume", cut]));
        Assert.Contains("snapshot_iter_99: checksum mismatch", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(run.Work, "t")));

        var gen = File.ReadAllBytes(Path.Combine(run.Out, "gen_iter_2"));
        var genCut = Path.Combine(run.Work, "gen_cut");
        File.WriteAllBytes(genCut, gen[..1000]);
        line = CliProcess.AssertBadInput(CliProcess.Run(run.Work, ["generate", "--gen", genCut]));
        Assert.Contains("gen_cut: not a TorchSharp weights file", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_without_resume_into_a_folder_holding_a_run_is_refused_and_changes_nothing()
    {
        Assert.True(run.Result.Code == 0, run.Result.Stderr);
        var before = Listing(run.Out);
        Assert.Contains("snapshot_iter_4", before.Keys);

        var line = CliProcess.AssertBadInput(CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "2", "--out", run.Out]));
        Assert.Equal(
            $"error: --out {run.Out} already holds a training run (newest snapshot {Path.Combine(run.Out, "snapshot_iter_4")}); continue it with --resume latest, or choose another --out (nothing was changed)",
            line);

        // Every file is still there with the same bytes and times, and no lock file was left.
        Assert.Equal(before, Listing(run.Out));

        // A log alone counts as a run too; an empty log does not.
        var logOnly = Path.Combine(run.Work, "log-only");
        Directory.CreateDirectory(logOnly);
        File.WriteAllText(Path.Combine(logOnly, "log"), "[]");
        line = CliProcess.AssertBadInput(CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "1", "--out", logOnly]));
        Assert.Contains($"--out {logOnly} already holds a training run (no snapshot yet); continue it with --resume latest", line, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(logOnly, "log"), string.Empty);
        var fresh = CliProcess.Run(run.Work, ["train", .. CliProcess.Small, "--iterations", "1", "--out", logOnly]);
        Assert.True(fresh.Code == 0, fresh.Stderr);
    }

    private static Dictionary<string, string> Listing(string dir) => Directory
        .EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(
            p => Path.GetRelativePath(dir, p),
            p => File.Exists(p)
                ? $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))} {File.GetLastWriteTimeUtc(p):O}"
                : $"dir {Directory.GetLastWriteTimeUtc(p):O}");
}
