using DcGanTyped.Text;

namespace DcGanTyped.Training.Data;

/// <summary>
/// A dataset could not be found, downloaded or read. The message is one line that names the file or folder
/// and says what to do; the command-line tool prints it as it is and exits with code 2.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public DatasetException(string message)
        : base(MessageText.OneLine(message))
    {
    }

    /// <summary>Creates the exception with a one-line message and the failure that caused it.</summary>
    public DatasetException(string message, Exception innerException)
        : base(MessageText.OneLine(message), innerException)
    {
    }

    /// <summary>Creates the exception with a generic message (for serializers and frameworks).</summary>
    public DatasetException()
        : base("The dataset could not be loaded.")
    {
    }
}
