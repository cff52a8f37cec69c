using System.IO.Compression;
using DcGanTyped.Checkpoints;
using DcGanTyped.Models;
using DcGanTyped.Training.Interop;
using DcGanTyped.Training.Interop.Chainer;
using DcGanTyped.Training.Updaters;
using Xunit;
using static TorchSharp.torch;

namespace DcGanTyped.Training.Tests.Interop;

/// <summary>
/// Imports the NumPy-written narrow (ch = 64) fixtures and checks the forward passes against the NumPy reference
/// the fixture script computed in float64 (Fixtures/make_chainer_npz.py), so the check is independent of both engines.
/// </summary>
[Collection("torch")]
public sealed class ChainerImportTests : IDisposable
{
    // float32 arithmetic through five layers against a float64 reference; outputs are in (0, 1). Measured: 4e-7
    // (both engines, AVX2 machine); the margin covers other summation orders (vector widths, thread counts).
    private const float GeneratorTolerance = 2e-5f;

    // The discriminator's logits reach about 16 in magnitude. Measured: 3e-5 (2e-6 relative); 5e-4 is 3e-5 relative.
    private const float DiscriminatorTolerance = 5e-4f;

    private readonly string dir = Path.Combine(Path.GetTempPath(), "dcgan-import-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> cleanup = [];

    public void Dispose()
    {
        foreach (var d in cleanup.Append(dir))
        {
            if (Directory.Exists(d))
            {
                Directory.Delete(d, recursive: true);
            }
        }
    }

    [Fact]
    public void Chainer_keys_map_to_state_dict_names_by_layer_kind()
    {
        var info = BuiltInModels.Get("narrow").Generator;
        Assert.Equal("l0/W", ChainerImporter.ChainerKey(info, "l0.weight"));
        Assert.Equal("l0/b", ChainerImporter.ChainerKey(info, "l0.bias"));
        Assert.Equal("bn0/gamma", ChainerImporter.ChainerKey(info, "bn0.weight"));
        Assert.Equal("bn0/beta", ChainerImporter.ChainerKey(info, "bn0.bias"));
        Assert.Equal("bn2/avg_mean", ChainerImporter.ChainerKey(info, "bn2.running_mean"));
        Assert.Equal("bn3/avg_var", ChainerImporter.ChainerKey(info, "bn3.running_var"));
        Assert.Equal("dc4/W", ChainerImporter.ChainerKey(info, "dc4.weight"));
        Assert.Throws<ArgumentException>(() => ChainerImporter.ChainerKey(info, "dc9.weight"));
    }

    [Fact]
    public void Imported_generator_reproduces_the_numpy_forward_pass_through_generate()
    {
        var models = BuiltInModels.Get("narrow");
        var result = ChainerImporter.ImportFiles(
            models, FixtureFiles.Path("chainer/gen_narrow.npz"), FixtureFiles.Path("chainer/dis_narrow.npz"), dir);
        Assert.Equal(Path.Combine(dir, "gen_iter_0"), result.Generator);
        Assert.True(File.Exists(result.Generator + ".sha256"));

        using var reference = NpzArchive.Open(FixtureFiles.Path("chainer/gen_narrow_forward.npz"));
        var z = reference.Read("z");
        var expected = reference.Read("x");

        // The loader `generate` uses, on the TorchSharp engine, in evaluation mode.
        var sample = GeneratorLoader.Load(models, result.Generator, EngineKind.Torch);
        var actual = sample(z.Data, z.Shape[0]);
        AssertClose(expected.Data, actual, GeneratorTolerance, "generator (torch engine) vs NumPy");
    }

    [Fact]
    public void Imported_discriminator_loads_with_torchsharps_own_loader_and_reproduces_the_numpy_forward_pass()
    {
        var models = BuiltInModels.Get("narrow");
        var result = ChainerImporter.ImportFiles(
            models, FixtureFiles.Path("chainer/gen_narrow.npz"), FixtureFiles.Path("chainer/dis_narrow.npz"), dir);

        using var reference = NpzArchive.Open(FixtureFiles.Path("chainer/dis_narrow_forward.npz"));
        var x = reference.Read("x");
        var expected = reference.Read("y");

        // TorchSharp's Module.load reads the file: proof that it is in TorchSharp's own format.
        using var dis = models.TorchDiscriminator!();
        dis.load(result.Discriminator!);
        dis.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var y = dis.forward(tensor(x.Data, [.. x.Shape.Select(d => (long)d)])).data<float>().ToArray();
        AssertClose(expected.Data, y, DiscriminatorTolerance, "discriminator (torch engine) vs NumPy");
    }

    [Fact]
    public void Simd_engine_with_imported_weights_equals_the_torchsharp_module_and_numpy()
    {
        var models = BuiltInModels.Get("narrow");
        var result = ChainerImporter.ImportFiles(
            models, FixtureFiles.Path("chainer/gen_narrow.npz"), FixtureFiles.Path("chainer/dis_narrow.npz"), dir);

        using var genReference = NpzArchive.Open(FixtureFiles.Path("chainer/gen_narrow_forward.npz"));
        var z = genReference.Read("z");
        var x = genReference.Read("x");
        using var disReference = NpzArchive.Open(FixtureFiles.Path("chainer/dis_narrow_forward.npz"));
        var y = disReference.Read("y");

        // Generator: the SIMD engine (eval mode) against the TorchSharp module loading the same file, and NumPy.
        var simdGen = new NarrowGenerator.SimdModule();
        LoadByName(simdGen, TorchStateDict.ReadFile(result.Generator));
        var simdX = simdGen.Forward(Simd.Tensor.FromArray(z.Data, z.Shape), training: false).Span.ToArray();
        var torchX = GeneratorLoader.Load(models, result.Generator, EngineKind.Torch)(z.Data, z.Shape[0]);
        AssertClose(torchX, simdX, GeneratorTolerance, "generator: SIMD engine vs TorchSharp");
        AssertClose(x.Data, simdX, GeneratorTolerance, "generator: SIMD engine vs NumPy");

        // Discriminator on the same images: evaluation mode adds no noise.
        var simdDis = new NarrowDiscriminator.SimdModule();
        LoadByName(simdDis, TorchStateDict.ReadFile(result.Discriminator!));
        var simdY = simdDis.Forward(Simd.Tensor.FromArray(x.Data, x.Shape), training: false).Span.ToArray();
        AssertClose(y.Data, simdY, DiscriminatorTolerance, "discriminator: SIMD engine vs NumPy");
    }

    [Fact]
    public void The_layout_from_the_simd_engine_is_in_torchsharps_state_dict_order()
    {
        var narrow = BuiltInModels.Get("narrow");
        var withSimd = narrow with
        {
            SimdGenerator = seed => new NarrowGenerator.SimdModule(seed),
            SimdDiscriminator = seed => new NarrowDiscriminator.SimdModule(seed),
            TorchGenerator = null,
            TorchDiscriminator = null,
        };
        foreach (var generator in new[] { true, false })
        {
            var fromTorch = ChainerImporter.StateLayout(narrow with { SimdGenerator = null, SimdDiscriminator = null }, generator);
            var fromSimd = ChainerImporter.StateLayout(withSimd, generator);
            Assert.Equal(fromTorch.Select(e => e.Name), fromSimd.Select(e => e.Name));
            Assert.Equal(fromTorch.Select(e => string.Join(",", e.Shape)), fromSimd.Select(e => string.Join(",", e.Shape)));
        }
    }

    [Fact]
    public void Importing_into_the_wrong_model_names_the_first_shape_that_differs()
    {
        var e = Assert.Throws<InteropFormatException>(() => ChainerImporter.ImportFiles(
            BuiltInModels.Get("seed"), FixtureFiles.Path("chainer/gen_narrow.npz"), null, dir));
        Assert.Equal(
            "gen_narrow.npz: 'l0/W' has shape (1024, 100) but Generator's 'l0.weight' is (8192, 100); is it a Chainer Generator (check --model)?",
            e.Message);
        Assert.False(Directory.Exists(dir), "nothing is written when the import fails");
    }

    [Fact]
    public void A_missing_key_an_extra_key_and_a_pickled_array_are_each_named()
    {
        var models = BuiltInModels.Get("narrow");
        var source = FixtureFiles.Path("chainer/gen_narrow.npz");

        var missing = Rewrite(source, "missing.npz", drop: "bn2/avg_var");
        var e = Assert.Throws<InteropFormatException>(() => ChainerImporter.ImportFiles(models, missing, null, dir));
        Assert.StartsWith("missing.npz: no array 'bn2/avg_var' for NarrowGenerator's 'bn2.running_var'", e.Message);

        var extra = Rewrite(source, "extra.npz", add: ("dc5/W", FixtureFiles.Npy(FixtureFiles.Header("<f4", "(1,)"), FixtureFiles.F4(1))));
        e = Assert.Throws<InteropFormatException>(() => ChainerImporter.ImportFiles(models, extra, null, dir));
        Assert.StartsWith("extra.npz: extra array 'dc5/W' that NarrowGenerator has no place for", e.Message);

        var pickled = Rewrite(source, "pickled.npz", drop: "dc1/b", add: ("dc1/b", File.ReadAllBytes(FixtureFiles.Path("npy/object.npy"))));
        e = Assert.Throws<InteropFormatException>(() => ChainerImporter.ImportFiles(models, pickled, null, dir));
        Assert.StartsWith("pickled.npz: 'dc1/b': object dtype '|O' holds pickled Python objects and is refused", e.Message);

        var pickledCounter = Rewrite(source, "counter.npz", drop: "bn1/N", add: ("bn1/N", File.ReadAllBytes(FixtureFiles.Path("npy/object.npy"))));
        e = Assert.Throws<InteropFormatException>(() => ChainerImporter.ImportFiles(models, pickledCounter, null, dir));
        Assert.Equal("counter.npz: 'bn1/N' should be a number (BatchNormalization's N) but is '|O' of shape (2,)", e.Message);
        Assert.False(Directory.Exists(dir), "nothing is written when an import fails");
    }

    [Fact]
    public void The_iteration_in_the_input_name_is_kept_and_float64_archives_are_accepted()
    {
        // Re-save every float array as float64 under Chainer's snapshot name.
        var source = FixtureFiles.Path("chainer/gen_narrow.npz");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "gen_iter_5000.npz");
        using (var npz = NpzArchive.Open(source))
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var key in npz.Keys)
            {
                var header = npz.ReadHeader(key);
                using var s = zip.CreateEntry(key + ".npy").Open();
                if (header.Descr == "<f4")
                {
                    var a = npz.Read(key);
                    s.Write(FixtureFiles.Npy(FixtureFiles.Header("<f8", Npy.FormatShape(a.Shape)), FixtureFiles.F8([.. a.Data.Select(v => (double)v)])));
                }
                else
                {
                    s.Write(FixtureFiles.Npy(FixtureFiles.Header("<i8", "()"), new byte[8]));
                }
            }
        }

        var outDir = Path.Combine(dir, "out");
        var result = ChainerImporter.ImportFiles(BuiltInModels.Get("narrow"), path, null, outDir);
        Assert.Equal(Path.Combine(outDir, "gen_iter_5000"), result.Generator);
        Assert.Null(result.Discriminator);

        var written = TorchStateDict.ReadFile(result.Generator);
        using var original = NpzArchive.Open(source);
        Assert.Equal(original.Read("dc2/W").Data, written.Single(a => a.Name == "dc2.weight").Data);
    }

    private string Rewrite(string source, string name, string? drop = null, (string Key, byte[] Npy)? add = null)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "dcgan-import-src-" + Guid.NewGuid().ToString("N"));
        cleanup.Add(scratch);
        Directory.CreateDirectory(scratch);
        var path = Path.Combine(scratch, name);
        using (var input = ZipFile.OpenRead(source))
        using (var output = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in input.Entries.Where(e => e.FullName != drop + ".npy"))
            {
                using var from = entry.Open();
                using var to = output.CreateEntry(entry.FullName).Open();
                from.CopyTo(to);
            }

            if (add is { } a)
            {
                using var to = output.CreateEntry(a.Key + ".npy").Open();
                to.Write(a.Npy);
            }
        }

        return path;
    }

    /// <summary>Copies every entry into the SIMD network's tensor of the same name; each must exist with the same size.</summary>
    private static void LoadByName(Simd.SimdNetwork network, IReadOnlyList<NamedArray> entries)
    {
        var state = network.StateDict().ToDictionary(t => t.Name, t => t.T);
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var e in entries)
        {
            Assert.Equal(e.Shape.Select(d => (int)d), state[e.Name].Shape);
            e.Data.CopyTo(state[e.Name].Span);
        }
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var (worst, at) = (0f, -1);
        for (var i = 0; i < expected.Length; i++)
        {
            var d = MathF.Abs(expected[i] - actual[i]);
            if (!(d <= worst))
            {
                (worst, at) = (d, i);
            }
        }

        Assert.True(worst <= tolerance, $"{what}: max |difference| {worst} at index {at} (expected {expected[Math.Max(at, 0)]}, got {actual[Math.Max(at, 0)]}), tolerance {tolerance}");
    }
}
