using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>Each bad input of the training issue: exit code 2, one clear line, and nothing written.</summary>
[Collection("cli")]
public sealed class BadInputTests
{
    private readonly string work = CliProcess.TempDir();

    private string Out => Path.Combine(work, "out");

    [Theory]
    [InlineData("--batchsize 0", "error: --batchsize must be at least 1 (got 0)")]
    [InlineData("--batchsize -5", "error: --batchsize must be at least 1 (got -5)")]
    [InlineData("--snapshot_interval 0", "error: --snapshot_interval must be at least 1 (got 0)")]
    [InlineData("--model wide", "error: unknown --model 'wide'; use one of: seed, narrow")]
    [InlineData("--engine jax", "error: unknown --engine 'jax'; use torch or simd")]
    [InlineData("--n_hidden 64", "error: --n_hidden 64 does not match model 'narrow': its generator takes z of shape (100)")]
    [InlineData("--gpu 0 --engine simd", "error: --gpu 0 needs the torch engine: the SIMD engine runs on the CPU only (use --engine torch or drop --gpu)")]
    [InlineData("--batchsize many", "error: Cannot parse argument 'many' for option '--batchsize' as expected type 'System.Int32'.")]
    public void Bad_options(string extra, string message)
    {
        var args = new List<string> { "train", "--dataset", "shapes", "--out", Out };
        args.AddRange(extra.Split(' '));
        if (!extra.Contains("--model", StringComparison.Ordinal))
        {
            args.AddRange(["--model", "narrow"]);
        }

        var line = CliProcess.AssertBadInput(CliProcess.Run(work, args));
        Assert.Equal(message, line);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Gpu_without_cuda_says_why_and_how_to_fix_before_any_output_exists()
    {
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", .. CliProcess.Small, "--gpu", "0", "--out", Out]));
        Assert.Contains("--gpu 0", line, StringComparison.Ordinal);
        Assert.Contains("-p:TorchBackend=cuda", line, StringComparison.Ordinal);
        Assert.Contains("--gpu -1", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Unwritable_out_is_refused()
    {
        // A path below a regular file cannot be created, even by root.
        var file = Path.Combine(work, "a-file");
        File.WriteAllText(file, "x");
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", .. CliProcess.Small, "--iterations", "1", "--out", Path.Combine(file, "out")]));
        Assert.Contains("--out", line, StringComparison.Ordinal);
        Assert.Contains("a-file/out", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_run_on_the_same_out_is_refused_while_the_first_lives()
    {
        Directory.CreateDirectory(Out);

        // PID 1 is alive and is not the new process: the folder is taken.
        File.WriteAllText(Path.Combine(Out, ".dcgan.lock"), "1\n");
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", .. CliProcess.Small, "--iterations", "1", "--out", Out]));
        Assert.Contains("is in use by another training run (pid 1)", line, StringComparison.Ordinal);
        Assert.Equal([".dcgan.lock"], Directory.GetFileSystemEntries(Out).Select(Path.GetFileName));
    }

    [Fact]
    public void Missing_and_empty_dataset_folders()
    {
        var missing = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", "--model", "narrow", "--dataset", Path.Combine(work, "nope"), "--out", Out]));
        Assert.Contains("nope", missing, StringComparison.Ordinal);
        var empty = Path.Combine(work, "empty");
        Directory.CreateDirectory(empty);
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", "--model", "narrow", "--dataset", empty, "--out", Out]));
        Assert.Contains("empty", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Corrupt_image_is_reported()
    {
        var folder = Path.Combine(work, "images");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", "--model", "narrow", "--dataset", folder, "--out", Out]));
        Assert.Contains("broken.png", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Cifar_file_whose_size_is_not_a_multiple_of_3073_is_refused()
    {
        var dir = Path.Combine(work, "data", "cifar-10-batches-bin");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "data_batch_1.bin"), new byte[3073 + 100]);
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["train", "--model", "narrow", "--dataset", "cifar10", "--data-dir", Path.Combine(work, "data"), "--out", Out]));
        Assert.Contains("data_batch_1.bin", line, StringComparison.Ordinal);
        Assert.Contains("3073", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_with_a_missing_file()
    {
        var line = CliProcess.AssertBadInput(CliProcess.Run(work, ["generate", "--gen", Path.Combine(work, "gen_iter_1")]));
        Assert.Contains("gen_iter_1: no such file", line, StringComparison.Ordinal);
    }
}
