using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;

namespace DcGanTyped.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/DcGanTyped.Benchmarks -- --filter '*Gemm*' --job short</c>.
/// Every benchmark reports allocations (MemoryDiagnoser) and exports JSON; the solution takes over two minutes to build
/// in Release here, so the build timeout is raised (or pass <c>--inProcess</c>).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line.</summary>
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(JsonExporter.Full)
            .WithBuildTimeout(TimeSpan.FromMinutes(10));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
