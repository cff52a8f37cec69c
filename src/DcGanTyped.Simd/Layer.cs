namespace DcGanTyped.Simd;

/// <summary>
/// One layer of a SIMD network. <see cref="Forward"/> remembers what <see cref="Backward"/> needs; the tensors
/// both return belong to the layer and are overwritten by its next call, so a caller that runs the layer twice
/// (for real and fake batches) runs backward after each forward: gradients accumulate, so the sum is the same.
/// </summary>
public abstract class Layer
{
    private static readonly Parameter[] NoParameters = [];
    private static readonly (string Name, Tensor Value)[] NoBuffers = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="name">Field and state_dict prefix, e.g. <c>l0</c>.</param>
    protected Layer(string name) => Name = name;

    /// <summary>Field and state_dict prefix.</summary>
    public string Name { get; }

    /// <summary>Trainable parameters in TorchSharp's registration order.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => NoParameters;

    /// <summary>Non-trainable state (BatchNorm running statistics) in TorchSharp's registration order.</summary>
    public virtual IReadOnlyList<(string Name, Tensor Value)> Buffers => NoBuffers;

    /// <summary>Computes the output; <paramref name="training"/> selects batch statistics and noise.</summary>
    /// <param name="x">Input, batch first. It must stay unchanged until <see cref="Backward"/> ran.</param>
    /// <param name="training">Training mode.</param>
    public abstract Tensor Forward(Tensor x, bool training);

    /// <summary>Returns dL/dx for the last <see cref="Forward"/> and ADDS dL/dparameter into each gradient.</summary>
    /// <param name="gradOutput">dL/dy, shaped like the last output.</param>
    public abstract Tensor Backward(Tensor gradOutput);
}
