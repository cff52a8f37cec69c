namespace DcGanTyped.Models;

/// <summary>
/// The Chainer DCGAN example's generator (<c>examples/dcgan/net.py</c>, <c>ch = 512</c>, <c>n_hidden = 100</c>):
/// a latent vector to a 32x32 RGB image in [0, 1]. The attributes read like Chainer's <c>__init__</c> and
/// <c>forward</c> side by side; each line is one stage of <c>forward</c>.
/// </summary>
[Network(Input = [NHidden])]
[Linear("l0", NHidden, 4 * 4 * Ch), BatchNorm("bn0"), ReLU, Reshape(Ch, 4, 4)]
[ConvTranspose2d("dc1", Ch, Ch / 2, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1"), ReLU]
[ConvTranspose2d("dc2", Ch / 2, Ch / 4, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn2"), ReLU]
[ConvTranspose2d("dc3", Ch / 4, Ch / 8, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn3"), ReLU]
[ConvTranspose2d("dc4", Ch / 8, 3, Kernel = 3, Stride = 1, Pad = 1), Sigmoid]
public sealed partial record Generator
{
    /// <summary>Channels after the first layer (Chainer's <c>ch</c>).</summary>
    public const int Ch = 512;

    /// <summary>Size of the latent vector (Chainer's <c>n_hidden</c>).</summary>
    public const int NHidden = 100;
}

/// <summary>The <see cref="Generator"/> with <c>ch = 64</c>, for fast tests.</summary>
[Network(Input = [NHidden])]
[Linear("l0", NHidden, 4 * 4 * Ch), BatchNorm("bn0"), ReLU, Reshape(Ch, 4, 4)]
[ConvTranspose2d("dc1", Ch, Ch / 2, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn1"), ReLU]
[ConvTranspose2d("dc2", Ch / 2, Ch / 4, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn2"), ReLU]
[ConvTranspose2d("dc3", Ch / 4, Ch / 8, Kernel = 4, Stride = 2, Pad = 1), BatchNorm("bn3"), ReLU]
[ConvTranspose2d("dc4", Ch / 8, 3, Kernel = 3, Stride = 1, Pad = 1), Sigmoid]
public sealed partial record NarrowGenerator
{
    /// <summary>Channels after the first layer.</summary>
    public const int Ch = 64;

    /// <summary>Size of the latent vector.</summary>
    public const int NHidden = 100;
}
