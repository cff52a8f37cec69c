using DcGanTyped.Generators.Model;

namespace DcGanTyped.Generators.Parsing;

/// <summary>
/// One layer attribute as written, before any shape is known. Values absent from the attribute keep the
/// defaults of the attribute classes in DcGanTyped.Abstractions (property initialisers cannot be read from
/// symbols, so they are repeated in <see cref="AttributeReader"/>).
/// </summary>
internal sealed record LayerDeclaration(
    string AttributeName,
    string? Name,
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
    EquatableArray<int> Shape,
    LocationInfo? Location);
