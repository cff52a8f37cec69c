using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>
/// <c>import-chainer</c>, <c>generate</c> and <c>export</c> run as a user would: the NumPy-written Chainer fixture of
/// the narrow model (tests/DcGanTyped.Training.Tests/Fixtures/chainer) goes in, a PNG and a safetensors file come out.
/// </summary>
[Collection("cli")]
public sealed class InteropCommandsTests
{
    [Fact]
    public void Chainer_weights_import_then_generate_a_png_and_export_safetensors()
    {
        var work = CliProcess.TempDir();
        var imported = CliProcess.Run(work, ["import-chainer", "--gen", Fixture("gen_narrow.npz"), "--dis", Fixture("dis_narrow.npz"), "--out", "imported", "--model", "narrow"]);
        Assert.True(imported.Code == 0, $"exit {imported.Code}\n{imported.Stdout}\n{imported.Stderr}");
        Assert.Contains("gen_iter_0 (NarrowGenerator)", imported.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(work, "imported", "dis_iter_0")));

        var generated = CliProcess.Run(work, ["generate", "--gen", "imported/gen_iter_0", "--rows", "2", "--cols", "3", "--out", "grid.png"]);
        Assert.True(generated.Code == 0, $"exit {generated.Code}\n{generated.Stdout}\n{generated.Stderr}");
        using (var png = SKBitmap.Decode(Path.Combine(work, "grid.png")))
        {
            Assert.Equal((96, 64), (png.Width, png.Height));
        }

        var exported = CliProcess.Run(work, ["export", "--gen", "imported/gen_iter_0", "--format", "safetensors", "--out", "gen.safetensors"]);
        Assert.True(exported.Code == 0, $"exit {exported.Code}\n{exported.Stdout}\n{exported.Stderr}");
        var bytes = File.ReadAllBytes(Path.Combine(work, "gen.safetensors"));
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        Assert.Equal([1024L, 100], header.RootElement.GetProperty("l0.weight").GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("narrow", header.RootElement.GetProperty("__metadata__").GetProperty("dcgan.model").GetString());

        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public void A_pickled_or_mismatched_archive_is_one_line_of_bad_input()
    {
        var work = CliProcess.TempDir();
        var wrongModel = CliProcess.AssertBadInput(CliProcess.Run(work, ["import-chainer", "--gen", Fixture("gen_narrow.npz"), "--out", "x"]));
        Assert.Contains("'l0/W' has shape (1024, 100) but Generator's 'l0.weight' is (8192, 100)", wrongModel, StringComparison.Ordinal);

        var npy = Path.Combine(Path.GetDirectoryName(Fixture("gen_narrow.npz"))!, "..", "npy", "object.npy");
        var notZip = CliProcess.AssertBadInput(CliProcess.Run(work, ["import-chainer", "--gen", npy, "--out", "x"]));
        Assert.Contains("object.npy: not an .npz (zip) archive", notZip, StringComparison.Ordinal);

        var badFormat = CliProcess.AssertBadInput(CliProcess.Run(work, ["export", "--gen", "x", "--format", "onnx", "--out", "y"]));
        Assert.Equal("error: unknown --format 'onnx'; use safetensors", badFormat);
        Assert.False(Directory.Exists(Path.Combine(work, "x")));
        Directory.Delete(work, recursive: true);
    }

    private static string Fixture(string name)
    {
        // tests/DcGanTyped.Cli.Tests/bin/<Configuration>/net10.0 -> tests/DcGanTyped.Training.Tests/Fixtures/chainer
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "DcGanTyped.Training.Tests", "Fixtures", "chainer", name);
        Assert.True(File.Exists(path), $"{path} not found");
        return path;
    }
}
