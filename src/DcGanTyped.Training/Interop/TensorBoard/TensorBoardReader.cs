namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>Reads TensorBoard event files back: TFRecord framing with CRC checks, then each Event message.</summary>
public static class TensorBoardReader
{
    /// <summary>Reads every event of a file.</summary>
    /// <param name="path">An <c>events.out.tfevents.*</c> file.</param>
    /// <returns>The events in order, the file-version event first.</returns>
    /// <exception cref="InteropFormatException">A CRC does not match, a record is truncated, or an event is malformed.</exception>
    public static IReadOnlyList<TensorBoardEvent> ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var name = Path.GetFileName(path);
        var events = new List<TensorBoardEvent>();
        foreach (var record in TfRecord.ReadAll(stream, name))
        {
            try
            {
                events.Add(EventProto.Decode(record));
            }
            catch (InteropFormatException e)
            {
                throw new InteropFormatException($"{name}: event {events.Count}: {e.Message}");
            }
        }

        return events;
    }
}
