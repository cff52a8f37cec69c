using System.Runtime.CompilerServices;
using DcGanTyped.Checkpoints;
using DcGanTyped.Simd;
using DcGanTyped.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace DcGanTyped.Training.Updaters;

/// <summary>Samples images from a saved generator (<c>gen_iter_N</c>) on either engine, for <c>generate</c> and <c>interpolate</c>.</summary>
public static class GeneratorLoader
{
    /// <summary>
    /// Loads <paramref name="path"/> into a new generator of <paramref name="models"/> and returns a function that
    /// maps (count x latent) z values to (count x C x H x W) images in evaluation mode.
    /// </summary>
    /// <exception cref="CheckpointException">Missing, corrupt, or another architecture (the first differing key or shape is named).</exception>
    public static Func<float[], int, float[]> Load(GanModels models, string path, EngineKind engine, int gpu = -1)
    {
        ArgumentNullException.ThrowIfNull(models);
        var entries = WeightsFile.ReadStateDict(path);
        return engine == EngineKind.Simd ? LoadSimd(models, entries, path) : LoadTorch(models, entries, path, gpu);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Func<float[], int, float[]> LoadSimd(GanModels models, IReadOnlyList<NamedArray> entries, string path)
    {
        var gen = (models.SimdGenerator ?? throw new TrainingInputException($"model '{models.Name}' has no SIMD networks; use --engine torch"))(0);
        SimdGanUpdater.LoadWeights(gen, entries, path);
        var latent = models.Generator.InputShape[0];
        return (z, count) => gen.Forward(DcGanTyped.Simd.Tensor.FromArray(z[..(count * latent)], count, latent), training: false).Span.ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Func<float[], int, float[]> LoadTorch(GanModels models, IReadOnlyList<NamedArray> entries, string path, int gpu)
    {
        var device = TorchDevices.Resolve(gpu);
        var gen = (models.TorchGenerator ?? throw new TrainingInputException($"model '{models.Name}' has no TorchSharp modules; use --engine simd"))();
        var state = new EngineState();
        state.Tensors.AddRange(entries.Select(e => new NamedTensor(e.Name, [.. e.Shape.Select(d => checked((int)d))], e.Data)));
        var mine = gen.state_dict().Select(kv => (kv.Key, kv.Value.shape.Select(d => (int)d).ToArray())).ToList();
        var tensors = state.Align(mine, path, models.Generator.Name);
        using (var noGrad = no_grad())
        {
            var i = 0;
            foreach (var (_, t) in gen.state_dict())
            {
                using var src = tensor(tensors[i++].Data, t.shape);
                t.copy_(src);
            }
        }

        gen.to(device);
        gen.eval();
        var latent = models.Generator.InputShape[0];
        return (z, count) =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = gen.forward(tensor(z[..(count * latent)], new long[] { count, latent }).to(device));
            return x.cpu().data<float>().ToArray();
        };
    }
}
