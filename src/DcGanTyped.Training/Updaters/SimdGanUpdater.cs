using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DcGanTyped.Checkpoints;
using DcGanTyped.Simd;

namespace DcGanTyped.Training.Updaters;

/// <summary>
/// The DCGAN step on the pure C# SIMD engine: the generated <see cref="SimdNetwork"/> pair, the engine's Adam
/// (alpha 2e-4, beta1 0.5, weight decay 1e-4), mean-softplus losses, z ~ U(-1, 1) from a seeded xoshiro256**.
/// Nothing here references TorchSharp, so this path never loads libtorch. Layers keep the activations of their last
/// forward pass, so each forward is followed by its backward before the same network runs forward again.
/// </summary>
public sealed class SimdGanUpdater : IGanUpdater
{
    private readonly Adam optGen;
    private readonly Adam optDis;
    private readonly Xoshiro256 zRng;
    private readonly int[] imageShape;
    private readonly Tensor gradReal = Tensor.Zeros(1);
    private readonly Tensor gradFake = Tensor.Zeros(1);
    private readonly Tensor gradGen = Tensor.Zeros(1);
    private Tensor xReal;
    private Tensor z;

    /// <summary>Builds both networks with weights drawn from <c>--seed</c>.</summary>
    public SimdGanUpdater(GanModels models, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        if (models.SimdGenerator is null || models.SimdDiscriminator is null)
        {
            throw new TrainingInputException($"model '{models.Name}' has no SIMD networks; use --engine torch");
        }

        if (options.Gpu >= 0)
        {
            throw new TrainingInputException($"--gpu {options.Gpu} needs the torch engine: the SIMD engine runs on the CPU only");
        }

        // --threads sizes this engine's worker pool as it sizes libtorch's; the default is the cores this process may use.
        SimdEngine.Threads = options.Threads ?? Environment.ProcessorCount;

        Gen = models.SimdGenerator(options.Seed);
        Dis = models.SimdDiscriminator(unchecked(options.Seed + 1));
        var seed = unchecked((ulong)options.Seed);
        Gen.Noise.Reset(seed ^ 0x6E6F697365UL);
        Dis.Noise.Reset(seed ^ 0x6469736E6FUL);
        zRng = new Xoshiro256(seed + 1);
        optGen = new Adam(Gen.Parameters(), alpha: 2e-4f, beta1: 0.5f, beta2: 0.999f, eps: 1e-8f, weightDecay: 1e-4f);
        optDis = new Adam(Dis.Parameters(), alpha: 2e-4f, beta1: 0.5f, beta2: 0.999f, eps: 1e-8f, weightDecay: 1e-4f);
        imageShape = models.Discriminator.InputShape.ToArray();
        LatentSize = models.Generator.InputShape[0];
        xReal = Tensor.Zeros([1, .. imageShape]);
        z = Tensor.Zeros(1, LatentSize);
    }

    /// <summary>The generator.</summary>
    public SimdNetwork Gen { get; }

    /// <summary>The discriminator.</summary>
    public SimdNetwork Dis { get; }

    /// <summary>The generator of z; tests read and restore its state to replay a step.</summary>
    public Xoshiro256 ZRandom => zRng;

    /// <inheritdoc/>
    public string EngineName => "simd";

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public GanStepResult Step(ReadOnlySpan<float> xRealData, int batchSize)
    {
        if (xReal.Shape[0] != batchSize)
        {
            xReal = Tensor.Zeros([batchSize, .. imageShape]);
        }

        xReal.CopyFrom(xRealData[..xReal.Length]);
        Dis.ZeroGrad();

        // ---- D on the real batch (forward, then its backward while the activations are still there) -----
        var yReal = Dis.Forward(xReal, training: true);
        var lossReal = GanLoss.MeanSoftplus(yReal, -1f, gradReal);
        Dis.Backward(gradReal);

        // ---- z ~ U(-1, 1), x_fake = G(z), D on x_fake ------------------------------------------------------
        var zBatch = SampleZ(batchSize);
        var xFake = Gen.Forward(zBatch, training: true);
        var yFake = Dis.Forward(xFake, training: true);
        var lossFake = GanLoss.MeanSoftplus(yFake, 1f, gradFake);
        Dis.Backward(gradFake);

        // ---- update D: mean softplus(-y_real) + mean softplus(y_fake) (gradients of both halves summed) ------
        optDis.Step();

        // ---- update G: mean softplus(-y_fake), y_fake recomputed with the updated D --------------------------
        // Same order as the torch engine (which must recompute; see TorchGanUpdater), so both engines train the
        // same algorithm.
        var yFakeForG = Dis.Forward(xFake, training: true);
        var lossGen = GanLoss.MeanSoftplus(yFakeForG, -1f, gradGen);
        var gradXFake = Dis.Backward(gradGen);
        Gen.ZeroGrad();
        Gen.Backward(gradXFake);
        optGen.Step();

        return new GanStepResult(lossGen, (double)lossReal + lossFake);
    }

    /// <summary>z ~ U(-1, 1) of shape (n, latent) from the seeded z generator (a buffer reused between steps).</summary>
    public Tensor SampleZ(int n)
    {
        if (z.Shape[0] != n)
        {
            z = Tensor.Zeros(n, LatentSize);
        }

        var span = z.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (zRng.NextSingle() * 2) - 1;
        }

        return z;
    }

    /// <inheritdoc/>
    public float[] Generate(ReadOnlySpan<float> zValues, int count)
    {
        var input = Tensor.FromArray(zValues[..(count * LatentSize)].ToArray(), count, LatentSize);
        return Gen.Forward(input, training: false).Span.ToArray();
    }

    /// <inheritdoc/>
    public byte[] SaveGeneratorWeights() => SaveWeights(Gen);

    /// <inheritdoc/>
    public byte[] SaveDiscriminatorWeights() => SaveWeights(Dis);

    /// <summary>Copies weights read from a TorchSharp-format file into <paramref name="network"/>.</summary>
    /// <exception cref="CheckpointException">The file's keys or shapes differ from the network's (the first one is named).</exception>
    public static void LoadWeights(SimdNetwork network, IReadOnlyList<NamedArray> entries, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(entries);
        var state = new EngineState();
        state.Tensors.AddRange(entries.Select(e => new NamedTensor(e.Name, [.. e.Shape.Select(d => checked((int)d))], e.Data)));
        var mine = network.StateDict();
        var tensors = state.Align([.. mine.Select(t => (t.Name, t.T.Shape))], path, network.Info.Name);
        for (var i = 0; i < mine.Count; i++)
        {
            mine[i].T.CopyFrom(tensors[i].Data);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, int[] Shape)> StateLayout()
        => [.. Networks().SelectMany(n => n.Net.StateDict().Select(t => (n.Prefix + t.Name, (int[])t.T.Shape.Clone())))];

    /// <inheritdoc/>
    public EngineState ExportState()
    {
        var state = new EngineState();
        foreach (var (prefix, net) in Networks())
        {
            foreach (var (name, t) in net.StateDict())
            {
                state.Tensors.Add(new NamedTensor(prefix + name, (int[])t.Shape.Clone(), t.Span.ToArray()));
            }
        }

        state.Blobs["opt/gen"] = SaveAdam(optGen);
        state.Blobs["opt/dis"] = SaveAdam(optDis);
        state.Blobs["rng/z"] = Words(zRng.GetState());
        state.Blobs["rng/noise-gen"] = Words(Gen.Noise.GetState());
        state.Blobs["rng/noise-dis"] = Words(Dis.Noise.GetState());
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(EngineState state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tensors = state.Align(StateLayout(), path, $"{Gen.Info.Name}/{Dis.Info.Name}");
        var i = 0;
        foreach (var (_, net) in Networks())
        {
            foreach (var (_, t) in net.StateDict())
            {
                t.CopyFrom(tensors[i++].Data);
            }
        }

        try
        {
            LoadAdam(optGen, state.Blob("opt/gen", path));
            LoadAdam(optDis, state.Blob("opt/dis", path));
            zRng.SetState(FromWords(state.Blob("rng/z", path)));
            Gen.Noise.SetState(FromWords(state.Blob("rng/noise-gen", path)));
            Dis.Noise.SetState(FromWords(state.Blob("rng/noise-dis", path)));
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(path, $"the optimizer or random state does not fit this model ({e.Message})", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Managed buffers only; nothing to release.
    }

    private static byte[] SaveWeights(SimdNetwork network)
    {
        using var ms = new MemoryStream();
        TorchStateDict.Write(ms, [.. network.StateDict().Select(t => new NamedArray(t.Name, [.. t.T.Shape.Select(d => (long)d)], t.T.Span.ToArray()))]);
        return ms.ToArray();
    }

    /// <summary>Adam as bytes: T, then every moment tensor in <see cref="Adam.StateDict"/> order (little-endian float32).</summary>
    private static byte[] SaveAdam(Adam adam)
    {
        var tensors = adam.StateDict();
        var bytes = new byte[4 + tensors.Sum(t => t.Value.Length * 4)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, adam.T);
        var offset = 4;
        foreach (var (_, t) in tensors)
        {
            MemoryMarshal.AsBytes(t.Span).CopyTo(bytes.AsSpan(offset));
            offset += t.Length * 4;
        }

        return bytes;
    }

    private static void LoadAdam(Adam adam, byte[] bytes)
    {
        var tensors = adam.StateDict();
        var expected = 4 + tensors.Sum(t => t.Value.Length * 4);
        if (bytes.Length != expected)
        {
            throw new ArgumentException($"optimizer state has {bytes.Length} bytes, this model needs {expected}");
        }

        var offset = 4;
        var loaded = new List<(string, Tensor)>();
        foreach (var (name, t) in tensors)
        {
            var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, t.Length * 4)).ToArray();
            loaded.Add((name, Tensor.FromArray(values, t.Shape)));
            offset += t.Length * 4;
        }

        adam.LoadStateDict(loaded, BinaryPrimitives.ReadInt32LittleEndian(bytes));
    }

    private static byte[] Words(ulong[] words)
    {
        var bytes = new byte[words.Length * 8];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), words[i]);
        }

        return bytes;
    }

    private static ulong[] FromWords(byte[] bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException($"a random generator state has 32 bytes, not {bytes.Length}");
        }

        var words = new ulong[4];
        for (var i = 0; i < 4; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
        }

        return words;
    }

    private IEnumerable<(string Prefix, SimdNetwork Net)> Networks()
    {
        yield return ("gen/", Gen);
        yield return ("dis/", Dis);
    }
}
