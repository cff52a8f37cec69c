using System.Globalization;
using System.Reflection;
using System.Text;
using System.Runtime.InteropServices;
using NetworkInfo = DcGanTyped.Shapes.NetworkInfo;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.CodeAnalysis;
using static TorchSharp.torch;

namespace DcGanTyped.Generators.Tests;

/// <summary>
/// Random convolution stacks: the shapes the generator computes at compile time must be the shapes libtorch
/// produces at run time, and a stack libtorch rejects must be a DCGAN0103/0104 build error.
/// </summary>
public sealed class ShapePropertyTests
{
    /// <summary>One random layer: kind 0 = Conv2d, 1 = ConvTranspose2d, 2 = BatchNorm, 3 = LeakyReLU.</summary>
    public sealed record Layer(int Kind, int Out, int Kernel, int Stride, int Pad);

    /// <summary>A random network: input (C, H, W) and its layers.</summary>
    public sealed record Case(int C, int H, int W, Layer[] Layers)
    {
        public override string ToString()
            => $"input ({C}, {H}, {W}); " + string.Join("; ", Layers.Select(l => l.ToString()));
    }

    private static readonly Gen<Case> Cases =
        from c in Gen.Choose(1, 4)
        from h in Gen.Choose(1, 12)
        from w in Gen.Choose(1, 12)
        from layers in Gen.ListOf(
            from kind in Gen.Choose(0, 3)
            from o in Gen.Choose(1, 5)
            from k in Gen.Choose(1, 5)
            from s in Gen.Choose(1, 3)
            from p in Gen.Choose(0, 2)
            select new Layer(kind, o, k, s, p)).Where(l => l.Count is >= 1 and <= 4)
        select new Case(c, h, w, layers.ToArray());

    [Property(MaxTest = 25)]
    public Property Generated_shapes_match_libtorch()
        => Prop.ForAll(Arb.From(Cases), c =>
        {
            using var scope = NewDisposeScope();
            var (expected, rejectedAt) = TorchShapes(c);
            var source = Source(c, expected, rejectedAt);
            var (result, output) = GeneratorHarness.Run(source, GeneratorHarness.Runtimes.Torch);
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

            if (rejectedAt is { } index)
            {
                var id = c.Layers[index].Kind == 0 ? "DCGAN0103" : "DCGAN0104";
                var error = Assert.Single(errors);
                Assert.True(error.Id == id, $"{c}: libtorch rejects layer {index}, expected {id}, got {error}");
                return;
            }

            Assert.True(errors.Length == 0, $"{c}: {string.Join("; ", errors.Select(e => e.ToString()))}");
            var info = LoadInfo(output, c.ToString());
            var actual = info.Layers.Take(expected.Count).Select(l => l.OutputShape.ToString()).ToArray();
            Assert.True(
                expected.Select(s => Format(s)).SequenceEqual(actual),
                $"{c}: libtorch gives {string.Join(" ", expected.Select(s => Format(s)))}, the generator {string.Join(" ", actual)}");
        });

    /// <summary>Runs the layers on libtorch; returns each output shape (without N), or the index libtorch rejects.</summary>
    private static (List<int[]> Shapes, int? RejectedAt) TorchShapes(Case c)
    {
        var shapes = new List<int[]>();
        var x = zeros(1, c.C, c.H, c.W);
        for (var i = 0; i < c.Layers.Length; i++)
        {
            var l = c.Layers[i];
            var channels = (int)x.shape[1];
            try
            {
                x = l.Kind switch
                {
                    0 => nn.functional.conv2d(x, zeros(l.Out, channels, l.Kernel, l.Kernel), strides: [l.Stride, l.Stride], padding: [l.Pad, l.Pad]),
                    1 => nn.functional.conv_transpose2d(x, zeros(channels, l.Out, l.Kernel, l.Kernel), strides: [l.Stride, l.Stride], padding: [l.Pad, l.Pad]),
                    _ => x,
                };
            }
            catch (ExternalException)
            {
                return (shapes, i);
            }

            if (x.shape.Skip(1).Any(d => d <= 0))
            {
                return (shapes, i);
            }

            shapes.Add(x.shape.Skip(1).Select(d => (int)d).ToArray());
        }

        return (shapes, null);
    }

    private static string Source(Case c, List<int[]> shapes, int? rejectedAt)
    {
        var s = new StringBuilder("using DcGanTyped;\nnamespace Props;\n");
        s.Append(CultureInfo.InvariantCulture, $"[Network(Input = [{c.C}, {c.H}, {c.W}])]\n");
        var channels = c.C;
        for (var i = 0; i < c.Layers.Length; i++)
        {
            var l = c.Layers[i];
            s.Append(l.Kind switch
            {
                0 => $"[Conv2d(\"c{i}\", {channels}, {l.Out}, Kernel = {l.Kernel}, Stride = {l.Stride}, Pad = {l.Pad})]\n",
                1 => $"[ConvTranspose2d(\"d{i}\", {channels}, {l.Out}, Kernel = {l.Kernel}, Stride = {l.Stride}, Pad = {l.Pad})]\n",
                2 => $"[BatchNorm(\"bn{i}\")]\n",
                _ => "[LeakyReLU]\n",
            });
            if (l.Kind < 2)
            {
                channels = l.Out;
            }
        }

        if (rejectedAt is null)
        {
            s.Append(CultureInfo.InvariantCulture, $"[Linear(\"head\", {(shapes.Count > 0 ? shapes[^1] : [c.C, c.H, c.W]).Aggregate(1L, (a, d) => a * d)}, 2)]\n");
        }

        return s.Append("public sealed partial record Net;\n").ToString();
    }

    private static string Format(int[] shape) => "(" + string.Join(", ", shape) + ")";

    private static NetworkInfo LoadInfo(Compilation compilation, string label)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, label + ": " + string.Join("; ", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(stream.ToArray());
        return (NetworkInfo)assembly.GetType("Props.Net")!.GetProperty("Info")!.GetValue(null)!;
    }
}
