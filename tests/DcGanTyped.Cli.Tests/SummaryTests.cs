using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>The real <c>dcgan summary</c> process: totals from static metadata, and libtorch never loaded.</summary>
public sealed class SummaryTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dcgantyped-summary-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Theory]
    [InlineData(new string[0], "Generator (seed)", "3,599,363", "Discriminator (seed)", "5,862,657")]
    [InlineData(new[] { "--model", "seed" }, "Generator (seed)", "3,599,363", "Discriminator (seed)", "5,862,657")]
    [InlineData(new[] { "--model", "narrow" }, "NarrowGenerator (narrow)", "NarrowGenerator", "NarrowDiscriminator (narrow)", "NarrowDiscriminator")]
    public void Summary_PrintsBothTablesWithTotals_WithoutLoadingLibtorch(string[] args, string gen, string genTotal, string dis, string disTotal)
    {
        var maps = Path.Combine(temp, "maps");

        var (code, stdout, stderr) = RunCli(["summary", .. args], maps);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains(lines, l => l.StartsWith(gen + ": input (100) -> output (3, 32, 32)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(dis + ": input (3, 32, 32) -> output (1)", StringComparison.Ordinal));
        var totals = lines.Where(l => l.StartsWith("total", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, totals.Length);
        if (genTotal.Contains(',', StringComparison.Ordinal))
        {
            Assert.Contains(" " + genTotal + " ", totals[0], StringComparison.Ordinal);
            Assert.Contains(" " + disTotal + " ", totals[1], StringComparison.Ordinal);
        }

        // Every layer row names a kind and a shape; the header row names the columns.
        Assert.Contains(lines, l => l.StartsWith("layer ", StringComparison.Ordinal) && l.EndsWith("MFLOPs", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dc1 ", StringComparison.Ordinal) && l.Contains("ConvTranspose2d", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("l4 ", StringComparison.Ordinal) && l.Contains("Linear", StringComparison.Ordinal));

        AssertNoLibtorch(maps);
    }

    [Fact]
    public void Summary_NarrowParameters_AreTheSumOfItsRows()
    {
        var (code, stdout, stderr) = RunCli(["summary", "--model", "narrow"], mapsFile: null);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        foreach (var table in stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(3).ToList();
            var layerRows = rows.TakeWhile(r => !r.StartsWith("---", StringComparison.Ordinal)).ToList();
            var total = rows.Single(r => r.StartsWith("total", StringComparison.Ordinal));
            long Params(string row) => long.Parse(row.Split("  ", StringSplitOptions.RemoveEmptyEntries)[^2].Trim().Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(layerRows.Sum(Params), Params(total));
            Assert.True(layerRows.Count > 10, table);
        }
    }

    [Fact]
    public void Summary_UnknownModel_ExitsTwoWithOneLine()
    {
        var (code, stdout, stderr) = RunCli(["summary", "--model", "huge"], mapsFile: null);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("error: unknown --model 'huge'; use one of: seed, narrow", stderr.Trim());
    }

    /// <summary>The process maps list every shared object the process loaded; libtorch's must not be among them.</summary>
    private static void AssertNoLibtorch(string maps)
    {
        Assert.True(File.Exists(maps), "the CLI did not write its process maps");
        var text = File.ReadAllText(maps);
        Assert.Contains("libcoreclr.so", text, StringComparison.Ordinal);
        foreach (var native in new[] { "libtorch", "LibTorchSharp", "libc10" })
        {
            Assert.DoesNotContain(native, text, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs the CLI's own build output as a separate process: <c>dotnet dcgan.dll ...</c>.</summary>
    private (int Code, string Stdout, string Stderr) RunCli(string[] args, string? mapsFile)
    {
        var env = mapsFile is null ? null : new Dictionary<string, string> { ["DCGAN_DUMP_MAPS"] = mapsFile };
        var (code, stdout, stderr) = CliProcess.Run(temp, args, env, timeoutSeconds: 120);
        return (code, stdout.Replace("\r\n", "\n", StringComparison.Ordinal), stderr);
    }
}
