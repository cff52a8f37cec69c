using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using DcGanTyped.Models;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>
/// Times one full training iteration (a batch from the <c>shapes</c> dataset, D's update, G's update) on each engine
/// in the same process: the torch engine through the generated modules (<see cref="TorchGanUpdater"/>), the same
/// step on stock TorchSharp modules (<see cref="HandWrittenGanStep"/>), and the SIMD engine
/// (<see cref="SimdGanUpdater"/>). The engines take turns, one step each per round, with the starting engine rotated
/// every round, so a change in machine load hits all of them alike; medians summarise the rounds.
/// </summary>
public static class TrainingStepBench
{
    /// <summary>The torch engine through the generated modules: the real updater.</summary>
    public const string Torch = "torch";

    /// <summary>The same step on hand-written stock TorchSharp modules.</summary>
    public const string TorchHand = "torch-hand";

    /// <summary>The SIMD engine: the real updater.</summary>
    public const string Simd = "simd";

    /// <summary>Runs the benchmark; progress lines go to <paramref name="log"/> when given.</summary>
    /// <exception cref="TrainingInputException">A bad option (one line naming it).</exception>
    public static BenchReport Run(BenchOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var c = CultureInfo.InvariantCulture;
        var loadBefore = MachineProbe.LoadAverage();
        var models = BuiltInModels.Get(options.Model);
        var usesTorch = options.Engines.Any(e => e != Simd);
        if (usesTorch)
        {
            ConfigureTorch(options.Threads);
        }

        var dataset = ShapesDataset.Create();
        var contenders = new List<IContender>();
        try
        {
            foreach (var engine in options.Engines)
            {
                contenders.Add(Create(engine, options, models, dataset));
            }

            log?.WriteLine($"# bench: model {options.Model}, batch {options.BatchSize}, {options.Warmup} warm-up + {options.Iterations} timed iterations per engine, engines {string.Join(", ", options.Engines)}");
            for (var w = 0; w < options.Warmup; w++)
            {
                foreach (var contender in contenders)
                {
                    contender.Step();
                }
            }

            var n = contenders.Count;
            var samples = new double[n][];
            var bytes = new long[n][];
            var callerBytes = new long[n][];
            for (var k = 0; k < n; k++)
            {
                samples[k] = new double[options.Iterations];
                bytes[k] = new long[options.Iterations];
                callerBytes[k] = new long[options.Iterations];
            }

            for (var r = 0; r < options.Iterations; r++)
            {
                for (var j = 0; j < n; j++)
                {
                    var k = (j + r) % n;
                    var contender = contenders[k];

                    // The allocation counters are read outside the timed region; between them runs only the step.
                    var allBefore = GC.GetTotalAllocatedBytes(precise: true);
                    var callerBefore = GC.GetAllocatedBytesForCurrentThread();
                    var start = Stopwatch.GetTimestamp();
                    contender.Step();
                    var end = Stopwatch.GetTimestamp();
                    callerBytes[k][r] = GC.GetAllocatedBytesForCurrentThread() - callerBefore;
                    bytes[k][r] = GC.GetTotalAllocatedBytes(precise: true) - allBefore;
                    samples[k][r] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
                }

                log?.WriteLine(string.Create(c, $"round {r + 1}/{options.Iterations}: ") + string.Join(", ", contenders.Select((x, k) => string.Create(c, $"{x.Name} {samples[k][r]:F1} ms"))));
            }

            var reps = options.ProfileRepetitions ?? Math.Clamp(options.Iterations / 2, 3, 10);
            var layers = new List<LayerProfile>();
            foreach (var contender in contenders)
            {
                layers.AddRange(contender.ProfileLayers(reps));
            }

            var results = contenders.Select((x, k) => new EngineResult(
                x.Name,
                x.Description,
                Statistics.Median(samples[k]),
                1000.0 / Statistics.Median(samples[k]),
                samples[k].Min(),
                samples[k].Max(),
                samples[k],
                (long)Statistics.Median([.. bytes[k].Select(b => (double)b)]),
                callerBytes[k].Max(),
                x.Threads)).ToList();
            var ratios = Ratios(options.Engines, samples);
            var simd = results.FirstOrDefault(e => e.Name == Simd);
            var machine = MachineProbe.Describe(usesTorch ? TorchThreads() : null, loadBefore, MachineProbe.LoadAverage());
            return new BenchReport(options.Model, options.BatchSize, options.Iterations, options.Warmup, machine, results, ratios, simd?.ManagedBytesPerStep, layers);
        }
        finally
        {
            foreach (var contender in contenders)
            {
                contender.Dispose();
            }
        }
    }

    /// <summary>Channels (<c>ch</c>) of a built-in pair, for the hand-written networks.</summary>
    public static int Channels(string model) => model switch
    {
        "seed" => Generator.Ch,
        "narrow" => NarrowGenerator.Ch,
        _ => throw new TrainingInputException($"unknown --model '{model}'; use one of: {string.Join(", ", BuiltInModels.Names)}"),
    };

    private static BenchRatios Ratios(IReadOnlyList<string> engines, double[][] samples)
    {
        double[]? Of(string name)
        {
            var i = engines.ToList().IndexOf(name);
            return i < 0 ? null : samples[i];
        }

        var torch = Of(Torch);
        var hand = Of(TorchHand);
        var simd = Of(Simd);
        double? Paired(double[]? num, double[]? den)
            => num is null || den is null ? null : Statistics.Median([.. num.Zip(den, (a, b) => a / b)]);
        double? OfMedians(double[]? num, double[]? den)
            => num is null || den is null ? null : Statistics.Median(num) / Statistics.Median(den);

        return new BenchRatios(
            (OfMedians(torch, hand) - 1) * 100,
            (Paired(torch, hand) - 1) * 100,
            OfMedians(torch, simd),
            Paired(torch, simd),
            OfMedians(hand, simd));
    }

    private static IContender Create(string engine, BenchOptions options, GanModels models, IImageDataset dataset)
    {
        var train = new TrainOptions { Model = options.Model, BatchSize = options.BatchSize, Seed = options.Seed, Threads = options.Threads };
        return engine switch
        {
            Torch => CreateTorch(train, models, dataset),
            TorchHand => CreateHand(train, models, dataset),
            Simd => new SimdContender(new SimdGanUpdater(models, train), dataset, train),
            _ => throw new TrainingInputException($"unknown engine '{engine}'"),
        };
    }

    // Torch types stay in their own never-inlined methods, so a SIMD-only run never loads libtorch.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IContender CreateTorch(TrainOptions train, GanModels models, IImageDataset dataset)
        => new TorchContender(new TorchGanUpdater(models, train), dataset, train);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IContender CreateHand(TrainOptions train, GanModels models, IImageDataset dataset)
        => new HandContender(new HandWrittenGanStep(Channels(train.Model), models.Generator.InputShape[0], train.Seed), dataset, train);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ConfigureTorch(int? threads)
    {
        if (threads is int t)
        {
            TorchSharp.torch.set_num_threads(t);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int TorchThreads() => TorchSharp.torch.get_num_threads();

    /// <summary>One engine under test: a data iterator of its own and the step.</summary>
    private interface IContender : IDisposable
    {
        string Name { get; }

        string Description { get; }

        int Threads { get; }

        /// <summary>Takes the next batch and runs one full training step on it.</summary>
        void Step();

        IEnumerable<LayerProfile> ProfileLayers(int repetitions);
    }

    /// <summary>A serial iterator over the dataset, seeded like the trainer's, and the batch buffer it fills.</summary>
    private abstract class DataFed(IImageDataset dataset, TrainOptions options)
    {
        private readonly SerialIterator iterator = new(dataset, options.BatchSize, unchecked((ulong)options.Seed));

        protected float[] Batch { get; } = new float[options.BatchSize * ImageDataset.ImageFloats];

        protected int BatchSize { get; } = options.BatchSize;

        protected void NextBatch() => iterator.NextBatch(Batch);
    }

    private sealed class TorchContender(TorchGanUpdater updater, IImageDataset dataset, TrainOptions options) : DataFed(dataset, options), IContender
    {
        public string Name => Torch;

        public string Description => "TorchGanUpdater.Step on the generated TorchSharp modules";

        public int Threads => TorchThreads();

        public void Step()
        {
            NextBatch();
            updater.Step(Batch, BatchSize);
        }

        public IEnumerable<LayerProfile> ProfileLayers(int repetitions)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var z = updater.SampleZ(BatchSize);
            var x = TorchSharp.torch.tensor(Batch, [BatchSize, 3, 32, 32]);
            return [TorchLayerProfiler.Profile(updater.Gen, z, repetitions), TorchLayerProfiler.Profile(updater.Dis, x, repetitions)];
        }

        public void Dispose() => updater.Dispose();
    }

    private sealed class HandContender(HandWrittenGanStep step, IImageDataset dataset, TrainOptions options) : DataFed(dataset, options), IContender
    {
        public string Name => TorchHand;

        public string Description => "the same step hand-written on stock TorchSharp modules (nn.Linear, nn.ConvTranspose2d, nn.Conv2d, nn.BatchNorm1d/2d)";

        public int Threads => TorchThreads();

        public void Step()
        {
            NextBatch();
            step.Step(Batch, BatchSize);
        }

        // Same libtorch operations as the generated module: the torch engine's profile covers it.
        public IEnumerable<LayerProfile> ProfileLayers(int repetitions) => [];

        public void Dispose() => step.Dispose();
    }

    private sealed class SimdContender(SimdGanUpdater updater, IImageDataset dataset, TrainOptions options) : DataFed(dataset, options), IContender
    {
        public string Name => Simd;

        public string Description => "SimdGanUpdater.Step on the generated SIMD networks";

        public int Threads => DcGanTyped.Simd.SimdEngine.Threads;

        public void Step()
        {
            NextBatch();
            updater.Step(Batch, BatchSize);
        }

        public IEnumerable<LayerProfile> ProfileLayers(int repetitions)
        {
            var z = updater.SampleZ(BatchSize);
            var x = DcGanTyped.Simd.Tensor.FromArray(Batch, BatchSize, 3, 32, 32);
            return [SimdLayerProfiler.Profile(updater.Gen, z, repetitions), SimdLayerProfiler.Profile(updater.Dis, x, repetitions)];
        }

        public void Dispose() => updater.Dispose();
    }
}
