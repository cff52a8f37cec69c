using System.CommandLine;
using DcGanTyped.Training;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Cli.Commands;

/// <summary>What <c>generate</c> and <c>interpolate</c> share: loading a generator (detecting its model) and drawing z.</summary>
internal static class Sampling
{
    public static Option<string> Gen() => new("--gen")
    {
        Description = "Generator weights written by train (gen_iter_N)",
        Required = true,
    };

    public static Option<string?> Model() => new("--model")
    {
        Description = $"Network pair of the weights: {string.Join(" | ", BuiltInModels.Names)} (default: detected from the file)",
    };

    public static Option<int> Seed() => new("--seed") { Description = "Seed of z", DefaultValueFactory = _ => 0 };

    /// <summary>Loads <paramref name="path"/>; without <paramref name="model"/>, the first built-in pair whose keys and shapes fit.</summary>
    public static (GanModels Models, Func<float[], int, float[]> Sample) Load(string path, string? model, EngineKind engine, int gpu)
    {
        if (model is not null)
        {
            var m = BuiltInModels.Get(model);
            return (m, GeneratorLoader.Load(m, path, engine, gpu));
        }

        CheckpointException? first = null;
        foreach (var name in BuiltInModels.Names)
        {
            var m = BuiltInModels.Get(name);
            try
            {
                return (m, GeneratorLoader.Load(m, path, engine, gpu));
            }
            catch (CheckpointException e) when (e.Message.Contains("not a checkpoint of model", StringComparison.Ordinal))
            {
                first ??= e;
            }
        }

        throw first!;
    }

    /// <summary>U(-1, 1) values from <paramref name="seed"/>.</summary>
    public static float[] Uniform(int seed, int count)
    {
        var rng = new Xoshiro256(unchecked((ulong)seed));
        var z = new float[count];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = (rng.NextSingle() * 2) - 1;
        }

        return z;
    }

    /// <summary>Creates the folder that will hold <paramref name="file"/>, with a clear error when it cannot.</summary>
    public static void WriteFile(string file, byte[] bytes)
    {
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
            Directory.CreateDirectory(dir);
            Training.Checkpoints.AtomicFile.Write(file, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write {file} ({e.Message})");
        }
    }
}
