using System.Linq;
using DcGanTyped.Generators.Model;
using DcGanTyped.Shapes;
using static DcGanTyped.Generators.Emitting.EmitHelpers;

namespace DcGanTyped.Generators.Emitting;

/// <summary>Emits the nested TorchSharp module (only when DcGanTyped.Torch is referenced).</summary>
internal static class TorchEmitter
{
    private const string Torch = "global::TorchSharp.torch";
    private const string Layers = "global::DcGanTyped.Torch.Layers";

    public static string Emit(NetworkModel network)
    {
        var w = new IndentedWriter();
        Begin(w, network.Namespace, network.Types);

        w.Summary($"Creates the TorchSharp module of <see cref=\"{network.Name}\"/> with weights drawn from N(0, <see cref=\"InitStd\"/>).");
        w.Line("public static TorchModule CreateTorch() => new();");
        w.Line();
        w.Summary(
            $"<see cref=\"{network.Name}\"/> as a TorchSharp module: input {Batched(network.InputShape)}, output {Batched(network.OutputShape)}.",
            "Submodules are named after the declared layers, so state_dict keys read "
                + string.Join(", ", network.Layers.Where(HasField).Take(2).Select(l => $"<c>{l.Name}.*</c>")) + ", ...");
        w.Line($"public sealed class TorchModule : global::DcGanTyped.Torch.TypedModule");
        w.Open();

        foreach (var l in network.Layers.Where(HasField))
        {
            w.Summary(Describe(l));
            w.Line($"public readonly {FieldType(l)} {l.Name};");
            w.Line();
        }

        w.Summary("Creates the layers, registers them as submodules and initialises the weights.");
        w.Line("public TorchModule()");
        w.Line($"    : base({Str(network.Name)})");
        w.Open();
        foreach (var l in network.Layers.Where(HasField))
        {
            w.Line($"{l.Name} = {Construct(l)};");
        }

        w.Line("RegisterComponents();");
        w.Line("InitializeWeights(InitStd);");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Line($"public override global::DcGanTyped.Shapes.NetworkInfo Info => {network.FullName}.Info;");
        w.Line();

        w.Summary($"Runs the network on <paramref name=\"x\"/> of shape {Batched(network.InputShape)}; returns {Batched(network.OutputShape)}.");
        w.Line("/// <param name=\"x\">The input batch.</param>");
        w.Line("/// <exception cref=\"global::DcGanTyped.Shapes.ShapeMismatchException\">The input does not have the declared shape.</exception>");
        w.Line($"public override {Torch}.Tensor forward({Torch}.Tensor x)");
        w.Open();
        w.Line("// Intermediate tensors die with the scope; only the result moves out to the caller's.");
        w.Line($"using var scope = {Torch}.NewDisposeScope();");
        w.Commented("CheckInput(x);", Batched(network.InputShape));
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var l = network.Layers[i];
            var source = i == 0 ? "x" : "h";
            var prefix = i == 0 ? "var h = " : "h = ";
            w.Commented(prefix + Call(l, source) + ";", Batched(l.OutputShape));
        }

        w.Line("return h.MoveToOuterDisposeScope();");
        w.Close();

        w.Close();
        End(w, network.Types);
        return w.ToString();
    }

    /// <summary>Layers with a field: those with parameters or state, and noise (it is switched on and off).</summary>
    public static bool HasField(LayerModel l)
        => l.Kind is LayerKind.Linear or LayerKind.Conv2d or LayerKind.ConvTranspose2d or LayerKind.BatchNorm1d or LayerKind.BatchNorm2d
            or LayerKind.GaussianNoise;

    /// <summary>A one-line description of a layer for XML docs.</summary>
    public static string Describe(LayerModel l) => l.Kind switch
    {
        LayerKind.Linear => $"Linear {l.In} -> {l.Out}{(l.Bias ? string.Empty : " without bias")}: {Plain(l.InputShape)} to {Plain(l.OutputShape)}.",
        LayerKind.Conv2d or LayerKind.ConvTranspose2d =>
            $"{l.Kind} {l.In} -> {l.Out}, kernel {l.Kernel}, stride {l.Stride}, pad {l.Pad}{(l.Bias ? string.Empty : ", no bias")}: {Plain(l.InputShape)} to {Plain(l.OutputShape)}.",
        LayerKind.BatchNorm1d or LayerKind.BatchNorm2d =>
            $"{l.Kind} over {l.In} {(l.Kind == LayerKind.BatchNorm1d ? "features" : "channels")}{(l.Gamma ? string.Empty : " without a learnable scale")}, eps {Double(l.Eps)}, decay {Double(l.Decay)}.",
        LayerKind.GaussianNoise => $"Adds N(0, {Double(l.Value)}) noise in training mode.",
        LayerKind.LeakyReLU => $"LeakyReLU with slope {Double(l.Value)}.",
        LayerKind.Reshape or LayerKind.Flatten => $"{l.Kind} {Plain(l.InputShape)} to {Plain(l.OutputShape)}.",
        _ => $"{l.Kind}.",
    };

    private static string FieldType(LayerModel l) => l.Kind switch
    {
        LayerKind.Linear => "global::TorchSharp.Modules.Linear",
        LayerKind.Conv2d => "global::TorchSharp.Modules.Conv2d",
        LayerKind.ConvTranspose2d => "global::TorchSharp.Modules.ConvTranspose2d",
        LayerKind.GaussianNoise => $"{Layers}.GaussianNoise",
        _ => $"{Layers}.BatchNorm",
    };

    private static string Construct(LayerModel l) => l.Kind switch
    {
        LayerKind.Linear => $"{Torch}.nn.Linear({l.In}, {l.Out}, hasBias: {Bool(l.Bias)})",
        // A literal 0 converts to TorchSharp's Padding enum, which makes "padding: 0" ambiguous: leave the default.
        LayerKind.Conv2d => $"{Torch}.nn.Conv2d({l.In}, {l.Out}, kernel_size: {l.Kernel}, stride: {l.Stride}, {(l.Pad == 0 ? string.Empty : $"padding: {l.Pad}, ")}bias: {Bool(l.Bias)})",
        LayerKind.ConvTranspose2d => $"{Torch}.nn.ConvTranspose2d({l.In}, {l.Out}, kernel_size: {l.Kernel}, stride: {l.Stride}, padding: {l.Pad}, bias: {Bool(l.Bias)})",
        LayerKind.GaussianNoise => $"new {Layers}.GaussianNoise({Str(l.Name)}, sigma: {Double(l.Value)})",
        _ => $"new {Layers}.BatchNorm({Str(l.Name)}, {l.In}, eps: {Double(l.Eps)}, decay: {Double(l.Decay)}, gamma: {Bool(l.Gamma)})",
    };

    private static string Call(LayerModel l, string h) => l.Kind switch
    {
        LayerKind.Linear => l.InputShape.Count == 1 ? $"{l.Name}.forward({h})" : $"{l.Name}.forward({h}.flatten(1))",
        LayerKind.ReLU => $"{h}.relu()",
        LayerKind.LeakyReLU => $"{h}.leaky_relu({Double(l.Value)})",
        LayerKind.Sigmoid => $"{h}.sigmoid()",
        LayerKind.Reshape => $"{h}.reshape({h}.shape[0], {Args(l.OutputShape)})",
        LayerKind.Flatten => $"{h}.flatten(1)",
        _ => $"{l.Name}.forward({h})",
    };
}
