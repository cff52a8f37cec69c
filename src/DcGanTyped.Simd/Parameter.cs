namespace DcGanTyped.Simd;

/// <summary>A trainable tensor and the gradient that backward passes accumulate into.</summary>
public sealed class Parameter
{
    /// <summary>Creates a zero parameter of the given shape with a zero gradient.</summary>
    /// <param name="name">Name inside its layer (<c>weight</c>, <c>bias</c>).</param>
    /// <param name="shape">Dimensions in TorchSharp's layout.</param>
    public Parameter(string name, params int[] shape)
    {
        Name = name;
        Value = new Tensor(shape);
        Grad = new Tensor(shape);
    }

    /// <summary>Name inside its layer (<c>weight</c>, <c>bias</c>).</summary>
    public string Name { get; }

    /// <summary>Current value.</summary>
    public Tensor Value { get; }

    /// <summary>Accumulated gradient; cleared by <see cref="SimdNetwork.ZeroGrad"/>.</summary>
    public Tensor Grad { get; }
}
