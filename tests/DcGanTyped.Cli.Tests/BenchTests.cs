using System.Text.Json;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>The real <c>dcgan bench</c> process on the narrow model: the JSON it writes, and its bad-input line.</summary>
[Collection("cli")]
public sealed class BenchTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dcgantyped-bench-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void Bench_json_has_every_engine_with_positive_timings_ratios_layers_and_machine()
    {
        var json = Path.Combine(temp, "bench.json");

        var (code, stdout, stderr) = RunCli(
            ["bench", "--model", "narrow", "--batchsize", "4", "--iterations", "2", "--warmup", "1", "--threads", "1", "--json", json]);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("generated modules vs hand-written TorchSharp", stdout, StringComparison.Ordinal);
        Assert.Contains("simd / torch", stdout, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("narrow", root.GetProperty("model").GetString());
        Assert.Equal(4, root.GetProperty("batchSize").GetInt32());
        Assert.Equal(2, root.GetProperty("iterations").GetInt32());

        var engines = root.GetProperty("engines").EnumerateArray().ToList();
        Assert.Equal(["torch", "torch-hand", "simd"], engines.Select(e => e.GetProperty("name").GetString()));
        foreach (var e in engines)
        {
            var name = e.GetProperty("name").GetString();
            foreach (var field in new[] { "medianMs", "itPerSec", "minMs", "maxMs" })
            {
                Assert.True(e.GetProperty(field).GetDouble() > 0, $"{name}.{field} = {e.GetProperty(field)}");
            }

            var samples = e.GetProperty("samplesMs").EnumerateArray().Select(s => s.GetDouble()).ToList();
            Assert.Equal(2, samples.Count);
            Assert.All(samples, s => Assert.True(s > 0, $"{name}: sample {s}"));
            Assert.True(e.GetProperty("managedBytesPerStep").GetInt64() >= 0, $"{name}.managedBytesPerStep");
            Assert.True(e.GetProperty("threads").GetInt32() >= 1, $"{name}.threads");
        }

        Assert.All(engines, e => Assert.Equal(1, e.GetProperty("threads").GetInt32()));
        var ratios = root.GetProperty("ratios");
        foreach (var field in new[] { "simdOverTorch", "simdOverTorchPaired", "simdOverTorchHand" })
        {
            Assert.True(ratios.GetProperty(field).GetDouble() > 0, $"ratios.{field} = {ratios.GetProperty(field)}");
        }

        // An overhead may be negative (noise); it must be a number.
        Assert.True(double.IsFinite(ratios.GetProperty("generatedOverheadPercent").GetDouble()));
        Assert.True(root.GetProperty("simdManagedBytesPerStep").GetInt64() >= 0);

        var machine = root.GetProperty("machine");
        Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty("cpuModel").GetString()));
        Assert.True(machine.GetProperty("logicalCores").GetInt32() >= 1);
        Assert.Equal(1, machine.GetProperty("torchThreads").GetInt32());
        Assert.Equal(1, machine.GetProperty("simdThreads").GetInt32());
        Assert.Contains(machine.GetProperty("vector256").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.Contains(machine.GetProperty("vector512").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });

        // Both networks on both profiled engines, every declared layer with a non-negative time and a positive total.
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(
            ["simd/NarrowDiscriminator", "simd/NarrowGenerator", "torch/NarrowDiscriminator", "torch/NarrowGenerator"],
            layers.Select(l => $"{l.GetProperty("engine").GetString()}/{l.GetProperty("network").GetString()}").Order(StringComparer.Ordinal));
        foreach (var profile in layers)
        {
            var rows = profile.GetProperty("layers").EnumerateArray().ToList();
            Assert.True(rows.Count >= 15, $"{profile.GetProperty("network")}: {rows.Count} rows");
            Assert.All(rows, r => Assert.True(r.GetProperty("forwardMs").GetDouble() >= 0 && r.GetProperty("backwardMs").GetDouble() >= 0, r.ToString()));
            Assert.True(profile.GetProperty("totalMs").GetDouble() > 0);
        }
    }

    [Fact]
    public void Simd_only_bench_never_loads_libtorch()
    {
        var maps = Path.Combine(temp, "maps");

        var (code, stdout, stderr) = RunCli(
            ["bench", "--model", "narrow", "--batchsize", "2", "--iterations", "1", "--warmup", "0", "--engines", "simd"],
            new Dictionary<string, string> { ["DCGAN_DUMP_MAPS"] = maps });

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("libtorch not loaded", stdout, StringComparison.Ordinal);
        var text = File.ReadAllText(maps);
        Assert.Contains("libcoreclr.so", text, StringComparison.Ordinal);
        Assert.DoesNotContain("libtorch", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--engines", "torch,tpu", "error: unknown engine 'tpu' in --engines; use any of: torch, torch-hand, simd")]
    [InlineData("--iterations", "0", "error: --iterations must be at least 1 (got 0)")]
    [InlineData("--model", "huge", "error: unknown --model 'huge'; use one of: seed, narrow")]
    public void Bad_options_exit_two_with_one_line(string option, string value, string expected)
    {
        var (code, stdout, stderr) = RunCli(["bench", option, value]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal(expected, stderr.Trim());
    }

    private (int Code, string Stdout, string Stderr) RunCli(string[] args, IDictionary<string, string>? env = null)
        => CliProcess.Run(temp, args, env, timeoutSeconds: 180);
}
