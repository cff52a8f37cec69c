using DcGanTyped.Text;

namespace DcGanTyped.Training.Updaters;

/// <summary>A named float32 tensor of an engine's state (a parameter, buffer or optimizer moment).</summary>
/// <param name="Name">Key, prefixed with the network (<c>gen/l0.weight</c>, <c>dis/bn0_1.running_mean</c>).</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Row-major values; the length is the product of <paramref name="Shape"/>.</param>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>The shape formatted like <c>(64, 3, 3, 3)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}

/// <summary>
/// The complete state of an updater in engine-neutral containers: both networks' parameters and buffers as named
/// tensors, and engine-specific opaque blobs (optimizer states, random generator states).
/// </summary>
public sealed class EngineState
{
    /// <summary>Parameters and buffers of both networks, in state_dict order, generator first.</summary>
    public List<NamedTensor> Tensors { get; } = [];

    /// <summary>Opaque engine-specific blobs (<c>opt/gen</c>, <c>opt/dis</c>, <c>rng/z</c>, <c>rng/noise</c>, ...).</summary>
    public SortedDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Matches this state's tensors to <paramref name="expected"/> by name (as TorchSharp's <c>Module.load</c> does) and
    /// returns them in <paramref name="expected"/>'s order. Throws <see cref="CheckpointException"/> naming the first
    /// expected key that is missing or has another shape, or a key the model does not have, so a checkpoint of
    /// another architecture is refused before anything is copied.
    /// </summary>
    public IReadOnlyList<NamedTensor> Align(IReadOnlyList<(string Name, int[] Shape)> expected, string path, string modelName)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (!byName.TryAdd(t.Name, t))
            {
                throw new CheckpointException(path, $"key {MessageText.Quote(t.Name)} appears twice in the file");
            }
        }

        var aligned = new List<NamedTensor>(expected.Count);
        foreach (var (name, shape) in expected)
        {
            if (!byName.Remove(name, out var have))
            {
                throw new CheckpointException(path, $"not a checkpoint of model '{modelName}': key '{name}' is missing from the file");
            }

            if (!have.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new CheckpointException(
                    path,
                    $"not a checkpoint of model '{modelName}': {MessageText.Quote(name)} has shape {have.ShapeText} in the file but ({string.Join(", ", shape)}) in the model");
            }

            aligned.Add(have);
        }

        if (byName.Count > 0)
        {
            var extra = Tensors.First(t => byName.ContainsKey(t.Name));
            throw new CheckpointException(path, $"not a checkpoint of model '{modelName}': the file has a key {MessageText.Quote(extra.Name)} the model does not have");
        }

        return aligned;
    }

    /// <summary>Like <see cref="Align"/>, for its checks only.</summary>
    public void CheckLayout(IReadOnlyList<(string Name, int[] Shape)> expected, string path, string modelName) => Align(expected, path, modelName);

    /// <summary>The blob named <paramref name="name"/>, or a <see cref="CheckpointException"/> when it is missing.</summary>
    public byte[] Blob(string name, string path)
        => Blobs.TryGetValue(name, out var b) ? b : throw new CheckpointException(path, $"the snapshot has no '{name}' entry");
}

/// <summary>Losses of one GAN step (means over the batch).</summary>
/// <param name="GenLoss">mean softplus(-D(G(z))), with D after its update.</param>
/// <param name="DisLoss">mean softplus(-D(x_real)) + mean softplus(D(G(z))), with D before its update.</param>
public readonly record struct GanStepResult(double GenLoss, double DisLoss);

/// <summary>
/// One engine's implementation of the DCGAN step, state export for snapshots, weights export in TorchSharp's
/// format, and sampling for previews. Implementations: <see cref="TorchGanUpdater"/> and the SIMD updater.
/// </summary>
public interface IGanUpdater : IDisposable
{
    /// <summary>The engine's name as written in snapshots (<c>torch</c> or <c>simd</c>).</summary>
    string EngineName { get; }

    /// <summary>Size of z.</summary>
    int LatentSize { get; }

    /// <summary>
    /// Runs one step on a batch of real images (<paramref name="batchSize"/> x C x H x W values in [0, 1]):
    /// update D, then update G. Returns both losses.
    /// </summary>
    GanStepResult Step(ReadOnlySpan<float> xReal, int batchSize);

    /// <summary>G(z) in evaluation mode (BatchNorm running statistics), <paramref name="count"/> images.</summary>
    float[] Generate(ReadOnlySpan<float> z, int count);

    /// <summary>The generator's weights in TorchSharp's <c>Module.save</c> format.</summary>
    byte[] SaveGeneratorWeights();

    /// <summary>The discriminator's weights in TorchSharp's <c>Module.save</c> format.</summary>
    byte[] SaveDiscriminatorWeights();

    /// <summary>Names and shapes of both networks' parameters and buffers, as <see cref="ExportState"/> writes them.</summary>
    IReadOnlyList<(string Name, int[] Shape)> StateLayout();

    /// <summary>Everything needed to continue bit for bit: networks, optimizers, random generators.</summary>
    EngineState ExportState();

    /// <summary>Restores a state written by <see cref="ExportState"/>; <paramref name="path"/> names the file in errors.</summary>
    void ImportState(EngineState state, string path);
}
