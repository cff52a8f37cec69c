using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests;

/// <summary>Small, fast fixtures: the narrow pair, a few hundred shapes, temp folders.</summary>
internal static class TestModels
{
    public static GanModels Narrow => BuiltInModels.Get("narrow");

    public static ImageDataset SmallShapes(int count = 64) => ShapesDataset.Create(count);

    public static TrainOptions Options(string outDir, EngineKind engine = EngineKind.Torch) => new()
    {
        Model = "narrow",
        Dataset = "shapes",
        BatchSize = 4,
        Iterations = 6,
        DisplayInterval = 1,
        SnapshotInterval = 3,
        Out = outDir,
        Engine = engine,
        Threads = 1,
    };

    public static string TempDir() => DcGanTyped.Tests.Shared.TestTemp.NewDirectory();

    /// <summary>Observer that records notes, for assertions.</summary>
    public sealed class Recorder : ITrainingObserver
    {
        public List<string> Notes { get; } = [];

        public void Started(long iteration, long total)
        {
        }

        public void Stepped(long iteration, int epoch)
        {
        }

        public void Logged(DcGanTyped.Training.Extensions.LogEntry entry)
        {
        }

        public void Note(string line) => Notes.Add(line);
    }
}

/// <summary>
/// Tests that use libtorch run one at a time: the global random generator and thread count are process-wide, and
/// determinism checks would otherwise see another test's draws.
/// </summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;
