using System.CommandLine;
using DcGanTyped.Training;

namespace DcGanTyped.Cli.Commands;

/// <summary>Options shared by several commands, and parsing of the enumerated ones with one clear message.</summary>
internal static class CommonOptions
{
    public static Option<string> Model(string defaultValue) => new("--model")
    {
        Description = $"Network pair: {string.Join(" | ", BuiltInModels.Names)} (narrow = ch 64, fast on a CPU)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string> Engine(EngineKind defaultValue) => new("--engine")
    {
        Description = "torch (TorchSharp, CPU or CUDA) | simd (pure C#, CPU, never loads libtorch)",
        DefaultValueFactory = _ => defaultValue.ToString().ToLowerInvariant(),
    };

    public static Option<int> Gpu() => new("--gpu", "-g")
    {
        Description = "CUDA device index; -1 runs on the CPU (needs a CUDA build: -p:TorchBackend=cuda)",
        DefaultValueFactory = _ => new TrainOptions().Gpu,
    };

    public static EngineKind ParseEngine(string value) => value switch
    {
        "torch" => EngineKind.Torch,
        "simd" => EngineKind.Simd,
        _ => throw new UserInputException($"unknown --engine '{value}'; use torch or simd"),
    };
}
