using System.CommandLine;
using DcGanTyped.Training.Benchmarking;

namespace DcGanTyped.Cli.Commands;

/// <summary>
/// <c>bench</c>: times one full training iteration on the torch engine (generated modules), the same step on
/// hand-written TorchSharp modules, and the SIMD engine, in one process, taking turns; prints medians, ratios, a
/// per-layer table and the machine, and writes it all as JSON with <c>--json FILE</c>.
/// </summary>
public static class BenchCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var d = new BenchOptions();
        var batch = new Option<int>("--batchsize", "-b") { Description = "Images per minibatch", DefaultValueFactory = _ => d.BatchSize };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations per engine (the engines take turns)", DefaultValueFactory = _ => d.Iterations };
        var warmup = new Option<int>("--warmup") { Description = "Untimed iterations per engine first", DefaultValueFactory = _ => d.Warmup };
        var model = CommonOptions.Model(d.Model);
        var threads = new Option<int?>("--threads")
        {
            Description = "CPU threads of libtorch and of the SIMD engine (default: all cores)",
        };
        var engines = new Option<string>("--engines")
        {
            Description = $"Comma-separated engines to time: {string.Join(",", BenchOptions.EngineNames)}",
            DefaultValueFactory = _ => string.Join(",", d.Engines),
        };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, z and noise", DefaultValueFactory = _ => d.Seed };
        var json = new Option<string?>("--json") { Description = "Also write every figure as JSON to this file" };

        var command = new Command("bench", "Time one training iteration on each engine and compare them (medians, ratios, per-layer table).")
        {
            batch, iterations, warmup, model, threads, engines, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new BenchOptions
            {
                BatchSize = parse.GetValue(batch),
                Iterations = parse.GetValue(iterations),
                Warmup = parse.GetValue(warmup),
                Model = parse.GetValue(model)!,
                Threads = parse.GetValue(threads),
                Engines = [.. parse.GetValue(engines)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                Seed = parse.GetValue(seed),
            };
            return Run(options, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>Runs the benchmark, prints the report and writes the JSON file when asked.</summary>
    public static int Run(BenchOptions options, string? jsonPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var jsonFull = jsonPath is null ? null : Path.GetFullPath(jsonPath);
        if (jsonFull is not null && Path.GetDirectoryName(jsonFull) is { } dir && !Directory.Exists(dir))
        {
            // Checked before minutes of timing, not after.
            throw new UserInputException($"--json: folder '{dir}' does not exist");
        }

        var report = TrainingStepBench.Run(options, Console.Out);
        Console.WriteLine();
        Console.Write(BenchReportText.Format(report));
        if (jsonFull is not null)
        {
            File.WriteAllText(jsonFull, report.ToJson());
            Console.WriteLine();
            Console.WriteLine($"wrote {jsonFull}");
        }

        return ExitCodes.Ok;
    }
}
