using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>
/// The DCGAN step of <see cref="Updaters.TorchGanUpdater"/> written by hand on <see cref="HandGenerator"/> and
/// <see cref="HandDiscriminator"/>: the same losses, the same update order (y_fake recomputed after D's update), the
/// same Adam (alpha 2e-4, beta1 0.5, weight decay 1e-4) and z ~ U(-1, 1) from a generator seeded like the updater's.
/// It exists only to be timed against the updater: whatever the generated modules cost shows up as the difference.
/// </summary>
public sealed class HandWrittenGanStep : IDisposable
{
    private readonly torch.Generator zGenerator;
    private readonly optim.Optimizer optGen;
    private readonly optim.Optimizer optDis;
    private readonly long[] imageShape;
    private readonly int latentSize;

    /// <summary>
    /// Builds both networks on the CPU for <paramref name="ch"/> channels, with the global generator seeded by
    /// <paramref name="seed"/> first, as the updater does, so the initial weights are the generated modules' weights.
    /// </summary>
    public HandWrittenGanStep(int ch, int latentSize, int seed)
    {
        random.manual_seed(seed);
        Gen = new HandGenerator(ch, latentSize);
        Dis = new HandDiscriminator(ch);
        Gen.train();
        Dis.train();
        this.latentSize = latentSize;
        imageShape = [1, 3, 32, 32];
        zGenerator = new torch.Generator(unchecked((ulong)seed) + 1, CPU);

        // The fixed BatchNorm scales of D have no gradient; the optimiser only sees what is trained.
        optGen = optim.Adam(Gen.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4);
        optDis = optim.Adam(Dis.parameters().Where(p => p.requires_grad), lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4);
    }

    /// <summary>The generator.</summary>
    public HandGenerator Gen { get; }

    /// <summary>The discriminator.</summary>
    public HandDiscriminator Dis { get; }

    /// <summary>One step on <paramref name="batchSize"/> real images: update D, then update G. Returns (gen loss, dis loss).</summary>
    public (double GenLoss, double DisLoss) Step(ReadOnlySpan<float> xReal, int batchSize)
    {
        using var scope = NewDisposeScope();
        var shape = (long[])imageShape.Clone();
        shape[0] = batchSize;
        var real = empty(shape, ScalarType.Float32);
        real.data<float>().CopyFrom(xReal[..checked((int)real.numel())]);

        var yReal = Dis.forward(real);
        var z = (rand(new long[] { batchSize, latentSize }, generator: zGenerator) * 2) - 1;
        var xFake = Gen.forward(z);
        var yFake = Dis.forward(xFake.detach());

        // update D
        var lossDis = softplus(-yReal).mean() + softplus(yFake).mean();
        optDis.zero_grad();
        lossDis.backward();
        optDis.step();

        // update G, with y_fake recomputed by the updated D (libtorch cannot reuse the graph; see TorchGanUpdater)
        var yFakeForG = Dis.forward(xFake);
        var lossGen = softplus(-yFakeForG).mean();
        optGen.zero_grad();
        lossGen.backward();
        optGen.step();

        return (lossGen.ToSingle(), lossDis.ToSingle());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        optGen.Dispose();
        optDis.Dispose();
        zGenerator.Dispose();
        Gen.Dispose();
        Dis.Dispose();
    }
}
