using DcGanTyped.Shapes;
using DcGanTyped.Simd;
using DcGanTyped.Torch;

namespace DcGanTyped.Training;

/// <summary>
/// A generator/discriminator pair as the trainer needs it: static shape metadata plus factories for each engine.
/// Any pair of attributed records works; for records <c>MyGen</c> and <c>MyDis</c>:
/// <code>
/// var models = new GanModels("mine", MyGen.Info, MyDis.Info)
/// {
///     TorchGenerator = () => new MyGen.TorchModule(),
///     TorchDiscriminator = () => new MyDis.TorchModule(),
///     SimdGenerator = seed => new MyGen.SimdModule(seed),
///     SimdDiscriminator = seed => new MyDis.SimdModule(seed),
/// };
/// </code>
/// The factories are only invoked by the engine that uses them, so the SIMD engine never loads libtorch.
/// </summary>
/// <param name="Name">Name shown in messages (<c>seed</c>, <c>narrow</c>, or the user's).</param>
/// <param name="Generator">The generator's metadata; its input is z.</param>
/// <param name="Discriminator">The discriminator's metadata; its input is an image.</param>
public sealed partial record GanModels(string Name, NetworkInfo Generator, NetworkInfo Discriminator)
{
    /// <summary>Creates the generator's TorchSharp module (weights initialised).</summary>
    public Func<TypedModule>? TorchGenerator { get; init; }

    /// <summary>Creates the discriminator's TorchSharp module (weights initialised).</summary>
    public Func<TypedModule>? TorchDiscriminator { get; init; }

    /// <summary>Creates the generator on the SIMD engine with weights drawn from the given seed.</summary>
    public Func<int, SimdNetwork>? SimdGenerator { get; init; }

    /// <summary>Creates the discriminator on the SIMD engine with weights drawn from the given seed.</summary>
    public Func<int, SimdNetwork>? SimdDiscriminator { get; init; }

    /// <summary>The image shape (C, H, W) both networks agree on.</summary>
    public Shape ImageShape => Discriminator.InputShape;
}
