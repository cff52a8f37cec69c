using System.Runtime.Versioning;
using System.Text;
using DcGanTyped.Tests.Support;

namespace DcGanTyped.Tests;

/// <summary>
/// scripts/install-prerequisites.sh decides by the GLIBCXX_3.4.32 symbol. Every run here uses a PATH without
/// apt-get, so whatever the script decides it cannot install anything on the test machine.
/// </summary>
[UnsupportedOSPlatform("windows")] // a bash script for Debian-like systems
public sealed class PrerequisitesScriptTests : IDisposable
{
    private const string Symbol = "GLIBCXX_3.4.32";
    private readonly string temp = Directory.CreateTempSubdirectory("dcgantyped-prereq-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void WhereTheSymbolIsPresent_ItDoesNothing_TwiceInARow()
    {
        var lib = FakeLibrary("with.so", "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", Symbol);
        var bin = ToolFolder(fakeUid: null);

        for (var run = 0; run < 2; run++)
        {
            var r = RunScript(bin, lib);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("nothing to do", r.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("installing", r.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithoutTheSymbol_AndWithoutApt_ItSaysWhatIsNeeded_AndFails()
    {
        var lib = FakeLibrary("without.so", "GLIBCXX_3.4.29", "GLIBCXX_3.4.30");
        var bin = ToolFolder(fakeUid: "0");

        var r = RunScript(bin, lib);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"{lib} lacks {Symbol}", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("no apt-get", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("GCC 14 or newer", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheSymbol_AndNotRoot_ItSaysWhatIsNeeded_AndFails()
    {
        var lib = FakeLibrary("without.so", "GLIBCXX_3.4.30");
        var bin = ToolFolder(fakeUid: "1000");

        var r = RunScript(bin, lib);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains($"{lib} lacks {Symbol}", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("run this script as root", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing to do", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void OnThisMachine_TheVerdictMatchesTheSystemLibrary()
    {
        // Without the override the script finds the system library itself (ldconfig, then the Debian path).
        var bin = ToolFolder(fakeUid: null);
        var r = RunScript(bin, lib: null);

        var line = r.Output.Split('\n').First(l => l.StartsWith("install-prerequisites: /", StringComparison.Ordinal));
        var path = line["install-prerequisites: ".Length..].Split(' ')[0];
        var present = ContainsAscii(File.ReadAllBytes(path), Symbol);

        Assert.True(r.ExitCode == (present ? 0 : 1), $"{path} has {Symbol}: {present}\n{r}");
        Assert.Contains(present ? "nothing to do" : "no apt-get", r.Output, StringComparison.Ordinal);
    }

    private static bool ContainsAscii(byte[] haystack, string needle)
        => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;

    private ProcessResult RunScript(string bin, string? lib)
    {
        var env = new Dictionary<string, string?> { ["PATH"] = bin, ["DCGANTYPED_LIBSTDCXX"] = lib };
        return ProcessRunner.Run("/bin/bash", [Repo.File("scripts", "install-prerequisites.sh")], temp, env, TimeSpan.FromMinutes(1));
    }

    /// <summary>A stand-in for libstdc++: binary noise around the given version strings.</summary>
    private string FakeLibrary(string name, params string[] versions)
    {
        var path = Path.Combine(temp, name);
        using var f = File.Create(path);
        f.Write([0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 3]);
        foreach (var v in versions)
        {
            f.Write(Encoding.ASCII.GetBytes(v));
            f.WriteByte(0);
        }

        return path;
    }

    /// <summary>
    /// A folder to use as the whole PATH: the few tools the script's checks need, and deliberately no apt-get.
    /// With <paramref name="fakeUid"/> set, <c>id</c> reports that user id instead of the real one.
    /// </summary>
    private string ToolFolder(string? fakeUid)
    {
        var bin = Directory.CreateDirectory(Path.Combine(temp, "bin-" + (fakeUid ?? "real"))).FullName;
        foreach (var tool in new[] { "grep", "awk", "ldconfig", "id" })
        {
            if (tool == "id" && fakeUid is not null)
            {
                var fake = Path.Combine(bin, "id");
                File.WriteAllText(fake, $"#!/bin/bash\necho {fakeUid}\n");
                File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                continue;
            }

            var real = new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }
                .Select(d => Path.Combine(d, tool))
                .FirstOrDefault(File.Exists);
            if (real is not null)
            {
                File.CreateSymbolicLink(Path.Combine(bin, tool), real);
            }
        }

        Assert.False(File.Exists(Path.Combine(bin, "apt-get")));
        return bin;
    }
}
