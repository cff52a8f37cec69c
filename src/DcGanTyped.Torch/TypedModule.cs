using DcGanTyped.Shapes;
using TorchSharp;
using static TorchSharp.torch;

namespace DcGanTyped.Torch;

/// <summary>
/// Base class of the TorchSharp modules the source generator emits. Generated subclasses declare one field
/// per named layer (so state_dict keys are <c>l0.weight</c>, <c>bn0.running_mean</c>, ...) and a shape-commented
/// <c>forward</c>.
/// </summary>
public abstract class TypedModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is the declaring record's name.</summary>
    protected TypedModule(string name)
        : base(name)
    {
    }

    /// <summary>Static shape metadata of the declared network.</summary>
    public abstract NetworkInfo Info { get; }

    /// <summary>
    /// Whether <see cref="Layers.GaussianNoise"/> layers add noise in training mode. Tests switch it off to compare
    /// engines; it is never saved.
    /// </summary>
    public bool NoiseEnabled
    {
        get => noiseEnabled;
        set
        {
            noiseEnabled = value;
            ForEachNoiseLayer(noise => noise.Enabled = value);
        }
    }

    private bool noiseEnabled = true;

    /// <summary>
    /// The generator every <see cref="Layers.GaussianNoise"/> layer draws from (null: the device's global one). It must
    /// live on the module's device; the module does not own it.
    /// </summary>
    public Generator? NoiseGenerator
    {
        get => noiseGenerator;
        set
        {
            noiseGenerator = value;
            ForEachNoiseLayer(noise => noise.Generator = value);
        }
    }

    private Generator? noiseGenerator;

    /// <summary>
    /// Initialises weights of Linear and (transposed) convolution layers from N(0, std) and their biases with zero;
    /// BatchNorm scales start at one and shifts at zero (Chainer's defaults).
    /// </summary>
    /// <param name="std">Standard deviation of the weights.</param>
    /// <param name="generator">Optional random generator; the global one when null.</param>
    public void InitializeWeights(double std, Generator? generator = null)
    {
        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            switch (m)
            {
                case TorchSharp.Modules.Linear or TorchSharp.Modules.Conv2d or TorchSharp.Modules.ConvTranspose2d:
                    foreach (var (pname, p) in m.named_parameters(recurse: false))
                    {
                        if (pname == "weight")
                        {
                            p.normal_(0, std, generator);
                        }
                        else
                        {
                            p.zero_();
                        }
                    }

                    break;
                case Layers.BatchNorm bn:
                    bn.ResetParameters();
                    break;
            }
        }
    }

    private void ForEachNoiseLayer(Action<Layers.GaussianNoise> action)
    {
        foreach (var (_, m) in named_modules())
        {
            if (m is Layers.GaussianNoise noise)
            {
                action(noise);
            }
        }
    }

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="x"/> is (N, Info.InputShape...).</summary>
    protected void CheckInput(Tensor x) => ShapeMismatchException.ThrowIfMismatch(Info.Name, Info.InputShape, x.shape);
}
