namespace DcGanTyped.Models;

/// <summary>The seed pair; the compiler checks that the generator's output is the discriminator's input.</summary>
[Gan(typeof(Generator), typeof(Discriminator))]
public static partial class SeedGan;

/// <summary>The narrow (ch = 64) pair for fast tests.</summary>
[Gan(typeof(NarrowGenerator), typeof(NarrowDiscriminator))]
public static partial class NarrowGan;
