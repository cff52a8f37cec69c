using DcGanTyped.Shapes;

namespace DcGanTyped.Simd;

/// <summary>
/// Base class of the SIMD networks the source generator emits: layers are fields registered with
/// <see cref="Add{T}"/> in declaration order, so parameter and buffer names (<c>l0.weight</c>,
/// <c>bn0.running_mean</c>) and their order match the TorchSharp module's state_dict.
/// </summary>
public abstract class SimdNetwork
{
    private readonly List<Layer> layers = [];
    private (string Name, Parameter P)[]? namedParameters;
    private (string Name, Tensor T)[]? stateDict;
    private bool noiseEnabled = true;

    /// <summary>Creates the network.</summary>
    /// <param name="info">Static shape metadata of the declared network.</param>
    protected SimdNetwork(NetworkInfo info) => Info = info;

    /// <summary>Static shape metadata of the declared network.</summary>
    public NetworkInfo Info { get; }

    /// <summary>Layers in execution order.</summary>
    public IReadOnlyList<Layer> Layers => layers;

    /// <summary>Random source of the GaussianNoise layers; save its state with snapshots.</summary>
    public NoiseSource Noise { get; } = new(0);

    /// <summary>Whether GaussianNoise layers add noise in training mode (tests switch it off to compare engines).</summary>
    public bool NoiseEnabled
    {
        get => noiseEnabled;
        set
        {
            noiseEnabled = value;
            foreach (var layer in layers)
            {
                if (layer is GaussianNoise noise)
                {
                    noise.Enabled = value;
                }
            }
        }
    }

    /// <summary>Runs the network; the returned tensor belongs to the last layer.</summary>
    /// <param name="x">Input (N, Info.InputShape...).</param>
    /// <param name="training">Training mode: batch statistics and noise.</param>
    public abstract Tensor Forward(Tensor x, bool training);

    /// <summary>Back-propagates dL/dy of the last forward; returns dL/dx and accumulates parameter gradients.</summary>
    public abstract Tensor Backward(Tensor gradOutput);

    /// <summary>Parameters named as in TorchSharp's state_dict (<c>l0.weight</c>), in the same order.</summary>
    public IReadOnlyList<(string Name, Parameter P)> NamedParameters()
        => namedParameters ??= [.. layers.SelectMany(l => l.Parameters.Select(p => (l.Name + "." + p.Name, p)))];

    /// <summary>The parameters alone, in <see cref="NamedParameters"/> order (what an optimiser takes).</summary>
    public IReadOnlyList<Parameter> Parameters() => [.. NamedParameters().Select(p => p.P)];

    /// <summary>
    /// Parameters and buffers named and ordered as TorchSharp's state_dict: every parameter first, then every buffer
    /// (so weights files load on either engine, whose loaders check the order).
    /// </summary>
    public IReadOnlyList<(string Name, Tensor T)> StateDict()
        => stateDict ??= [.. layers.SelectMany(l => l.Parameters.Select(p => (l.Name + "." + p.Name, p.Value)))
            .Concat(layers.SelectMany(l => l.Buffers.Select(b => (l.Name + "." + b.Name, b.Value))))];

    /// <summary>Clears every parameter gradient.</summary>
    public void ZeroGrad()
    {
        // Indexing, not foreach: enumerating through the interface would box an enumerator every step.
        var ps = NamedParameters();
        for (var i = 0; i < ps.Count; i++)
        {
            ps[i].P.Grad.Span.Clear();
        }
    }

    /// <summary>
    /// Draws Linear and (transposed) convolution weights from N(0, std) and zeroes their biases; BatchNorm scales
    /// start at one, shifts at zero, running statistics at (0, 1), as in Chainer's example.
    /// </summary>
    public void InitializeWeights(double std, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        foreach (var layer in layers)
        {
            switch (layer)
            {
                case Linear or Conv2d or ConvTranspose2d:
                    foreach (var p in layer.Parameters)
                    {
                        if (p.Name == "weight")
                        {
                            FillNormal(p.Value.Span, std, rng);
                        }
                        else
                        {
                            p.Value.Span.Clear();
                        }
                    }

                    break;
                case BatchNorm bn:
                    bn.ResetParameters();
                    break;
            }
        }
    }

    /// <summary>Registers a layer (in declaration order) and returns it, for field initialisers.</summary>
    protected T Add<T>(T layer)
        where T : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is GaussianNoise noise)
        {
            noise.Source = Noise;
            noise.Enabled = noiseEnabled;
        }

        layers.Add(layer);
        namedParameters = null;
        stateDict = null;
        return layer;
    }

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="x"/> is (N, Info.InputShape...).</summary>
    protected void CheckInput(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Span<long> dims = stackalloc long[x.Rank];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = x.Shape[i];
        }

        ShapeMismatchException.ThrowIfMismatch(Info.Name, Info.InputShape, dims);
    }

    private static void FillNormal(Span<float> values, double std, Random rng)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var u = 1.0 - rng.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u));
            values[i] = (float)(std * r * Math.Cos(2.0 * Math.PI * rng.NextDouble()));
        }
    }
}
