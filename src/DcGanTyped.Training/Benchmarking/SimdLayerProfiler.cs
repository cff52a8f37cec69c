using System.Diagnostics;
using DcGanTyped.Simd;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>
/// Times every <see cref="Layer.Forward"/> and <see cref="Layer.Backward"/> of a SIMD network in training mode, in
/// the order the generated network runs them, so the rows add up to one forward and one backward of the network.
/// </summary>
public static class SimdLayerProfiler
{
    /// <summary>
    /// Runs <paramref name="repetitions"/> forward and backward passes of <paramref name="network"/> on
    /// <paramref name="input"/> (dL/dy = 1) and returns each layer's median times. Parameter gradients are cleared
    /// afterwards; BatchNorm running statistics and the noise source move on as in training.
    /// </summary>
    public static LayerProfile Profile(SimdNetwork network, Tensor input, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var layers = network.Layers;
        var forward = new double[layers.Count, repetitions];
        var backward = new double[layers.Count, repetitions];

        // dL/dy of ones, shaped like the network's output; made once, outside the timed calls.
        var output = network.Forward(input, training: true);
        var gradOutput = Tensor.Zeros(output.Shape);
        gradOutput.Span.Fill(1f);
        network.Backward(gradOutput);

        for (var r = 0; r < repetitions; r++)
        {
            var h = input;
            for (var i = 0; i < layers.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                h = layers[i].Forward(h, training: true);
                forward[i, r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            var g = gradOutput;
            for (var i = layers.Count - 1; i >= 0; i--)
            {
                var start = Stopwatch.GetTimestamp();
                g = layers[i].Backward(g);
                backward[i, r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        network.ZeroGrad();
        var info = network.Info.Layers;
        var rows = new List<LayerTiming>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var meta = info.FirstOrDefault(l => l.Name == layers[i].Name);
            rows.Add(new LayerTiming(
                layers[i].Name,
                meta?.Kind.ToString() ?? layers[i].GetType().Name,
                meta?.OutputShape.ToString() ?? string.Empty,
                Statistics.Median(Row(forward, i)),
                Statistics.Median(Row(backward, i))));
        }

        return new LayerProfile(TrainingStepBench.Simd, network.Info.Name, repetitions, rows);
    }

    private static double[] Row(double[,] values, int row)
        => [.. Enumerable.Range(0, values.GetLength(1)).Select(c => values[row, c])];
}
