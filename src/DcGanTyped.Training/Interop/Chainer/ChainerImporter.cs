using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DcGanTyped.Checkpoints;
using DcGanTyped.Shapes;
using DcGanTyped.Training.Checkpoints;

namespace DcGanTyped.Training.Interop.Chainer;

/// <summary>The files <see cref="ChainerImporter.ImportFiles"/> wrote.</summary>
/// <param name="Generator">The generator's weights (<c>gen_iter_N</c>).</param>
/// <param name="Discriminator">The discriminator's weights (<c>dis_iter_N</c>), when a discriminator was imported.</param>
public sealed record ChainerImportResult(string Generator, string? Discriminator);

/// <summary>
/// Imports the <c>.npz</c> weights Chainer's <c>examples/dcgan</c> writes (<c>gen_iter_N.npz</c>,
/// <c>dis_iter_N.npz</c>, via <c>serializers.save_npz</c>) into this project's state_dict layout. Chainer's
/// layouts equal TorchSharp's, so arrays are copied without transposing: <c>Linear.W</c> is (out, in),
/// <c>Convolution2D.W</c> (out, in, kh, kw), <c>Deconvolution2D.W</c> (in, out, kh, kw) like ConvTranspose2d.
/// Names map as <c>l0/W</c> → <c>l0.weight</c>, <c>l0/b</c> → <c>l0.bias</c>, <c>bn0/gamma</c> → <c>bn0.weight</c>,
/// <c>bn0/beta</c> → <c>bn0.bias</c>, <c>bn0/avg_mean</c> → <c>bn0.running_mean</c>,
/// <c>bn0/avg_var</c> → <c>bn0.running_var</c>; BatchNormalization's sample counter <c>bn0/N</c> has no
/// counterpart and is checked to be a plain number, then ignored. Both sides keep the unbiased running variance.
/// </summary>
public static partial class ChainerImporter
{
    /// <summary>The Chainer key of the state_dict entry <paramref name="stateName"/> of <paramref name="network"/>.</summary>
    /// <param name="network">The network's metadata (to tell a BatchNorm's <c>weight</c> from a Linear's).</param>
    /// <param name="stateName">A state_dict name such as <c>bn0.running_var</c>.</param>
    /// <returns>The Chainer key, e.g. <c>bn0/avg_var</c>.</returns>
    /// <exception cref="ArgumentException">The name belongs to no layer of the network, or has no Chainer counterpart.</exception>
    public static string ChainerKey(NetworkInfo network, string stateName)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stateName);
        var dot = stateName.LastIndexOf('.');
        var layerName = dot < 0 ? stateName : stateName[..dot];
        var layer = network.Layers.FirstOrDefault(l => l.Name == layerName)
            ?? throw new ArgumentException($"'{stateName}' belongs to no layer of {network.Name}", nameof(stateName));
        var suffix = stateName[(dot + 1)..];
        var chainer = (layer.Kind, suffix) switch
        {
            (LayerKind.Linear or LayerKind.Conv2d or LayerKind.ConvTranspose2d, "weight") => "W",
            (LayerKind.Linear or LayerKind.Conv2d or LayerKind.ConvTranspose2d, "bias") => "b",
            (LayerKind.BatchNorm1d or LayerKind.BatchNorm2d, "weight") => "gamma",
            (LayerKind.BatchNorm1d or LayerKind.BatchNorm2d, "bias") => "beta",
            (LayerKind.BatchNorm1d or LayerKind.BatchNorm2d, "running_mean") => "avg_mean",
            (LayerKind.BatchNorm1d or LayerKind.BatchNorm2d, "running_var") => "avg_var",
            _ => throw new ArgumentException($"'{stateName}' of {network.Name} has no Chainer counterpart", nameof(stateName)),
        };
        return layerName + "/" + chainer;
    }

    /// <summary>
    /// Reads every array <paramref name="layout"/> needs from <paramref name="npz"/>, in layout order, checking that
    /// no key is missing, none is left over, and every shape fits.
    /// </summary>
    /// <param name="npz">The Chainer archive.</param>
    /// <param name="network">The network's metadata.</param>
    /// <param name="layout">The network's state_dict names and shapes, in its order.</param>
    /// <returns>The entries, named and ordered as the network's state_dict.</returns>
    /// <exception cref="InteropFormatException">The first missing or extra key, or the first shape that differs, named.</exception>
    public static IReadOnlyList<NamedArray> Import(NpzArchive npz, NetworkInfo network, IReadOnlyList<(string Name, int[] Shape)> layout)
    {
        ArgumentNullException.ThrowIfNull(npz);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(layout);
        var keys = layout.Select(e => ChainerKey(network, e.Name)).ToList();
        var hint = $"is it a Chainer {network.Name} (check --model)?";
        for (var i = 0; i < layout.Count; i++)
        {
            if (!npz.Contains(keys[i]))
            {
                throw new InteropFormatException($"{npz.Name}: no array '{keys[i]}' for {network.Name}'s '{layout[i].Name}'; {hint}");
            }
        }

        var expected = keys.ToHashSet(StringComparer.Ordinal);
        var counters = network.Layers
            .Where(l => l.Kind is LayerKind.BatchNorm1d or LayerKind.BatchNorm2d)
            .Select(l => l.Name + "/N")
            .ToHashSet(StringComparer.Ordinal);
        foreach (var key in npz.Keys)
        {
            if (counters.Contains(key))
            {
                // The counter is never used, but it is still checked: a pickle under this name is refused too.
                var header = npz.ReadHeader(key);
                if (!Npy.IsPlainNumber(header.Descr) || header.Shape.Length != 0)
                {
                    throw new InteropFormatException(
                        $"{npz.Name}: '{key}' should be a number (BatchNormalization's N) but is '{header.Descr}' of shape {header.ShapeText}");
                }
            }
            else if (!expected.Contains(key))
            {
                throw new InteropFormatException($"{npz.Name}: extra array '{key}' that {network.Name} has no place for; {hint}");
            }
        }

        var result = new List<NamedArray>(layout.Count);
        for (var i = 0; i < layout.Count; i++)
        {
            var (name, shape) = layout[i];
            var array = npz.Read(keys[i]);
            if (!array.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new InteropFormatException(
                    $"{npz.Name}: '{keys[i]}' has shape {array.ShapeText} but {network.Name}'s '{name}' is {Npy.FormatShape(shape)}; {hint}");
            }

            result.Add(new NamedArray(name, [.. shape.Select(d => (long)d)], array.Data));
        }

        return result;
    }

    /// <summary>
    /// Imports <paramref name="genNpz"/> (and <paramref name="disNpz"/>, when given) into <paramref name="outDir"/> as
    /// <c>gen_iter_N</c> and <c>dis_iter_N</c> in TorchSharp's format, each with its <c>.sha256</c> manifest, ready
    /// for <c>generate</c>. N is taken from the input's name (<c>gen_iter_5000.npz</c>), or 0.
    /// </summary>
    /// <param name="models">The network pair the weights belong to.</param>
    /// <param name="genNpz">Chainer's generator archive.</param>
    /// <param name="disNpz">Chainer's discriminator archive, or null.</param>
    /// <param name="outDir">The output folder (created if needed).</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="InteropFormatException">An archive is unsafe, malformed, or does not fit the networks.</exception>
    /// <exception cref="TrainingInputException">An input file does not exist, or the folder cannot be written.</exception>
    public static ChainerImportResult ImportFiles(GanModels models, string genNpz, string? disNpz, string outDir)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(genNpz);
        ArgumentNullException.ThrowIfNull(outDir);

        // Both archives are read and checked before anything is written, so a bad --dis leaves no half import.
        var gen = ReadArchive(genNpz, models.Generator, StateLayout(models, generator: true));
        var dis = disNpz is null ? null : ReadArchive(disNpz, models.Discriminator, StateLayout(models, generator: false));

        var iteration = IterationOf(genNpz).ToString(CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingInputException($"--out {outDir} cannot be created ({e.Message})", e);
        }

        var genPath = Path.Combine(outDir, $"gen_iter_{iteration}");
        WeightsFile.Write(genPath, Serialize(gen));
        string? disPath = null;
        if (dis is not null)
        {
            disPath = Path.Combine(outDir, $"dis_iter_{iteration}");
            WeightsFile.Write(disPath, Serialize(dis));
        }

        return new ChainerImportResult(genPath, disPath);
    }

    /// <summary>
    /// The state_dict layout (names and shapes) of one network of <paramref name="models"/> in TorchSharp's order:
    /// every parameter, then every buffer, as <c>Module.state_dict()</c> lists them and <c>Module.save</c> writes
    /// them. Taken from the SIMD engine when the pair has one (no native library needed), else from a TorchSharp module.
    /// </summary>
    /// <param name="models">The pair.</param>
    /// <param name="generator">True for the generator, false for the discriminator.</param>
    /// <returns>The layout.</returns>
    public static IReadOnlyList<(string Name, int[] Shape)> StateLayout(GanModels models, bool generator)
    {
        ArgumentNullException.ThrowIfNull(models);
        var simd = generator ? models.SimdGenerator : models.SimdDiscriminator;
        if (simd is not null)
        {
            var network = simd(0);
            var parameters = network.NamedParameters().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var state = network.StateDict();
            return [.. state.Where(t => parameters.Contains(t.Name)).Concat(state.Where(t => !parameters.Contains(t.Name)))
                .Select(t => (t.Name, (int[])t.T.Shape.Clone()))];
        }

        return TorchLayout(models, generator);
    }

    // Kept apart and never inlined so that the SIMD-only path does not load TorchSharp.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReadOnlyList<(string Name, int[] Shape)> TorchLayout(GanModels models, bool generator)
    {
        var factory = (generator ? models.TorchGenerator : models.TorchDiscriminator)
            ?? throw new TrainingInputException($"model '{models.Name}' has no networks to import into");
        using var module = factory();
        return [.. module.state_dict().Select(kv => (kv.Key, kv.Value.shape.Select(d => checked((int)d)).ToArray()))];
    }

    private static IReadOnlyList<NamedArray> ReadArchive(string path, NetworkInfo network, IReadOnlyList<(string Name, int[] Shape)> layout)
    {
        if (!File.Exists(path))
        {
            throw new TrainingInputException($"{path}: no such file");
        }

        using var npz = NpzArchive.Open(path);
        return Import(npz, network, layout);
    }

    private static byte[] Serialize(IReadOnlyList<NamedArray> entries)
    {
        using var stream = new MemoryStream();
        TorchStateDict.Write(stream, entries);
        return stream.ToArray();
    }

    private static long IterationOf(string path)
    {
        var m = IterationName().Match(Path.GetFileName(path));
        return m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    [GeneratedRegex(@"_iter_(\d{1,18})\.npz$")]
    private static partial Regex IterationName();
}
