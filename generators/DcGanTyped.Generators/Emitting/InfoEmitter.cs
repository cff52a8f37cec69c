using DcGanTyped.Generators.Model;
using DcGanTyped.Shapes;
using static DcGanTyped.Generators.Emitting.EmitHelpers;

namespace DcGanTyped.Generators.Emitting;

/// <summary>Emits the static <c>Info</c> metadata and <c>InitStd</c>; needs only DcGanTyped.Abstractions.</summary>
internal static class InfoEmitter
{
    private const string Shapes = "global::DcGanTyped.Shapes";

    public static string Emit(NetworkModel network)
    {
        var w = new IndentedWriter();
        Begin(w, network.Namespace, network.Types);

        w.Summary("Standard deviation of the N(0, std) weight initialiser; biases start at zero.");
        w.Line($"public const double InitStd = {Double(network.InitStd)};");
        w.Line();
        w.Summary(
            $"Shapes, parameters and forward FLOPs per sample of <see cref=\"{network.Name}\"/>, computed at compile time:",
            $"input {Batched(network.InputShape)}, output {Batched(network.OutputShape)}. Reading it loads no native library.",
            "FLOPs count a multiply-add as two and include bias adds; elementwise layers count per element:",
            "BatchNorm 2, ReLU 1, LeakyReLU 2, Sigmoid 4, GaussianNoise 2, Reshape and Flatten 0.");
        w.Line($"public static {Shapes}.NetworkInfo Info {{ get; }} = new(");
        w.Line($"    {Str(network.Name)},");
        w.Line($"    new {Shapes}.Shape({Args(network.InputShape)}),");
        w.Line($"    new {Shapes}.Shape({Args(network.OutputShape)}),");
        w.Line($"    new {Shapes}.LayerInfo[]");
        w.Line("    {");
        foreach (var l in network.Layers)
        {
            w.Line($"        new({Str(l.Name)}, {Shapes}.LayerKind.{l.Kind}, new({Args(l.OutputShape)}), {Long(l.Parameters)}, {Long(l.Flops)}),");
        }

        w.Line("    });");
        End(w, network.Types);
        return w.ToString();
    }

    public static string EmitGan(GanModel gan)
    {
        var w = new IndentedWriter();
        Begin(w, gan.Namespace, gan.Types);
        w.Summary($"Metadata of the generator{SeeAlso(gan.Generator)}.");
        w.Line($"public static {Shapes}.NetworkInfo GeneratorInfo => {InfoOf(gan.Generator)};");
        w.Line();
        w.Summary($"Metadata of the discriminator{SeeAlso(gan.Discriminator)}; its input is the generator's output.");
        w.Line($"public static {Shapes}.NetworkInfo DiscriminatorInfo => {InfoOf(gan.Discriminator)};");
        End(w, gan.Types);
        return w.ToString();
    }

    private static string SeeAlso(string? type) => type is null ? string.Empty : $", <see cref=\"{type}\"/>";

    // A type that is not a network, or a network that cannot take generated members, has no Info; a diagnostic
    // reports why, and the property only throws.
    private static string InfoOf(string? type)
        => type is null ? "throw new global::System.InvalidOperationException(\"The pairing names a type without network members; see the DCGAN diagnostics of the build.\")" : type + ".Info";
}
