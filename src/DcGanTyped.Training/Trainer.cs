using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Extensions;
using DcGanTyped.Training.Reliability;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training;

/// <summary>Why <see cref="Trainer.Run"/> returned.</summary>
public enum StopReason
{
    /// <summary>The iteration or epoch limit was reached.</summary>
    Completed,

    /// <summary>Cancelled (Ctrl+C, SIGTERM); a snapshot of the last finished step was written.</summary>
    Interrupted,
}

/// <summary>The outcome of a run.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Iteration">The last finished iteration.</param>
/// <param name="Epoch">Completed epochs.</param>
/// <param name="LastSnapshot">The newest snapshot written or resumed from (null when none).</param>
public sealed record TrainResult(StopReason Reason, long Iteration, int Epoch, string? LastSnapshot);

/// <summary>A loss or gradient stopped being a finite number; the run stops instead of training on garbage.</summary>
public sealed class NonFiniteLossException(long iteration, string network, string loss, double value)
    : Exception($"{loss} is {value.ToString(CultureInfo.InvariantCulture)} at iteration {iteration}: the {network} diverged; resume from an earlier snapshot, perhaps with another --seed")
{
    /// <summary>The iteration whose step produced the value.</summary>
    public long Iteration { get; } = iteration;

    /// <summary><c>generator</c> or <c>discriminator</c>.</summary>
    public string Network { get; } = network;
}

/// <summary>
/// Chainer's <c>Trainer</c> for the DCGAN example: a loop over GAN steps with extensions triggered by the iteration
/// counter (log and table every display interval; preview, weights and snapshot every snapshot interval), a stop
/// trigger (epochs, or <c>--iterations</c>), resume from a snapshot, and a clean stop on cancellation.
/// <code>
/// var options = new TrainOptions { Model = "mine", NHidden = 64, Dataset = "shapes", Iterations = 2000, Out = "out" };
/// var dataset = DatasetLoader.Load(options.Dataset, options.DataDir);
/// var result = new Trainer(options, models, dataset).Run();
/// </code>
/// </summary>
public sealed class Trainer
{
    private readonly TrainOptions options;
    private readonly GanModels models;
    private readonly IImageDataset dataset;
    private readonly ITrainingObserver observer;

    /// <summary>Prepares a run; nothing is written until <see cref="Run"/>.</summary>
    public Trainer(TrainOptions options, GanModels models, IImageDataset dataset, ITrainingObserver? observer = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.models = models ?? throw new ArgumentNullException(nameof(models));
        this.dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        this.observer = observer ?? new TextTrainingObserver(Console.Out);
    }

    /// <summary>
    /// For tests: called after every step with the iteration; it may throw to simulate a crash at a chosen point.
    /// </summary>
    public Action<long>? AfterStep { get; init; }

    /// <summary>Trains until the stop trigger fires or <paramref name="cancel"/> is signalled.</summary>
    /// <exception cref="TrainingInputException">Bad options, output folder, checkpoint or device (one clear line).</exception>
    public TrainResult Run(CancellationToken cancel = default)
    {
        options.Validate(models);
        if (ImageDataset.ImageFloats != models.ImageShape.Elements)
        {
            throw new TrainingInputException($"the dataset's images are (3, 32, 32) but model '{models.Name}' expects {models.ImageShape}");
        }

        var outDir = Path.GetFullPath(options.Out);

        // The resume file is read before anything is created, so a bad --resume leaves no output folder behind.
        var resume = LoadResume(outDir);

        // The engine resolves the device first: a missing CUDA fails here, before the output folder exists.
        using var updater = CreateUpdater(options, models);
        if (resume is { } r && r.Content.Engine != updater.EngineName)
        {
            throw new CheckpointException(r.Path, $"written by the {r.Content.Engine} engine; resume it with --engine {r.Content.Engine}");
        }

        // Another architecture is refused here too, before the output folder is touched.
        resume?.Content.State.CheckLayout(updater.StateLayout(), resume.Value.Path, $"{models.Generator.Name}/{models.Discriminator.Name}");

        CreateOutputFolder(outDir);

        // Chainer would overwrite an earlier run's files; without --resume the folder must not hold one. Checked
        // inside the lock, so a run that starts there at the same instant cannot slip in between.
        using var outputLock = OutputLock.Acquire(outDir, options.Resume is null ? () => PreviousRun.ThrowIfPresent(outDir) : null);
        Directory.CreateDirectory(Path.Combine(outDir, "preview"));
        AtomicFile.DeleteStaleTemporaries(outDir);

        var iterator = new SerialIterator(dataset, options.BatchSize, unchecked((ulong)options.Seed));
        var log = new LogReport();
        long iteration = 0;
        double elapsedBefore = 0;
        string? lastSnapshot = null;
        if (resume is { } res)
        {
            (iteration, elapsedBefore) = Restore(res.Content, res.Path, updater, iterator, log);
            lastSnapshot = res.Path;
            observer.Note($"resumed from {res.Path} at iteration {iteration}, epoch {iterator.Epoch}");
        }

        var total = options.Iterations ?? (long)Math.Ceiling((double)options.Epoch * dataset.Count / options.BatchSize);
        var previewZ = PreviewLatents(options.Seed, updater.LatentSize);
        var batch = new float[options.BatchSize * ImageDataset.ImageFloats];
        var clock = Stopwatch.StartNew();
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;
        long lastSaved = resume is null ? -1 : iteration;

        // NaN/Inf watchdog (--on-nan). Before the first snapshot, a rollback returns to the state training started from.
        var watchdog = new NonFiniteWatchdog(updater, NanInjection.FromEnvironment());
        var rollbacks = 0;
        var initial = options.OnNan == NanPolicy.Rollback && resume is null
            ? new SnapshotContent(updater.EngineName, models.Name, TrainerState(iterator, log, iteration, 0), updater.ExportState())
            : null;

        observer.Started(iteration, total);
        while (!StopTriggered(iteration, iterator))
        {
            iterator.NextBatch(batch);
            var step = updater.Step(batch, options.BatchSize);
            iteration++;
            try
            {
                watchdog.Check(iteration, step);
            }
            catch (NonFiniteLossException e) when (options.OnNan == NanPolicy.Rollback)
            {
                if (rollbacks >= options.MaxRollbacks)
                {
                    observer.Note($"--max-rollbacks {options.MaxRollbacks} reached; stopping");
                    throw;
                }

                rollbacks++;
                var (content, from) = lastSnapshot is { } last ? (SnapshotFile.Read(last), last) : (initial!, "the initial state");
                (iteration, _) = Restore(content, from, updater, iterator, log);
                lastSaved = lastSnapshot is null ? -1 : iteration;

                // The same seeds would replay the steps that diverged; new ones give the run another path.
                NonFiniteWatchdog.Reseed(updater, unchecked(((ulong)options.Seed * 0x9E3779B97F4A7C15UL) + ((ulong)e.Iteration << 8) + (ulong)rollbacks));
                observer.Note($"the {e.Network} diverged at iteration {e.Iteration} ({e.Message.Split(':')[0]}); rolled back to {from} (iteration {iteration}) with new noise seeds, rollback {rollbacks} of {options.MaxRollbacks}");
                continue;
            }

            log.Add(step);
            observer.Stepped(iteration, iterator.Epoch);

            if (iteration % options.DisplayInterval == 0)
            {
                var entry = log.Report(iterator.Epoch, iteration, Elapsed());
                log.Write(Path.Combine(outDir, "log"));
                AtomicFile.Write(Path.Combine(outDir, "loss.png"), LossPlot.EncodePng(log.Entries));
                observer.Logged(entry);
            }

            if (iteration % options.SnapshotInterval == 0)
            {
                lastSnapshot = SaveAll(outDir, updater, iterator, log, iteration, Elapsed(), previewZ);
                lastSaved = iteration;
            }

            AfterStep?.Invoke(iteration);
            if (cancel.IsCancellationRequested)
            {
                if (lastSaved != iteration)
                {
                    lastSnapshot = SaveAll(outDir, updater, iterator, log, iteration, Elapsed(), previewZ);
                }

                return new TrainResult(StopReason.Interrupted, iteration, iterator.Epoch, lastSnapshot);
            }
        }

        // Unlike Chainer, the final state is always saved, so the last steps of a run are never lost.
        if (lastSaved != iteration && iteration > 0)
        {
            lastSnapshot = SaveAll(outDir, updater, iterator, log, iteration, Elapsed(), previewZ);
        }

        return new TrainResult(StopReason.Completed, iteration, iterator.Epoch, lastSnapshot);
    }

    /// <summary>The fixed latent vectors of the 10 x 10 preview, U(-1, 1) from <paramref name="seed"/> (the same for both engines).</summary>
    public static float[] PreviewLatents(int seed, int latentSize, int count = 100)
    {
        var rng = new Xoshiro256(unchecked((ulong)seed) ^ 0x9E3779B97F4A7C15UL);
        var z = new float[count * latentSize];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = (rng.NextSingle() * 2) - 1;
        }

        return z;
    }

    /// <summary>Creates the updater of <see cref="TrainOptions.Engine"/>; each engine's type is touched only in its own method.</summary>
    public static IGanUpdater CreateUpdater(TrainOptions options, GanModels models)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Engine switch
        {
            EngineKind.Torch => CreateTorch(options, models),
            EngineKind.Simd => CreateSimd(options, models),
            _ => throw new TrainingInputException($"unknown engine '{options.Engine}'; use torch or simd"),
        };
    }

    // Separate, never-inlined methods: JIT-compiling the SIMD path must not pull TorchSharp types in.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IGanUpdater CreateTorch(TrainOptions options, GanModels models) => new TorchGanUpdater(models, options);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IGanUpdater CreateSimd(TrainOptions options, GanModels models) => new SimdGanUpdater(models, options);

    private bool StopTriggered(long iteration, SerialIterator iterator)
        => options.Iterations is long n ? iteration >= n : iterator.Epoch >= options.Epoch;

    private (SnapshotContent Content, string Path)? LoadResume(string outDir)
    {
        if (options.Resume is null)
        {
            return null;
        }

        if (options.Resume == "latest")
        {
            var found = SnapshotLocator.FindLatestValid(outDir, observer.Note);
            if (found is null)
            {
                observer.Note($"no snapshot in {outDir} yet; starting from scratch");
            }

            return found;
        }

        return (SnapshotFile.Read(options.Resume), options.Resume);
    }

    private static void CreateOutputFolder(string outDir)
    {
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (e is IOException io && AtomicFile.IsDiskFull(io))
            {
                throw new DiskFullException(outDir, e);
            }

            throw new TrainingInputException($"--out {outDir} cannot be created or written ({e.Message}); choose a folder you can write to", e);
        }
    }

    private string SaveAll(string outDir, IGanUpdater updater, SerialIterator iterator, LogReport log, long iteration, double elapsed, float[] previewZ)
    {
        var it = iteration.ToString(CultureInfo.InvariantCulture);

        // Preview: generator in evaluation mode on the fixed z, 10 x 10 images.
        var images = updater.Generate(previewZ, 100);
        AtomicFile.Write(
            Path.Combine(outDir, "preview", $"image{iteration.ToString("00000000", CultureInfo.InvariantCulture)}.png"),
            ImageGrid.EncodePng(images, 10, 10));

        WeightsFile.Write(Path.Combine(outDir, $"gen_iter_{it}"), updater.SaveGeneratorWeights());
        WeightsFile.Write(Path.Combine(outDir, $"dis_iter_{it}"), updater.SaveDiscriminatorWeights());

        // The snapshot is written last: once it exists, everything it refers to is on disk.
        var trainer = TrainerState(iterator, log, iteration, elapsed);
        var path = Path.Combine(outDir, SnapshotLocator.FileName(iteration));
        SnapshotFile.Write(path, new SnapshotContent(updater.EngineName, models.Name, trainer, updater.ExportState()));
        observer.Note($"snapshot written: {path}");

        if (options.KeepSnapshots is int keep)
        {
            // Only now that the new snapshot is synced and renamed may older ones go.
            SnapshotRetention.Apply(outDir, iteration, keep);
        }

        return path;
    }

    private JsonObject TrainerState(SerialIterator iterator, LogReport log, long iteration, double elapsed) => new()
    {
        ["iteration"] = iteration,
        ["epoch"] = iterator.Epoch,
        ["elapsed_time"] = elapsed,
        ["seed"] = options.Seed,
        ["batchsize"] = options.BatchSize,
        ["iterator"] = JsonSerializer.SerializeToNode(iterator.ExportState()),
        ["log"] = log.ExportState(),
    };

    private static (long Iteration, double Elapsed) Restore(SnapshotContent content, string path, IGanUpdater updater, SerialIterator iterator, LogReport log)
    {
        updater.ImportState(content.State, path);
        try
        {
            var t = content.Trainer;
            var iteratorState = t["iterator"].Deserialize<IteratorState>() ?? throw new FormatException("no iterator state");
            iterator.ImportState(iteratorState);
            log.ImportState(t["log"]!.AsObject());
            return ((long)t["iteration"]!, (double)t["elapsed_time"]!);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or JsonException or NullReferenceException)
        {
            throw new CheckpointException(path, $"the trainer state does not fit this dataset or program ({e.Message})", e);
        }
    }
}
