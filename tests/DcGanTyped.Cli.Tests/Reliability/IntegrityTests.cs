using System.Diagnostics;
using System.Security.Cryptography;
using Xunit;
using Xunit.Abstractions;

namespace DcGanTyped.Cli.Tests.Reliability;

/// <summary>
/// Checksums on every snapshot and weights file; corrupt files are refused by name and <c>--resume latest</c> falls
/// back past them; <c>--keep-snapshots</c> deletes only after a newer snapshot is safe; a full disk loses nothing.
/// </summary>
public sealed class IntegrityTests(ITestOutputHelper output)
{
    [Fact]
    public void Corrupt_snapshots_and_weights_are_refused_by_name_and_resume_latest_falls_back_to_the_newest_valid_one()
    {
        var dir = CliProcess.TempDir("integrity");
        var (code, first) = CliProcess.Run(dir, CliProcess.Train(dir, 6, 2));
        using (first)
        {
            Assert.True(code == 0, first.Output);
        }

        // Every weights file has a sha256sum-format manifest that matches its bytes.
        foreach (var weights in Directory.GetFiles(dir, "*_iter_*").Where(f => !f.EndsWith(".sha256", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("snapshot", StringComparison.Ordinal)))
        {
            var manifest = File.ReadAllText(weights + ".sha256");
            Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights)))}  {Path.GetFileName(weights)}\n", manifest);
        }

        Assert.Equal([6L, 4, 2], CliProcess.ValidSnapshots(dir));
        FlipBit(Path.Combine(dir, "snapshot_iter_6"), 0.5);
        Truncate(Path.Combine(dir, "snapshot_iter_4"), 0.7);

        // An explicit --resume of a corrupt file: one line naming it, exit 2.
        var (explicitCode, explicitRun) = CliProcess.Run(dir, [.. CliProcess.Train(dir, 8, 2), "--resume", Path.Combine(dir, "snapshot_iter_6")]);
        using (explicitRun)
        {
            Assert.True(explicitCode == 2, explicitRun.Output);
            Assert.StartsWith($"error: {Path.Combine(dir, "snapshot_iter_6")}: checksum mismatch", explicitRun.Stderr, StringComparison.Ordinal);
        }

        // --resume latest skips both corrupt ones, says so, and continues from iteration 2; --keep-snapshots 2 then
        // leaves the two newest.
        var (resumeCode, resumed) = CliProcess.Run(dir, [.. CliProcess.Train(dir, 8, 2), "--resume", "latest", "--keep-snapshots", "2"]);
        using (resumed)
        {
            Assert.True(resumeCode == 0, resumed.Output);
            var lines = resumed.StdoutLines;
            Assert.Contains(lines, l => l.StartsWith($"skipping {Path.Combine(dir, "snapshot_iter_6")}: checksum mismatch", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"skipping {Path.Combine(dir, "snapshot_iter_4")}: ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"resumed from {Path.Combine(dir, "snapshot_iter_2")} at iteration 2,", StringComparison.Ordinal));
            Assert.Equal(3, resumed.Rows()[0].Iteration);
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], CliProcess.ReadLog(dir).Select(e => e.Iteration));
        Assert.Equal(["snapshot_iter_6", "snapshot_iter_8"], Directory.GetFiles(dir, "snapshot_iter_*").Select(Path.GetFileName).Order());
        Assert.Equal([8L, 6], CliProcess.ValidSnapshots(dir));

        // Weights: a flipped bit and a truncation are refused by generate, naming the file.
        FlipBit(Path.Combine(dir, "gen_iter_8"), 0.3);
        Truncate(Path.Combine(dir, "gen_iter_6"), 0.5);
        foreach (var it in new[] { 8, 6 })
        {
            var gen = Path.Combine(dir, $"gen_iter_{it}");
            var (genCode, generate) = CliProcess.Run(dir, ["generate", "--model", "narrow", "--gen", gen, "--out", Path.Combine(dir, "g.png")]);
            using (generate)
            {
                Assert.True(genCode == 2, generate.Output);
                Assert.Equal($"error: {gen}: checksum mismatch with gen_iter_{it}.sha256: the file is truncated or corrupt", generate.Stderr.Trim());
                Assert.False(File.Exists(Path.Combine(dir, "g.png")));
            }
        }

        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("injected")]
    [InlineData("tmpfs")]
    public void A_full_disk_during_a_snapshot_keeps_the_previous_one_says_so_and_exits_non_zero(string how)
    {
        var root = CliProcess.TempDir("diskfull");
        var dir = Path.Combine(root, "out");
        Directory.CreateDirectory(dir);

        // One snapshot set of the narrow model is about 4 MB (snapshot 2.96 MB, weights 0.98 MB, preview, log);
        // 6.5 MB ends the disk in the middle of the second snapshot.
        const long capacity = 6_500_000;
        var env = new Dictionary<string, string>();
        var mounted = how == "tmpfs" && TryMountTmpfs(dir, capacity);
        if (!mounted)
        {
            output.WriteLine(how == "tmpfs" ? "mount -t tmpfs is not permitted here; the full disk is injected instead" : "injected");
            env["DCGANTYPED_TEST_DISK_FULL_AFTER_BYTES"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        try
        {
            var (code, run) = CliProcess.Run(root, [.. CliProcess.Train(dir, 6, 2), "--keep-snapshots", "1"], env);
            using (run)
            {
                Assert.True(code == 2, run.Output);
                output.WriteLine(run.Stderr);
                Assert.StartsWith($"error: the disk is full: could not write {Path.Combine(dir, "snapshot_iter_4")} (", run.Stderr, StringComparison.Ordinal);
                Assert.Contains("earlier snapshots are intact", run.Stderr, StringComparison.Ordinal);
                Assert.Contains("snapshot written: " + Path.Combine(dir, "snapshot_iter_2"), run.StdoutLines);
            }

            // The previous snapshot is whole, nothing half-written is left, and the failed one never appeared.
            Assert.Equal([2L], CliProcess.ValidSnapshots(dir));
            Assert.Equal(["snapshot_iter_2"], Directory.GetFiles(dir, "snapshot_iter_*").Select(Path.GetFileName));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp-*", SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(dir, ".dcgan.lock")));

            if (!mounted)
            {
                // With space again, the run goes on from it.
                var (resumeCode, resume) = CliProcess.Run(root, [.. CliProcess.Train(dir, 6, 2), "--resume", "latest", "--keep-snapshots", "1"]);
                using (resume)
                {
                    Assert.True(resumeCode == 0, resume.Output);
                    Assert.Contains(resume.StdoutLines, l => l.StartsWith($"resumed from {Path.Combine(dir, "snapshot_iter_2")} at iteration 2,", StringComparison.Ordinal));
                }

                Assert.Equal([6L], CliProcess.ValidSnapshots(dir));
                Assert.Equal([1L, 2, 3, 4, 5, 6], CliProcess.ReadLog(dir).Select(e => e.Iteration));
            }
        }
        finally
        {
            if (mounted)
            {
                Exec("umount", dir);
            }
        }

        Directory.Delete(root, recursive: true);
    }

    private static bool TryMountTmpfs(string dir, long bytes)
        => OperatingSystem.IsLinux() && Exec("mount", "-t", "tmpfs", "-o", $"size={bytes / 1024}k", "tmpfs", dir) == 0;

    private static int Exec(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static void FlipBit(string path, double where)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[(int)(bytes.Length * where)] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path, double keep)
    {
        using var fs = new FileStream(path, FileMode.Open);
        fs.SetLength((long)(fs.Length * keep));
    }
}
