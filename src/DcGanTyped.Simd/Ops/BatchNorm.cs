// Shape contract: x (N, C) (1-d, statistics per feature) or (N, C, H, W) (2-d, statistics per channel over N*H*W);
// y has x's shape; weight (gamma, C, optional), bias (beta, C), buffers running_mean and running_var (C).
// Training: batch mean and biased variance normalise; the running values move by (1 - decay) towards the batch
// mean and the UNBIASED variance (m / (m - 1)), as Chainer and PyTorch do. Evaluation: running statistics.
using System.Numerics.Tensors;

namespace DcGanTyped.Simd;

/// <summary>Batch normalisation as Chainer's <c>L.BatchNormalization</c>, with or without a learnable scale.</summary>
public sealed class BatchNorm : Layer
{
    private readonly Parameter[] parameters;
    private readonly (string Name, Tensor Value)[] buffers;
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private readonly Tensor normalized = Tensor.Empty();
    private readonly float[] invStd;
    private readonly float[] scratchA;
    private readonly float[] scratchB;
    private bool trainingStats;

    /// <summary>Creates the layer: scale one, shift zero, running statistics (0, 1).</summary>
    /// <param name="name">Field name.</param>
    /// <param name="features">Features (1-d) or channels (2-d).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="decay">Running-average decay (Chainer's 0.9 is PyTorch's momentum 0.1).</param>
    /// <param name="gamma">Whether a learnable scale exists.</param>
    public BatchNorm(string name, int features, double eps, double decay, bool gamma)
        : base(name)
    {
        Features = features;
        Eps = eps;
        Decay = decay;
        Weight = gamma ? new Parameter("weight", features) : null;
        Bias = new Parameter("bias", features);
        RunningMean = new Tensor(features);
        RunningVar = new Tensor(features);
        parameters = Weight is null ? [Bias] : [Weight, Bias];
        buffers = [("running_mean", RunningMean), ("running_var", RunningVar)];
        invStd = new float[features];
        scratchA = new float[features];
        scratchB = new float[features];
        ResetParameters();
    }

    /// <summary>Features or channels.</summary>
    public int Features { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Running-average decay.</summary>
    public double Decay { get; }

    /// <summary>Scale (gamma), or null without one.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift (beta).</summary>
    public Parameter Bias { get; }

    /// <summary>Running mean.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running unbiased variance.</summary>
    public Tensor RunningVar { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Tensor Value)> Buffers => buffers;

    /// <summary>Scale one, shift zero, running statistics (0, 1).</summary>
    public void ResetParameters()
    {
        Weight?.Value.Span.Fill(1f);
        Bias.Value.Span.Clear();
        RunningMean.Span.Clear();
        RunningVar.Span.Fill(1f);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if ((x.Rank != 2 && x.Rank != 4) || x.Dim(1) != Features)
        {
            throw new ArgumentException($"BatchNorm '{Name}' expects (N, {Features}) or (N, {Features}, H, W) but receives {x}.", nameof(x));
        }

        var (n, s) = (x.Dim(0), x.Rank == 4 ? x.Dim(2) * x.Dim(3) : 1);
        output.ResizeLike(x);
        normalized.ResizeLike(x);
        trainingStats = training;
        var mean = scratchA.AsSpan();
        var variance = scratchB.AsSpan();
        var xs = x.Span;
        var xhat = normalized.Span;
        if (training)
        {
            // Two passes: the mean, then the centred values (kept in xhat) and their squares: no cancellation.
            Mean(xs, n, s, mean);
            CenterAndSquares(xs, n, s, mean, xhat, variance);
            var m = (double)n * s;
            var unbias = m / Math.Max(m - 1, 1);
            for (var c = 0; c < Features; c++)
            {
                var biased = variance[c] / m;
                invStd[c] = (float)(1.0 / Math.Sqrt(biased + Eps));
                RunningMean.Span[c] = (float)((Decay * RunningMean.Span[c]) + ((1 - Decay) * mean[c]));
                RunningVar.Span[c] = (float)((Decay * RunningVar.Span[c]) + ((1 - Decay) * biased * unbias));
            }
        }
        else
        {
            CenterAndSquares(xs, n, s, RunningMean.Span, xhat, variance);
            for (var c = 0; c < Features; c++)
            {
                invStd[c] = (float)(1.0 / Math.Sqrt(RunningVar.Span[c] + Eps));
            }
        }

        // xhat *= invStd; y = gamma * xhat + beta
        var y = output.Span;
        var gamma = Weight is null ? default : Weight.Value.Span;
        var beta = Bias.Value.Span;
        if (s == 1)
        {
            for (var i = 0; i < n; i++)
            {
                var row = xhat.Slice(i * Features, Features);
                TensorPrimitives.Multiply(row, invStd, row);
                if (gamma.IsEmpty)
                {
                    TensorPrimitives.Add(row, beta, y.Slice(i * Features, Features));
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(row, gamma, beta, y.Slice(i * Features, Features));
                }
            }

            return output;
        }

        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < Features; c++)
            {
                var at = ((i * Features) + c) * s;
                var seg = xhat.Slice(at, s);
                TensorPrimitives.Multiply(seg, invStd[c], seg);
                var ys = y.Slice(at, s);
                TensorPrimitives.Multiply(seg, gamma.IsEmpty ? 1f : gamma[c], ys);
                TensorPrimitives.Add(ys, beta[c], ys);
            }
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        var shape = normalized.Shape;
        var (n, s) = (shape[0], shape.Length == 4 ? shape[2] * shape[3] : 1);
        var dy = gradOutput.Span;
        var xhat = normalized.Span;

        // Per channel: sum(dy) and sum(dy * xhat) give dbeta and dgamma, and the batch-statistics correction.
        var sumDy = scratchA.AsSpan();
        var sumDyXhat = scratchB.AsSpan();
        sumDy.Clear();
        sumDyXhat.Clear();
        for (var i = 0; i < n; i++)
        {
            if (s == 1)
            {
                var row = dy.Slice(i * Features, Features);
                TensorPrimitives.Add(sumDy, row, sumDy);
                TensorPrimitives.MultiplyAdd(row, xhat.Slice(i * Features, Features), sumDyXhat, sumDyXhat);
                continue;
            }

            for (var c = 0; c < Features; c++)
            {
                var at = ((i * Features) + c) * s;
                sumDy[c] += TensorPrimitives.Sum(dy.Slice(at, s));
                sumDyXhat[c] += TensorPrimitives.Dot(dy.Slice(at, s), xhat.Slice(at, s));
            }
        }

        TensorPrimitives.Add(Bias.Grad.Span, sumDy, Bias.Grad.Span);
        if (Weight is not null)
        {
            TensorPrimitives.Add(Weight.Grad.Span, sumDyXhat, Weight.Grad.Span);
        }

        // Training: dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)); evaluation: dx = gamma * invStd * dy.
        gradInput.ResizeLike(gradOutput);
        var dx = gradInput.Span;
        var m = (float)n * s;
        TensorPrimitives.Multiply(sumDy, -1f / m, sumDy);
        TensorPrimitives.Multiply(sumDyXhat, -1f / m, sumDyXhat);
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < (s == 1 ? 1 : Features); c++)
            {
                var (at, len) = s == 1 ? (i * Features, Features) : (((i * Features) + c) * s, s);
                var seg = dx.Slice(at, len);
                if (s == 1)
                {
                    if (trainingStats)
                    {
                        TensorPrimitives.MultiplyAdd(xhat.Slice(at, len), sumDyXhat, sumDy, seg);
                        TensorPrimitives.Add(seg, dy.Slice(at, len), seg);
                        TensorPrimitives.Multiply(seg, invStd, seg);
                    }
                    else
                    {
                        TensorPrimitives.Multiply(dy.Slice(at, len), invStd, seg);
                    }

                    if (Weight is not null)
                    {
                        TensorPrimitives.Multiply(seg, Weight.Value.Span, seg);
                    }

                    continue;
                }

                var k = (Weight is null ? 1f : Weight.Value.Span[c]) * invStd[c];
                if (trainingStats)
                {
                    TensorPrimitives.Multiply(xhat.Slice(at, len), sumDyXhat[c], seg);
                    TensorPrimitives.Add(seg, sumDy[c], seg);
                    TensorPrimitives.Add(seg, dy.Slice(at, len), seg);
                    TensorPrimitives.Multiply(seg, k, seg);
                }
                else
                {
                    TensorPrimitives.Multiply(dy.Slice(at, len), k, seg);
                }
            }
        }

        return gradInput;
    }

    // Per-channel mean, with double accumulation across segments.
    private void Mean(ReadOnlySpan<float> x, int n, int s, Span<float> mean)
    {
        var m = (double)n * s;
        if (s == 1)
        {
            mean.Clear();
            for (var i = 0; i < n; i++)
            {
                TensorPrimitives.Add(mean, x.Slice(i * Features, Features), mean);
            }

            TensorPrimitives.Multiply(mean, (float)(1.0 / m), mean);
            return;
        }

        for (var c = 0; c < Features; c++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += TensorPrimitives.Sum(x.Slice(((i * Features) + c) * s, s));
            }

            mean[c] = (float)(sum / m);
        }
    }

    // xhat = x - mean; sumSquares[c] = sum of xhat^2 over channel c.
    private void CenterAndSquares(ReadOnlySpan<float> x, int n, int s, ReadOnlySpan<float> mean, Span<float> xhat, Span<float> sumSquares)
    {
        sumSquares.Clear();
        for (var i = 0; i < n; i++)
        {
            if (s == 1)
            {
                var row = xhat.Slice(i * Features, Features);
                TensorPrimitives.Subtract(x.Slice(i * Features, Features), mean, row);
                TensorPrimitives.MultiplyAdd(row, row, sumSquares, sumSquares);
                continue;
            }

            for (var c = 0; c < Features; c++)
            {
                var at = ((i * Features) + c) * s;
                var seg = xhat.Slice(at, s);
                TensorPrimitives.Subtract(x.Slice(at, s), mean[c], seg);
                sumSquares[c] += TensorPrimitives.SumOfSquares(seg);
            }
        }
    }
}
