using DcGanTyped.Text;

namespace DcGanTyped.Training;

/// <summary>
/// An error caused by the user's input (options, output folder, checkpoint, device). The message is one line that
/// says what is wrong and, where possible, how to fix it; the command line prints it and exits with code 2.
/// </summary>
public class TrainingInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingInputException(string message)
        : base(MessageText.OneLine(message))
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public TrainingInputException(string message, Exception inner)
        : base(MessageText.OneLine(message), inner)
    {
    }
}

/// <summary>A checkpoint (snapshot or weights file) that cannot be used: truncated, corrupt, or another architecture.</summary>
public sealed class CheckpointException : TrainingInputException
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message starts with the file name.</summary>
    public CheckpointException(string path, string reason)
        : base($"{path}: {reason}") => Path = path;

    /// <summary>Creates the exception for <paramref name="path"/> with the underlying cause.</summary>
    public CheckpointException(string path, string reason, Exception inner)
        : base($"{path}: {reason}", inner) => Path = path;

    /// <summary>The file that was refused.</summary>
    public string Path { get; }
}

/// <summary>A write failed because the disk (or quota) is full; earlier files are left intact.</summary>
public sealed class DiskFullException : TrainingInputException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public DiskFullException(string path, Exception inner)
        : base($"the disk is full: could not write {path} ({inner.Message}); earlier snapshots are intact, free space and resume with --resume latest", inner)
    {
    }
}
