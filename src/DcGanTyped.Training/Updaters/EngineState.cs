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
    /// Throws <see cref="CheckpointException"/> naming the first key or shape of <paramref name="expected"/> that
    /// this state does not have, so a checkpoint of another architecture is refused before anything is copied.
    /// </summary>
    public void CheckLayout(IReadOnlyList<(string Name, int[] Shape)> expected, string path, string modelName)
    {
        ArgumentNullException.ThrowIfNull(expected);
        for (var i = 0; i < Math.Max(expected.Count, Tensors.Count); i++)
        {
            if (i >= Tensors.Count)
            {
                throw new CheckpointException(path, $"not a checkpoint of model '{modelName}': key '{expected[i].Name}' is missing from the file");
            }

            if (i >= expected.Count)
            {
                throw new CheckpointException(path, $"not a checkpoint of model '{modelName}': the file has an extra key '{Tensors[i].Name}'");
            }

            var have = Tensors[i];
            var want = expected[i];
            if (have.Name != want.Name)
            {
                throw new CheckpointException(path, $"not a checkpoint of model '{modelName}': key '{have.Name}' in the file where the model expects '{want.Name}'");
            }

            if (!have.Shape.AsSpan().SequenceEqual(want.Shape))
            {
                throw new CheckpointException(
                    path,
                    $"not a checkpoint of model '{modelName}': '{want.Name}' has shape {have.ShapeText} in the file but ({string.Join(", ", want.Shape)}) in the model");
            }
        }
    }

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
