using DcGanTyped.Training.Data;
using DcGanTyped.Training.Updaters;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace DcGanTyped.Training.Tests.Updaters;

/// <summary>
/// The GAN step against an independent computation: the losses the updater reports must be what the paper's
/// formulas give for the networks before and after D's update (noise off, so D is a deterministic function).
/// </summary>
[Collection("torch")]
public sealed class TorchGanStepTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Losses_match_softplus_formulas_with_gen_loss_from_the_updated_discriminator()
    {
        var options = TestModels.Options("unused") with { BatchSize = 8 };
        using var updater = new TorchGanUpdater(TestModels.Narrow, options);
        updater.Dis.NoiseEnabled = false;
        var batch = new float[8 * ImageDataset.ImageFloats];
        new SerialIterator(TestModels.SmallShapes(), 8, 1).NextBatch(batch);

        // Snapshot everything the step will read, so the step can be replayed by hand.
        var before = updater.ExportState();
        using var zState = updater.ZGenerator.get_state();
        var result = updater.Step(batch, 8);
        var afterDisUpdate = CloneDis(updater);

        using var replay = new TorchGanUpdater(TestModels.Narrow, options);
        replay.Dis.NoiseEnabled = false;
        replay.ImportState(before, "before");
        replay.ZGenerator.set_state(zState);
        using var scope = NewDisposeScope();
        var real = tensor(batch, new long[] { 8, 3, 32, 32 });
        var z = replay.SampleZ(8);
        var xFake = replay.Gen.forward(z).detach();
        var yReal = replay.Dis.forward(real);
        var yFake = replay.Dis.forward(xFake);
        var disExpected = MeanSoftplus(-yReal) + MeanSoftplus(yFake);

        // D after its update is the trained updater's D: G's update does not touch D's weights.
        foreach (var (name, t) in replay.Dis.state_dict())
        {
            using var noGrad = no_grad();
            t.copy_(afterDisUpdate[name]);
        }

        var genExpected = MeanSoftplus(-replay.Dis.forward(xFake));
        Assert.True(Math.Abs(result.DisLoss - disExpected) < Tolerance, $"dis/loss {result.DisLoss} vs {disExpected}: |diff| = {Math.Abs(result.DisLoss - disExpected)}");
        Assert.True(Math.Abs(result.GenLoss - genExpected) < Tolerance, $"gen/loss {result.GenLoss} vs {genExpected}: |diff| = {Math.Abs(result.GenLoss - genExpected)}");

        // And with D before its update the generator's loss would differ: the recomputation is observable.
        var dOld = replay.Dis;
        replay.ImportState(before, "before");
        var genWithOldD = MeanSoftplus(-dOld.forward(xFake));
        Assert.True(Math.Abs(genWithOldD - genExpected) > 1e-7, "D's update did not change D(x_fake); the test would not see a wrong order");
    }

    [Fact]
    public void The_noise_stream_is_the_updaters_own_and_a_restored_state_replays_it_whatever_the_global_generator_did()
    {
        // On CUDA the global generator's state is not what libtorch's get_rng_state saves, so the noise must come
        // from a generator the snapshot holds. Here the global one is reseeded between export and replay: a
        // step that drew from it would give other losses.
        var options = TestModels.Options("unused") with { BatchSize = 4 };
        var batch = new float[4 * ImageDataset.ImageFloats];
        new SerialIterator(TestModels.SmallShapes(), 4, 1).NextBatch(batch);
        using var updater = new TorchGanUpdater(TestModels.Narrow, options);
        var state = updater.ExportState();
        var first = updater.Step(batch, 4);

        random.manual_seed(987654321);
        using var replay = new TorchGanUpdater(TestModels.Narrow, options with { Seed = options.Seed + 7 });
        replay.ImportState(state, "state");
        random.manual_seed(123456789);
        var again = replay.Step(batch, 4);
        Assert.Equal((first.GenLoss, first.DisLoss), (again.GenLoss, again.DisLoss));

        // The noise is on: the same weights without it give other losses, so the equality above covers the stream.
        using var quiet = new TorchGanUpdater(TestModels.Narrow, options);
        quiet.ImportState(state, "state");
        quiet.Dis.NoiseEnabled = false;
        var noiseless = quiet.Step(batch, 4);
        Assert.NotEqual(first.DisLoss, noiseless.DisLoss);
    }

    [Fact]
    public void Two_hundred_steps_keep_the_live_tensor_count_and_memory_flat()
    {
        using var updater = new TorchGanUpdater(TestModels.Narrow, TestModels.Options("unused"));
        var it = new SerialIterator(TestModels.SmallShapes(), 4, 3);
        var batch = new float[4 * ImageDataset.ImageFloats];
        long live = 0, rssAfterWarmUp = 0;
        for (var i = 1; i <= 200; i++)
        {
            it.NextBatch(batch);
            updater.Step(batch, 4);
            if (i == 20)
            {
                // The first steps allocate the optimizer moments, gradients and libtorch's caches.
                live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                rssAfterWarmUp = Rss();
            }
            else if (i > 20)
            {
                Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        }

        // Each step touches ~1 MB of tensors; a leak of one step's tensors would add ~180 MB over 180 steps.
        var growth = Rss() - rssAfterWarmUp;
        Assert.True(growth < 32L << 20, $"RSS grew by {growth >> 20} MiB over 180 steps");
    }

    /// <summary>
    /// Resident memory after giving back what the allocators hold free: an aggressive (compacting, decommitting)
    /// collection and glibc's malloc_trim. Without that, allocator slack left by earlier tests in the process could
    /// show up as growth here.
    /// </summary>
    private static long Rss()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        _ = MallocTrim(0);
        var line = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    // DllImport rather than LibraryImport: a blittable argument needs no generated marshalling (nor unsafe code).
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static Dictionary<string, Tensor> CloneDis(TorchGanUpdater updater)
        => updater.Dis.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().MoveToOuterDisposeScope());

    // Written out from the definition log(1 + e^x), not with nn.functional.softplus.
    private static double MeanSoftplus(Tensor x) => log(exp(x) + 1).mean().ToDouble();
}
