using DcGanTyped.Training.Extensions;

namespace DcGanTyped.Training;

/// <summary>What the trainer reports while it runs; the command line draws a table and a progress bar from it.</summary>
public interface ITrainingObserver
{
    /// <summary>Training starts at <paramref name="iteration"/> (0, or the resumed snapshot's) and ends at <paramref name="total"/>.</summary>
    void Started(long iteration, long total);

    /// <summary>One step finished.</summary>
    void Stepped(long iteration, int epoch);

    /// <summary>A log entry was written (every display interval).</summary>
    void Logged(LogEntry entry);

    /// <summary>A one-line note: a file written, a snapshot resumed or skipped.</summary>
    void Note(string line);
}

/// <summary>Writes plain lines: the table's header and rows, and every note. Used when no terminal is attached.</summary>
public sealed class TextTrainingObserver(TextWriter writer) : ITrainingObserver
{
    /// <inheritdoc/>
    public void Started(long iteration, long total)
        => writer.WriteLine($"{"epoch",-12}{"iteration",-12}{"gen/loss",-12}{"dis/loss",-12}");

    /// <inheritdoc/>
    public void Stepped(long iteration, int epoch)
    {
    }

    /// <inheritdoc/>
    public void Logged(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        writer.WriteLine(FormatRow(entry));
        writer.Flush();
    }

    /// <inheritdoc/>
    public void Note(string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }

    /// <summary>A table row as Chainer's <c>PrintReport</c> prints it.</summary>
    public static string FormatRow(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return $"{entry.Epoch.ToString(c),-12}{entry.Iteration.ToString(c),-12}{entry.GenLoss.ToString("0.#####", c),-12}{entry.DisLoss.ToString("0.#####", c),-12}";
    }
}
