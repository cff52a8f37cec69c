namespace DcGanTyped;

/// <summary>
/// Marks a <c>partial record</c> as a typed network. Its layer attributes, in source order, are the layers
/// in execution order; the source generator checks every shape at compile time and emits the TorchSharp
/// module, the SIMD-engine network and the static <c>Info</c> metadata.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Input shape without the batch dimension, e.g. <c>[100]</c> or <c>[3, 32, 32]</c>.</summary>
    public int[] Input { get; set; } = [];

    /// <summary>Standard deviation of the N(0, std) weight initialiser; biases start at zero.</summary>
    public double InitStd { get; set; } = 0.02;
}

/// <summary>Declares a generator/discriminator pair; the generator's output must be the discriminator's input.</summary>
/// <param name="generator">The generator network record.</param>
/// <param name="discriminator">The discriminator network record.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GanAttribute(Type generator, Type discriminator) : Attribute
{
    /// <summary>The generator network record.</summary>
    public Type Generator { get; } = generator;

    /// <summary>The discriminator network record.</summary>
    public Type Discriminator { get; } = discriminator;
}
