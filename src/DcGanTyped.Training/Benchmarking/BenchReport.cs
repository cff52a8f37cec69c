using System.Text.Json;
using System.Text.Json.Serialization;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>Everything one <c>bench</c> run measured; <see cref="ToJson"/> is what <c>--json FILE</c> writes.</summary>
/// <param name="Model">The network pair (<c>seed</c> or <c>narrow</c>).</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="Iterations">Timed rounds; each round runs one step of every engine.</param>
/// <param name="Warmup">Untimed steps per engine before the first round.</param>
/// <param name="Machine">Where it ran.</param>
/// <param name="Engines">One entry per engine, in the order asked for.</param>
/// <param name="Ratios">Comparisons between the engines (null where an engine was not run).</param>
/// <param name="SimdManagedBytesPerStep">Managed bytes the SIMD step allocates after warm-up (null when not run); the target is 0.</param>
/// <param name="Layers">Per-layer forward and backward times of each network on each profiled engine.</param>
public sealed record BenchReport(
    string Model,
    int BatchSize,
    int Iterations,
    int Warmup,
    MachineInfo Machine,
    IReadOnlyList<EngineResult> Engines,
    BenchRatios Ratios,
    long? SimdManagedBytesPerStep,
    IReadOnlyList<LayerProfile> Layers)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The report as indented JSON with camelCase names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>The timing of one engine's full training iteration (data batch, D update, G update).</summary>
/// <param name="Name"><c>torch</c>, <c>torch-hand</c> or <c>simd</c>.</param>
/// <param name="Description">What was timed, in words.</param>
/// <param name="MedianMs">Median milliseconds per iteration over the rounds.</param>
/// <param name="ItPerSec">Iterations per second from the median.</param>
/// <param name="MinMs">Fastest iteration.</param>
/// <param name="MaxMs">Slowest iteration.</param>
/// <param name="SamplesMs">Every timed iteration, in round order.</param>
/// <param name="ManagedBytesPerStep">Median managed bytes allocated per iteration by all threads of the process.</param>
/// <param name="MaxManagedBytesPerStepCallingThread">The most managed bytes the benchmark's own thread allocated in one iteration.</param>
/// <param name="Threads">CPU threads the engine ran with.</param>
public sealed record EngineResult(
    string Name,
    string Description,
    double MedianMs,
    double ItPerSec,
    double MinMs,
    double MaxMs,
    IReadOnlyList<double> SamplesMs,
    long ManagedBytesPerStep,
    long MaxManagedBytesPerStepCallingThread,
    int Threads);

/// <summary>Ratios between the engines of one run.</summary>
/// <param name="GeneratedOverheadPercent">(median torch / median torch-hand - 1) x 100: what the generated modules cost over stock TorchSharp.</param>
/// <param name="GeneratedOverheadPercentPaired">The same from the median of the per-round ratios, which cancels drifts in machine load.</param>
/// <param name="SimdOverTorch">SIMD it/s divided by torch (generated modules) it/s.</param>
/// <param name="SimdOverTorchPaired">The same from the median of the per-round ratios.</param>
/// <param name="SimdOverTorchHand">SIMD it/s divided by the hand-written torch step's it/s.</param>
public sealed record BenchRatios(
    double? GeneratedOverheadPercent,
    double? GeneratedOverheadPercentPaired,
    double? SimdOverTorch,
    double? SimdOverTorchPaired,
    double? SimdOverTorchHand);

/// <summary>Per-layer times of one network on one engine.</summary>
/// <param name="Engine"><c>torch</c> or <c>simd</c>.</param>
/// <param name="Network">The network's declared name.</param>
/// <param name="Repetitions">Passes the medians are taken over.</param>
/// <param name="Layers">One row per declared layer, in forward order.</param>
public sealed record LayerProfile(string Engine, string Network, int Repetitions, IReadOnlyList<LayerTiming> Layers)
{
    /// <summary>Sum of the layers' forward and backward medians, in milliseconds.</summary>
    public double TotalMs => Layers.Sum(l => l.ForwardMs + l.BackwardMs);
}

/// <summary>Median time of one layer's forward and backward pass at the benchmark's batch size.</summary>
/// <param name="Name">Declared (or derived) layer name: <c>l0</c>, <c>relu2</c>, <c>c0_0</c>.</param>
/// <param name="Kind">Layer kind.</param>
/// <param name="OutputShape">Output shape per sample.</param>
/// <param name="ForwardMs">Median forward milliseconds.</param>
/// <param name="BackwardMs">Median backward milliseconds (input and parameter gradients).</param>
public sealed record LayerTiming(string Name, string Kind, string OutputShape, double ForwardMs, double BackwardMs);

/// <summary>The machine and runtime a benchmark ran on.</summary>
/// <param name="CpuModel">The <c>model name</c> line of /proc/cpuinfo (or the architecture elsewhere).</param>
/// <param name="LogicalCores">Logical processors .NET sees.</param>
/// <param name="Vector512">Whether Vector512 is hardware-accelerated (AVX-512).</param>
/// <param name="Vector256">Whether Vector256 is hardware-accelerated (AVX2).</param>
/// <param name="TorchThreads">libtorch's intra-op threads (torch.get_num_threads); null when no torch engine ran.</param>
/// <param name="SimdThreads">Threads of the SIMD engine's parallel kernels (<c>SimdEngine.Threads</c>).</param>
/// <param name="Os">Operating system.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="LoadAverageBefore">1-, 5- and 15-minute load averages before the run (empty where unknown).</param>
/// <param name="LoadAverageAfter">The same after the run.</param>
public sealed record MachineInfo(
    string CpuModel,
    int LogicalCores,
    bool Vector512,
    bool Vector256,
    int? TorchThreads,
    int SimdThreads,
    string Os,
    string Runtime,
    IReadOnlyList<double> LoadAverageBefore,
    IReadOnlyList<double> LoadAverageAfter);
