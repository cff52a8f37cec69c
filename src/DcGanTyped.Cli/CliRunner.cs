using System.CommandLine;
using DcGanTyped.Checkpoints;
using DcGanTyped.Shapes;
using DcGanTyped.Training;
using DcGanTyped.Training.Data;

namespace DcGanTyped.Cli;

/// <summary>Exit codes of the command-line tool.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad input: options, dataset, checkpoint, output folder, or no CUDA. One line on stderr says why.</summary>
    public const int BadInput = 2;

    /// <summary>An unexpected failure (a bug), or training diverged; the message is printed without a stack trace.</summary>
    public const int Failure = 1;

    /// <summary>Stopped by SIGINT (Ctrl+C) after writing a snapshot: 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM after writing a snapshot: 128 + 15.</summary>
    public const int Terminated = 143;
}

/// <summary>An error caused by the user's input; printed as one line, exit code <see cref="ExitCodes.BadInput"/>.</summary>
/// <param name="message">The one-line message.</param>
public sealed class UserInputException(string message) : Exception(message);

/// <summary>Parses and runs a command, mapping errors to one clear line and an exit code.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="root"/> with <paramref name="args"/>.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                Console.Error.WriteLine($"error: {e.Message}");
            }

            return ExitCodes.BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UserInputException or TrainingInputException or DatasetException or CheckpointFormatException or ShapeMismatchException)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (NonFiniteLossException e)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // A bug, not the user's fault: still one line, with the exception type to report it by.
            Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
