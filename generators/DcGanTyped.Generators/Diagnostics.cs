using Microsoft.CodeAnalysis;

namespace DcGanTyped.Generators;

/// <summary>
/// Every diagnostic the generator reports. IDs are stable: DCGAN00xx declaration errors, DCGAN01xx shape
/// errors (the message names the layer and both shapes), DCGAN02xx warnings. Listed in AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class Diagnostics
{
    private const string Declaration = "DcGanTyped.Declaration";
    private const string Shapes = "DcGanTyped.Shapes";

    /// <summary>The generated code is a second part of the type, so the type must be partial.</summary>
    public static readonly DiagnosticDescriptor NotPartial = new(
        "DCGAN0001",
        "Network type must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so the generator can add its members",
        Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>An attribute argument did not bind to a constant (the compiler also reports CS0182).</summary>
    public static readonly DiagnosticDescriptor NotConstant = new(
        "DCGAN0002",
        "Layer argument is not a compile-time constant",
        "{0} on '{1}' has an argument that is not a compile-time constant; use literals or const fields",
        Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>Layer names become fields and state_dict prefixes.</summary>
    public static readonly DiagnosticDescriptor InvalidName = new(
        "DCGAN0003",
        "Invalid or duplicate layer name",
        "Layer name '{0}' in '{1}' {2}",
        Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>An argument is out of range (sizes, kernel, stride, pad, input shape, empty network).</summary>
    public static readonly DiagnosticDescriptor InvalidArgument = new(
        "DCGAN0004",
        "Invalid layer or network argument",
        "{0} in '{1}' is invalid: {2}",
        Declaration,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>Linear's declared input size differs from the incoming element count.</summary>
    public static readonly DiagnosticDescriptor LinearMismatch = new(
        "DCGAN0101",
        "Linear input size mismatch",
        "Linear '{0}' expects {1} inputs but receives {2} = {3}",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A convolution's declared input channels differ from the incoming channels.</summary>
    public static readonly DiagnosticDescriptor ChannelMismatch = new(
        "DCGAN0102",
        "Channel mismatch",
        "{0} '{1}' expects {2} input channels (input {3}) but receives {4}",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A convolution's kernel does not fit its padded input.</summary>
    public static readonly DiagnosticDescriptor ConvOutputEmpty = new(
        "DCGAN0103",
        "Convolution output size is not positive",
        "Conv2d '{0}' (kernel {1}, stride {2}, pad {3}) maps input {4} to output {5}, which is empty",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A transposed convolution's padding removes the whole output.</summary>
    public static readonly DiagnosticDescriptor ConvTransposeOutputEmpty = new(
        "DCGAN0104",
        "Transposed convolution output size is not positive",
        "ConvTranspose2d '{0}' (kernel {1}, stride {2}, pad {3}) maps input {4} to output {5}, which is empty",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>Reshape must keep the element count.</summary>
    public static readonly DiagnosticDescriptor ReshapeMismatch = new(
        "DCGAN0105",
        "Reshape element count mismatch",
        "Reshape '{0}' to {1} = {2} elements but receives {3} = {4}",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A layer received an input of a rank it cannot take (e.g. Conv2d after a vector).</summary>
    public static readonly DiagnosticDescriptor WrongRank = new(
        "DCGAN0106",
        "Input of the wrong rank",
        "{0} '{1}' expects an input of shape {2} but receives {3}",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A GAN's generator must produce what its discriminator reads.</summary>
    public static readonly DiagnosticDescriptor GanMismatch = new(
        "DCGAN0107",
        "GAN pair shape mismatch",
        "GAN '{0}': generator '{1}' outputs {2} but discriminator '{3}' expects {4}",
        Shapes,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>A stride that does not divide the padded span silently ignores the last rows and columns.</summary>
    public static readonly DiagnosticDescriptor ConvDropsInput = new(
        "DCGAN0201",
        "Convolution leaves input rows unused",
        "Conv2d '{0}' (kernel {1}, stride {2}, pad {3}) maps input {4} to output {5} and leaves the last {6} input row(s) and column(s) unused",
        Shapes,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
