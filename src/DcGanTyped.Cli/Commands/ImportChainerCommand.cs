using System.CommandLine;
using DcGanTyped.Training;
using DcGanTyped.Training.Interop.Chainer;

namespace DcGanTyped.Cli.Commands;

/// <summary><c>import-chainer</c>: Chainer <c>examples/dcgan</c> snapshots (<c>.npz</c>) to weights <c>generate</c> loads.</summary>
public static class ImportChainerCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var gen = new Option<string>("--gen") { Description = "Chainer generator weights (gen_iter_N.npz from examples/dcgan)", Required = true };
        var dis = new Option<string?>("--dis") { Description = "Chainer discriminator weights (dis_iter_N.npz); optional" };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write gen_iter_N and dis_iter_N into", Required = true };
        var model = CommonOptions.Model("seed");
        var command = new Command("import-chainer", "Import weights saved by Chainer's DCGAN example (.npz) for generate and train.")
        {
            gen, dis, output, model,
        };
        command.SetAction(parse =>
        {
            var models = BuiltInModels.Get(parse.GetValue(model)!);
            var result = ChainerImporter.ImportFiles(models, parse.GetValue(gen)!, parse.GetValue(dis), parse.GetValue(output)!);
            Console.WriteLine($"wrote {result.Generator} ({models.Generator.Name})");
            if (result.Discriminator is not null)
            {
                Console.WriteLine($"wrote {result.Discriminator} ({models.Discriminator.Name})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
