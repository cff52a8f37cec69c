using System.CommandLine;
using DcGanTyped.Training.Extensions;

namespace DcGanTyped.Cli.Commands;

/// <summary><c>interpolate</c>: each row walks in a straight line through latent space between two random z.</summary>
public static class InterpolateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var gen = Sampling.Gen();
        var steps = new Option<int>("--steps") { Description = "Images per walk, both ends included", DefaultValueFactory = _ => 10 };
        var rows = new Option<int>("--rows") { Description = "Number of walks (z pairs)", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out", "-o") { Description = "Output PNG", DefaultValueFactory = _ => "interpolation.png" };
        var seed = Sampling.Seed();
        var model = Sampling.Model();
        var engine = CommonOptions.Engine(Training.EngineKind.Torch);
        var gpu = CommonOptions.Gpu();
        var command = new Command("interpolate", "Latent walks between random z pairs, one row each, in one PNG.") { gen, steps, rows, output, seed, model, engine, gpu };
        command.SetAction(parse =>
        {
            int s = parse.GetValue(steps), r = parse.GetValue(rows);
            if (s < 2 || r < 1)
            {
                throw new UserInputException("--steps must be at least 2 and --rows at least 1");
            }

            var (models, sample) = Sampling.Load(parse.GetValue(gen)!, parse.GetValue(model), CommonOptions.ParseEngine(parse.GetValue(engine)!), parse.GetValue(gpu));
            var latent = models.Generator.InputShape[0];
            var ends = Sampling.Uniform(parse.GetValue(seed), 2 * r * latent);
            var z = new float[r * s * latent];
            for (var row = 0; row < r; row++)
            {
                var a = ends.AsSpan(2 * row * latent, latent);
                var b = ends.AsSpan(((2 * row) + 1) * latent, latent);
                for (var j = 0; j < s; j++)
                {
                    var t = (float)j / (s - 1);
                    var dst = z.AsSpan(((row * s) + j) * latent, latent);
                    for (var i = 0; i < latent; i++)
                    {
                        dst[i] = ((1 - t) * a[i]) + (t * b[i]);
                    }
                }
            }

            var file = parse.GetValue(output)!;
            Sampling.WriteFile(file, ImageGrid.EncodePng(sample(z, r * s), r, s));
            Console.WriteLine($"wrote {file} ({r} walks of {s} steps)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
