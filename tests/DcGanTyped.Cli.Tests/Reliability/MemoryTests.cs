using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace DcGanTyped.Cli.Tests.Reliability;

/// <summary>
/// Many iterations of the real <c>train</c> process with the memory trace hook on: resident memory and the managed
/// heap (after full collections) must not trend upwards, and TorchSharp's live tensor count must be the same after
/// every step. The slopes are least-squares fits after a warm-up, so the sawtooth of allocators averages out.
/// </summary>
public sealed class MemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// Half of one leaked input batch (98 KB per step at batch 8). Resident memory moves by a few MB with the
    /// allocators' arenas and the snapshot writes, which over a few hundred steps fits a slope of up to about
    /// +-17 KB per step; a leaked tensor of any size is caught exactly by the live tensor count instead.
    /// </summary>
    private const double RssBytesPerIterationBound = 48 * 1024;

    /// <summary>The log keeps one entry per display interval; anything near a kilobyte per step is a leak.</summary>
    private const double HeapBytesPerIterationBound = 1024;

    [Theory]
    [MemberData(nameof(NanWatchdogTests.Engines), MemberType = typeof(NanWatchdogTests))]
    public void Native_and_managed_memory_stay_flat_and_no_tensor_outlives_its_step(string engine)
    {
        // 1,000 iterations per engine (about 30 s each on two cores at batch 8); DCGANTYPED_TEST_MEMORY_ITERATIONS
        // changes the count for a longer or quicker look.
        // Snapshots every 50 iterations: the first ones grow the allocators' arenas once (inside the warm-up), the
        // later ones must reuse that memory, so they are measured too.
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("DCGANTYPED_TEST_MEMORY_ITERATIONS"), out var n) ? n : 1000;
        var warmUp = iterations / 4;
        var dir = CliProcess.TempDir("memory");
        var trace = Path.Combine(dir, "trace");
        var args = new List<string>
        {
            "train", "--model", "narrow", "--dataset", "shapes", "--batchsize", "8", "--threads", "1", "--engine", engine,
            "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--display_interval", "50",
            "--snapshot_interval", "50", "--keep-snapshots", "2", "--out", Path.Combine(dir, "out"),
        };
        var (code, run) = CliProcess.Run(dir, args, new Dictionary<string, string> { ["DCGANTYPED_TEST_MEMORY_TRACE"] = trace });
        using (run)
        {
            Assert.True(code == 0, run.Output);
        }

        var rows = File.ReadAllLines(trace)
            .Select(l => l.Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(f => (Iteration: f[0], Rss: f[1], Heap: f[2], Live: f[3]))
            .ToList();
        Assert.Equal(Enumerable.Range(1, iterations).Select(i => (long)i), rows.Select(r => r.Iteration));

        var steady = rows.Where(r => r.Iteration > warmUp).ToList();
        var rssSlope = Slope(steady.Select(r => ((double)r.Iteration, (double)r.Rss)));
        var heapSlope = Slope(steady.Where(r => r.Heap >= 0).Select(r => ((double)r.Iteration, (double)r.Heap)));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{engine}: {iterations} iterations, after {warmUp}: RSS {steady[0].Rss / 1e6:F1} -> {steady[^1].Rss / 1e6:F1} MB, slope {rssSlope:F0} B/iteration; GC heap slope {heapSlope:F1} B/iteration; live tensors {string.Join(",", rows.Select(r => r.Live).Distinct())}"));

        Assert.True(rssSlope < RssBytesPerIterationBound, $"RSS grows by {rssSlope:F0} bytes per iteration");
        Assert.True(heapSlope < HeapBytesPerIterationBound, $"the managed heap grows by {heapSlope:F0} bytes per iteration");
        if (engine == "torch")
        {
            // The optimizers create their moment tensors in the first step; from then on every step frees all it made.
            var after = rows.Skip(1).Select(r => r.Live).Distinct().ToList();
            Assert.True(after.Count == 1, $"live tensor counts after steps 2..{iterations}: {string.Join(", ", after)}");
        }

        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Least-squares slope of y over x.</summary>
    private static double Slope(IEnumerable<(double X, double Y)> points)
    {
        var p = points.ToList();
        var mx = p.Average(q => q.X);
        var my = p.Average(q => q.Y);
        return p.Sum(q => (q.X - mx) * (q.Y - my)) / p.Sum(q => (q.X - mx) * (q.X - mx));
    }
}
