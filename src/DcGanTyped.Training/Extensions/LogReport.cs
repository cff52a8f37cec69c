using System.Text.Json;
using System.Text.Json.Nodes;
using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training.Extensions;

/// <summary>One entry of the <c>log</c> file (Chainer's <c>LogReport</c>): means over one display interval.</summary>
/// <param name="Epoch">Completed epochs when the entry was written.</param>
/// <param name="Iteration">The iteration counter.</param>
/// <param name="GenLoss">Mean <c>gen/loss</c> over the interval.</param>
/// <param name="DisLoss">Mean <c>dis/loss</c> over the interval.</param>
/// <param name="ElapsedTime">Seconds of training so far, including the time before a resume.</param>
public sealed record LogEntry(int Epoch, long Iteration, double GenLoss, double DisLoss, double ElapsedTime);

/// <summary>
/// Chainer's <c>LogReport</c>: accumulates the losses of each step and, every display interval, appends the means to
/// the entries and rewrites <c>log</c> (a JSON array) atomically. Its state (entries and the running sums) goes into
/// snapshots, so a resumed run writes exactly the entries an uninterrupted one would.
/// </summary>
public sealed class LogReport
{
    private readonly List<LogEntry> entries = [];
    private double genSum;
    private double disSum;
    private int count;

    /// <summary>The entries so far.</summary>
    public IReadOnlyList<LogEntry> Entries => entries;

    /// <summary>Adds one step's losses to the running sums.</summary>
    public void Add(GanStepResult step)
    {
        genSum += step.GenLoss;
        disSum += step.DisLoss;
        count++;
    }

    /// <summary>Closes the interval: appends the means as an entry and resets the sums.</summary>
    public LogEntry Report(int epoch, long iteration, double elapsed)
    {
        var n = Math.Max(count, 1);
        var entry = new LogEntry(epoch, iteration, genSum / n, disSum / n, elapsed);
        entries.Add(entry);
        genSum = disSum = 0;
        count = 0;
        return entry;
    }

    /// <summary>Writes all entries to <paramref name="path"/> in Chainer's format, atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => WriteJson(stream, entries));

    /// <summary>Writes <paramref name="log"/> as Chainer's <c>log</c> JSON array.</summary>
    public static void WriteJson(Stream stream, IEnumerable<LogEntry> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartArray();
        foreach (var e in log)
        {
            w.WriteStartObject();
            w.WriteNumber("gen/loss", e.GenLoss);
            w.WriteNumber("dis/loss", e.DisLoss);
            w.WriteNumber("epoch", e.Epoch);
            w.WriteNumber("iteration", e.Iteration);
            w.WriteNumber("elapsed_time", e.ElapsedTime);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Reads a <c>log</c> file written by <see cref="Write"/> (or by Chainer).</summary>
    public static List<LogEntry> ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. doc.RootElement.EnumerateArray().Select(e => new LogEntry(
            e.GetProperty("epoch").GetInt32(),
            e.GetProperty("iteration").GetInt64(),
            e.GetProperty("gen/loss").GetDouble(),
            e.GetProperty("dis/loss").GetDouble(),
            e.GetProperty("elapsed_time").GetDouble()))];
    }

    /// <summary>The state for a snapshot.</summary>
    public JsonObject ExportState()
    {
        var array = new JsonArray();
        foreach (var e in entries)
        {
            array.Add(new JsonObject
            {
                ["epoch"] = e.Epoch,
                ["iteration"] = e.Iteration,
                ["gen/loss"] = e.GenLoss,
                ["dis/loss"] = e.DisLoss,
                ["elapsed_time"] = e.ElapsedTime,
            });
        }

        return new JsonObject { ["entries"] = array, ["gen_sum"] = genSum, ["dis_sum"] = disSum, ["count"] = count };
    }

    /// <summary>Restores a state written by <see cref="ExportState"/>.</summary>
    public void ImportState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        entries.Clear();
        foreach (var e in state["entries"]!.AsArray())
        {
            entries.Add(new LogEntry(
                (int)e!["epoch"]!, (long)e["iteration"]!, (double)e["gen/loss"]!, (double)e["dis/loss"]!, (double)e["elapsed_time"]!));
        }

        genSum = (double)state["gen_sum"]!;
        disSum = (double)state["dis_sum"]!;
        count = (int)state["count"]!;
    }
}
