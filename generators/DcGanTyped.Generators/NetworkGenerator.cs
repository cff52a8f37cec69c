using Microsoft.CodeAnalysis;

namespace DcGanTyped.Generators;

/// <summary>Reads attributed network records and emits typed TorchSharp and SIMD networks.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
