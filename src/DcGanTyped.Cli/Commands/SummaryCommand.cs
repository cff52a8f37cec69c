using System.CommandLine;
using System.Globalization;
using DcGanTyped.Shapes;
using DcGanTyped.Training;

namespace DcGanTyped.Cli.Commands;

/// <summary>
/// <c>summary</c>: a per-layer table of each network of a model pair. Everything comes from the static metadata the
/// source generator computed at compile time, so the command never creates a module and never loads libtorch.
/// </summary>
public static class SummaryCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model("seed");
        var command = new Command("summary", "Print each network's layers, output shapes, parameters and MFLOPs per sample.") { model };
        command.SetAction(parse =>
        {
            var pair = BuiltInModels.Get(parse.GetValue(model)!);
            Console.Write(Format(pair.Generator, pair.Name));
            Console.WriteLine();
            Console.Write(Format(pair.Discriminator, pair.Name));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The table for one network: a heading line, one row per layer and a total row.</summary>
    /// <param name="info">The network's static metadata.</param>
    /// <param name="model">The model pair's name, shown in the heading.</param>
    public static string Format(NetworkInfo info, string model)
    {
        ArgumentNullException.ThrowIfNull(info);
        var c = CultureInfo.InvariantCulture;
        string[] header = ["layer", "kind", "output shape", "parameters", "MFLOPs"];
        var rows = info.Layers
            .Select(l => new[] { l.Name, l.Kind.ToString(), l.OutputShape.ToString(), l.Parameters.ToString("N0", c), MFlops(l.Flops) })
            .ToList();
        string[] total = ["total", string.Empty, info.OutputShape.ToString(), info.Parameters.ToString("N0", c), MFlops(info.Flops)];

        var widths = Enumerable.Range(0, header.Length)
            .Select(i => rows.Append(header).Append(total).Max(r => r[i].Length))
            .ToArray();
        var rightAligned = new[] { false, false, false, true, true };
        string Line(string[] cells) => string.Join(
            "  ",
            cells.Select((s, i) => rightAligned[i] ? s.PadLeft(widths[i]) : s.PadRight(widths[i]))).TrimEnd();

        var w = new StringWriter(c);
        w.WriteLine($"{info.Name} ({model}): input {info.InputShape} -> output {info.OutputShape}");
        w.WriteLine(Line(header));
        w.WriteLine(Line(widths.Select(n => new string('-', n)).ToArray()));
        foreach (var r in rows)
        {
            w.WriteLine(Line(r));
        }

        w.WriteLine(Line(widths.Select(n => new string('-', n)).ToArray()));
        w.WriteLine(Line(total));
        return w.ToString();

        string MFlops(long flops) => (flops / 1e6).ToString("N2", c);
    }
}
