using System.Diagnostics;
using DcGanTyped.Shapes;
using DcGanTyped.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>
/// Times each layer of a generated TorchSharp module by running its layers one by one, as its <c>forward</c> does:
/// named layers through the module's own submodules (<c>l0</c>, <c>bn0</c>, <c>noise2</c>), unnamed ones
/// (activations, reshape) as the tensor operation the generated code calls. Each layer's backward is timed on its
/// own one-operation graph (dL/dy = 1), so it includes the input gradient and the layer's parameter gradients.
/// </summary>
public static class TorchLayerProfiler
{
    /// <summary>
    /// Runs <paramref name="repetitions"/> layer-by-layer passes of <paramref name="module"/> (in its current
    /// training mode) on <paramref name="input"/> and returns each layer's median forward and backward times.
    /// Parameter gradients are cleared afterwards.
    /// </summary>
    public static LayerProfile Profile(TypedModule module, Tensor input, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var info = module.Info;
        var children = module.named_children().ToDictionary(c => c.name, c => c.module);
        var ops = info.Layers.Select(l => Operation(l, children)).ToArray();
        var forward = new double[ops.Length][];
        var backward = new double[ops.Length][];
        for (var i = 0; i < ops.Length; i++)
        {
            forward[i] = new double[repetitions];
            backward[i] = new double[repetitions];
        }

        // One untimed pass first: libtorch allocates and picks kernels on the first call of each shape.
        for (var r = -1; r < repetitions; r++)
        {
            using var scope = NewDisposeScope();
            var outputs = new Tensor[ops.Length];
            var h = input;
            for (var i = 0; i < ops.Length; i++)
            {
                var x = h.detach().requires_grad_(true);
                var start = Stopwatch.GetTimestamp();
                outputs[i] = ops[i](x);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (r >= 0)
                {
                    forward[i][r] = elapsed;
                }

                h = outputs[i];
            }

            var grads = outputs.Select(o => ones_like(o)).ToArray();
            for (var i = ops.Length - 1; i >= 0; i--)
            {
                var start = Stopwatch.GetTimestamp();
                outputs[i].backward([grads[i]]);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (r >= 0)
                {
                    backward[i][r] = elapsed;
                }
            }

            module.zero_grad();
        }

        var rows = info.Layers
            .Select((l, i) => new LayerTiming(l.Name, l.Kind.ToString(), l.OutputShape.ToString(), Statistics.Median(forward[i]), Statistics.Median(backward[i])))
            .ToList();
        return new LayerProfile(TrainingStepBench.Torch, info.Name, repetitions, rows);
    }

    private static Func<Tensor, Tensor> Operation(LayerInfo layer, Dictionary<string, nn.Module> children)
    {
        switch (layer.Kind)
        {
            case LayerKind.ReLU:
                return x => x.relu();
            case LayerKind.LeakyReLU:
                // The metadata does not carry the slope; the declarations use the default 0.2, and the cost of
                // leaky_relu does not depend on it.
                return x => x.leaky_relu(0.2);
            case LayerKind.Sigmoid:
                return x => x.sigmoid();
            case LayerKind.Reshape:
                return x => x.reshape(layer.OutputShape.WithBatch(x.shape[0]));
            case LayerKind.Flatten:
                return x => x.flatten(1);
            case LayerKind.Linear:
                var linear = Child(layer, children);
                return x => linear.forward(x.dim() > 2 ? x.flatten(1) : x);
            default:
                var child = Child(layer, children);
                return x => child.forward(x);
        }
    }

    private static nn.Module<Tensor, Tensor> Child(LayerInfo layer, Dictionary<string, nn.Module> children)
        => children.TryGetValue(layer.Name, out var m) && m is nn.Module<Tensor, Tensor> typed
            ? typed
            : throw new InvalidOperationException($"the module has no submodule '{layer.Name}' for its {layer.Kind} layer");
}
