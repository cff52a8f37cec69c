using DcGanTyped.Generators.Model;
using DcGanTyped.Shapes;
using static DcGanTyped.Generators.Emitting.EmitHelpers;

namespace DcGanTyped.Generators.Emitting;

/// <summary>
/// Emits the nested SIMD-engine network (only when DcGanTyped.Simd is referenced), with an explicit forward
/// and a reverse-order backward, and the state copies to and from the TorchSharp module when both are referenced.
/// </summary>
internal static class SimdEmitter
{
    private const string Simd = "global::DcGanTyped.Simd";
    private const string Torch = "global::TorchSharp.torch";

    public static string Emit(NetworkModel network, bool withTorch)
    {
        var w = new IndentedWriter();
        Begin(w, network.Namespace, network.Types);

        w.Summary($"Creates <see cref=\"{network.Name}\"/> on the SIMD engine with weights drawn from N(0, <see cref=\"InitStd\"/>).");
        w.Line("/// <param name=\"seed\">Seed of the weight initialiser.</param>");
        w.Line("public static SimdModule CreateSimd(int seed = 0) => new(seed);");
        w.Line();
        w.Summary(
            $"<see cref=\"{network.Name}\"/> on the pure C# SIMD engine: input {Batched(network.InputShape)}, output {Batched(network.OutputShape)}.",
            "Parameter and buffer names and order match the TorchSharp module's state_dict.");
        w.Line($"public sealed class SimdModule : {Simd}.SimdNetwork");
        w.Open();

        foreach (var l in network.Layers)
        {
            w.Summary(TorchEmitter.Describe(l));
            w.Line($"public readonly {Simd}.{TypeName(l)} {l.Name};");
            w.Line();
        }

        w.Summary("Creates the layers in declaration order and initialises the weights.");
        w.Line("/// <param name=\"seed\">Seed of the weight initialiser.</param>");
        w.Line("public SimdModule(int seed = 0)");
        w.Line($"    : base({network.FullName}.Info)");
        w.Open();
        foreach (var l in network.Layers)
        {
            w.Line($"{l.Name} = Add(new {Simd}.{TypeName(l)}({Arguments(l)}));");
        }

        w.Line("InitializeWeights(InitStd, new global::System.Random(seed));");
        w.Close();
        w.Line();

        w.Summary($"Runs the network on <paramref name=\"x\"/> of shape {Batched(network.InputShape)}; returns {Batched(network.OutputShape)}, owned by the last layer.");
        w.Line("/// <param name=\"x\">The input batch; it must stay unchanged until <see cref=\"Backward\"/> ran.</param>");
        w.Line("/// <param name=\"training\">Training mode: batch statistics and noise.</param>");
        w.Line("/// <exception cref=\"global::DcGanTyped.Shapes.ShapeMismatchException\">The input does not have the declared shape.</exception>");
        w.Line($"public override {Simd}.Tensor Forward({Simd}.Tensor x, bool training)");
        w.Open();
        w.Commented("CheckInput(x);", Batched(network.InputShape));
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var l = network.Layers[i];
            w.Commented($"{(i == 0 ? "var h" : "h")} = {l.Name}.Forward({(i == 0 ? "x" : "h")}, training);", Batched(l.OutputShape));
        }

        w.Line("return h;");
        w.Close();
        w.Line();

        w.Summary("Back-propagates through the layers in reverse order; returns dL/dx and accumulates every parameter gradient.");
        w.Line($"/// <param name=\"gradOutput\">dL/dy of the last <see cref=\"Forward\"/>, shaped {Batched(network.OutputShape)}.</param>");
        w.Line($"public override {Simd}.Tensor Backward({Simd}.Tensor gradOutput)");
        w.Open();
        for (var i = network.Layers.Count - 1; i >= 0; i--)
        {
            var l = network.Layers[i];
            var last = i == network.Layers.Count - 1;
            w.Commented($"{(last ? "var g" : "g")} = {l.Name}.Backward({(last ? "gradOutput" : "g")});", Batched(l.InputShape));
        }

        w.Line("return g;");
        w.Close();

        if (withTorch)
        {
            EmitCopies(w, network);
        }

        w.Close();
        End(w, network.Types);
        return w.ToString();
    }

    private static void EmitCopies(IndentedWriter w, NetworkModel network)
    {
        var module = $"{network.FullName}.TorchModule";
        w.Line();
        w.Summary("Copies every parameter and buffer of <paramref name=\"source\"/> into this network, matching state_dict names.");
        w.Line("/// <param name=\"source\">The TorchSharp module to read (any device and dtype).</param>");
        w.Line($"public void CopyFrom({module} source)");
        w.Open();
        w.Line("global::System.ArgumentNullException.ThrowIfNull(source);");
        w.Line($"using var scope = {Torch}.NewDisposeScope();");
        w.Line("var state = source.state_dict();");
        w.Line("foreach (var (name, target) in StateDict())");
        w.Open();
        w.Line($"var tensor = Find(state, name, target);");
        w.Line($"target.CopyFrom(tensor.detach().cpu().to_type({Torch}.ScalarType.Float32).contiguous().data<float>().ToArray());");
        w.Close();
        w.Close();
        w.Line();

        w.Summary("Copies every parameter and buffer of this network into <paramref name=\"target\"/>, matching state_dict names.");
        w.Line("/// <param name=\"target\">The TorchSharp module to overwrite (any device and dtype).</param>");
        w.Line($"public void CopyTo({module} target)");
        w.Open();
        w.Line("global::System.ArgumentNullException.ThrowIfNull(target);");
        w.Line($"using var scope = {Torch}.NewDisposeScope();");
        w.Line($"using var noGrad = {Torch}.no_grad();");
        w.Line("var state = target.state_dict();");
        w.Line("foreach (var (name, source) in StateDict())");
        w.Open();
        w.Line("var tensor = Find(state, name, source);");
        w.Line($"tensor.copy_({Torch}.tensor(source.Span.ToArray(), tensor.shape));");
        w.Close();
        w.Close();
        w.Line();

        w.Line("private static global::TorchSharp.torch.Tensor Find(");
        w.Line($"    global::System.Collections.Generic.Dictionary<string, {Torch}.Tensor> state, string name, {Simd}.Tensor counterpart)");
        w.Open();
        w.Line("if (!state.TryGetValue(name, out var tensor))");
        w.Open();
        w.Line("throw new global::System.InvalidOperationException($\"The TorchSharp module has no state_dict entry '{name}'.\");");
        w.Close();
        w.Line();
        w.Line("if (!global::System.Linq.Enumerable.SequenceEqual(tensor.shape, global::System.Linq.Enumerable.Select(counterpart.Shape, d => (long)d)))");
        w.Open();
        w.Line("throw new global::System.InvalidOperationException(");
        w.Line("    $\"'{name}' is ({string.Join(\", \", tensor.shape)}) in the TorchSharp module but ({string.Join(\", \", counterpart.Shape)}) on the SIMD engine.\");");
        w.Close();
        w.Line();
        w.Line("return tensor;");
        w.Close();
    }

    private static string TypeName(LayerModel l) => l.Kind switch
    {
        LayerKind.BatchNorm1d or LayerKind.BatchNorm2d => "BatchNorm",
        _ => l.Kind.ToString(),
    };

    private static string Arguments(LayerModel l) => l.Kind switch
    {
        LayerKind.Linear => $"{Str(l.Name)}, {l.In}, {l.Out}, bias: {Bool(l.Bias)}",
        LayerKind.Conv2d or LayerKind.ConvTranspose2d =>
            $"{Str(l.Name)}, {l.In}, {l.Out}, kernel: {l.Kernel}, stride: {l.Stride}, pad: {l.Pad}, bias: {Bool(l.Bias)}",
        LayerKind.BatchNorm1d or LayerKind.BatchNorm2d =>
            $"{Str(l.Name)}, {l.In}, eps: {Double(l.Eps)}, decay: {Double(l.Decay)}, gamma: {Bool(l.Gamma)}",
        LayerKind.LeakyReLU => $"{Str(l.Name)}, slope: {Float(l.Value)}",
        LayerKind.GaussianNoise => $"{Str(l.Name)}, sigma: {Float(l.Value)}",
        LayerKind.Reshape => $"{Str(l.Name)}, [{Args(l.OutputShape)}]",
        _ => Str(l.Name),
    };
}
