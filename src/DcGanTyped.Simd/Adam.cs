using System.Numerics;

namespace DcGanTyped.Simd;

/// <summary>
/// Adam as Chainer's example configures it: <c>alpha</c>, <c>beta1</c>, <c>beta2</c>, <c>eps</c>, plus the
/// WeightDecay hook, which adds <c>weightDecay * w</c> to the gradient before the moments are updated. Bias
/// correction and the placement of <c>eps</c> follow PyTorch, so the result equals TorchSharp's
/// <c>torch.optim.Adam(lr: alpha, beta1, beta2, eps, weight_decay)</c>.
/// </summary>
public sealed class Adam
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] m;
    private readonly Tensor[] v;

    /// <summary>Creates the optimiser with zero moments.</summary>
    public Adam(IReadOnlyList<Parameter> ps, float alpha = 2e-4f, float beta1 = 0.5f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-4f)
    {
        ArgumentNullException.ThrowIfNull(ps);
        parameters = [.. ps];
        m = [.. parameters.Select(p => new Tensor(p.Value.Shape))];
        v = [.. parameters.Select(p => new Tensor(p.Value.Shape))];
        Alpha = alpha;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>Learning rate.</summary>
    public float Alpha { get; set; }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public float Eps { get; }

    /// <summary>L2 weight decay added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Number of steps taken (saved with the moments).</summary>
    public int T { get; set; }

    /// <summary>The moments, for snapshots: <c>{i}.m</c> and <c>{i}.v</c> for parameter <c>i</c>.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateDict()
        => [.. Enumerable.Range(0, parameters.Length).SelectMany(i => new[] { ($"{i}.m", m[i]), ($"{i}.v", v[i]) })];

    /// <summary>Restores moments saved by <see cref="StateDict"/> (copied into the optimiser's own tensors).</summary>
    public void LoadStateDict(IReadOnlyList<(string Name, Tensor Value)> state, int t)
    {
        ArgumentNullException.ThrowIfNull(state);
        var mine = StateDict().ToDictionary(e => e.Name, e => e.Value);
        if (state.Count != mine.Count)
        {
            throw new ArgumentException($"Expected {mine.Count} moment tensors, got {state.Count}.", nameof(state));
        }

        foreach (var (name, value) in state)
        {
            if (!mine.TryGetValue(name, out var target))
            {
                throw new ArgumentException($"Unknown optimiser state '{name}'.", nameof(state));
            }

            target.CopyFrom(value.Span);
        }

        T = t;
    }

    /// <summary>Applies one update from the accumulated gradients (gradients are left unchanged).</summary>
    public void Step()
    {
        T++;
        var bc1 = 1.0 - Math.Pow(Beta1, T);
        var bc2 = 1.0 - Math.Pow(Beta2, T);
        var stepSize = (float)(Alpha / bc1);
        var invSqrtBc2 = (float)(1.0 / Math.Sqrt(bc2));
        for (var i = 0; i < parameters.Length; i++)
        {
            Update(parameters[i].Value.Span, parameters[i].Grad.Span, m[i].Span, v[i].Span, stepSize, invSqrtBc2);
        }
    }

    private void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> m1, Span<float> m2, float stepSize, float invSqrtBc2)
    {
        float b1 = Beta1, b2 = Beta2, wd = WeightDecay, eps = Eps;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var n = Vector<float>.Count;
            for (; i <= w.Length - n; i += n)
            {
                var wi = new Vector<float>(w[i..]);
                var gi = new Vector<float>(g[i..]) + (wi * wd);
                var mi = (new Vector<float>(m1[i..]) * b1) + (gi * (1 - b1));
                var vi = (new Vector<float>(m2[i..]) * b2) + (gi * gi * (1 - b2));
                mi.CopyTo(m1[i..]);
                vi.CopyTo(m2[i..]);
                var denom = (Vector.SquareRoot(vi) * invSqrtBc2) + new Vector<float>(eps);
                (wi - (mi / denom * stepSize)).CopyTo(w[i..]);
            }
        }

        for (; i < w.Length; i++)
        {
            var gi = g[i] + (wd * w[i]);
            m1[i] = (b1 * m1[i]) + ((1 - b1) * gi);
            m2[i] = (b2 * m2[i]) + ((1 - b2) * gi * gi);
            w[i] -= stepSize * m1[i] / ((MathF.Sqrt(m2[i]) * invSqrtBc2) + eps);
        }
    }
}
