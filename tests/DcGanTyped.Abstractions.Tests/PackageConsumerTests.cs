using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using DcGanTyped.Tests.Support;

namespace DcGanTyped.Tests;

/// <summary>
/// Packs DcGanTyped, DcGanTyped.Torch, DcGanTyped.Simd, DcGanTyped.Models and DcGanTyped.Training from this build
/// into a temporary folder feed, under a version unique to this run, so no cached copy of an earlier package can ever
/// be used.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    /// <summary>Packs the five packages (no build: the test project's references built them).</summary>
    public PackedFeed()
    {
        Version = $"0.1.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Root = Directory.CreateTempSubdirectory("dcgantyped-consumer-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        foreach (var project in new[] { "DcGanTyped.Abstractions", "DcGanTyped.Torch", "DcGanTyped.Simd", "DcGanTyped.Models", "DcGanTyped.Training" })
        {
            var r = ProcessRunner.Run(
                "dotnet",
                [
                    "pack", Repo.File("src", project, project + ".csproj"), "-c", Repo.Configuration, "--no-build", "-o", Feed,
                    $"-p:PackageVersion={Version}", $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}/",
                ],
                Repo.Root);
            Assert.True(r.ExitCode == 0, $"pack {project}: {r}");
        }

        // The consumers' NuGet settings: this feed first, then the machine's own feeds (inherited from the user
        // configuration). Packages restore into a private folder; third-party packages the solution already
        // restored are found, unchanged, in the machine's package folder used as a read-only fallback.
        var machinePackages = MachinePackagesFolder();
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <packageSources>
                <add key="dcgantyped-local" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }

    /// <summary>The run's package version.</summary>
    public string Version { get; }

    /// <summary>Temporary root holding the feed, the NuGet settings and the consumers.</summary>
    public string Root { get; }

    /// <summary>The local folder feed.</summary>
    public string Feed { get; }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>
    /// Writes a consumer project referencing <paramref name="packages"/> (default: DcGanTyped.Torch and
    /// DcGanTyped.Simd), with <paramref name="program"/> as its code.
    /// </summary>
    public string WriteConsumer(string name, string program, params string[] packages)
    {
        if (packages.Length == 0)
        {
            packages = ["DcGanTyped.Torch", "DcGanTyped.Simd"];
        }

        var references = string.Join("\n    ", packages.Select(p => $"<PackageReference Include=\"{p}\" Version=\"{Version}\" />"));
        var dir = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    private static string MachinePackagesFolder()
    {
        var r = ProcessRunner.Run("dotnet", ["nuget", "locals", "global-packages", "--list"], Repo.Root);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim()["global-packages:".Length..].Trim();
    }
}

/// <summary>How a user outside this repository meets the project: through the NuGet packages.</summary>
public sealed class PackageConsumerTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    private static readonly string TrainingConsumerProgram =
        Repo.File("tests", "DcGanTyped.Abstractions.Tests", "Consumers", "TrainingConsumer", "Program.cs");

    private const string Declaration = """
        [Network(Input = [16])]
        [Linear("l0", 16, 2 * 4 * 4), BatchNorm("bn0"), ReLU, Reshape(2, 4, 4)]
        [ConvTranspose2d("dc1", Ch, 3, Kernel = 4, Stride = 2, Pad = 1), Sigmoid]
        public sealed partial record TinyGenerator
        {
            public const int Ch = CHANNELS;
        }
        """;

    [Fact]
    public void TheAttributesPackage_CarriesTheGeneratorAsAnAnalyzer()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Feed, $"DcGanTyped.{feed.Version}.nupkg"));
        var entries = zip.Entries.Select(e => e.FullName).ToArray();

        Assert.Contains("analyzers/dotnet/cs/DcGanTyped.Generators.dll", entries);
        Assert.Contains("lib/net10.0/DcGanTyped.Abstractions.dll", entries);
    }

    [Theory]
    [InlineData("DcGanTyped.Torch")]
    [InlineData("DcGanTyped.Simd")]
    public void TheRuntimePackages_PassTheGeneratorOn(string id)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg"));
        using var nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
        var dependency = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "DcGanTyped");

        Assert.Equal(feed.Version, (string?)dependency.Attribute("version"));
        Assert.DoesNotContain("Analyzers", (string?)dependency.Attribute("exclude") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AConsumerOutsideTheSolution_DeclaresANetwork_BuildsAndRunsItOnBothEngines()
    {
        var dir = feed.WriteConsumer("GoodConsumer", $$"""
            using DcGanTyped;
            using DcGanTyped.Shapes;
            using static TorchSharp.torch;

            var info = TinyGenerator.Info;
            Console.WriteLine($"info: {info.Name} {info.InputShape} -> {info.OutputShape}, {info.Parameters} parameters");

            using var net = new TinyGenerator.TorchModule();
            net.eval();
            using var z = rand(5, 16);
            using var y = net.call(z);
            Console.WriteLine($"torch: ({string.Join(", ", y.shape)}) in [{y.min().item<float>():F3}, {y.max().item<float>():F3}]");

            // The same network on the pure C# engine, with the TorchSharp module's weights.
            var simd = new TinyGenerator.SimdModule();
            simd.CopyFrom(net);
            var ys = simd.Forward(DcGanTyped.Simd.Tensor.FromArray(z.data<float>().ToArray(), 5, 16), training: false);
            var maxDiff = ys.Span.ToArray().Zip(y.data<float>().ToArray()).Max(p => Math.Abs(p.First - p.Second));
            Console.WriteLine($"simd: ({string.Join(", ", ys.Shape)}), max |simd - torch| {maxDiff:E1}, agree {maxDiff < 1e-5f}");

            try
            {
                net.call(rand(5, 15));
            }
            catch (ShapeMismatchException e)
            {
                Console.WriteLine($"checked: {e.Message}");
            }

            {{Declaration.Replace("CHANNELS", "2", StringComparison.Ordinal)}}
            """);

        var build = ProcessRunner.Run("dotnet", ["build", "-c", "Release"], dir, timeout: TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = ProcessRunner.Run("dotnet", [Path.Combine(dir, "bin", "Release", "net10.0", "GoodConsumer.dll")], dir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("info: TinyGenerator (16) -> (3, 8, 8), 707 parameters", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("torch: (5, 3, 8, 8) in [0.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("simd: (5, 3, 8, 8), max |simd - torch|", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("agree True", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("checked: TinyGenerator expects input (N, 16) but receives (5, 15)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTrainingPackage_DependsOnTheModelsPackage_WithItsAnalyzers()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Feed, $"DcGanTyped.Training.{feed.Version}.nupkg"));
        using var nuspec = zip.GetEntry("DcGanTyped.Training.nuspec")!.Open();
        var dependency = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "DcGanTyped.Models");

        Assert.Equal(feed.Version, (string?)dependency.Attribute("version"));
        Assert.DoesNotContain("Analyzers", (string?)dependency.Attribute("exclude") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AConsumerOfTheTrainingPackage_DeclaresItsOwnGan_AndTrainsItOnBothEngines()
    {
        // Only DcGanTyped.Training is referenced: the records compile only if the source generator arrives through
        // its dependencies.
        var dir = feed.WriteConsumer("TrainingConsumer", File.ReadAllText(TrainingConsumerProgram), "DcGanTyped.Training");
        var build = ProcessRunner.Run("dotnet", ["build", "-c", "Release"], dir, timeout: TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.ToString());

        foreach (var engine in new[] { "simd", "torch" })
        {
            var outDir = Path.Combine(dir, "out-" + engine);
            var run = ProcessRunner.Run(
                "dotnet", [Path.Combine(dir, "bin", "Release", "net10.0", "TrainingConsumer.dll"), engine, outDir], dir, timeout: TimeSpan.FromMinutes(3));

            Assert.True(run.ExitCode == 0, $"{engine}: {run}");
            Assert.Contains($"Completed at iteration 3: {Path.Combine(outDir, "snapshot_iter_3")}", run.Stdout, StringComparison.Ordinal);

            using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "log")));
            var iterations = log.RootElement.EnumerateArray().Select(e => e.GetProperty("iteration").GetInt64()).ToArray();
            Assert.Equal([1L, 2L, 3L], iterations);
            Assert.All(log.RootElement.EnumerateArray(), e => Assert.True(double.IsFinite(e.GetProperty("gen/loss").GetDouble()), $"{engine}: {e}"));

            Assert.True(new FileInfo(Path.Combine(outDir, "gen_iter_3")).Length > 0, $"{engine}: gen_iter_3 is empty");
            var preview = Assert.Single(Directory.GetFiles(Path.Combine(outDir, "preview"), "*.png"));
            var (width, height) = PngSize(preview);
            Assert.True(width == 320 && height == 320, $"{engine}: preview {preview} is {width}x{height}, not the 10 x 10 grid of 32 x 32 images");
        }
    }

    [Fact]
    public void TheReadme_ShowsTheTrainingConsumerVerbatim()
    {
        var program = File.ReadAllText(TrainingConsumerProgram).ReplaceLineEndings("\n").TrimEnd();
        var readme = File.ReadAllText(Repo.File("README.md")).ReplaceLineEndings("\n");

        Assert.True(
            readme.Contains($"```csharp\n{program}\n```", StringComparison.Ordinal),
            $"README.md's \"Use it as a library\" section must quote {TrainingConsumerProgram} exactly");
    }

    [Fact]
    public void AConsumerWithAWrongLayer_FailsToBuildWithTheShapeError()
    {
        // dc1 declares 4 input channels but the Reshape before it produces 2.
        var dir = feed.WriteConsumer("BadConsumer", $$"""
            using DcGanTyped;

            Console.WriteLine("never built");

            {{Declaration.Replace("CHANNELS", "4", StringComparison.Ordinal)}}
            """);

        var build = ProcessRunner.Run("dotnet", ["build", "-c", "Release"], dir, timeout: TimeSpan.FromMinutes(5));

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains(
            "Program.cs(7,2): error DCGAN0102: ConvTranspose2d 'dc1' expects 4 input channels (input (4, 4, 4)) but receives (2, 4, 4)",
            build.Stdout,
            StringComparison.Ordinal);
    }

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        var head = File.ReadAllBytes(path).AsSpan(0, 24);
        Assert.True(head[..8].SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), $"{path} is not a PNG");
        Assert.True(head[12..16].SequenceEqual("IHDR"u8), $"{path}: first chunk is not IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
    }
}
