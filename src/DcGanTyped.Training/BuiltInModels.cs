using DcGanTyped.Models;

namespace DcGanTyped.Training;

/// <summary>The pairs <c>--model</c> accepts: the Chainer example's networks and their narrow (ch = 64) variant.</summary>
public static class BuiltInModels
{
    /// <summary>The names <c>--model</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["seed", "narrow"];

    /// <summary>The pair named <paramref name="name"/>.</summary>
    /// <exception cref="TrainingInputException">Unknown name.</exception>
    public static GanModels Get(string name) => name switch
    {
        "seed" => new GanModels("seed", Generator.Info, Discriminator.Info)
        {
            TorchGenerator = () => new Generator.TorchModule(),
            TorchDiscriminator = () => new Discriminator.TorchModule(),
            SimdGenerator = seed => new Generator.SimdModule(seed),
            SimdDiscriminator = seed => new Discriminator.SimdModule(seed),
        },
        "narrow" => new GanModels("narrow", NarrowGenerator.Info, NarrowDiscriminator.Info)
        {
            TorchGenerator = () => new NarrowGenerator.TorchModule(),
            TorchDiscriminator = () => new NarrowDiscriminator.TorchModule(),
            SimdGenerator = seed => new NarrowGenerator.SimdModule(seed),
            SimdDiscriminator = seed => new NarrowDiscriminator.SimdModule(seed),
        },
        _ => throw new TrainingInputException($"unknown --model '{name}'; use one of: {string.Join(", ", Names)}"),
    };
}
