using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DcGanTyped.Generators.Model;

/// <summary>
/// A source location as plain values. <see cref="Location"/> holds a syntax tree, which would keep old
/// compilations alive and defeat caching, so diagnostics carry this instead.
/// </summary>
/// <param name="FilePath">Path of the syntax tree.</param>
/// <param name="Span">Character span in the file.</param>
/// <param name="LineSpan">Line and column span in the file.</param>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    /// <summary>Captures <paramref name="location"/>, or null when it is not in source.</summary>
    public static LocationInfo? From(Location? location)
        => location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    /// <summary>Recreates a <see cref="Location"/> for reporting.</summary>
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report, with its message arguments already formatted as strings.</summary>
/// <param name="Descriptor">One of the descriptors in <see cref="Diagnostics"/>.</param>
/// <param name="Location">Where to report it.</param>
/// <param name="MessageArgs">Arguments of the message format.</param>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    /// <summary>Creates the info.</summary>
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args)
        => new(descriptor, location, System.Linq.Enumerable.Select(args, a => System.Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToEquatableArray());

    /// <summary>Creates the Roslyn diagnostic.</summary>
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArgs.ToArray());
}
