using DcGanTyped.Shapes;
using DcGanTyped.Simd;
using DcGanTyped.Torch;

namespace DcGanTyped.Models;

/// <summary>
/// A generator/discriminator pair the CLI can select with <c>--model</c>. Metadata is static; the factories
/// create fresh networks on either engine (only the Torch factories load libtorch, and only when called).
/// </summary>
public abstract class ModelPair
{
    private protected ModelPair(string name, string description, NetworkInfo generator, NetworkInfo discriminator)
    {
        Name = name;
        Description = description;
        Generator = generator;
        Discriminator = discriminator;
    }

    /// <summary>Name used on the command line (<c>seed</c>, <c>narrow</c>).</summary>
    public string Name { get; }

    /// <summary>One line for help text.</summary>
    public string Description { get; }

    /// <summary>The generator's static metadata.</summary>
    public NetworkInfo Generator { get; }

    /// <summary>The discriminator's static metadata.</summary>
    public NetworkInfo Discriminator { get; }

    /// <summary>Size of the generator's latent vector (its input).</summary>
    public int LatentSize => Generator.InputShape[0];

    /// <summary>Creates the generator as a TorchSharp module (loads libtorch).</summary>
    public abstract TypedModule CreateTorchGenerator();

    /// <summary>Creates the discriminator as a TorchSharp module (loads libtorch).</summary>
    public abstract TypedModule CreateTorchDiscriminator();

    /// <summary>Creates the generator on the SIMD engine.</summary>
    /// <param name="seed">Seed of the weight initialiser.</param>
    public abstract SimdNetwork CreateSimdGenerator(int seed = 0);

    /// <summary>Creates the discriminator on the SIMD engine.</summary>
    /// <param name="seed">Seed of the weight initialiser.</param>
    public abstract SimdNetwork CreateSimdDiscriminator(int seed = 0);

    /// <summary>Copies the generator's parameters and buffers from a TorchSharp module to a SIMD network.</summary>
    public abstract void CopyGenerator(TypedModule source, SimdNetwork target);

    /// <summary>Copies the generator's parameters and buffers from a SIMD network to a TorchSharp module.</summary>
    public abstract void CopyGenerator(SimdNetwork source, TypedModule target);

    /// <summary>Copies the discriminator's parameters and buffers from a TorchSharp module to a SIMD network.</summary>
    public abstract void CopyDiscriminator(TypedModule source, SimdNetwork target);

    /// <summary>Copies the discriminator's parameters and buffers from a SIMD network to a TorchSharp module.</summary>
    public abstract void CopyDiscriminator(SimdNetwork source, TypedModule target);
}

/// <summary>The model pairs by name: <c>seed</c> (Chainer's example, ch = 512) and <c>narrow</c> (ch = 64).</summary>
public static class ModelCatalog
{
    /// <summary>The seed pair, <see cref="Models.Generator"/> and <see cref="Models.Discriminator"/>.</summary>
    public static ModelPair Seed { get; } = new SeedPair();

    /// <summary>The narrow pair, <see cref="NarrowGenerator"/> and <see cref="NarrowDiscriminator"/>.</summary>
    public static ModelPair Narrow { get; } = new NarrowPair();

    /// <summary>All pairs, seed first.</summary>
    public static IReadOnlyList<ModelPair> All { get; } = [Seed, Narrow];

    /// <summary>The names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>The pair called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No pair has that name.</exception>
    public static ModelPair Get(string name)
        => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown model '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name));

    private sealed class SeedPair() : ModelPair("seed", "Chainer's DCGAN example (ch = 512)", SeedGan.GeneratorInfo, SeedGan.DiscriminatorInfo)
    {
        public override TypedModule CreateTorchGenerator() => Models.Generator.CreateTorch();

        public override TypedModule CreateTorchDiscriminator() => Models.Discriminator.CreateTorch();

        public override SimdNetwork CreateSimdGenerator(int seed = 0) => Models.Generator.CreateSimd(seed);

        public override SimdNetwork CreateSimdDiscriminator(int seed = 0) => Models.Discriminator.CreateSimd(seed);

        public override void CopyGenerator(TypedModule source, SimdNetwork target)
            => Cast<Models.Generator.SimdModule>(target).CopyFrom(Cast<Models.Generator.TorchModule>(source));

        public override void CopyGenerator(SimdNetwork source, TypedModule target)
            => Cast<Models.Generator.SimdModule>(source).CopyTo(Cast<Models.Generator.TorchModule>(target));

        public override void CopyDiscriminator(TypedModule source, SimdNetwork target)
            => Cast<Models.Discriminator.SimdModule>(target).CopyFrom(Cast<Models.Discriminator.TorchModule>(source));

        public override void CopyDiscriminator(SimdNetwork source, TypedModule target)
            => Cast<Models.Discriminator.SimdModule>(source).CopyTo(Cast<Models.Discriminator.TorchModule>(target));
    }

    private sealed class NarrowPair() : ModelPair("narrow", "The same networks with ch = 64, for fast runs", NarrowGan.GeneratorInfo, NarrowGan.DiscriminatorInfo)
    {
        public override TypedModule CreateTorchGenerator() => NarrowGenerator.CreateTorch();

        public override TypedModule CreateTorchDiscriminator() => NarrowDiscriminator.CreateTorch();

        public override SimdNetwork CreateSimdGenerator(int seed = 0) => NarrowGenerator.CreateSimd(seed);

        public override SimdNetwork CreateSimdDiscriminator(int seed = 0) => NarrowDiscriminator.CreateSimd(seed);

        public override void CopyGenerator(TypedModule source, SimdNetwork target)
            => Cast<NarrowGenerator.SimdModule>(target).CopyFrom(Cast<NarrowGenerator.TorchModule>(source));

        public override void CopyGenerator(SimdNetwork source, TypedModule target)
            => Cast<NarrowGenerator.SimdModule>(source).CopyTo(Cast<NarrowGenerator.TorchModule>(target));

        public override void CopyDiscriminator(TypedModule source, SimdNetwork target)
            => Cast<NarrowDiscriminator.SimdModule>(target).CopyFrom(Cast<NarrowDiscriminator.TorchModule>(source));

        public override void CopyDiscriminator(SimdNetwork source, TypedModule target)
            => Cast<NarrowDiscriminator.SimdModule>(source).CopyTo(Cast<NarrowDiscriminator.TorchModule>(target));
    }

    private static T Cast<T>(object network)
        where T : class
        => network as T ?? throw new ArgumentException($"Expected a {typeof(T).FullName}, got {network?.GetType().FullName ?? "null"}.", nameof(network));
}
