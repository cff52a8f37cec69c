using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using DcGanTyped.Checkpoints;

namespace DcGanTyped.Training.Interop.SafeTensors;

/// <summary>The tensors and metadata of a safetensors file.</summary>
/// <param name="Tensors">The float32 tensors, in data order.</param>
/// <param name="Metadata">The <c>__metadata__</c> strings (empty when absent).</param>
public sealed record SafeTensorsContent(IReadOnlyList<NamedArray> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors), which PyTorch loads with
/// <c>safetensors.torch.load_file</c>:
/// <code>
/// N        uint64 little-endian: length of the header
/// header   N bytes of UTF-8 JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
///          "__metadata__": {"key": "value"}}, padded with spaces so the data starts 8-byte aligned
/// data     the tensors' bytes, little-endian, row-major; offsets are relative to the start of data,
///          contiguous and non-overlapping
/// </code>
/// Only F32 tensors are written and read, which is all this project's networks hold.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>The longest header accepted, in bytes (the reference implementation's limit).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>Writes tensors in the order given, with optional metadata.</summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="tensors">The tensors; names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Free-form string metadata, e.g. <c>format = pt</c>.</param>
    /// <exception cref="ArgumentException">A name repeats, or a tensor's data does not match its shape.</exception>
    public static void Write(Stream stream, IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal) { "__metadata__" };
        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in tensors)
            {
                if (!names.Add(t.Name))
                {
                    throw new ArgumentException($"'{t.Name}' appears twice or is reserved", nameof(tensors));
                }

                if (t.Shape.Any(d => d < 0) || t.Elements != t.Data.Length)
                {
                    throw new ArgumentException($"'{t.Name}': shape ({string.Join(", ", t.Shape)}) does not describe {t.Data.Length} values", nameof(tensors));
                }

                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        // Pad with spaces so that 8 + N, the start of the data, is a multiple of 8.
        var padding = (int)((8 - (json.Length % 8)) % 8);
        json.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        stream.Write(length);
        json.Position = 0;
        json.CopyTo(stream);
        foreach (var t in tensors)
        {
            WriteFloats(stream, t.Data);
        }
    }

    /// <summary>Writes a file through a temporary name, so an interrupted export leaves no half-written file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensors">The tensors.</param>
    /// <param name="metadata">Optional metadata.</param>
    public static void WriteFile(string path, IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var temp = path + ".tmp";
        using (var f = File.Create(temp))
        {
            Write(f, tensors, metadata);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a safetensors file holding F32 tensors.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors (in data order) and metadata.</returns>
    /// <exception cref="InteropFormatException">The file breaks the format or holds another dtype.</exception>
    public static SafeTensorsContent ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads safetensors data holding F32 tensors, checking the header against the format's rules.</summary>
    /// <param name="stream">A seekable stream at the start of the file.</param>
    /// <param name="name">The file's name for error messages.</param>
    /// <returns>The tensors (in data order) and metadata.</returns>
    /// <exception cref="InteropFormatException">The file breaks the format or holds another dtype.</exception>
    public static SafeTensorsContent Read(Stream stream, string name)
    {
        var fileLength = stream.Length - stream.Position;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new InteropFormatException($"{name}: too short for a safetensors file");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength || (long)headerLength > fileLength - 8)
        {
            throw new InteropFormatException($"{name}: header length {headerLength} is larger than the file or the {MaxHeaderLength}-byte limit");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw new InteropFormatException($"{name}: the header does not start with '{{'");
        }

        var dataLength = fileLength - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(header, name, dataLength);
        var tensors = new List<NamedArray>(entries.Count);
        foreach (var (key, shape, begin, end) in entries)
        {
            var data = new float[(end - begin) / 4];
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }

            tensors.Add(new NamedArray(key, shape, data));
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    private static (List<(string Key, long[] Shape, long Begin, long End)> Entries, Dictionary<string, string> Metadata) ParseHeader(
        byte[] header, string name, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InteropFormatException($"{name}: the header is not valid JSON ({JsonErrorText.Position(e)})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InteropFormatException($"{name}: the header is not a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Key, long[] Shape, long Begin, long End)>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var key = property.Name;
                if (!seen.Add(key))
                {
                    throw new InteropFormatException($"{name}: '{key}' appears twice in the header");
                }

                if (key == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, name);
                    continue;
                }

                entries.Add(ReadEntry(property.Value, key, name));
            }

            // Offsets, in data order, must tile the data exactly: no gap, no overlap, nothing left over.
            // A stable sort keeps header order among empty tensors, which share an offset.
            entries = [.. entries.OrderBy(e => e.Begin).ThenBy(e => e.End)];
            long expected = 0;
            foreach (var (key, _, begin, end) in entries)
            {
                if (begin != expected)
                {
                    throw new InteropFormatException($"{name}: '{key}' starts at {begin}, expected {expected} (tensors must be contiguous and must not overlap)");
                }

                expected = end;
            }

            if (expected != dataLength)
            {
                throw new InteropFormatException($"{name}: the tensors cover {expected} bytes but the file holds {dataLength} bytes of data");
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string name)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InteropFormatException($"{name}: '__metadata__' is not an object");
        }

        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw new InteropFormatException($"{name}: metadata '{m.Name}' is not a string");
            }

            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static (string Key, long[] Shape, long Begin, long End) ReadEntry(JsonElement value, string key, string name)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
        {
            throw new InteropFormatException($"{name}: '{key}' needs 'dtype', 'shape' and 'data_offsets' [begin, end]");
        }

        if (dtype.GetString() != "F32")
        {
            throw new InteropFormatException($"{name}: '{key}' has dtype {dtype.GetString()}; only F32 is supported");
        }

        var shape = shapeJson.EnumerateArray().Select(d => NonNegative(d, key, "shape", name)).ToArray();
        var begin = NonNegative(offsets[0], key, "data_offsets", name);
        var end = NonNegative(offsets[1], key, "data_offsets", name);
        Int128 elements = 1;
        foreach (var d in shape)
        {
            elements = Int128.Min(elements * d, long.MaxValue);
        }

        if (end < begin || elements * 4 != end - begin)
        {
            throw new InteropFormatException(
                $"{name}: '{key}' of shape ({string.Join(", ", shape)}) needs {elements * 4} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }

        if (elements > Array.MaxLength)
        {
            throw new InteropFormatException($"{name}: '{key}' of shape ({string.Join(", ", shape)}) is too large");
        }

        return (key, shape, begin, end);
    }

    private static long NonNegative(JsonElement e, string key, string field, string name)
        => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0
            ? v
            : throw new InteropFormatException($"{name}: '{key}' has a '{field}' that is not a non-negative integer");

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }

        Span<byte> b = stackalloc byte[4];
        foreach (var v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            stream.Write(b);
        }
    }
}
