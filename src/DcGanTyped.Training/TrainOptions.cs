namespace DcGanTyped.Training;

/// <summary>The engine that runs the networks.</summary>
public enum EngineKind
{
    /// <summary>TorchSharp (libtorch), on the CPU or a CUDA device.</summary>
    Torch,

    /// <summary>The pure C# SIMD engine (CPU only; never loads libtorch).</summary>
    Simd,
}

/// <summary>
/// Every option of <c>train</c>, with the Chainer example's defaults. The command line, the trainer and library
/// users all read this one record, so a default is written down exactly once.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>CUDA device index, or -1 for the CPU. Chainer's example defaults to -1 too (CPU unless <c>--gpu N</c>).</summary>
    public int Gpu { get; init; } = -1;

    /// <summary>Images per minibatch.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>Number of sweeps over the dataset (ignored when <see cref="Iterations"/> is set).</summary>
    public int Epoch { get; init; } = 1000;

    /// <summary>Size of the latent vector z; must equal the generator's declared input.</summary>
    public int NHidden { get; init; } = 100;

    /// <summary>Seed of every random source (weights, iterator, z, noise, the preview's fixed z).</summary>
    public int Seed { get; init; }

    /// <summary>Output folder (log, previews, weights, snapshots).</summary>
    public string Out { get; init; } = "result";

    /// <summary>A snapshot to resume from, or <c>latest</c> for the newest valid snapshot in <see cref="Out"/>.</summary>
    public string? Resume { get; init; }

    /// <summary>Iterations between snapshots, weights and previews.</summary>
    public int SnapshotInterval { get; init; } = 1000;

    /// <summary>Iterations between log entries (and printed rows).</summary>
    public int DisplayInterval { get; init; } = 100;

    /// <summary><c>cifar10</c>, <c>shapes</c>, <c>fashion-mnist</c>, or a folder of images.</summary>
    public string Dataset { get; init; } = "cifar10";

    /// <summary>Where datasets are cached or looked up; null for the default cache folder.</summary>
    public string? DataDir { get; init; }

    /// <summary>Stop when the iteration counter reaches this value (counted from the start, also after a resume).</summary>
    public long? Iterations { get; init; }

    /// <summary>The engine that runs the networks.</summary>
    public EngineKind Engine { get; init; } = EngineKind.Torch;

    /// <summary>The network pair: <c>seed</c> (the Chainer example's) or <c>narrow</c> (ch = 64).</summary>
    public string Model { get; init; } = "seed";

    /// <summary>
    /// CPU threads of either engine (libtorch's intra-op pool, or the SIMD engine's worker pool); null uses the cores
    /// this process may run on (<see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>How many snapshots to keep (older ones are deleted after a newer one is on disk); null keeps all.</summary>
    public int? KeepSnapshots { get; init; }

    /// <summary>What to do when a loss, gradient or weight is NaN or infinite: stop, or roll back to the last snapshot.</summary>
    public Reliability.NanPolicy OnNan { get; init; } = Reliability.NanPolicy.Stop;

    /// <summary>How many times <see cref="Reliability.NanPolicy.Rollback"/> may roll back before the run stops.</summary>
    public int MaxRollbacks { get; init; } = 3;

    /// <summary>
    /// Checks the values that do not depend on the model; throws <see cref="TrainingInputException"/> with one line
    /// naming the option.
    /// </summary>
    public void Validate()
    {
        Require(BatchSize >= 1, $"--batchsize must be at least 1 (got {BatchSize})");
        Require(Epoch >= 1, $"--epoch must be at least 1 (got {Epoch})");
        Require(NHidden >= 1, $"--n_hidden must be at least 1 (got {NHidden})");
        Require(SnapshotInterval >= 1, $"--snapshot_interval must be at least 1 (got {SnapshotInterval})");
        Require(DisplayInterval >= 1, $"--display_interval must be at least 1 (got {DisplayInterval})");
        Require(Iterations is null or >= 1, $"--iterations must be at least 1 (got {Iterations})");
        Require(Threads is null or >= 1, $"--threads must be at least 1 (got {Threads})");
        Require(KeepSnapshots is null or >= 1, $"--keep-snapshots must be at least 1 (got {KeepSnapshots})");
        Require(MaxRollbacks >= 0, $"--max-rollbacks must be at least 0 (got {MaxRollbacks})");
        Require(Gpu >= -1, $"--gpu must be -1 (CPU) or a CUDA device index (got {Gpu})");
        Require(!string.IsNullOrWhiteSpace(Out), "--out must name a folder");
        Require(!string.IsNullOrWhiteSpace(Dataset), "--dataset must not be empty");
        Require(
            Engine != EngineKind.Simd || Gpu < 0,
            $"--gpu {Gpu} needs the torch engine: the SIMD engine runs on the CPU only (use --engine torch or drop --gpu)");
    }

    /// <summary>Checks <see cref="NHidden"/> and the image shape against the chosen networks.</summary>
    public void Validate(GanModels models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Validate();
        var input = models.Generator.InputShape;
        Require(
            input.Rank == 1 && input[0] == NHidden,
            $"--n_hidden {NHidden} does not match model '{models.Name}': its generator takes z of shape {input}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new TrainingInputException(message);
        }
    }
}
