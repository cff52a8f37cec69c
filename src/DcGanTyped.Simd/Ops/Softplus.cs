// Shape contract: elementwise; y and dx have x's shape. softplus(x) = log(1 + e^x), computed as
// max(x, 0) + log1p(e^-|x|) so it neither overflows for large x nor loses precision for very negative x.
// The GAN losses of Chainer's example are means of softplus over the discriminator's (N, 1) outputs.
namespace DcGanTyped.Simd;

/// <summary>Softplus activation.</summary>
public sealed class Softplus(string name) : Layer(name)
{
    private readonly Tensor output = Tensor.Empty();
    private readonly Tensor gradInput = Tensor.Empty();
    private Tensor? input;

    /// <summary>Numerically stable softplus of one value.</summary>
    public static float Value(float x) => MathF.Max(x, 0f) + Log1pExp(-MathF.Abs(x));

    /// <summary>Its derivative, the logistic sigmoid, computed without overflow.</summary>
    public static float Derivative(float x)
    {
        if (x >= 0)
        {
            return 1f / (1f + MathF.Exp(-x));
        }

        var e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        input = x;
        var xs = x.Span;
        var y = output.ResizeLike(x).Span;
        for (var i = 0; i < xs.Length; i++)
        {
            y[i] = Value(xs[i]);
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        var x = input ?? throw new InvalidOperationException($"Softplus '{Name}': Backward before Forward.");
        var xs = x.Span;
        var dy = gradOutput.Span;
        var dx = gradInput.ResizeLike(x).Span;
        for (var i = 0; i < xs.Length; i++)
        {
            dx[i] = dy[i] * Derivative(xs[i]);
        }

        return gradInput;
    }

    // log(1 + e^t) for t <= 0: e^t <= 1, so log1p keeps full precision when e^t is tiny.
    private static float Log1pExp(float t) => (float)Math.Log(1.0 + Math.Exp(t)) is var r && t > -20f ? r : MathF.Exp(t);
}

/// <summary>The mean-softplus losses of Chainer's DCGAN updater, with their gradients.</summary>
public static class GanLoss
{
    /// <summary>
    /// mean(softplus(sign * y)) over all elements of <paramref name="y"/>; writes d(loss)/dy into
    /// <paramref name="grad"/> (resized to y's shape). Chainer's discriminator loss is
    /// <c>MeanSoftplus(yReal, -1) + MeanSoftplus(yFake, +1)</c> and the generator's <c>MeanSoftplus(yFake, -1)</c>
    /// (its example divides the sum by the batch size; y is (N, 1), so that is the mean).
    /// </summary>
    /// <param name="y">Discriminator output.</param>
    /// <param name="sign">+1 or -1.</param>
    /// <param name="grad">Receives the gradient; its buffer is reused.</param>
    public static float MeanSoftplus(Tensor y, float sign, Tensor grad)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(grad);
        var ys = y.Span;
        var g = grad.ResizeLike(y).Span;
        double sum = 0;
        var inv = 1f / ys.Length;
        for (var i = 0; i < ys.Length; i++)
        {
            var z = sign * ys[i];
            sum += Softplus.Value(z);
            g[i] = sign * Softplus.Derivative(z) * inv;
        }

        return (float)(sum / ys.Length);
    }
}
