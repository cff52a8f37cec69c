using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using DcGanTyped.Generators.Model;
using Microsoft.CodeAnalysis;

namespace DcGanTyped.Generators.Parsing;

/// <summary>Reads attribute data into plain values; never keeps a symbol.</summary>
internal static class AttributeReader
{
    /// <summary>Metadata name of the layer attribute base class.</summary>
    public const string LayerAttributeName = "DcGanTyped.LayerAttribute";

    /// <summary>The layer attributes of <paramref name="type"/>, in source order.</summary>
    public static IEnumerable<AttributeData> LayerAttributes(INamedTypeSymbol type, INamedTypeSymbol? layerBase)
        => type.GetAttributes().Where(a => layerBase is not null && DerivesFrom(a.AttributeClass, layerBase));

    /// <summary>True when an argument failed to bind (for example CS0182, a non-constant expression).</summary>
    public static bool HasErrorArgument(AttributeData attribute)
        => attribute.ConstructorArguments.Any(IsError) || attribute.NamedArguments.Any(n => IsError(n.Value));

    /// <summary>Where to report a problem with <paramref name="attribute"/>.</summary>
    public static LocationInfo? LocationOf(AttributeData attribute, CancellationToken cancellationToken)
        => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());

    /// <summary>Reads a layer attribute; the defaults mirror the attribute classes' property initialisers.</summary>
    public static LayerDeclaration ReadLayer(AttributeData attribute, LocationInfo? location)
    {
        var ctor = attribute.ConstructorArguments;
        var attributeName = attribute.AttributeClass!.Name;
        var kind = attributeName.EndsWith("Attribute", StringComparison.Ordinal)
            ? attributeName.Substring(0, attributeName.Length - "Attribute".Length)
            : attributeName;

        string? name = null;
        int inSize = 0, outSize = 0;
        var shape = EquatableArray<int>.Empty;
        if (kind == "Reshape")
        {
            shape = ctor.Length > 0 ? IntArray(ctor[0]) : EquatableArray<int>.Empty;
        }
        else if (ctor.Length > 0 && ctor[0].Value is string s)
        {
            name = s;
            inSize = ctor.Length > 1 ? Int(ctor[1]) : 0;
            outSize = ctor.Length > 2 ? Int(ctor[2]) : 0;
        }

        // Duplicate named arguments are a compiler error (CS0643); keep the last instead of throwing.
        var named = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
        foreach (var pair in attribute.NamedArguments)
        {
            named[pair.Key] = pair.Value;
        }

        var value = kind switch
        {
            "LeakyReLU" => Double(named, "Slope", 0.2),
            "GaussianNoise" => Double(named, "Sigma", 0.2),
            _ => 0.0,
        };
        return new LayerDeclaration(
            kind,
            name,
            inSize,
            outSize,
            Kernel: Int(named, "Kernel", 0),
            Stride: Int(named, "Stride", 1),
            Pad: Int(named, "Pad", 0),
            Bias: Bool(named, "Bias", true),
            Eps: Double(named, "Eps", 2e-5),
            Decay: Double(named, "Decay", 0.9),
            Gamma: Bool(named, "Gamma", true),
            value,
            shape,
            location);
    }

    /// <summary>Reads an <c>int[]</c> constant (array or params argument).</summary>
    public static EquatableArray<int> IntArray(TypedConstant constant)
        => constant.Kind == TypedConstantKind.Array && !constant.IsNull
            ? constant.Values.Select(Int).ToEquatableArray()
            : EquatableArray<int>.Empty;

    /// <summary>Reads a named <c>int[]</c> argument.</summary>
    public static EquatableArray<int> IntArray(ImmutableArray<KeyValuePair<string, TypedConstant>> named, string key)
    {
        foreach (var pair in named)
        {
            if (pair.Key == key)
            {
                return IntArray(pair.Value);
            }
        }

        return EquatableArray<int>.Empty;
    }

    /// <summary>Reads a named <c>double</c> argument.</summary>
    public static double Double(ImmutableArray<KeyValuePair<string, TypedConstant>> named, string key, double fallback)
    {
        foreach (var pair in named)
        {
            if (pair.Key == key && pair.Value.Value is { } v)
            {
                return Convert.ToDouble(v, CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }

    private static bool IsError(TypedConstant constant)
        => constant.Kind == TypedConstantKind.Error
            || (constant.Kind == TypedConstantKind.Array && !constant.IsNull && constant.Values.Any(IsError));

    private static bool DerivesFrom(INamedTypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var t = type?.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static int Int(TypedConstant constant)
        => constant.Value is { } v ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : 0;

    private static int Int(Dictionary<string, TypedConstant> named, string key, int fallback)
        => named.TryGetValue(key, out var c) && c.Value is { } v ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : fallback;

    private static double Double(Dictionary<string, TypedConstant> named, string key, double fallback)
        => named.TryGetValue(key, out var c) && c.Value is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : fallback;

    private static bool Bool(Dictionary<string, TypedConstant> named, string key, bool fallback)
        => named.TryGetValue(key, out var c) && c.Value is bool b ? b : fallback;
}
