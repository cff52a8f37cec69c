using System.CommandLine;
using DcGanTyped.Training;
using DcGanTyped.Training.Interop.SafeTensors;

namespace DcGanTyped.Cli.Commands;

/// <summary><c>export</c>: weights to safetensors with PyTorch-style key names, for <c>safetensors.torch.load_file</c>.</summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var gen = new Option<string?>("--gen") { Description = "Generator weights written by train or import-chainer (gen_iter_N)" };
        var dis = new Option<string?>("--dis") { Description = "Discriminator weights (dis_iter_N), instead of --gen" };
        var format = new Option<string>("--format") { Description = "Output format: safetensors", DefaultValueFactory = _ => "safetensors" };
        var output = new Option<string>("--out", "-o") { Description = "File to write (e.g. gen.safetensors)", Required = true };
        var model = new Option<string?>("--model")
        {
            Description = $"Network pair of the weights: {string.Join(" | ", BuiltInModels.Names)} (default: detected from the file)",
        };
        var command = new Command("export", "Export weights for PyTorch (safetensors, state_dict key names).") { gen, dis, format, output, model };
        command.SetAction(parse =>
        {
            var (genPath, disPath) = (parse.GetValue(gen), parse.GetValue(dis));
            if ((genPath is null) == (disPath is null))
            {
                throw new UserInputException("give exactly one of --gen and --dis");
            }

            if (parse.GetValue(format) != "safetensors")
            {
                throw new UserInputException($"unknown --format '{parse.GetValue(format)}'; use safetensors");
            }

            var name = parse.GetValue(model);
            IReadOnlyList<GanModels> candidates = name is null ? [.. BuiltInModels.Names.Select(BuiltInModels.Get)] : [BuiltInModels.Get(name)];
            var result = SafeTensorsExport.ExportFile(genPath ?? disPath!, parse.GetValue(output)!, candidates, generator: genPath is not null);
            Console.WriteLine($"wrote {result.Path} ({result.Tensors} tensors of {result.Network}, model {result.Model})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
