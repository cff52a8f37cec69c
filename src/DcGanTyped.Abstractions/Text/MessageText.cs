using System.Globalization;
using System.Text;

namespace DcGanTyped.Text;

/// <summary>
/// Error messages that quote what a file holds (tensor names, keys, header text) must stay one readable line: a
/// damaged file can put line breaks, terminal escape sequences or megabytes into a name. These helpers escape
/// control characters and bound the length.
/// </summary>
public static class MessageText
{
    /// <summary>The most characters a message keeps; longer ones end in "…".</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>The most characters of one quoted name; longer ones end in "…".</summary>
    public const int MaxQuotedLength = 120;

    /// <summary>
    /// <paramref name="message"/> with every control or line-separating character escaped (<c>\n</c>, <c>\r</c>,
    /// <c>\t</c>, otherwise <c>\u00XX</c>) and at most <see cref="MaxMessageLength"/> characters.
    /// </summary>
    public static string OneLine(string? message) => Escape(message ?? string.Empty, MaxMessageLength);

    /// <summary>
    /// <paramref name="name"/> in single quotes, escaped as <see cref="OneLine"/> does and at most
    /// <see cref="MaxQuotedLength"/> characters inside the quotes.
    /// </summary>
    public static string Quote(string? name) => "'" + Escape(name ?? string.Empty, MaxQuotedLength) + "'";

    private static string Escape(string text, int max)
    {
        if (text.Length <= max && !text.Any(NeedsEscape))
        {
            return text;
        }

        // Escaped up to one character past the limit, which is enough to know whether to cut.
        var b = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (var c in text)
        {
            if (b.Length > max)
            {
                break;
            }

            _ = c switch
            {
                '\n' => b.Append("\\n"),
                '\r' => b.Append("\\r"),
                '\t' => b.Append("\\t"),
                _ when NeedsEscape(c) => b.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => b.Append(c),
            };
        }

        if (b.Length <= max)
        {
            return b.ToString();
        }

        // Never split a surrogate pair.
        var keep = char.IsHighSurrogate(b[max - 2]) ? max - 2 : max - 1;
        return b.ToString(0, keep) + "…";
    }

    private static bool NeedsEscape(char c)
        => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}
