using DcGanTyped.Checkpoints;
using DcGanTyped.Training.Interop.Chainer;
using DcGanTyped.Training.Interop.SafeTensors;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

[Collection("torch")]
public sealed class SafeTensorsExportTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dcgan-export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Exported_generator_holds_every_tensor_under_its_state_dict_name()
    {
        var models = BuiltInModels.Get("narrow");
        var weights = Import().Generator;
        var output = Path.Combine(dir, "sub", "gen.safetensors");

        var result = SafeTensorsExport.ExportFile(weights, output, [BuiltInModels.Get("seed"), models], generator: true);
        Assert.Equal(("narrow", "NarrowGenerator", output), (result.Model, result.Network, result.Path));

        var source = TorchStateDict.ReadFile(weights);
        var read = SafeTensorsFile.ReadFile(output);
        Assert.Equal(source.Count, result.Tensors);
        Assert.Equal(source.Select(e => e.Name), read.Tensors.Select(e => e.Name));
        foreach (var (want, got) in source.Zip(read.Tensors))
        {
            Assert.Equal(want.Shape, got.Shape);
            Assert.True(want.Data.AsSpan().SequenceEqual(got.Data), $"'{want.Name}' differs");
        }

        // PyTorch-style keys are exactly the TorchSharp module's state_dict keys.
        using var module = models.TorchGenerator!();
        Assert.Equal(module.state_dict().Keys.Order(StringComparer.Ordinal), read.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));

        Assert.Equal("pt", read.Metadata["format"]);
        Assert.Equal("NarrowGenerator", read.Metadata["dcgan.network"]);
        Assert.Empty(SafeTensorsTests.SpecViolations(File.ReadAllBytes(output), source));
    }

    [Fact]
    public void Exporting_with_the_wrong_model_names_the_first_shape_that_differs_and_writes_nothing()
    {
        var weights = Import().Discriminator!;
        var output = Path.Combine(dir, "dis.safetensors");
        var e = Assert.Throws<CheckpointException>(() => SafeTensorsExport.ExportFile(weights, output, [BuiltInModels.Get("seed")], generator: false));
        Assert.Equal(
            $"{weights}: not a checkpoint of model 'Discriminator': 'c0_0.weight' has shape (8, 3, 3, 3) in the file but (64, 3, 3, 3) in the model",
            e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_weights_file_that_no_longer_matches_its_checksum_is_refused()
    {
        var weights = Import().Generator;
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<CheckpointException>(
            () => SafeTensorsExport.ExportFile(weights, Path.Combine(dir, "x.safetensors"), [BuiltInModels.Get("narrow")], generator: true));
        Assert.Contains("checksum mismatch", e.Message);
    }

    private ChainerImportResult Import()
        => ChainerImporter.ImportFiles(
            BuiltInModels.Get("narrow"),
            FixtureFiles.Path("chainer/gen_narrow.npz"),
            FixtureFiles.Path("chainer/dis_narrow.npz"),
            Path.Combine(dir, "imported"));
}
