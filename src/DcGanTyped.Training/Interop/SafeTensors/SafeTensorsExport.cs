using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Interop.Chainer;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training.Interop.SafeTensors;

/// <summary>What <see cref="SafeTensorsExport.ExportFile"/> wrote.</summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Model">The built-in pair the weights belong to.</param>
/// <param name="Network">The network's record name, e.g. <c>Generator</c>.</param>
/// <param name="Tensors">How many tensors it holds.</param>
public sealed record SafeTensorsExportResult(string Path, string Model, string Network, int Tensors);

/// <summary>
/// Exports a <c>gen_iter_N</c> / <c>dis_iter_N</c> weights file to safetensors with PyTorch-style key names (the
/// state_dict names, <c>l0.weight</c>, <c>bn0.running_mean</c>, ...), which
/// <c>safetensors.torch.load_file(path)</c> returns as a dict that a PyTorch module of the same layout loads with
/// <c>load_state_dict</c>.
/// </summary>
public static class SafeTensorsExport
{
    /// <summary>
    /// Reads <paramref name="weights"/> (checking its <c>.sha256</c> manifest when present), checks its names and shapes
    /// against the network, and writes <paramref name="output"/>.
    /// </summary>
    /// <param name="weights">A weights file written by <c>train</c> or <c>import-chainer</c>.</param>
    /// <param name="output">The safetensors file to write.</param>
    /// <param name="candidates">The pairs the file may belong to; the first whose layout fits is used.</param>
    /// <param name="generator">True when the file holds a generator, false for a discriminator.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="CheckpointException">The file is missing, corrupt, or fits none of the candidates (the first difference is named).</exception>
    public static SafeTensorsExportResult ExportFile(string weights, string output, IReadOnlyList<GanModels> candidates, bool generator)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(candidates);
        var entries = WeightsFile.ReadStateDict(weights);

        var state = new EngineState();
        state.Tensors.AddRange(entries.Select(e => new NamedTensor(e.Name, [.. e.Shape.Select(d => checked((int)d))], e.Data)));
        CheckpointException? first = null;
        foreach (var models in candidates)
        {
            var network = generator ? models.Generator : models.Discriminator;
            try
            {
                state.CheckLayout(ChainerImporter.StateLayout(models, generator), weights, network.Name);
            }
            catch (CheckpointException e)
            {
                first ??= e;
                continue;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = "pt",
                ["dcgan.model"] = models.Name,
                ["dcgan.network"] = network.Name,
                ["dcgan.source"] = Path.GetFileName(weights),
            };
            try
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
                Directory.CreateDirectory(folder);
                SafeTensorsFile.WriteFile(output, entries, metadata);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TrainingInputException($"cannot write {output} ({e.Message})", e);
            }

            return new SafeTensorsExportResult(output, models.Name, network.Name, entries.Count);
        }

        throw first ?? new CheckpointException(weights, "no model to check it against");
    }
}
