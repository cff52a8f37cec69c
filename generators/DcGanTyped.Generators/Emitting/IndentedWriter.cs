using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DcGanTyped.Generators.Emitting;

/// <summary>
/// The one writer every emitter uses: four-space indentation, <c>\n</c> line endings whatever the host,
/// and shape comments aligned in a column, so the output is byte-for-byte deterministic and readable.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder builder = new();
    private readonly List<(string Code, string Comment)> pending = [];
    private int depth;

    /// <summary>Writes one line at the current indentation (an empty line stays empty).</summary>
    public IndentedWriter Line(string text = "")
    {
        Flush();
        if (text.Length > 0)
        {
            builder.Append(' ', depth * 4).Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Queues a line with a trailing comment; consecutive queued lines align their comments.</summary>
    public IndentedWriter Commented(string code, string comment)
    {
        pending.Add((code, comment));
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public IndentedWriter Open()
    {
        Line("{");
        depth++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> (plus an optional suffix such as <c>;</c>).</summary>
    public IndentedWriter Close(string suffix = "")
    {
        Flush();
        depth--;
        return Line("}" + suffix);
    }

    /// <summary>Writes an XML doc summary, one line or several.</summary>
    public IndentedWriter Summary(params string[] lines)
    {
        if (lines.Length == 1)
        {
            return Line($"/// <summary>{lines[0]}</summary>");
        }

        Line("/// <summary>");
        foreach (var l in lines)
        {
            Line("/// " + l);
        }

        return Line("/// </summary>");
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        Flush();
        return builder.ToString();
    }

    private void Flush()
    {
        if (pending.Count == 0)
        {
            return;
        }

        var width = pending.Max(p => p.Code.Length);
        foreach (var (code, comment) in pending)
        {
            builder.Append(' ', depth * 4).Append(code).Append(' ', width - code.Length + 1).Append("// ").Append(comment).Append('\n');
        }

        pending.Clear();
    }
}
