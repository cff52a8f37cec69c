using DcGanTyped.Training.Benchmarking;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Updaters;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace DcGanTyped.Training.Tests.Benchmarking;

/// <summary>
/// The hand-written TorchSharp baseline of <c>bench</c> is a fair comparison only if it is the same computation as
/// the updater on the generated modules: same initial weights from the same seed, same losses, same Adam.
/// </summary>
[Collection("torch")]
public sealed class HandWrittenBaselineTests
{
    // Both sides run the same libtorch kernels in the same order; the tolerance only allows for a BatchNorm with a
    // fixed scale of 1 (hand-written) versus none (generated).
    private const double Tolerance = 1e-6;
    private const int Batch = 4;

    [Fact]
    public void Same_seed_gives_the_generated_modules_initial_weights()
    {
        var options = TestModels.Options("unused") with { Seed = 3 };
        using var generated = new TorchGanUpdater(TestModels.Narrow, options);
        using var hand = new HandWrittenGanStep(TrainingStepBench.Channels("narrow"), 100, seed: 3);

        AssertSameState(generated.Gen, hand.Gen);
        AssertSameState(generated.Dis, hand.Dis);
    }

    [Fact]
    public void Hand_written_step_computes_the_updaters_losses_for_the_same_weights_and_inputs_with_noise_off()
    {
        var options = TestModels.Options("unused") with { Seed = 5 };
        using var generated = new TorchGanUpdater(TestModels.Narrow, options);
        generated.Dis.NoiseEnabled = false;

        // The generated weights are copied in, so the comparison does not rest on the initialisation matching
        // (the test above checks that separately); the seed only sets the baseline's z generator like the updater's.
        using var hand = new HandWrittenGanStep(TrainingStepBench.Channels("narrow"), 100, seed: 5);
        hand.Dis.NoiseEnabled = false;
        HandWrittenInit.CopyState(generated.Gen, hand.Gen);
        HandWrittenInit.CopyState(generated.Dis, hand.Dis);

        var iterator = new SerialIterator(TestModels.SmallShapes(), Batch, 1);
        var batch = new float[Batch * ImageDataset.ImageFloats];

        // Three steps: the first compares the losses of the same weights; the later ones also compare Adam with
        // weight decay, since they see the weights both optimisers produced.
        for (var step = 0; step < 3; step++)
        {
            iterator.NextBatch(batch);
            var expected = generated.Step(batch, Batch);
            var actual = hand.Step(batch, Batch);
            Assert.True(
                Math.Abs(expected.DisLoss - actual.DisLoss) <= Tolerance,
                $"step {step}: dis/loss generated {expected.DisLoss} vs hand-written {actual.DisLoss}: |diff| = {Math.Abs(expected.DisLoss - actual.DisLoss)}");
            Assert.True(
                Math.Abs(expected.GenLoss - actual.GenLoss) <= Tolerance,
                $"step {step}: gen/loss generated {expected.GenLoss} vs hand-written {actual.GenLoss}: |diff| = {Math.Abs(expected.GenLoss - actual.GenLoss)}");
        }

        // With the baseline's noise switched on the losses part: the comparison above can fail.
        iterator.NextBatch(batch);
        hand.Dis.NoiseEnabled = true;
        var reference = generated.Step(batch, Batch);
        var noisy = hand.Step(batch, Batch);
        Assert.True(Math.Abs(reference.DisLoss - noisy.DisLoss) > Tolerance, $"noise did not change dis/loss ({reference.DisLoss})");
    }

    [Fact]
    public void Copying_refuses_a_network_of_another_width()
    {
        using var narrow = new HandWrittenGanStep(TrainingStepBench.Channels("narrow"), 100, seed: 0);
        using var wider = new HandGenerator(128, 100);

        var e = Assert.Throws<InvalidOperationException>(() => HandWrittenInit.CopyState(narrow.Gen, wider));
        Assert.Contains("l0.weight", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Every entry of the generated module equals the hand-written one of the same name; extra hand-written entries are fixed BatchNorm scales (all 1) or counters.</summary>
    private static void AssertSameState(nn.Module generated, nn.Module hand)
    {
        var theirs = hand.state_dict();
        foreach (var (name, t) in generated.state_dict())
        {
            Assert.True(theirs.TryGetValue(name, out var h), $"the hand-written network has no '{name}'");
            Assert.Equal(t.shape, h!.shape);
            var diff = (t - h).abs().max().ToSingle();
            Assert.True(diff == 0, $"'{name}' differs by up to {diff}");
        }

        foreach (var (name, t) in theirs.Where(kv => !generated.state_dict().ContainsKey(kv.Key)))
        {
            var fixedScale = name.EndsWith(".weight", StringComparison.Ordinal) && (t - 1).abs().max().ToSingle() == 0;
            Assert.True(fixedScale || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal), $"unexpected hand-written entry '{name}'");
        }
    }
}
