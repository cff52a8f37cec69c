using TorchSharp;
using static DcGanTyped.Simd.Tests.TestUtil;

namespace DcGanTyped.Simd.Tests;

/// <summary>Adam with Chainer's weight decay against TorchSharp's Adam configured the same way.</summary>
public sealed class AdamTests
{
    [Fact]
    public void TenStepsOnTheSameGradientsGiveTorchSharpsWeights()
    {
        using var scope = torch.NewDisposeScope();
        var rng = new Random(21);
        var ps = new[] { new Parameter("weight", 7, 5), new Parameter("bias", 37) };
        foreach (var p in ps)
        {
            Fill(rng, p.Value.Span, 1);
        }

        var theirs = ps.Select(p => torch.nn.Parameter(ToTorch(p.Value))).ToArray();
        var adam = new Adam(ps, alpha: 2e-3f, beta1: 0.5f, beta2: 0.999f, eps: 1e-8f, weightDecay: 1e-4f);
        var torchAdam = torch.optim.Adam(theirs, lr: 2e-3, beta1: 0.5, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4);
        for (var step = 0; step < 10; step++)
        {
            for (var i = 0; i < ps.Length; i++)
            {
                // Steps of very different gradient sizes, including tiny ones where eps matters.
                Fill(rng, ps[i].Grad.Span, step % 3 == 2 ? 1e-6f : 1f);
                theirs[i].grad = ToTorch(ps[i].Grad);
            }

            adam.Step();
            torchAdam.step();
        }

        Assert.Equal(10, adam.T);
        for (var i = 0; i < ps.Length; i++)
        {
            AssertClose(ToArray(theirs[i]), ps[i].Value.Span, 1e-6, 1e-5, $"parameter {i} after 10 steps");
        }
    }

    [Fact]
    public void StateRoundTripsThroughStateDict()
    {
        var rng = new Random(2);
        var p = new Parameter("weight", 4, 3);
        Fill(rng, p.Value.Span, 1);
        Fill(rng, p.Grad.Span, 1);
        var a = new Adam([p]);
        a.Step();
        a.Step();
        var copy = new Parameter("weight", 4, 3);
        p.Value.Span.CopyTo(copy.Value.Span);
        p.Grad.Span.CopyTo(copy.Grad.Span);
        var b = new Adam([copy]);
        b.LoadStateDict(a.StateDict(), a.T);
        a.Step();
        b.Step();
        AssertClose(p.Value.Span, copy.Value.Span, 0, 0, "after restoring the state");
    }
}
