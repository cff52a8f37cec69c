using DcGanTyped.Generators.Emitting;
using DcGanTyped.Generators.Model;
using DcGanTyped.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DcGanTyped.Generators;

/// <summary>
/// Reads attributed network records and emits typed TorchSharp and SIMD networks.
/// Pipeline: <see cref="NetworkParser"/> (symbols to value-equatable models, shapes checked by
/// <see cref="ShapeChecker"/>) then the emitters, which only print.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the network parse step (tests assert it stays cached).</summary>
    public const string NetworkStep = "Networks";

    /// <summary>Tracking name of the GAN pairing parse step.</summary>
    public const string GanStep = "Gans";

    /// <summary>Tracking name of the referenced-runtimes step.</summary>
    public const string RuntimesStep = "Runtimes";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => NetworkParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(NetworkStep);

        var gans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.GanAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => NetworkParser.ParseGan((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(GanStep);

        // Only two booleans survive from the compilation, so an edit elsewhere leaves this step unchanged.
        var runtimes = context.CompilationProvider
            .Select(static (c, _) => new Runtimes(
                c.GetTypeByMetadataName("DcGanTyped.Torch.TypedModule") is not null,
                c.GetTypeByMetadataName("DcGanTyped.Simd.SimdNetwork") is not null))
            .WithTrackingName(RuntimesStep);

        context.RegisterSourceOutput(networks.Combine(runtimes), static (spc, pair) => EmitNetwork(spc, pair.Left, pair.Right));
        context.RegisterSourceOutput(gans, static (spc, gan) => EmitGan(spc, gan));
    }

    private static void EmitNetwork(SourceProductionContext context, NetworkResult result, Runtimes runtimes)
    {
        foreach (var d in result.Diagnostics)
        {
            context.ReportDiagnostic(d.ToDiagnostic());
        }

        if (result.Model is not { } network)
        {
            if (result.Stub is { } stub)
            {
                context.AddSource($"{stub.HintName}.Placeholder.g.cs", StubEmitter.Emit(stub, runtimes.Torch, runtimes.Simd));
            }

            return;
        }

        context.AddSource($"{network.HintName}.Info.g.cs", InfoEmitter.Emit(network));
        if (runtimes.Torch)
        {
            context.AddSource($"{network.HintName}.Torch.g.cs", TorchEmitter.Emit(network));
        }

        if (runtimes.Simd)
        {
            context.AddSource($"{network.HintName}.Simd.g.cs", SimdEmitter.Emit(network, runtimes.Torch));
        }
    }

    private static void EmitGan(SourceProductionContext context, GanResult result)
    {
        foreach (var d in result.Diagnostics)
        {
            context.ReportDiagnostic(d.ToDiagnostic());
        }

        if (result.Model is { } gan)
        {
            context.AddSource($"{gan.HintName}.Gan.g.cs", InfoEmitter.EmitGan(gan));
        }
    }
}
