namespace DcGanTyped.Training.Benchmarking;

/// <summary>The options of <c>bench</c>; defaults are the seed's training setup (batch 50).</summary>
public sealed record BenchOptions
{
    /// <summary>The engine names <see cref="Engines"/> accepts, in their default order.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = [TrainingStepBench.Torch, TrainingStepBench.TorchHand, TrainingStepBench.Simd];

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>Timed rounds (one step of every engine per round).</summary>
    public int Iterations { get; init; } = 20;

    /// <summary>Untimed steps per engine before the first round.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>The network pair: <c>seed</c> or <c>narrow</c>.</summary>
    public string Model { get; init; } = "seed";

    /// <summary>CPU threads of both engines (libtorch's and the SIMD engine's); null keeps their default (all cores).</summary>
    public int? Threads { get; init; }

    /// <summary>The engines to time, from <see cref="EngineNames"/>.</summary>
    public IReadOnlyList<string> Engines { get; init; } = EngineNames;

    /// <summary>Seed of the weights, z and noise (the same for every engine).</summary>
    public int Seed { get; init; }

    /// <summary>Passes the per-layer medians are taken over; null picks from <see cref="Iterations"/> (3 to 10).</summary>
    public int? ProfileRepetitions { get; init; }

    /// <summary>Throws <see cref="TrainingInputException"/> with one line naming the first bad option.</summary>
    public void Validate()
    {
        Require(BatchSize >= 1, $"--batchsize must be at least 1 (got {BatchSize})");
        Require(Iterations >= 1, $"--iterations must be at least 1 (got {Iterations})");
        Require(Warmup >= 0, $"--warmup must be at least 0 (got {Warmup})");
        Require(Threads is null or >= 1, $"--threads must be at least 1 (got {Threads})");
        Require(ProfileRepetitions is null or >= 1, $"profile repetitions must be at least 1 (got {ProfileRepetitions})");
        Require(Engines.Count > 0, $"--engines must name at least one of: {string.Join(", ", EngineNames)}");
        foreach (var e in Engines)
        {
            Require(EngineNames.Contains(e), $"unknown engine '{e}' in --engines; use any of: {string.Join(", ", EngineNames)}");
        }

        Require(Engines.Distinct().Count() == Engines.Count, "--engines names an engine twice");
        _ = BuiltInModels.Get(Model);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new TrainingInputException(message);
        }
    }
}
