using System.Globalization;
using System.Runtime.CompilerServices;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training.Reliability;

/// <summary>What the trainer does when a loss, gradient or weight stops being a finite number.</summary>
public enum NanPolicy
{
    /// <summary>Stop with a message naming the iteration and the network (the default).</summary>
    Stop,

    /// <summary>Restore the last snapshot, re-seed z and the noise, and go on (at most <c>--max-rollbacks</c> times).</summary>
    Rollback,
}

/// <summary>
/// Checks every step for numbers that are not finite: both losses, then every gradient and every weight of the
/// discriminator and the generator. A non-finite gradient always shows up here in the same iteration, because Adam
/// turns it into non-finite weights (m and v absorb it; NaN or Inf/Inf lands in the update). Throws
/// <see cref="NonFiniteLossException"/> naming the iteration, the network and the first bad tensor.
/// </summary>
public sealed class NonFiniteWatchdog
{
    private readonly IGanUpdater updater;
    private readonly NanInjection? injection;

    /// <summary>Watches <paramref name="updater"/>; <paramref name="injection"/> is the test hook (null in real runs).</summary>
    public NonFiniteWatchdog(IGanUpdater updater, NanInjection? injection = null)
    {
        this.updater = updater ?? throw new ArgumentNullException(nameof(updater));
        this.injection = injection;
    }

    /// <summary>Checks the step that produced <paramref name="step"/> as iteration <paramref name="iteration"/>.</summary>
    /// <exception cref="NonFiniteLossException">A loss, gradient or weight is NaN or infinite.</exception>
    public void Check(long iteration, GanStepResult step)
    {
        if (!double.IsFinite(step.DisLoss))
        {
            throw new NonFiniteLossException(iteration, "discriminator", "dis/loss", step.DisLoss);
        }

        if (!double.IsFinite(step.GenLoss))
        {
            throw new NonFiniteLossException(iteration, "generator", "gen/loss", step.GenLoss);
        }

        var poison = injection?.Take(iteration);
        var bad = updater.EngineName == "torch" ? TorchCheck(updater, poison) : SimdCheck(updater, poison);
        if (bad is { } b)
        {
            throw new NonFiniteLossException(iteration, b.Network, b.What, b.Value);
        }
    }

    /// <summary>
    /// Draws new seeds for z and the Gaussian noise of both networks, so a run rolled back to a snapshot does not
    /// replay the exact steps that diverged.
    /// </summary>
    public static void Reseed(IGanUpdater updater, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(updater);
        if (updater.EngineName == "torch")
        {
            TorchReseed(updater, seed);
        }
        else
        {
            SimdReseed(updater, seed);
        }
    }

    // One never-inlined method per engine: checking the SIMD engine must not load TorchSharp.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (string Network, string What, double Value)? TorchCheck(IGanUpdater updater, string? poison)
    {
        var torch = (TorchGanUpdater)updater;
        return TorchFirstBad("dis", "discriminator", torch.Dis, poison) ?? TorchFirstBad("gen", "generator", torch.Gen, poison);
    }

    private static (string Network, string What, double Value)? TorchFirstBad(string prefix, string network, TorchSharp.torch.nn.Module module, string? poison)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        var named = module.named_parameters().ToList();
        if (poison == prefix && named.Count > 0 && named[0].parameter.grad is { } g0)
        {
            g0.fill_(double.NaN);
        }

        // One reduction over all tensors first (a single device sync); the search for the culprit runs only on failure.
        var flags = new List<TorchSharp.torch.Tensor>();
        foreach (var (_, p) in named)
        {
            flags.Add(p.isfinite().all());
            if (p.grad is { } g)
            {
                flags.Add(g.isfinite().all());
            }
        }

        if (flags.Count == 0 || TorchSharp.torch.stack(flags).all().item<bool>())
        {
            return null;
        }

        foreach (var (name, p) in named)
        {
            if (p.grad is { } g && !g.isfinite().all().item<bool>())
            {
                return (network, $"the gradient of {prefix}/{name}", FirstNonFinite(g));
            }

            if (!p.isfinite().all().item<bool>())
            {
                return (network, $"the weight {prefix}/{name}", FirstNonFinite(p));
            }
        }

        return null;
    }

    private static double FirstNonFinite(TorchSharp.torch.Tensor t)
    {
        var bad = t.flatten().masked_select(t.flatten().isfinite().logical_not());
        return bad.numel() > 0 ? bad[0].to_type(TorchSharp.torch.ScalarType.Float64).item<double>() : double.NaN;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (string Network, string What, double Value)? SimdCheck(IGanUpdater updater, string? poison)
    {
        var simd = (SimdGanUpdater)updater;
        return SimdFirstBad("dis", "discriminator", simd.Dis, poison) ?? SimdFirstBad("gen", "generator", simd.Gen, poison);
    }

    private static (string Network, string What, double Value)? SimdFirstBad(string prefix, string network, DcGanTyped.Simd.SimdNetwork net, string? poison)
    {
        var named = net.NamedParameters();
        if (poison == prefix && named.Count > 0)
        {
            named[0].P.Grad.Span.Fill(float.NaN);
        }

        foreach (var (name, p) in named)
        {
            if (FirstNonFinite(p.Grad.Span) is float g)
            {
                return (network, $"the gradient of {prefix}/{name}", g);
            }

            if (FirstNonFinite(p.Value.Span) is float w)
            {
                return (network, $"the weight {prefix}/{name}", w);
            }
        }

        return null;
    }

    private static float? FirstNonFinite(ReadOnlySpan<float> values)
    {
        // MaxMagnitude returns NaN if any value is NaN and +Inf if any is infinite: one vectorised pass when all is well.
        if (values.IsEmpty || float.IsFinite(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values)))
        {
            return null;
        }

        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return v;
            }
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TorchReseed(IGanUpdater updater, ulong seed)
    {
        var torch = (TorchGanUpdater)updater;
        torch.ZGenerator.manual_seed(unchecked((long)seed));
        TorchSharp.torch.random.manual_seed(unchecked((long)(seed ^ 0x6E6F697365UL)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SimdReseed(IGanUpdater updater, ulong seed)
    {
        var simd = (SimdGanUpdater)updater;
        simd.ZRandom.SetState(new Xoshiro256(seed).GetState());
        simd.Gen.Noise.Reset(seed ^ 0x6E6F697365UL);
        simd.Dis.Noise.Reset(seed ^ 0x6469736E6FUL);
    }
}

/// <summary>
/// The test hook <c>DCGANTYPED_TEST_INJECT_NAN=ITER[:gen|dis][:always]</c>: after the step that makes iteration ITER,
/// the first gradient of the named network (default <c>dis</c>) is filled with NaN, as a step whose backward pass
/// overflowed would leave it. Once per process, or every time ITER is reached with <c>:always</c> (to exhaust
/// <c>--max-rollbacks</c>).
/// </summary>
public sealed class NanInjection
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "DCGANTYPED_TEST_INJECT_NAN";

    private readonly long iteration;
    private readonly string network;
    private readonly bool always;
    private bool done;

    private NanInjection(long iteration, string network, bool always)
    {
        this.iteration = iteration;
        this.network = network;
        this.always = always;
    }

    /// <summary>The hook configured by the environment, or null.</summary>
    public static NanInjection? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Parses the variable's value; null when empty or malformed.</summary>
    public static NanInjection? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parts = value.Split(':');
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var it))
        {
            return null;
        }

        var net = parts.Length > 1 && parts[1] is "gen" or "dis" ? parts[1] : "dis";
        return new NanInjection(it, net, parts.Contains("always"));
    }

    /// <summary>The network prefix to poison at <paramref name="current"/>, or null.</summary>
    public string? Take(long current)
    {
        if (current != iteration || (done && !always))
        {
            return null;
        }

        done = true;
        return network;
    }
}
