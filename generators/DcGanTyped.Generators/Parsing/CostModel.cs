namespace DcGanTyped.Generators.Parsing;

/// <summary>
/// Parameter counts and forward FLOPs per sample. A multiply-add counts as two FLOPs and bias additions are
/// included. Elementwise layers get a small fixed cost per element: BatchNorm 2 (in evaluation the
/// normalisation folds into one per-channel multiply-add; computing batch statistics in training is not
/// counted), ReLU 1 (a compare), LeakyReLU 2 (multiply and max), Sigmoid 4 (negate, exp, add, divide),
/// GaussianNoise 2 (scale and add; drawing random numbers is not counted), Reshape and Flatten 0.
/// </summary>
internal static class CostModel
{
    public static long LinearParameters(int inFeatures, int outFeatures, bool bias)
        => ((long)inFeatures * outFeatures) + (bias ? outFeatures : 0);

    public static long LinearFlops(int inFeatures, int outFeatures, bool bias)
        => (2L * inFeatures * outFeatures) + (bias ? outFeatures : 0);

    /// <summary>Same count for Conv2d (out, in, k, k) and ConvTranspose2d (in, out, k, k).</summary>
    public static long ConvParameters(int inChannels, int outChannels, int kernel, bool bias)
        => ((long)inChannels * outChannels * kernel * kernel) + (bias ? outChannels : 0);

    /// <summary>Each output element is a dot product over in x k x k inputs.</summary>
    public static long ConvFlops(int inChannels, int kernel, long outputElements, bool bias)
        => (outputElements * 2L * inChannels * kernel * kernel) + (bias ? outputElements : 0);

    /// <summary>Each input element scatters into out x k x k outputs (the GEMM + col2im formulation).</summary>
    public static long ConvTransposeFlops(long inputElements, int outChannels, int kernel, long outputElements, bool bias)
        => (inputElements * 2L * outChannels * kernel * kernel) + (bias ? outputElements : 0);

    public static long BatchNormParameters(int features, bool gamma) => gamma ? 2L * features : features;

    public static long BatchNormFlops(long elements) => 2 * elements;

    public static long ReLUFlops(long elements) => elements;

    public static long LeakyReLUFlops(long elements) => 2 * elements;

    public static long SigmoidFlops(long elements) => 4 * elements;

    public static long GaussianNoiseFlops(long elements) => 2 * elements;
}
