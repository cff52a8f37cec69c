using System.CommandLine;
using DcGanTyped.Cli;
using DcGanTyped.Cli.Commands;

var root = new RootCommand("DcGanTyped: the Chainer DCGAN example with typed networks, in C#.");
root.Subcommands.Add(SummaryCommand.Create());

return CliRunner.Run(root, args);
