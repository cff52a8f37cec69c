namespace DcGanTyped.Shapes;

/// <summary>Static description of one layer, computed at compile time by the source generator.</summary>
/// <param name="Name">Field and state_dict prefix (declared, or derived from the kind and position).</param>
/// <param name="Kind">The layer kind.</param>
/// <param name="OutputShape">Output shape without the batch dimension.</param>
/// <param name="Parameters">Number of trainable parameters.</param>
/// <param name="Flops">Forward floating-point operations per sample (a multiply-add counts as two).</param>
public sealed record LayerInfo(string Name, LayerKind Kind, Shape OutputShape, long Parameters, long Flops);

/// <summary>Static description of a network, available without loading any native library.</summary>
/// <param name="Name">The declaring record's name.</param>
/// <param name="InputShape">Input shape without the batch dimension.</param>
/// <param name="OutputShape">Output shape without the batch dimension.</param>
/// <param name="Layers">Layers in execution order.</param>
public sealed record NetworkInfo(string Name, Shape InputShape, Shape OutputShape, IReadOnlyList<LayerInfo> Layers)
{
    /// <summary>Total trainable parameters.</summary>
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>Total forward FLOPs per sample.</summary>
    public long Flops => Layers.Sum(l => l.Flops);
}
