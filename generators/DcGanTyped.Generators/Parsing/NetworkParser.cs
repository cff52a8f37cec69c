using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DcGanTyped.Generators.Model;
using DcGanTyped.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DcGanTyped.Generators.Parsing;

/// <summary>Turns an attributed network type into a checked <see cref="NetworkModel"/> and diagnostics.</summary>
internal static class NetworkParser
{
    /// <summary>Metadata name of the network attribute.</summary>
    public const string NetworkAttributeName = "DcGanTyped.NetworkAttribute";

    /// <summary>Metadata name of the GAN pairing attribute.</summary>
    public const string GanAttributeName = "DcGanTyped.GanAttribute";

    /// <summary>Parses <paramref name="type"/>, whose network attribute is <paramref name="network"/>.</summary>
    public static NetworkResult Parse(INamedTypeSymbol type, AttributeData network, Compilation compilation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var name = type.Name;
        var failed = false;
        NetworkStub? stub = null;

        if (NonPartial(type) is { } nonPartial)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, IdentifierLocation(nonPartial, cancellationToken), nonPartial.Name));
            failed = true;
        }
        else if (!type.IsGenericType)
        {
            stub = new NetworkStub(NamespaceOf(type), TypeChain(type), name, HintName(type));
        }

        var networkLocation = AttributeReader.LocationOf(network, cancellationToken);
        if (AttributeReader.HasErrorArgument(network))
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotConstant, networkLocation, "Network", name));
            return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
        }

        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidArgument, networkLocation, "Network", name, "generic network types are not supported"));
            failed = true;
        }

        var input = AttributeReader.IntArray(network.NamedArguments, "Input").ToArray();
        if (input.Length == 0 || input.Any(d => d <= 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                Diagnostics.InvalidArgument, networkLocation, "Network", name, $"Input {ShapeMath.Format(input)} must have at least one dimension, all positive"));
            return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
        }

        var initStd = AttributeReader.Double(network.NamedArguments, "InitStd", 0.02);
        if (initStd < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidArgument, networkLocation, "Network", name, "InitStd must not be negative"));
            failed = true;
        }

        var layerBase = compilation.GetTypeByMetadataName(AttributeReader.LayerAttributeName);
        var layers = new List<LayerDeclaration>();
        foreach (var attribute in AttributeReader.LayerAttributes(type, layerBase))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = AttributeReader.LocationOf(attribute, cancellationToken);
            if (AttributeReader.HasErrorArgument(attribute))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotConstant, location, attribute.AttributeClass!.Name.Replace("Attribute", string.Empty), name));
                failed = true;
                continue;
            }

            if (attribute.AttributeConstructor is null)
            {
                // The compiler already reports why the attribute does not bind; there is nothing to check.
                return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
            }

            layers.Add(AttributeReader.ReadLayer(attribute, location));
        }

        if (failed)
        {
            // Shapes cannot be trusted when an argument did not bind, so stop before reporting follow-on errors.
            return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
        }

        if (layers.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidArgument, networkLocation, "Network", name, "it declares no layers"));
            return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
        }

        var (models, shapeDiagnostics) = ShapeChecker.Check(name, input, layers);
        diagnostics.AddRange(shapeDiagnostics);
        if (models is null)
        {
            return new NetworkResult(null, stub, diagnostics.ToEquatableArray());
        }

        var model = new NetworkModel(
            NamespaceOf(type),
            TypeChain(type),
            name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            HintName(type),
            input.ToEquatableArray(),
            initStd,
            models.ToEquatableArray());
        return new NetworkResult(model, null, diagnostics.ToEquatableArray());
    }

    /// <summary>Parses a GAN pairing declared on <paramref name="type"/>.</summary>
    public static GanResult ParseGan(INamedTypeSymbol type, AttributeData gan, Compilation compilation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = AttributeReader.LocationOf(gan, cancellationToken);
        var partial = true;
        if (NonPartial(type) is { } nonPartial)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, IdentifierLocation(nonPartial, cancellationToken), nonPartial.Name));
            partial = false;
        }

        if (gan.ConstructorArguments.Length != 2
            || gan.ConstructorArguments[0].Value is not INamedTypeSymbol generator
            || gan.ConstructorArguments[1].Value is not INamedTypeSymbol discriminator)
        {
            // The compiler reports arguments that do not bind.
            return new GanResult(null, diagnostics.ToEquatableArray());
        }

        var generatorShape = Shapes(generator, compilation, cancellationToken, output: true);
        var discriminatorShape = Shapes(discriminator, compilation, cancellationToken, output: false);
        foreach (var (role, t, s) in new[] { ("generator", generator, generatorShape), ("discriminator", discriminator, discriminatorShape) })
        {
            if (s.NotANetwork)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidArgument, location, "Gan", type.Name, $"the {role} '{t.Name}' has no [Network] attribute"));
            }
        }

        if (generatorShape.Shape is { } g && discriminatorShape.Shape is { } d && !g.SequenceEqual(d))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                Diagnostics.GanMismatch, location, type.Name, generator.Name, ShapeMath.Format(g), discriminator.Name, ShapeMath.Format(d)));
        }

        if (!partial || type.IsGenericType)
        {
            return new GanResult(null, diagnostics.ToEquatableArray());
        }

        // Emitted even with errors: a network with errors has placeholder members, and for a type without generated
        // members (not a network, or not partial) the property only throws, so only the diagnostics reach the user.
        var model = new GanModel(
            NamespaceOf(type),
            TypeChain(type),
            HintName(type),
            generatorShape.HasMembers ? generator.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : null,
            discriminatorShape.HasMembers ? discriminator.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : null);
        return new GanResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// The input or output shape of a network type, null when it has errors (it reports them itself); whether it is
    /// no network at all; and whether it has generated members (a model or placeholders) to refer to.
    /// </summary>
    private static (int[]? Shape, bool NotANetwork, bool HasMembers) Shapes(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken, bool output)
    {
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName);
        if (attribute is null)
        {
            return (null, true, false);
        }

        var result = Parse(type, attribute, compilation, cancellationToken);
        var model = result.Model;
        return (model is null ? null : (output ? model.OutputShape : model.InputShape).ToArray(), false, model is not null || result.Stub is not null);
    }

    /// <summary>The first of the type and its containing types that is not declared partial, if any.</summary>
    private static INamedTypeSymbol? NonPartial(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var partial = t.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax())
                .OfType<TypeDeclarationSyntax>()
                .Any(s => s.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                return t;
            }
        }

        return null;
    }

    private static LocationInfo? IdentifierLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var syntax = type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
        return LocationInfo.From(syntax is TypeDeclarationSyntax declaration ? declaration.Identifier.GetLocation() : type.Locations.FirstOrDefault());
    }

    private static string NamespaceOf(INamedTypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

    private static string HintName(INamedTypeSymbol type)
        => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", string.Empty)
            .Replace('<', '{')
            .Replace('>', '}');

    /// <summary>The type and its containing types, outermost first, with the keywords a partial part must repeat.</summary>
    private static EquatableArray<TypeDeclaration> TypeChain(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclaration>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var keyword = t.IsRecord
                ? (t.IsValueType ? "record struct" : "record")
                : t.TypeKind switch
                {
                    TypeKind.Struct => "struct",
                    TypeKind.Interface => "interface",
                    _ => "class",
                };
            var modifiers = t.IsStatic ? "static partial " : "partial ";
            chain.Insert(0, new TypeDeclaration(modifiers + keyword, t.Name));
        }

        return chain.ToEquatableArray();
    }
}
