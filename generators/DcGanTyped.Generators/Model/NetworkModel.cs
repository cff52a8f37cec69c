using System;
using DcGanTyped.Shapes;

namespace DcGanTyped.Generators.Model;

/// <summary>One layer after shape checking: everything the emitters print, nothing they compute.</summary>
/// <param name="Name">Field name and state_dict prefix.</param>
/// <param name="Kind">Layer kind (BatchNorm already resolved to 1-d or 2-d).</param>
/// <param name="InputShape">Incoming shape without the batch dimension.</param>
/// <param name="OutputShape">Outgoing shape without the batch dimension.</param>
/// <param name="In">Input features or channels (Linear, convolutions, BatchNorm).</param>
/// <param name="Out">Output features or channels (Linear, convolutions).</param>
/// <param name="Kernel">Square kernel size (convolutions).</param>
/// <param name="Stride">Stride (convolutions).</param>
/// <param name="Pad">Padding (convolutions).</param>
/// <param name="Bias">Whether a bias exists (Linear, convolutions).</param>
/// <param name="Eps">BatchNorm epsilon.</param>
/// <param name="Decay">BatchNorm running-average decay.</param>
/// <param name="Gamma">Whether BatchNorm has a learnable scale.</param>
/// <param name="Value">LeakyReLU slope or GaussianNoise sigma.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="Flops">Forward FLOPs per sample (see <see cref="Parsing.CostModel"/>).</param>
internal sealed record LayerModel(
    string Name,
    LayerKind Kind,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    int In,
    int Out,
    int Kernel,
    int Stride,
    int Pad,
    bool Bias,
    double Eps,
    double Decay,
    bool Gamma,
    double Value,
    long Parameters,
    long Flops);

/// <summary>A type that contains the network (the generated partial must repeat it).</summary>
/// <param name="Keyword">Declaration keyword(s), e.g. <c>partial class</c> or <c>partial record struct</c>.</param>
/// <param name="Name">Type name including any type parameter list.</param>
internal sealed record TypeDeclaration(string Keyword, string Name);

/// <summary>A checked network, ready to emit.</summary>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="Types">The network type and its containing types, outermost first.</param>
/// <param name="Name">The network's simple name.</param>
/// <param name="FullName">Fully qualified name with <c>global::</c>.</param>
/// <param name="HintName">Unique file-name stem for the generated sources.</param>
/// <param name="InputShape">Input shape without the batch dimension.</param>
/// <param name="InitStd">Standard deviation of the weight initialiser.</param>
/// <param name="Layers">Layers in execution order.</param>
internal sealed record NetworkModel(
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string Name,
    string FullName,
    string HintName,
    EquatableArray<int> InputShape,
    double InitStd,
    EquatableArray<LayerModel> Layers)
{
    /// <summary>Output shape: that of the last layer.</summary>
    public EquatableArray<int> OutputShape => Layers[Layers.Count - 1].OutputShape;
}

/// <summary>Where a network with declaration errors lives, so that its members can be declared without bodies that work.</summary>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="Types">The network type and its containing types, outermost first.</param>
/// <param name="Name">The network's simple name.</param>
/// <param name="HintName">Unique file-name stem for the generated sources.</param>
internal sealed record NetworkStub(string Namespace, EquatableArray<TypeDeclaration> Types, string Name, string HintName);

/// <summary>
/// Result of parsing one network: a model when it is valid, otherwise a stub when the type can take generated
/// members (partial, not generic), and the diagnostics found.
/// </summary>
internal sealed record NetworkResult(NetworkModel? Model, NetworkStub? Stub, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A GAN pairing: checked, or with errors that its diagnostics report.</summary>
/// <param name="Namespace">Containing namespace, or empty.</param>
/// <param name="Types">The pairing type and its containing types, outermost first.</param>
/// <param name="HintName">Unique file-name stem.</param>
/// <param name="Generator">Fully qualified generator type; null when it has no generated members.</param>
/// <param name="Discriminator">Fully qualified discriminator type; null when it has no generated members.</param>
internal sealed record GanModel(
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string HintName,
    string? Generator,
    string? Discriminator);

/// <summary>
/// Result of parsing one GAN pairing: a model whenever the pairing type can take generated members (partial, both
/// arguments bound), even with errors, so that code using it sees only the diagnostics; and the diagnostics found.
/// </summary>
internal sealed record GanResult(GanModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Which runtimes the compilation references; decides which modules are emitted.</summary>
/// <param name="Torch">DcGanTyped.Torch is referenced.</param>
/// <param name="Simd">DcGanTyped.Simd is referenced.</param>
internal readonly record struct Runtimes(bool Torch, bool Simd);
