using System.CommandLine;
using System.Runtime.InteropServices;
using DcGanTyped.Training;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Interop.TensorBoard;
using DcGanTyped.Training.Reliability;

namespace DcGanTyped.Cli.Commands;

/// <summary>
/// <c>train</c>: Chainer's <c>train_dcgan.py</c> with the same option names and defaults (from <see cref="TrainOptions"/>),
/// plus <c>--data-dir</c>, <c>--iterations</c>, <c>--engine</c>, <c>--model</c>, <c>--threads</c>, <c>--keep-snapshots</c>.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var d = new TrainOptions();
        var gpu = CommonOptions.Gpu();
        var batch = new Option<int>("--batchsize", "-b") { Description = "Images per minibatch", DefaultValueFactory = _ => d.BatchSize };
        var epoch = new Option<int>("--epoch", "-e") { Description = "Sweeps over the dataset", DefaultValueFactory = _ => d.Epoch };
        var nHidden = new Option<int>("--n_hidden", "-n") { Description = "Size of z (must match the model's generator input)", DefaultValueFactory = _ => d.NHidden };
        var seed = new Option<int>("--seed") { Description = "Seed of every random source; also fixes the preview's z", DefaultValueFactory = _ => d.Seed };
        var output = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => d.Out };
        var resume = new Option<string?>("--resume", "-r") { Description = "Resume from a snapshot_iter_N file, or 'latest' (newest valid snapshot in --out)" };
        var snapshotInterval = new Option<int>("--snapshot_interval") { Description = "Iterations between snapshots, weights and previews", DefaultValueFactory = _ => d.SnapshotInterval };
        var displayInterval = new Option<int>("--display_interval") { Description = "Iterations between log entries", DefaultValueFactory = _ => d.DisplayInterval };
        var dataset = new Option<string>("--dataset", "-i") { Description = "cifar10 | shapes | fashion-mnist | a folder of images", DefaultValueFactory = _ => d.Dataset };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Dataset cache folder (default {DatasetLoader.DefaultDataDirectory})" };
        var iterations = new Option<long?>("--iterations") { Description = "Stop when the iteration counter reaches N (overrides --epoch; counted from the start, also after --resume)" };
        var engine = CommonOptions.Engine(d.Engine);
        var model = CommonOptions.Model(d.Model);
        var threads = new Option<int?>("--threads") { Description = "CPU threads of the engine: libtorch's, or the SIMD engine's workers (default: the cores this process may use)" };
        var keep = new Option<int?>("--keep-snapshots") { Description = "Keep only the newest K snapshots (default: keep all)" };
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also write losses and preview grids as TensorBoard event files into this folder" };
        var onNan = new Option<string>("--on-nan")
        {
            Description = "When a loss, gradient or weight is NaN/Inf: stop | rollback (restore the last snapshot, new noise seeds)",
            DefaultValueFactory = _ => d.OnNan.ToString().ToLowerInvariant(),
        };
        var maxRollbacks = new Option<int>("--max-rollbacks") { Description = "Rollbacks allowed by --on-nan rollback before the run stops", DefaultValueFactory = _ => d.MaxRollbacks };

        var command = new Command("train", "Train the DCGAN (Chainer's examples/dcgan/train_dcgan.py).")
        {
            gpu, batch, epoch, nHidden, seed, output, resume, snapshotInterval, displayInterval, dataset, dataDir,
            iterations, engine, model, threads, keep, onNan, maxRollbacks, tensorboard,
        };

        command.SetAction(parse =>
        {
            var options = new TrainOptions
            {
                Gpu = parse.GetValue(gpu),
                BatchSize = parse.GetValue(batch),
                Epoch = parse.GetValue(epoch),
                NHidden = parse.GetValue(nHidden),
                Seed = parse.GetValue(seed),
                Out = parse.GetValue(output)!,
                Resume = parse.GetValue(resume),
                SnapshotInterval = parse.GetValue(snapshotInterval),
                DisplayInterval = parse.GetValue(displayInterval),
                Dataset = parse.GetValue(dataset)!,
                DataDir = parse.GetValue(dataDir),
                Iterations = parse.GetValue(iterations),
                Engine = CommonOptions.ParseEngine(parse.GetValue(engine)!),
                Model = parse.GetValue(model)!,
                Threads = parse.GetValue(threads),
                KeepSnapshots = parse.GetValue(keep),
                OnNan = parse.GetValue(onNan) switch
                {
                    "stop" => NanPolicy.Stop,
                    "rollback" => NanPolicy.Rollback,
                    var other => throw new UserInputException($"unknown --on-nan '{other}'; use stop or rollback"),
                },
                MaxRollbacks = parse.GetValue(maxRollbacks),
            };
            return Run(options, parse.GetValue(tensorboard));
        });
        return command;
    }

    /// <summary>Validates, loads the dataset, trains, and maps the outcome to an exit code.</summary>
    public static int Run(TrainOptions options, string? tensorboard = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Everything that can be checked without touching the disk is checked first.
        options.Validate();
        var models = BuiltInModels.Get(options.Model);
        options.Validate(models);

        using var cts = new CancellationTokenSource();
        var exitCode = ExitCodes.Ok;
        void OnSignal(PosixSignalContext ctx, int code)
        {
            if (cts.IsCancellationRequested)
            {
                // A second signal: stop now, the default way.
                return;
            }

            ctx.Cancel = true;
            exitCode = code;
            Console.Error.WriteLine($"{ctx.Signal}: finishing the current step and writing a snapshot (send it again to stop at once)");
            cts.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => OnSignal(ctx, ExitCodes.Interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => OnSignal(ctx, ExitCodes.Terminated));

        Console.WriteLine($"GPU: {options.Gpu}");
        Console.WriteLine($"# Minibatch-size: {options.BatchSize}");
        Console.WriteLine($"# n_hidden: {options.NHidden}");
        Console.WriteLine(options.Iterations is long n ? $"# iterations: {n}" : $"# epoch: {options.Epoch}");
        Console.WriteLine($"# engine: {options.Engine.ToString().ToLowerInvariant()}, model: {options.Model}");

        var dataset = DatasetLoader.Load(
            options.Dataset,
            options.DataDir,
            new DatasetLoadOptions { Warning = w => Console.Error.WriteLine($"warning: {w}"), Info = Console.WriteLine },
            cts.Token);
        Console.WriteLine($"# dataset: {dataset.Description} ({dataset.Count} images)");
        Console.WriteLine();

        // Test hook (DCGANTYPED_TEST_MEMORY_TRACE): per-step memory figures for the leak tests; null in real runs.
        using var trace = MemoryTrace.FromEnvironment(options.Engine);
        using var events = tensorboard is null ? null : new TensorBoardWriter(tensorboard);
        var result = ProgressObserver.RunWithProgress(observer => new Trainer(options, models, dataset, TensorBoardObserver.Wrap(observer, events, options.Out)) { AfterStep = trace is null ? null : trace.Record }.Run(cts.Token));
        if (result.Reason == StopReason.Interrupted)
        {
            Console.WriteLine(result.LastSnapshot is { } s
                ? $"interrupted at iteration {result.Iteration}; snapshot: {s}; continue with --resume {s}"
                : $"interrupted at iteration {result.Iteration} before the first step; nothing to save");
            return exitCode == ExitCodes.Ok ? ExitCodes.Interrupted : exitCode;
        }

        Console.WriteLine($"done: iteration {result.Iteration}, epoch {result.Epoch}; outputs in {Path.GetFullPath(options.Out)}");
        return ExitCodes.Ok;
    }
}
