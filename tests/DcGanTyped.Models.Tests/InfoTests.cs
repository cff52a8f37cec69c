using System.Diagnostics;
using DcGanTyped.Shapes;

namespace DcGanTyped.Models.Tests;

/// <summary>The static metadata the generator computed for the seed networks.</summary>
public sealed class InfoTests
{
    [Fact]
    public void Parameter_counts_match_chainer()
    {
        Assert.Equal(3_599_363, Generator.Info.Parameters);
        Assert.Equal(5_862_657, Discriminator.Info.Parameters);
    }

    [Fact]
    public void Generator_layers_shapes_and_costs()
    {
        var info = Generator.Info;
        Assert.Equal(new Shape(100), info.InputShape);
        Assert.Equal(new Shape(3, 32, 32), info.OutputShape);
        Assert.Equal(
            ["l0", "bn0", "relu2", "reshape3", "dc1", "bn1", "relu6", "dc2", "bn2", "relu9", "dc3", "bn3", "relu12", "dc4", "sigmoid14"],
            info.Layers.Select(l => l.Name));

        var dc1 = info.Layers.Single(l => l.Name == "dc1");
        Assert.Equal(LayerKind.ConvTranspose2d, dc1.Kind);
        Assert.Equal(new Shape(256, 8, 8), dc1.OutputShape);
        Assert.Equal((512L * 256 * 4 * 4) + 256, dc1.Parameters);

        // Each of the 512 x 4 x 4 inputs scatters into 256 x 4 x 4 outputs (a multiply-add each), plus one bias add per output.
        Assert.Equal((2L * 512 * 4 * 4 * 256 * 4 * 4) + (256 * 8 * 8), dc1.Flops);

        var l0 = info.Layers[0];
        Assert.Equal((LayerKind.Linear, 2L * 100 * 8192 + 8192), (l0.Kind, l0.Flops));
        Assert.Equal(LayerKind.BatchNorm1d, info.Layers[1].Kind);
        Assert.Equal(LayerKind.BatchNorm2d, info.Layers[5].Kind);
    }

    [Fact]
    public void Discriminator_layers_shapes_and_costs()
    {
        var info = Discriminator.Info;
        Assert.Equal(new Shape(3, 32, 32), info.InputShape);
        Assert.Equal(new Shape(1), info.OutputShape);
        Assert.Equal(29, info.Layers.Count);
        Assert.Equal(LayerKind.GaussianNoise, info.Layers[0].Kind);
        Assert.Equal("noise0", info.Layers[0].Name);
        Assert.Equal(8, info.Layers.Count(l => l.Kind == LayerKind.GaussianNoise));
        Assert.Equal(7, info.Layers.Count(l => l.Kind == LayerKind.LeakyReLU));
        Assert.Equal(6, info.Layers.Count(l => l.Kind == LayerKind.BatchNorm2d));

        // BatchNorm without gamma has only the shift as a parameter.
        Assert.Equal(128, info.Layers.Single(l => l.Name == "bn0_1").Parameters);

        var c0_0 = info.Layers.Single(l => l.Name == "c0_0");
        Assert.Equal(new Shape(64, 32, 32), c0_0.OutputShape);
        Assert.Equal((64L * 32 * 32 * 2 * 3 * 3 * 3) + (64 * 32 * 32), c0_0.Flops);
        Assert.Equal(new Shape(512, 4, 4), info.Layers.Single(l => l.Name == "c3_0").OutputShape);
    }

    [Fact]
    public void Gan_pairs_expose_both_networks()
    {
        Assert.Same(Generator.Info, SeedGan.GeneratorInfo);
        Assert.Same(Discriminator.Info, SeedGan.DiscriminatorInfo);
        Assert.Equal(NarrowGan.GeneratorInfo.OutputShape, NarrowGan.DiscriminatorInfo.InputShape);
    }

    [Fact]
    public void Narrow_networks_differ_only_in_width()
    {
        Assert.Equal(Generator.Info.Layers.Select(l => (l.Name, l.Kind)), NarrowGenerator.Info.Layers.Select(l => (l.Name, l.Kind)));
        Assert.Equal(Discriminator.Info.Layers.Select(l => (l.Name, l.Kind)), NarrowDiscriminator.Info.Layers.Select(l => (l.Name, l.Kind)));
        Assert.Equal(new Shape(64, 4, 4), NarrowGenerator.Info.Layers.Single(l => l.Name == "reshape3").OutputShape);
        Assert.True(NarrowGenerator.Info.Parameters < Generator.Info.Parameters / 20);
    }

    [Fact]
    public void Catalog_finds_pairs_by_name()
    {
        Assert.Equal(["seed", "narrow"], ModelCatalog.Names);
        Assert.Same(Generator.Info, ModelCatalog.Get("seed").Generator);
        Assert.Same(NarrowDiscriminator.Info, ModelCatalog.Get("NARROW").Discriminator);
        Assert.Equal(100, ModelCatalog.Narrow.LatentSize);
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.Get("wide"));
        Assert.Contains("seed, narrow", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("info", false)]
    [InlineData("torch", true)]
    public void Reading_info_does_not_load_libtorch(string mode, bool expectLibTorch)
    {
        // A fresh process: in this one other tests may already have loaded libtorch. The "torch" mode is the
        // positive control showing the probe does see libtorch once a tensor exists.
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, mode])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "probe did not finish");
        Assert.True(process.ExitCode == 0, $"probe failed ({process.ExitCode}): {output}{error}");
        Assert.Contains("parameters=9462020", output, StringComparison.Ordinal);
        Assert.Contains($"libtorch={expectLibTorch}", output, StringComparison.Ordinal);
    }
}
