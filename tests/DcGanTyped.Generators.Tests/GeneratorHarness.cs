using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DcGanTyped.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DcGanTyped.Generators.Tests;

/// <summary>Compiles source with the network generator, the way the compiler runs it in a build.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Which runtime assemblies a test compilation references.</summary>
    [Flags]
    public enum Runtimes
    {
        None = 0,
        Torch = 1,
        Simd = 2,
        Both = Torch | Simd,
    }

    private static readonly ImmutableArray<MetadataReference> Framework =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();

    /// <summary>Creates a compilation of <paramref name="sources"/> (file names "Network0.cs", ...).</summary>
    public static CSharpCompilation Compile(Runtimes runtimes, params string[] sources)
    {
        var references = Framework.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        if (runtimes.HasFlag(Runtimes.Torch))
        {
            references = references
                .Add(MetadataReference.CreateFromFile(typeof(DcGanTyped.Torch.TypedModule).Assembly.Location))
                .Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        }

        if (runtimes.HasFlag(Runtimes.Simd))
        {
            references = references.Add(MetadataReference.CreateFromFile(typeof(DcGanTyped.Simd.SimdNetwork).Assembly.Location));
        }

        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Network{i}.cs"));
        return CSharpCompilation.Create(
            "TestNetworks",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // The SDK suppresses these assembly-unification notes in every build (TorchSharp targets net8.0).
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));
    }

    /// <summary>A driver with step tracking on.</summary>
    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over <paramref name="compilation"/>.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Runs the generator over one source file (with the usings the tests need prepended).</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(string source, Runtimes runtimes = Runtimes.None)
        => Run(Compile(runtimes, source));

    /// <summary>The generator's diagnostics.</summary>
    public static ImmutableArray<Diagnostic> GeneratorDiagnostics(this GeneratorDriverRunResult result) => result.Diagnostics;

    /// <summary>Compiler errors of the output compilation (generated code included).</summary>
    public static Diagnostic[] Errors(this Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

    /// <summary>The repository root (the folder holding DcGanTyped.sln).</summary>
    public static string RepositoryRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DcGanTyped.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("DcGanTyped.sln not found above " + here);
    }

    /// <summary>1-based line of a diagnostic.</summary>
    public static int Line(this Diagnostic diagnostic) => diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
}
