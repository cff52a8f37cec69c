using BenchmarkDotNet.Attributes;
using DcGanTyped.Training;
using DcGanTyped.Training.Benchmarking;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Benchmarks;

/// <summary>
/// One full training iteration of the seed model at batch 50 (a batch from the <c>shapes</c> dataset, D's update,
/// G's update) on each engine: the torch updater on the generated modules (baseline), the same step on hand-written
/// TorchSharp modules, and the SIMD updater. MemoryDiagnoser shows the SIMD step allocates nothing. The <c>bench</c>
/// command measures the same thing with alternating rounds and a per-layer table; this is the BenchmarkDotNet view.
/// <c>dotnet run -c Release --project benchmarks/DcGanTyped.Benchmarks -- --filter '*TrainingStep*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private const int BatchSize = 50;
    private TorchGanUpdater torch = null!;
    private HandWrittenGanStep hand = null!;
    private SimdGanUpdater simd = null!;
    private SerialIterator iterator = null!;
    private readonly float[] batch = new float[BatchSize * ImageDataset.ImageFloats];

    /// <summary>The seed pair (ch = 512), as the targets are stated for it; <c>narrow</c> for a quick look.</summary>
    [Params("seed")]
    public string Model { get; set; } = "seed";

    /// <summary>Builds all three contenders from seed 0 and the dataset iterator.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new TrainOptions { Model = Model, BatchSize = BatchSize };
        var models = BuiltInModels.Get(Model);
        torch = new TorchGanUpdater(models, options);
        hand = new HandWrittenGanStep(TrainingStepBench.Channels(Model), models.Generator.InputShape[0], options.Seed);
        simd = new SimdGanUpdater(models, options);
        iterator = new SerialIterator(ShapesDataset.Create(), BatchSize, 0);
    }

    /// <summary>Releases the native modules.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        torch.Dispose();
        hand.Dispose();
        simd.Dispose();
    }

    /// <summary>The torch engine: <see cref="TorchGanUpdater.Step"/> on the generated modules.</summary>
    [Benchmark(Baseline = true)]
    public GanStepResult TorchGenerated()
    {
        iterator.NextBatch(batch);
        return torch.Step(batch, BatchSize);
    }

    /// <summary>The same step on stock TorchSharp modules: the generated modules' overhead is the difference.</summary>
    [Benchmark]
    public (double GenLoss, double DisLoss) TorchHandWritten()
    {
        iterator.NextBatch(batch);
        return hand.Step(batch, BatchSize);
    }

    /// <summary>The SIMD engine: <see cref="SimdGanUpdater.Step"/>.</summary>
    [Benchmark]
    public GanStepResult Simd()
    {
        iterator.NextBatch(batch);
        return simd.Step(batch, BatchSize);
    }
}
