using DcGanTyped.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DcGanTyped.Abstractions.Tests;

public sealed class MessageTextTests
{
    [Theory]
    [InlineData("plain text, unchanged", "plain text, unchanged")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("cr\r\ttab", "cr\\r\\ttab")]
    [InlineData("bell\u0007 esc\u001b[31m", "bell\\u0007 esc\\u001B[31m")]
    [InlineData("bidi \u202Eevil", "bidi \\u202Eevil")]
    [InlineData("line\u2028sep", "line\\u2028sep")]
    [InlineData("nul\0", "nul\\u0000")]
    public void OneLine_escapes_control_and_line_separating_characters(string input, string expected)
        => Assert.Equal(expected, MessageText.OneLine(input));

    [Fact]
    public void OneLine_keeps_messages_up_to_the_limit_and_cuts_longer_ones_with_an_ellipsis()
    {
        var exact = new string('a', MessageText.MaxMessageLength);
        Assert.Same(exact, MessageText.OneLine(exact));

        var cut = MessageText.OneLine(new string('b', 5_000_000));
        Assert.Equal(MessageText.MaxMessageLength, cut.Length);
        Assert.EndsWith("b…", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_bounds_a_name_and_never_splits_a_surrogate_pair()
    {
        Assert.Equal("'l0.weight'", MessageText.Quote("l0.weight"));
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 200));
        var quoted = MessageText.Quote(emoji);
        Assert.True(quoted.Length <= MessageText.MaxQuotedLength + 2, quoted);
        Assert.EndsWith("…'", quoted, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(quoted[^3]), "a high surrogate was left before the ellipsis");
    }

    [Property(MaxTest = 300)]
    public Property OneLine_is_one_bounded_line_that_keeps_printable_text(string? input)
    {
        var text = input ?? string.Empty;
        var result = MessageText.OneLine(text);
        var oneLine = !result.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');
        var bounded = result.Length <= MessageText.MaxMessageLength;
        var clean = text.Length <= MessageText.MaxMessageLength && !text.Any(c => char.IsControl(c)
            || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Format);
        return (oneLine && bounded && (!clean || result == text)).Label($"input {text.Length} chars -> {result.Length}: {result}");
    }
}
