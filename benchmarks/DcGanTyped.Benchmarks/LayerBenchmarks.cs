using BenchmarkDotNet.Attributes;
using DcGanTyped.Simd;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace DcGanTyped.Benchmarks;

/// <summary>
/// Each GEMM-bound seed layer at batch 50, forward and forward+backward, on the SIMD engine and on TorchSharp
/// (functional ops with autograd for the backward rows).
/// </summary>
public class LayerBenchmarks
{
    private const int Batch = 50;
    private Layer simd = null!;
    private Simd.Tensor x = null!;
    private Simd.Tensor gradY = null!;
    private torch.Tensor tx = null!;
    private torch.Tensor tw = null!;
    private torch.Tensor tb = null!;
    private torch.Tensor tGradY = null!;
    private Func<torch.Tensor, torch.Tensor> torchOp = null!;

    /// <summary>Seed layer: generator deconvolutions dc1..dc4 and l0, discriminator convolutions and l4.</summary>
    [Params("G.l0", "G.dc1", "G.dc2", "G.dc3", "G.dc4", "D.c0_0", "D.c0_1", "D.c1_0", "D.c1_1", "D.c2_0", "D.c2_1", "D.c3_0", "D.l4")]
    public string Layer { get; set; } = "G.dc1";

    /// <summary>Builds the layer, its input and an output gradient on both engines.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        (simd, var inShape) = Layer switch
        {
            "G.l0" => ((Layer)new Linear("l0", 100, 8192, true), new[] { Batch, 100 }),
            "G.dc1" => (new ConvTranspose2d("dc1", 512, 256, 4, 2, 1, true), new[] { Batch, 512, 4, 4 }),
            "G.dc2" => (new ConvTranspose2d("dc2", 256, 128, 4, 2, 1, true), new[] { Batch, 256, 8, 8 }),
            "G.dc3" => (new ConvTranspose2d("dc3", 128, 64, 4, 2, 1, true), new[] { Batch, 128, 16, 16 }),
            "G.dc4" => (new ConvTranspose2d("dc4", 64, 3, 3, 1, 1, true), new[] { Batch, 64, 32, 32 }),
            "D.c0_0" => (new Conv2d("c0_0", 3, 64, 3, 1, 1, true), new[] { Batch, 3, 32, 32 }),
            "D.c0_1" => (new Conv2d("c0_1", 64, 128, 4, 2, 1, true), new[] { Batch, 64, 32, 32 }),
            "D.c1_0" => (new Conv2d("c1_0", 128, 128, 3, 1, 1, true), new[] { Batch, 128, 16, 16 }),
            "D.c1_1" => (new Conv2d("c1_1", 128, 256, 4, 2, 1, true), new[] { Batch, 128, 16, 16 }),
            "D.c2_0" => (new Conv2d("c2_0", 256, 256, 3, 1, 1, true), new[] { Batch, 256, 8, 8 }),
            "D.c2_1" => (new Conv2d("c2_1", 256, 512, 4, 2, 1, true), new[] { Batch, 256, 8, 8 }),
            "D.c3_0" => (new Conv2d("c3_0", 512, 512, 3, 1, 1, true), new[] { Batch, 512, 4, 4 }),
            _ => (new Linear("l4", 8192, 1, true), new[] { Batch, 512, 4, 4 }),
        };

        foreach (var p in simd.Parameters)
        {
            Fill(rng, p.Value.Span, 0.02f);
        }

        x = Simd.Tensor.Zeros(inShape);
        Fill(rng, x.Span, 1f);
        var y = simd.Forward(x, true);
        gradY = Simd.Tensor.Zeros(y.Shape);
        Fill(rng, gradY.Span, 1f);

        tx = Torch(x).requires_grad_(true);
        tw = Torch(simd.Parameters[0].Value).requires_grad_(true);
        tb = Torch(simd.Parameters[1].Value).requires_grad_(true);
        tGradY = Torch(gradY);
        torchOp = simd switch
        {
            ConvTranspose2d d => t => F.conv_transpose2d(t, tw, tb, strides: [d.Stride, d.Stride], padding: [d.Pad, d.Pad]),
            Conv2d c => t => F.conv2d(t, tw, tb, strides: [c.Stride, c.Stride], padding: [c.Pad, c.Pad]),
            _ => t => F.linear(t.flatten(1), tw, tb),
        };
    }

    /// <summary>TorchSharp forward without autograd.</summary>
    [Benchmark(Baseline = true)]
    public void TorchForward()
    {
        using var noGrad = torch.no_grad();
        using var y = torchOp(tx);
    }

    /// <summary>SIMD forward.</summary>
    [Benchmark]
    public void SimdForward() => simd.Forward(x, true);

    /// <summary>TorchSharp forward and backward (input, weight and bias gradients).</summary>
    [Benchmark]
    public void TorchForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        var y = torchOp(tx);
        y.backward([tGradY]);
        tx.grad?.zero_();
        tw.grad?.zero_();
        tb.grad?.zero_();
    }

    /// <summary>SIMD forward and backward.</summary>
    [Benchmark]
    public void SimdForwardBackward()
    {
        simd.Forward(x, true);
        simd.Backward(gradY);
    }

    private static torch.Tensor Torch(Simd.Tensor t) => torch.tensor(t.Span.ToArray(), [.. t.Shape.Select(d => (long)d)]);

    private static void Fill(Random rng, Span<float> values, float scale)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((float)rng.NextDouble() - 0.5f) * 2 * scale;
        }
    }
}
