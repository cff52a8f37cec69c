using System.CommandLine;

namespace DcGanTyped.Cli;

/// <summary>Exit codes of the command-line tool.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad input: options, dataset, checkpoint, output folder, or no CUDA. One line on stderr says why.</summary>
    public const int BadInput = 2;

    /// <summary>An unexpected failure (a bug); the message is printed without a stack trace.</summary>
    public const int Failure = 1;
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
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
