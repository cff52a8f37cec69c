using DcGanTyped.Simd;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Updaters;
using Xunit;

namespace DcGanTyped.Training.Tests.Updaters;

/// <summary>
/// <c>--threads</c> sizes the SIMD engine's worker pool. In the serial collection: the thread count is process-wide.
/// </summary>
[Collection("torch")]
public sealed class SimdThreadsTests
{
    [Fact]
    public void Threads_sets_the_simd_engines_thread_count_and_the_default_is_the_cores_this_process_may_use()
    {
        var options = TestModels.Options("never-written", EngineKind.Simd);
        using (new SimdGanUpdater(TestModels.Narrow, options with { Threads = 2 }))
        {
            Assert.Equal(2, SimdEngine.Threads);
        }

        using (new SimdGanUpdater(TestModels.Narrow, options with { Threads = null }))
        {
            Assert.Equal(Environment.ProcessorCount, SimdEngine.Threads);
        }
    }

    [Fact]
    public void Training_steps_on_one_and_two_threads_give_the_same_losses_and_weights()
    {
        // Work is split along output rows and columns, never along a sum: the tolerance is 0.
        var (lossesOne, weightsOne) = TwoSteps(1);
        var (lossesTwo, weightsTwo) = TwoSteps(2);
        Assert.Equal(lossesOne, lossesTwo);
        Assert.True(weightsOne.AsSpan().SequenceEqual(weightsTwo), "the generator's weights differ between 1 and 2 threads");
        SimdEngine.Threads = Environment.ProcessorCount;
    }

    private static (GanStepResult[] Losses, byte[] Weights) TwoSteps(int threads)
    {
        var options = TestModels.Options("never-written", EngineKind.Simd) with { Threads = threads, BatchSize = 8 };
        using var updater = new SimdGanUpdater(TestModels.Narrow, options);
        Assert.Equal(threads, SimdEngine.Threads);
        var data = TestModels.SmallShapes(16);
        var batch = new float[8 * ImageDataset.ImageFloats];
        var iterator = new SerialIterator(data, 8, 1);
        var losses = new GanStepResult[2];
        for (var i = 0; i < losses.Length; i++)
        {
            iterator.NextBatch(batch);
            losses[i] = updater.Step(batch, 8);
        }

        return (losses, updater.SaveGeneratorWeights());
    }
}
