using System.Globalization;

namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>
/// Writes scalars and images to a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c>) in
/// <c>dir</c>, which <c>tensorboard --logdir dir</c> reads. Every call appends one event and flushes, so a running
/// TensorBoard sees it at once and a crash loses nothing. Thread-safe.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The <c>file_version</c> of the first event, which marks the file as an event log.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream stream;
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>Creates <paramref name="dir"/> if needed and starts a new event file in it.</summary>
    /// <param name="dir">The log directory.</param>
    /// <exception cref="TrainingInputException">The folder or file cannot be created.</exception>
    public TensorBoardWriter(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            stream = CreateEventFile(dir, out var path);
            FilePath = path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingInputException($"--tensorboard {dir} cannot be written ({e.Message})", e);
        }

        Append(new TensorBoardEvent(WallTime(), 0, FileVersion, []));
    }

    /// <summary>The event file being written.</summary>
    public string FilePath { get; }

    /// <summary>Logs a scalar (a point of the series <paramref name="tag"/>).</summary>
    /// <param name="tag">The series name, e.g. <c>gen/loss</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The training iteration.</param>
    public void AddScalar(string tag, float value, long step)
        => Append(new TensorBoardEvent(WallTime(), step, null, [new SummaryValue(tag, SimpleValue: value)]));

    /// <summary>Logs an image.</summary>
    /// <param name="tag">The image's name, e.g. <c>preview</c>.</param>
    /// <param name="png">A PNG file's bytes.</param>
    /// <param name="width">Its width in pixels.</param>
    /// <param name="height">Its height in pixels.</param>
    /// <param name="step">The training iteration.</param>
    /// <param name="colorspace">1 grayscale, 2 grayscale + alpha, 3 RGB (default), 4 RGBA.</param>
    public void AddImage(string tag, byte[] png, int width, int height, long step, int colorspace = 3)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Append(new TensorBoardEvent(WallTime(), step, null, [new SummaryValue(tag, Image: new SummaryImage(height, width, colorspace, png))]));
    }

    /// <summary>Flushes written events to disk.</summary>
    public void Flush()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                stream.Dispose();
            }
        }
    }

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static string SafeHostName()
    {
        // The host name becomes part of a file name: keep it to characters every file system accepts.
        var host = Environment.MachineName;
        var chars = host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "localhost" : new string(chars);
    }

    private static FileStream CreateEventFile(string dir, out string path)
    {
        var now = DateTimeOffset.UtcNow;
        var host = SafeHostName();
        var baseName = string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{host}");
        path = Path.Combine(dir, baseName);

        // Two writers started in the same second must not share a file.
        for (var i = 1; File.Exists(path); i++)
        {
            path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{baseName}.{i}"));
        }

        return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
    }

    private void Append(TensorBoardEvent e)
    {
        var bytes = EventProto.Encode(e);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            TfRecord.Write(stream, bytes);
            stream.Flush();
        }
    }
}
