namespace DcGanTyped.Models;

/// <summary>
/// The Chainer DCGAN example's discriminator (<c>ch = 512</c>): a 32x32 RGB image to one logit. Noise
/// (sigma 0.2, training only) is added to the input and after every convolution (after its BatchNorm, if any),
/// then LeakyReLU(0.2); the BatchNorms have no learnable scale (Chainer's <c>use_gamma=False</c>).
/// </summary>
[Network(Input = [3, 32, 32])]
[GaussianNoise]
[Conv2d("c0_0", 3, Ch / 8, Kernel = 3, Stride = 1, Pad = 1), GaussianNoise, LeakyReLU]
[Conv2d("c0_1", Ch / 8, Ch / 4, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn0_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c1_0", Ch / 4, Ch / 4, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn1_0", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c1_1", Ch / 4, Ch / 2, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c2_0", Ch / 2, Ch / 2, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn2_0", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c2_1", Ch / 2, Ch / 1, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn2_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c3_0", Ch / 1, Ch / 1, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn3_0", Gamma = false), GaussianNoise, LeakyReLU]
[Linear("l4", 4 * 4 * Ch, 1)]
public sealed partial record Discriminator
{
    /// <summary>Channels of the last convolution (Chainer's <c>ch</c>).</summary>
    public const int Ch = 512;
}

/// <summary>The <see cref="Discriminator"/> with <c>ch = 64</c>, for fast tests.</summary>
[Network(Input = [3, 32, 32])]
[GaussianNoise]
[Conv2d("c0_0", 3, Ch / 8, Kernel = 3, Stride = 1, Pad = 1), GaussianNoise, LeakyReLU]
[Conv2d("c0_1", Ch / 8, Ch / 4, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn0_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c1_0", Ch / 4, Ch / 4, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn1_0", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c1_1", Ch / 4, Ch / 2, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c2_0", Ch / 2, Ch / 2, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn2_0", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c2_1", Ch / 2, Ch / 1, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn2_1", Gamma = false), GaussianNoise, LeakyReLU]
[Conv2d("c3_0", Ch / 1, Ch / 1, Kernel = 3, Stride = 1, Pad = 1), BatchNorm("bn3_0", Gamma = false), GaussianNoise, LeakyReLU]
[Linear("l4", 4 * 4 * Ch, 1)]
public sealed partial record NarrowDiscriminator
{
    /// <summary>Channels of the last convolution.</summary>
    public const int Ch = 64;
}
