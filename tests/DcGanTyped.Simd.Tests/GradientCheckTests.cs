using static DcGanTyped.Simd.Tests.TestUtil;

namespace DcGanTyped.Simd.Tests;

/// <summary>
/// Finite-difference checks of every op's backward, independent of TorchSharp: for L = sum(y * r),
/// dL/dv ~ (L(v + h) - L(v - h)) / 2h for sampled input and parameter elements. L is evaluated in double from
/// the float outputs; with h = 1e-2 on O(1) values the central difference is accurate to ~1e-3 relative.
/// </summary>
public sealed class GradientCheckTests
{
    private const float H = 1e-2f;
    private const double Abs = 2e-3;
    private const double Rel = 1e-2;

    public static TheoryData<string> Ops =>
    [
        "linear", "conv2d", "conv2d-s2", "deconv", "deconv-s1", "bn1d", "bn2d", "bn2d-nogamma", "bn2d-eval",
        "relu", "leakyrelu", "sigmoid", "softplus", "reshape", "flatten", "noise",
    ];

    [Theory]
    [MemberData(nameof(Ops))]
    public void BackwardMatchesFiniteDifferences(string op)
    {
        var rng = new Random(op.GetHashCode(StringComparison.Ordinal) & 0xffff);
        var (layer, x, training) = op switch
        {
            "linear" => ((Layer)new Linear("l", 7, 5, true), Random(rng, 1, 3, 7), true),
            "conv2d" => (new Conv2d("c", 3, 4, 3, 1, 1, true), Random(rng, 1, 2, 3, 5, 5), true),
            "conv2d-s2" => (new Conv2d("c", 3, 5, 4, 2, 1, false), Random(rng, 1, 2, 3, 6, 7), true),
            "deconv" => (new ConvTranspose2d("d", 3, 4, 4, 2, 1, true), Random(rng, 1, 2, 3, 3, 3), true),
            "deconv-s1" => (new ConvTranspose2d("d", 4, 3, 3, 1, 1, false), Random(rng, 1, 2, 4, 3, 4), true),
            "bn1d" => (new BatchNorm("bn", 5, 2e-5, 0.9, true), Random(rng, 1, 4, 5), true),
            "bn2d" => (new BatchNorm("bn", 3, 2e-5, 0.9, true), Random(rng, 1, 2, 3, 3, 3), true),
            "bn2d-nogamma" => (new BatchNorm("bn", 3, 2e-5, 0.9, false), Random(rng, 1, 2, 3, 3, 3), true),
            "bn2d-eval" => (new BatchNorm("bn", 3, 2e-5, 0.9, true), Random(rng, 1, 2, 3, 3, 3), false),
            "relu" => (new ReLU("relu"), AwayFromZero(Random(rng, 1, 3, 11)), true),
            "leakyrelu" => (new LeakyReLU("lrelu", 0.2f), AwayFromZero(Random(rng, 1, 3, 11)), true),
            "sigmoid" => (new Sigmoid("sigmoid"), Random(rng, 2, 3, 11), true),
            "softplus" => (new Softplus("softplus"), Random(rng, 3, 3, 11), true),
            "reshape" => (new Reshape("reshape", [2, 3]), Random(rng, 1, 2, 6), true),
            "flatten" => (new Flatten("flatten"), Random(rng, 1, 2, 2, 3), true),
            "noise" => (new GaussianNoise("noise", 0.2f), Random(rng, 1, 2, 9), true),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

        foreach (var p in layer.Parameters)
        {
            Fill(rng, p.Value.Span, 0.5f);
        }

        if (layer is BatchNorm bn)
        {
            Fill(rng, bn.RunningMean.Span, 0.3f);
            bn.RunningVar.Span.Fill(0.7f);
        }

        var outputShape = layer.Forward(x, training).Shape.ToArray();
        var r = Random(rng, 1, outputShape);
        var dx = layer.Backward(r).Span.ToArray();
        var grads = layer.Parameters.Select(p => p.Grad.Span.ToArray()).ToArray();

        CheckNumerically(layer, x, r, training, x.Span, dx, $"{op} dL/dx", rng);
        foreach (var (p, i) in layer.Parameters.Select((p, i) => (p, i)))
        {
            CheckNumerically(layer, x, r, training, p.Value.Span, grads[i], $"{op} d{p.Name}", rng);
        }
    }

    private static Tensor AwayFromZero(Tensor t)
    {
        // Keep inputs at least 4h from the kink so the central difference never straddles it.
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] += MathF.CopySign(0.1f, s[i]);
        }

        return t;
    }

    private static void CheckNumerically(Layer layer, Tensor x, Tensor r, bool training, Span<float> values, float[] analytic, string what, Random rng)
    {
        var indices = Enumerable.Range(0, values.Length).OrderBy(_ => rng.Next()).Take(24).ToArray();
        var expected = new float[indices.Length];
        var actual = new float[indices.Length];
        for (var j = 0; j < indices.Length; j++)
        {
            var i = indices[j];
            var keep = values[i];
            values[i] = keep + H;
            var plus = Loss(layer, x, r, training);
            values[i] = keep - H;
            var minus = Loss(layer, x, r, training);
            values[i] = keep;
            expected[j] = (float)((plus - minus) / (2 * H));
            actual[j] = analytic[i];
        }

        AssertClose(expected, actual, Abs, Rel, what + $" (sampled indices {string.Join(",", indices)})");
    }

    private static double Loss(Layer layer, Tensor x, Tensor r, bool training)
    {
        // Evaluation-mode BatchNorm reads running statistics, which a training forward would move: restore them.
        var stats = layer is BatchNorm bn ? (bn.RunningMean.Span.ToArray(), bn.RunningVar.Span.ToArray()) : default;
        if (layer is GaussianNoise noise)
        {
            // The same noise for every evaluation: the gradient w.r.t. x is the identity either way.
            noise.Source.Reset(1);
        }

        var y = layer.Forward(x, training).Span;
        double sum = 0;
        for (var i = 0; i < y.Length; i++)
        {
            sum += (double)y[i] * r.Span[i];
        }

        if (layer is BatchNorm b2)
        {
            stats.Item1.CopyTo(b2.RunningMean.Span);
            stats.Item2.CopyTo(b2.RunningVar.Span);
        }

        return sum;
    }
}
