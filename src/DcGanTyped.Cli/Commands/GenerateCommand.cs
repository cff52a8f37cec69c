using System.CommandLine;
using System.Globalization;
using DcGanTyped.Training.Extensions;

namespace DcGanTyped.Cli.Commands;

/// <summary><c>generate</c>: a grid PNG, or K single PNGs, from a saved generator.</summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var gen = Sampling.Gen();
        var rows = new Option<int>("--rows") { Description = "Rows of the grid", DefaultValueFactory = _ => 10 };
        var cols = new Option<int>("--cols") { Description = "Columns of the grid", DefaultValueFactory = _ => 10 };
        var count = new Option<int?>("--count") { Description = "Write K separate PNGs into --out (a folder) instead of a grid" };
        var output = new Option<string?>("--out", "-o") { Description = "Grid file (default generated.png), or folder with --count (default generated)" };
        var seed = Sampling.Seed();
        var model = Sampling.Model();
        var engine = CommonOptions.Engine(Training.EngineKind.Torch);
        var gpu = CommonOptions.Gpu();
        var command = new Command("generate", "Sample images from a trained generator.") { gen, rows, cols, count, output, seed, model, engine, gpu };
        command.SetAction(parse =>
        {
            int r = parse.GetValue(rows), c = parse.GetValue(cols);
            var k = parse.GetValue(count);
            if (r < 1 || c < 1 || k is < 1)
            {
                throw new UserInputException("--rows, --cols and --count must be at least 1");
            }

            var (models, sample) = Sampling.Load(parse.GetValue(gen)!, parse.GetValue(model), CommonOptions.ParseEngine(parse.GetValue(engine)!), parse.GetValue(gpu));
            var latent = models.Generator.InputShape[0];
            var n = k ?? (r * c);
            var images = sample(Sampling.Uniform(parse.GetValue(seed), n * latent), n);
            if (k is null)
            {
                var file = parse.GetValue(output) ?? "generated.png";
                Sampling.WriteFile(file, ImageGrid.EncodePng(images, r, c));
                Console.WriteLine($"wrote {file} ({r} x {c} images)");
                return ExitCodes.Ok;
            }

            var dir = parse.GetValue(output) ?? "generated";
            var per = (int)models.ImageShape.Elements;
            for (var i = 0; i < n; i++)
            {
                var file = Path.Combine(dir, $"image{i.ToString("0000", CultureInfo.InvariantCulture)}.png");
                Sampling.WriteFile(file, ImageGrid.EncodePng(images.AsSpan(i * per, per), 1, 1));
            }

            Console.WriteLine($"wrote {n} images to {dir}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
