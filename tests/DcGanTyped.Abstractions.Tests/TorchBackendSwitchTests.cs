using System.Text.Json;
using DcGanTyped.Tests.Support;

namespace DcGanTyped.Tests;

/// <summary>
/// The libtorch package is chosen at build time by the TorchBackend property. Only evaluation is asked for here,
/// so the CUDA package is selected without being restored (it is not served offline).
/// </summary>
public sealed class TorchBackendSwitchTests
{
    private static readonly string TorchProject = Repo.File("src", "DcGanTyped.Torch", "DcGanTyped.Torch.csproj");

    [Fact]
    public void ByDefault_TheCpuPackageIsReferenced()
    {
        var refs = PackageReferences();

        Assert.Contains("TorchSharp", refs);
        Assert.Contains("TorchSharp-cpu", refs);
        Assert.DoesNotContain("TorchSharp-cuda-linux", refs);
    }

    [Fact]
    public void TorchBackendCuda_SwapsInTheCudaPackage()
    {
        var refs = PackageReferences("-p:TorchBackend=cuda");

        Assert.Contains("TorchSharp", refs);
        Assert.Contains("TorchSharp-cuda-linux", refs);
        Assert.DoesNotContain("TorchSharp-cpu", refs);
    }

    [Fact]
    public void TheCudaPackage_IsPinnedToTheSameVersionAsTorchSharp()
    {
        var versions = Items("PackageVersion", "-p:TorchBackend=cuda")
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString());

        Assert.Equal(versions["TorchSharp"], versions["TorchSharp-cuda-linux"]);
        Assert.Equal(versions["TorchSharp"], versions["TorchSharp-cpu"]);
    }

    [Fact]
    public void AnUnknownTorchBackend_FailsTheBuildWithTheAllowedValues()
    {
        var r = ProcessRunner.Run("dotnet", ["msbuild", TorchProject, "-t:CheckTorchBackend", "-p:TorchBackend=rocm"], Repo.Root, timeout: TimeSpan.FromMinutes(2));

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("TorchBackend must be cpu (TorchSharp-cpu) or cuda (TorchSharp-cuda-linux), not 'rocm'.", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BothKnownTorchBackends_PassTheCheck()
    {
        foreach (var backend in new[] { "cpu", "cuda" })
        {
            var r = ProcessRunner.Run("dotnet", ["msbuild", TorchProject, "-t:CheckTorchBackend", $"-p:TorchBackend={backend}"], Repo.Root, timeout: TimeSpan.FromMinutes(2));
            Assert.True(r.ExitCode == 0, $"{backend}: {r}");
        }
    }

    private static string[] PackageReferences(params string[] extra)
        => Items("PackageReference", extra).Select(i => i.GetProperty("Identity").GetString()!).ToArray();

    private static IEnumerable<JsonElement> Items(string itemType, params string[] extra)
    {
        var r = ProcessRunner.Run("dotnet", ["msbuild", TorchProject, $"-getItem:{itemType}", .. extra], Repo.Root, timeout: TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("Items").GetProperty(itemType).EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
