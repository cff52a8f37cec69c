using System.Collections.Generic;
using System.Linq;
using DcGanTyped.Generators.Model;
using DcGanTyped.Shapes;
using Microsoft.CodeAnalysis.CSharp;

namespace DcGanTyped.Generators.Parsing;

/// <summary>
/// The one place that walks a network's layers and computes every shape (with <see cref="ShapeMath"/>),
/// parameter count and FLOP count. Emitters only print what this produces.
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Member names of the generated modules a layer field must not hide.</summary>
    private static readonly HashSet<string> Reserved =
    [
        "Info", "InitStd", "TorchModule", "SimdModule", "CreateTorch", "CreateSimd", "forward", "Forward", "Backward",
        "CheckInput", "NoiseEnabled", "Noise", "Layers", "CopyFrom", "CopyTo", "InitializeWeights", "training", "Find",
        "Add", "Parameters", "NamedParameters", "StateDict", "ZeroGrad", "RegisterComponents", "Dispose", "GetType",
        "ToString", "Equals", "GetHashCode", "train", "eval", "to", "cpu", "cuda", "call", "apply", "parameters",
        "named_parameters", "buffers", "named_buffers", "children", "named_children", "modules", "named_modules",
        "state_dict", "load_state_dict", "zero_grad", "register_module", "register_buffer", "register_parameter",
    ];

    /// <summary>Checks <paramref name="layers"/> against <paramref name="input"/>; null layers when any error was found.</summary>
    public static (LayerModel[]? Layers, List<DiagnosticInfo> Diagnostics) Check(
        string network, int[] input, IReadOnlyList<LayerDeclaration> layers)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var models = new List<LayerModel>();
        var names = new HashSet<string>();
        var shape = input;
        var failed = false;

        for (var index = 0; index < layers.Count; index++)
        {
            var d = layers[index];
            var name = d.Name ?? DerivedName(d.AttributeName, index);
            if (d.Name is not null && NameProblem(d.Name) is { } problem)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidName, d.Location, d.Name, network, problem));
                failed = true;
            }
            else if (!names.Add(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidName, d.Location, name, network, "is used by another layer"));
                failed = true;
            }

            var output = Step(network, name, d, shape, diagnostics, ref failed, out var model);
            if (output is null)
            {
                // The shape after this layer is unknown, so later layers cannot be checked meaningfully.
                return (null, diagnostics);
            }

            if (model is not null)
            {
                models.Add(model);
            }

            shape = output;
        }

        return (failed ? null : models.ToArray(), diagnostics);
    }

    /// <summary>Name given to a layer declared without one: kind in lower case and its index.</summary>
    public static string DerivedName(string attributeName, int index)
        => (attributeName == "GaussianNoise" ? "noise" : attributeName.ToLowerInvariant()) + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? NameProblem(string name)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || name.StartsWith("@", System.StringComparison.Ordinal))
        {
            return "is not a valid C# identifier";
        }

        if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            return "is a C# keyword";
        }

        return Reserved.Contains(name) ? "is reserved for a member of the generated module" : null;
    }

    /// <summary>Applies one layer: returns its output shape, or null when it cannot be computed.</summary>
    private static int[]? Step(
        string network, string name, LayerDeclaration d, int[] input, List<DiagnosticInfo> diagnostics, ref bool failed, out LayerModel? model)
    {
        model = null;
        var elements = ShapeMath.Elements(input);
        var inShape = input.ToEquatableArray();
        LayerModel Make(LayerKind kind, int[] output, long parameters, long flops)
            => new(name, kind, inShape, output.ToEquatableArray(), d.In, d.Out, d.Kernel, d.Stride, d.Pad, d.Bias, d.Eps, d.Decay, d.Gamma, d.Value, parameters, flops);

        DiagnosticInfo Invalid(string reason)
            => DiagnosticInfo.Create(Diagnostics.InvalidArgument, d.Location, $"{d.AttributeName} '{name}'", network, reason);

        switch (d.AttributeName)
        {
            case "Linear":
            {
                if (d.In <= 0 || d.Out <= 0)
                {
                    diagnostics.Add(Invalid($"input and output features must be positive, got {d.In} and {d.Out}"));
                    return null;
                }

                if (d.In != elements)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LinearMismatch, d.Location, name, d.In, ShapeMath.Format(input), elements));
                    failed = true;
                }

                model = Make(LayerKind.Linear, [d.Out], CostModel.LinearParameters(d.In, d.Out, d.Bias), CostModel.LinearFlops(d.In, d.Out, d.Bias));
                return model.OutputShape.ToArray();
            }

            case "Conv2d":
            case "ConvTranspose2d":
            {
                var transposed = d.AttributeName == "ConvTranspose2d";
                if (d.In <= 0 || d.Out <= 0 || d.Kernel <= 0 || d.Stride <= 0 || d.Pad < 0)
                {
                    diagnostics.Add(Invalid(
                        $"channels, Kernel and Stride must be positive and Pad not negative, got in {d.In}, out {d.Out}, Kernel {d.Kernel}, Stride {d.Stride}, Pad {d.Pad}"));
                    return null;
                }

                if (input.Length != 3)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.WrongRank, d.Location, d.AttributeName, name, $"({d.In}, H, W)", ShapeMath.Format(input)));
                    return null;
                }

                if (input[0] != d.In)
                {
                    var expected = ShapeMath.Format([d.In, input[1], input[2]]);
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ChannelMismatch, d.Location, d.AttributeName, name, d.In, expected, ShapeMath.Format(input)));
                    failed = true;
                }

                int h, w;
                if (transposed)
                {
                    h = ShapeMath.ConvTransposeOutput(input[1], d.Kernel, d.Stride, d.Pad);
                    w = ShapeMath.ConvTransposeOutput(input[2], d.Kernel, d.Stride, d.Pad);
                }
                else
                {
                    h = ShapeMath.ConvOutput(input[1], d.Kernel, d.Stride, d.Pad);
                    w = ShapeMath.ConvOutput(input[2], d.Kernel, d.Stride, d.Pad);
                }

                int[] output = [d.Out, h, w];
                if (h <= 0 || w <= 0)
                {
                    var descriptor = transposed ? Diagnostics.ConvTransposeOutputEmpty : Diagnostics.ConvOutputEmpty;
                    diagnostics.Add(DiagnosticInfo.Create(descriptor, d.Location, name, d.Kernel, d.Stride, d.Pad, ShapeMath.Format(input), ShapeMath.Format(output)));
                    return null;
                }

                if (!transposed
                    && (ShapeMath.ConvDropsInput(input[1], d.Kernel, d.Stride, d.Pad) || ShapeMath.ConvDropsInput(input[2], d.Kernel, d.Stride, d.Pad)))
                {
                    var unused = System.Math.Max(
                        (input[1] + (2 * d.Pad) - d.Kernel) % d.Stride,
                        (input[2] + (2 * d.Pad) - d.Kernel) % d.Stride);
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.ConvDropsInput, d.Location, name, d.Kernel, d.Stride, d.Pad, ShapeMath.Format(input), ShapeMath.Format(output), unused));
                }

                var outElements = ShapeMath.Elements(output);
                var parameters = CostModel.ConvParameters(d.In, d.Out, d.Kernel, d.Bias);
                var flops = transposed
                    ? CostModel.ConvTransposeFlops(elements, d.Out, d.Kernel, outElements, d.Bias)
                    : CostModel.ConvFlops(d.In, d.Kernel, outElements, d.Bias);
                model = Make(transposed ? LayerKind.ConvTranspose2d : LayerKind.Conv2d, output, parameters, flops);
                return output;
            }

            case "BatchNorm":
            {
                if (d.Eps <= 0 || d.Decay < 0 || d.Decay >= 1)
                {
                    diagnostics.Add(Invalid($"Eps must be positive and Decay in [0, 1), got Eps {d.Eps.ToString(System.Globalization.CultureInfo.InvariantCulture)}, Decay {d.Decay.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
                    return null;
                }

                if (input.Length != 1 && input.Length != 3)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.WrongRank, d.Location, d.AttributeName, name, "(F) or (C, H, W)", ShapeMath.Format(input)));
                    return null;
                }

                var features = input[0];
                model = Make(input.Length == 1 ? LayerKind.BatchNorm1d : LayerKind.BatchNorm2d, input, CostModel.BatchNormParameters(features, d.Gamma), CostModel.BatchNormFlops(elements)) with { In = features };
                return input;
            }

            case "Reshape":
            {
                var target = d.Shape.ToArray();
                if (target.Length == 0 || target.Any(x => x <= 0))
                {
                    diagnostics.Add(Invalid($"the target shape {ShapeMath.Format(target)} must have positive dimensions"));
                    return null;
                }

                if (ShapeMath.Elements(target) != elements)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        Diagnostics.ReshapeMismatch, d.Location, name, ShapeMath.Format(target), ShapeMath.Elements(target), ShapeMath.Format(input), elements));
                    failed = true;
                }

                model = Make(LayerKind.Reshape, target, 0, 0);
                return target;
            }

            case "Flatten":
                model = Make(LayerKind.Flatten, [(int)elements], 0, 0);
                return model.OutputShape.ToArray();

            case "ReLU":
                model = Make(LayerKind.ReLU, input, 0, CostModel.ReLUFlops(elements));
                return input;

            case "LeakyReLU":
                model = Make(LayerKind.LeakyReLU, input, 0, CostModel.LeakyReLUFlops(elements));
                return input;

            case "Sigmoid":
                model = Make(LayerKind.Sigmoid, input, 0, CostModel.SigmoidFlops(elements));
                return input;

            case "GaussianNoise":
                if (d.Value < 0)
                {
                    diagnostics.Add(Invalid($"Sigma must not be negative, got {d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
                    failed = true;
                }

                model = Make(LayerKind.GaussianNoise, input, 0, CostModel.GaussianNoiseFlops(elements));
                return input;

            default:
                // A LayerAttribute subclass this generator does not know (declared by a user): say so.
                diagnostics.Add(Invalid($"'{d.AttributeName}' is not a layer this generator supports"));
                return null;
        }
    }
}
