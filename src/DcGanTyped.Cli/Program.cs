using System.CommandLine;
using DcGanTyped.Cli;
using DcGanTyped.Cli.Commands;

var root = new RootCommand("DcGanTyped: the Chainer DCGAN example with typed networks, in C#.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(InterpolateCommand.Create());
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(ImportChainerCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

var code = CliRunner.Run(root, args);
ProcessMaps.DumpIfRequested();
return code;
