using DcGanTyped.Text;

namespace DcGanTyped.Checkpoints;

/// <summary>Thrown when a checkpoint file is truncated, corrupt, or holds something this reader does not support.</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong and where.</summary>
    public CheckpointFormatException(string message)
        : base(MessageText.OneLine(message))
    {
    }

    /// <summary>Creates the exception wrapping the lower-level error that revealed the problem.</summary>
    public CheckpointFormatException(string message, Exception inner)
        : base(MessageText.OneLine(message), inner)
    {
    }
}
