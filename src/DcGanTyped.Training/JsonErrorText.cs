using System.Text.Json;

namespace DcGanTyped.Training;

/// <summary>
/// Where a JSON parse failed, for messages about files. System.Text.Json's own message quotes the offending token,
/// which in a damaged file can be kilobytes of binary; the position alone is what a user can act on.
/// </summary>
internal static class JsonErrorText
{
    /// <summary>"line L, byte B" (both 1-based), or "at an unknown position".</summary>
    public static string Position(JsonException e)
        => e.LineNumber is { } line ? $"line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "at an unknown position";
}
