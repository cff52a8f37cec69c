// Shared by Conv2d and ConvTranspose2d: the hyper-parameters, the weight and optional bias in TorchSharp's
// registration order, and the input check. Each subclass keeps its own weight layout and its own GEMMs.
namespace DcGanTyped.Simd;

/// <summary>The part a convolution and a transposed convolution have in common.</summary>
public abstract class ConvolutionLayer : Layer
{
    private readonly Parameter[] parameters;

    /// <summary>Creates the layer around <paramref name="weight"/>, whose layout the subclass chooses.</summary>
    private protected ConvolutionLayer(string name, int inChannels, int outChannels, int kernel, int stride, int pad, bool bias, Parameter weight)
        : base(name)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Pad = pad;
        Weight = weight;
        Bias = bias ? new Parameter("bias", outChannels) : null;
        parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>
    /// Padding: zeros added to each side of the input (<see cref="Conv2d"/>), or removed from each side of the
    /// output (<see cref="ConvTranspose2d"/>).
    /// </summary>
    public int Pad { get; }

    /// <summary>Weight: (Cout, Cin, K, K) for <see cref="Conv2d"/>, (Cin, Cout, K, K) for <see cref="ConvTranspose2d"/>.</summary>
    public Parameter Weight { get; }

    /// <summary>Bias (Cout), or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>Throws unless <paramref name="x"/> is (N, <see cref="InChannels"/>, H, W).</summary>
    private protected void CheckInput(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Dim(1) != InChannels)
        {
            throw new ArgumentException($"{GetType().Name} '{Name}' expects (N, {InChannels}, H, W) but receives {x}.", nameof(x));
        }
    }
}
