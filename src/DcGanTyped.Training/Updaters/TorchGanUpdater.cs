using DcGanTyped.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DcGanTyped.Training.Updaters;

/// <summary>
/// The DCGAN step on TorchSharp: the generated <see cref="TypedModule"/> pair, <c>torch.optim.Adam</c>
/// (alpha 2e-4, beta1 0.5, weight decay 1e-4 as Chainer's <c>WeightDecay</c> hook: it adds wd * w to the gradient
/// before the moments, which is what torch's <c>weight_decay</c> does), softplus losses, and z ~ U(-1, 1) from a
/// seeded <see cref="torch.Generator"/>. Every tensor of a step lives in one dispose scope.
/// </summary>
public sealed class TorchGanUpdater : IGanUpdater
{
    private readonly Device device;
    private readonly torch.Generator zGenerator;
    private readonly torch.Generator noiseGenerator;
    private readonly OptimizerHelper optGen;
    private readonly OptimizerHelper optDis;
    private readonly long[] imageShape;

    /// <summary>Builds both networks on the device chosen by <c>--gpu</c>, seeded from <c>--seed</c>.</summary>
    public TorchGanUpdater(GanModels models, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        if (models.TorchGenerator is null || models.TorchDiscriminator is null)
        {
            throw new TrainingInputException($"model '{models.Name}' has no TorchSharp modules; use --engine simd");
        }

        // Checked before anything else touches the device, so a missing CUDA is one clear line and no output folder.
        device = TorchDevices.Resolve(options.Gpu);
        // libtorch sizes its thread pool from the host's cores, ignoring the process's CPU affinity and cgroup
        // quota; on a container limited to 2 of 64 cores its spinning OpenMP threads made a step 12x slower than
        // with 2 threads. Environment.ProcessorCount honours both limits.
        set_num_threads(options.Threads ?? Environment.ProcessorCount);

        // The global generator seeds the initial weights; the discriminator's Gaussian noise comes from a generator
        // of its own on the training device, whose state (CPU or CUDA) goes into every snapshot.
        random.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(options.Seed);
        }

        Gen = models.TorchGenerator();
        Dis = models.TorchDiscriminator();
        Gen.to(device);
        Dis.to(device);
        Gen.train();
        Dis.train();
        imageShape = models.Discriminator.InputShape.WithBatch(1);
        LatentSize = models.Generator.InputShape[0];
        zGenerator = new torch.Generator(unchecked((ulong)options.Seed) + 1, CPU);
        noiseGenerator = new torch.Generator(unchecked((ulong)options.Seed) + 2, device);
        Gen.NoiseGenerator = noiseGenerator;
        Dis.NoiseGenerator = noiseGenerator;
        optGen = optim.Adam(Gen.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4);
        optDis = optim.Adam(Dis.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4);
    }

    /// <summary>The generator.</summary>
    public TypedModule Gen { get; }

    /// <summary>The discriminator.</summary>
    public TypedModule Dis { get; }

    /// <summary>The device both networks live on.</summary>
    public Device Device => device;

    /// <summary>The generator of z; tests read and restore its state to replay a step.</summary>
    public torch.Generator ZGenerator => zGenerator;

    /// <inheritdoc/>
    public string EngineName => "torch";

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public GanStepResult Step(ReadOnlySpan<float> xReal, int batchSize)
    {
        using var scope = NewDisposeScope();
        var shape = (long[])imageShape.Clone();
        shape[0] = batchSize;
        var real = FromSpan(xReal, shape).to(device);

        // ---- D on the real batch ------------------------------------------------------------------
        var yReal = Dis.forward(real);

        // ---- z ~ U(-1, 1), x_fake = G(z), D on x_fake ---------------------------------------------
        var z = SampleZ(batchSize);
        var xFake = Gen.forward(z);
        var yFake = Dis.forward(xFake.detach());

        // ---- update D: mean softplus(-y_real) + mean softplus(y_fake) -------------------------------
        var lossDis = softplus(-yReal).mean() + softplus(yFake).mean();
        optDis.zero_grad();
        lossDis.backward();
        optDis.step();

        // ---- update G: mean softplus(-y_fake) ---------------------------------------------------------
        // Chainer reuses the y_fake graph built before D's update. libtorch refuses to backpropagate through
        // weights an optimizer changed in place (the saved tensors' version counters no longer match), so
        // y_fake is recomputed with the updated D, as PyTorch's DCGAN example does.
        var yFakeForG = Dis.forward(xFake);
        var lossGen = softplus(-yFakeForG).mean();
        optGen.zero_grad();
        lossGen.backward();
        optGen.step();

        return new GanStepResult(lossGen.cpu().ToSingle(), lossDis.cpu().ToSingle());
    }

    /// <summary>z ~ U(-1, 1) of shape (n, latent) from the seeded z generator, on the training device.</summary>
    public Tensor SampleZ(int n)
        => (rand(new long[] { n, LatentSize }, generator: zGenerator) * 2 - 1).to(device);

    /// <inheritdoc/>
    public float[] Generate(ReadOnlySpan<float> z, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Gen.eval();
        try
        {
            var x = Gen.forward(FromSpan(z, new long[] { count, LatentSize }).to(device));
            return x.cpu().data<float>().ToArray();
        }
        finally
        {
            Gen.train();
        }
    }

    /// <inheritdoc/>
    public byte[] SaveGeneratorWeights() => SaveModule(Gen);

    /// <inheritdoc/>
    public byte[] SaveDiscriminatorWeights() => SaveModule(Dis);

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, int[] Shape)> StateLayout()
    {
        var layout = new List<(string, int[])>();
        foreach (var (prefix, module) in Networks())
        {
            foreach (var (name, t) in module.state_dict())
            {
                layout.Add((prefix + name, t.shape.Select(d => checked((int)d)).ToArray()));
            }
        }

        return layout;
    }

    /// <inheritdoc/>
    public EngineState ExportState()
    {
        var state = new EngineState();
        using (var scope = NewDisposeScope())
        {
            foreach (var (prefix, module) in Networks())
            {
                foreach (var (name, t) in module.state_dict())
                {
                    var host = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
                    state.Tensors.Add(new NamedTensor(prefix + name, t.shape.Select(d => checked((int)d)).ToArray(), host.data<float>().ToArray()));
                }
            }
        }

        state.Blobs["opt/gen"] = SaveOptimizer(optGen);
        state.Blobs["opt/dis"] = SaveOptimizer(optDis);
        state.Blobs["rng/z"] = GeneratorState(zGenerator.get_state());
        state.Blobs["rng/noise"] = GeneratorState(noiseGenerator.get_state());
        return state;
    }

    /// <inheritdoc/>
    public void ImportState(EngineState state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tensors = state.Align(StateLayout(), path, $"{Gen.Info.Name}/{Dis.Info.Name}");
        var i = 0;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            foreach (var (_, module) in Networks())
            {
                foreach (var (_, t) in module.state_dict())
                {
                    var src = tensors[i++];
                    t.copy_(tensor(src.Data, t.shape).to(t.dtype).to(t.device));
                }
            }
        }

        try
        {
            LoadOptimizer(optGen, state.Blob("opt/gen", path));
            LoadOptimizer(optDis, state.Blob("opt/dis", path));
            using var z = tensor(state.Blob("rng/z", path), ScalarType.Byte);
            zGenerator.set_state(z);
            using var noise = tensor(state.Blob("rng/noise", path), ScalarType.Byte);
            noiseGenerator.set_state(noise);
        }
        catch (Exception e) when (e is not CheckpointException && e is (IOException or ArgumentException or System.Runtime.InteropServices.ExternalException or InvalidOperationException))
        {
            throw new CheckpointException(path, $"the optimizer or random state does not fit this model ({e.Message})", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        optGen.Dispose();
        optDis.Dispose();
        zGenerator.Dispose();
        noiseGenerator.Dispose();
        Gen.Dispose();
        Dis.Dispose();
    }

    /// <summary>A CPU float32 tensor of <paramref name="shape"/> filled from the start of <paramref name="values"/>.</summary>
    private static Tensor FromSpan(ReadOnlySpan<float> values, long[] shape)
    {
        var t = empty(shape, ScalarType.Float32);
        t.data<float>().CopyFrom(values[..checked((int)t.numel())]);
        return t;
    }

    private static byte[] SaveModule(nn.Module module)
    {
        using var ms = new MemoryStream();
        module.save(ms);
        return ms.ToArray();
    }

    private static byte[] SaveOptimizer(OptimizerHelper optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(w);
        }

        return ms.ToArray();
    }

    private static void LoadOptimizer(OptimizerHelper optimizer, byte[] blob)
    {
        using var ms = new MemoryStream(blob, writable: false);
        using var r = new BinaryReader(ms);
        optimizer.load_state_dict(r);
    }

    private static byte[] GeneratorState(Tensor state)
    {
        using (state)
        {
            return state.data<byte>().ToArray();
        }
    }

    private IEnumerable<(string Prefix, TypedModule Module)> Networks()
    {
        yield return ("gen/", Gen);
        yield return ("dis/", Dis);
    }
}
