using System.Globalization;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>The human-readable form of a <see cref="BenchReport"/>: engines, ratios, machine, per-layer tables.</summary>
public static class BenchReportText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Formats the whole report.</summary>
    public static string Format(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var w = new StringWriter(C);
        var m = report.Machine;
        w.WriteLine($"machine: {m.CpuModel}, {m.LogicalCores} logical cores, Vector512 {(m.Vector512 ? "accelerated" : "not accelerated")}, Vector256 {(m.Vector256 ? "accelerated" : "not accelerated")}");
        w.WriteLine($"threads: libtorch {m.TorchThreads?.ToString(C) ?? "not loaded"}, SIMD engine {m.SimdThreads}; {m.Os}; {m.Runtime}");
        w.WriteLine($"load average: {Load(m.LoadAverageBefore)} before, {Load(m.LoadAverageAfter)} after");
        w.WriteLine();
        w.WriteLine($"one training iteration (batch from shapes, D update, G update), model {report.Model}, batch {report.BatchSize}, median of {report.Iterations} after {report.Warmup} warm-up:");
        Table(
            w,
            ["engine", "ms/it", "it/s", "min ms", "max ms", "managed B/it", "threads"],
            [false, true, true, true, true, true, true],
            report.Engines.Select(e => new[]
            {
                e.Name, F(e.MedianMs, 1), F(e.ItPerSec, 3), F(e.MinMs, 1), F(e.MaxMs, 1),
                e.ManagedBytesPerStep.ToString("N0", C), e.Threads.ToString(C),
            }).ToList());
        w.WriteLine();
        var r = report.Ratios;
        if (r.GeneratedOverheadPercent is double overhead)
        {
            w.WriteLine($"generated modules vs hand-written TorchSharp: {Signed(overhead)}% time per iteration (paired rounds: {Signed(r.GeneratedOverheadPercentPaired ?? double.NaN)}%; target below +3%)");
        }

        if (r.SimdOverTorch is double simdTorch)
        {
            w.WriteLine($"simd / torch: {F(simdTorch, 2)}x the it/s (paired rounds: {F(r.SimdOverTorchPaired ?? double.NaN, 2)}x; target at least 0.5x, 0.6x in the SIMD engine's own goal)");
        }

        if (r.SimdOverTorchHand is double simdHand)
        {
            w.WriteLine($"simd / torch-hand: {F(simdHand, 2)}x the it/s");
        }

        if (report.SimdManagedBytesPerStep is long bytes)
        {
            var caller = report.Engines.First(e => e.Name == TrainingStepBench.Simd).MaxManagedBytesPerStepCallingThread;
            w.WriteLine($"simd managed allocations per iteration after warm-up: {bytes:N0} bytes (median, all threads); at most {caller:N0} bytes on the calling thread (target 0)");
        }

        foreach (var network in report.Layers.Select(l => l.Network).Distinct())
        {
            var torch = report.Layers.FirstOrDefault(l => l.Network == network && l.Engine == TrainingStepBench.Torch);
            var simd = report.Layers.FirstOrDefault(l => l.Network == network && l.Engine == TrainingStepBench.Simd);
            var order = (torch ?? simd)!.Layers;
            w.WriteLine();
            w.WriteLine($"{network}: per-layer median ms (forward / backward), share of the network's total, over {(torch ?? simd)!.Repetitions} passes at batch {report.BatchSize}:");
            var rows = new List<string[]>();
            foreach (var layer in order)
            {
                var t = torch?.Layers.FirstOrDefault(x => x.Name == layer.Name);
                var s = simd?.Layers.FirstOrDefault(x => x.Name == layer.Name);
                rows.Add([
                    layer.Name, layer.Kind, layer.OutputShape,
                    Ms(t?.ForwardMs), Ms(t?.BackwardMs), Share(t, torch),
                    Ms(s?.ForwardMs), Ms(s?.BackwardMs), Share(s, simd),
                    t is null || s is null || t.ForwardMs + t.BackwardMs <= 0 ? "-" : F((s.ForwardMs + s.BackwardMs) / (t.ForwardMs + t.BackwardMs), 2),
                ]);
            }

            rows.Add([
                "total", string.Empty, string.Empty,
                Ms(torch?.Layers.Sum(x => x.ForwardMs)), Ms(torch?.Layers.Sum(x => x.BackwardMs)), torch is null ? "-" : "100%",
                Ms(simd?.Layers.Sum(x => x.ForwardMs)), Ms(simd?.Layers.Sum(x => x.BackwardMs)), simd is null ? "-" : "100%",
                torch is null || simd is null ? "-" : F(simd.TotalMs / torch.TotalMs, 2),
            ]);
            Table(
                w,
                ["layer", "kind", "output", "torch fwd", "torch bwd", "torch %", "simd fwd", "simd bwd", "simd %", "simd/torch"],
                [false, false, false, true, true, true, true, true, true, true],
                rows);
        }

        return w.ToString();
    }

    private static string Share(LayerTiming? layer, LayerProfile? profile)
        => layer is null || profile is null || profile.TotalMs <= 0 ? "-" : F(100 * (layer.ForwardMs + layer.BackwardMs) / profile.TotalMs, 1) + "%";

    private static string Ms(double? value) => value is double v ? F(v, 3) : "-";

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(C), C);

    private static string Signed(double value) => (value >= 0 ? "+" : string.Empty) + F(value, 1);

    private static string Load(IReadOnlyList<double> load) => load.Count == 0 ? "unknown" : string.Join(" ", load.Select(l => F(l, 2)));

    private static void Table(StringWriter w, string[] header, bool[] right, List<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((s, i) => right[i] ? s.PadLeft(widths[i]) : s.PadRight(widths[i]))).TrimEnd();
        w.WriteLine(Line(header));
        w.WriteLine(Line([.. widths.Select(n => new string('-', n))]));
        foreach (var row in rows)
        {
            w.WriteLine(Line(row));
        }
    }
}
