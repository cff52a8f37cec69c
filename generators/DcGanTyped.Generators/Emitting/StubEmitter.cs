using DcGanTyped.Generators.Model;
using static DcGanTyped.Generators.Emitting.EmitHelpers;

namespace DcGanTyped.Generators.Emitting;

/// <summary>
/// Emits, for a network whose declaration has errors, the public members a valid one would get (<c>Info</c>,
/// <c>TorchModule</c>, <c>SimdModule</c> and their factories) with bodies that only throw. The build fails on the
/// DCGAN diagnostics either way; the placeholders keep code that uses the network from adding "does not contain a
/// definition" errors on top, so the error list starts with the one that matters.
/// </summary>
internal static class StubEmitter
{
    private const string Shapes = "global::DcGanTyped.Shapes";
    private const string Torch = "global::TorchSharp.torch";
    private const string Simd = "global::DcGanTyped.Simd";

    public static string Emit(NetworkStub stub, bool torch, bool simd)
    {
        var fail = $"throw new global::System.InvalidOperationException({Str(stub.Name + " has declaration errors; see the DCGAN diagnostics of the build.")})";
        var w = new IndentedWriter();
        Begin(w, stub.Namespace, stub.Types);
        w.Summary($"Placeholder: the declaration of <see cref=\"{stub.Name}\"/> has errors (DCGAN diagnostics), so no network was generated.");
        w.Line($"public static {Shapes}.NetworkInfo Info => {fail};");
        if (torch)
        {
            w.Line();
            w.Summary("Placeholder of the TorchSharp network factory; throws.");
            w.Line($"public static TorchModule CreateTorch() => {fail};");
            w.Line();
            w.Summary("Placeholder of the TorchSharp network; its constructor throws.");
            w.Line("public sealed class TorchModule : global::DcGanTyped.Torch.TypedModule");
            w.Open();
            w.Summary("Throws: the declaration has errors.");
            w.Line($"public TorchModule()");
            w.Line($"    : base({Str(stub.Name)}) => {fail};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public override {Shapes}.NetworkInfo Info => {fail};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public override {Torch}.Tensor forward({Torch}.Tensor x) => {fail};");
            w.Close();
        }

        if (simd)
        {
            w.Line();
            w.Summary("Placeholder of the SIMD network factory; throws.");
            w.Line($"public static SimdModule CreateSimd(int seed = 0) => {fail};");
            w.Line();
            w.Summary("Placeholder of the SIMD network; its constructor throws.");
            w.Line($"public sealed class SimdModule : {Simd}.SimdNetwork");
            w.Open();
            w.Summary("Throws: the declaration has errors.");
            w.Line("public SimdModule(int seed = 0)");
            w.Line($"    : base({stub.Name}.Info) => {fail};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public override {Simd}.Tensor Forward({Simd}.Tensor x, bool training) => {fail};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line($"public override {Simd}.Tensor Backward({Simd}.Tensor gradOutput) => {fail};");
            if (torch)
            {
                w.Line();
                w.Summary("Placeholder; throws.");
                w.Line($"public void CopyFrom(TorchModule source) => {fail};");
                w.Line();
                w.Summary("Placeholder; throws.");
                w.Line($"public void CopyTo(TorchModule target) => {fail};");
            }

            w.Close();
        }

        End(w, stub.Types);
        return w.ToString();
    }
}
