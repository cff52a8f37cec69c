using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DcGanTyped.Training.Interop;

/// <summary>A float32 array read from a <c>.npy</c> file, in C (row-major) order.</summary>
/// <param name="Key">The array's name (the <c>.npz</c> key, or the file name).</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="Data">The values, converted to float32 when the file holds float64.</param>
public sealed record NpyArray(string Key, int[] Shape, float[] Data)
{
    /// <summary>The shape as NumPy prints it: <c>(64, 100)</c>, <c>(3,)</c>, <c>()</c>.</summary>
    public string ShapeText => Npy.FormatShape(Shape);
}

/// <summary>The parsed header of a <c>.npy</c> file.</summary>
/// <param name="Version">Format version (1, 2 or 3; the minor version is always 0).</param>
/// <param name="Descr">NumPy's dtype string, e.g. <c>&lt;f4</c>.</param>
/// <param name="FortranOrder">Whether the data is stored column-major.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="DataOffset">Where the data starts, in bytes from the start of the file.</param>
public sealed record NpyHeader(int Version, string Descr, bool FortranOrder, long[] Shape, long DataOffset)
{
    /// <summary>The shape as NumPy prints it.</summary>
    public string ShapeText => Npy.FormatShape(Shape);
}

/// <summary>
/// A strict, safe reader of NumPy's <c>.npy</c> format (versions 1.0, 2.0 and 3.0). The header, a Python dict
/// literal, is parsed by a small grammar that knows strings, booleans, integers and tuples, never evaluated. Only
/// little-endian float32 (<c>&lt;f4</c>) and float64 (<c>&lt;f8</c>) arrays in C order are read; object arrays (pickled
/// Python objects), structured and big-endian dtypes, Fortran order, and data whose size disagrees with the header
/// are refused with an <see cref="InteropFormatException"/> naming the key. Memory for the data is allocated only
/// after the header's size has been checked against the number of bytes actually available.
/// </summary>
public static class Npy
{
    /// <summary>The longest header accepted, in bytes. NumPy itself refuses headers over 10,000 bytes by default.</summary>
    public const int MaxHeaderLength = 65536;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a float32 or float64 array from a <c>.npy</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The array, named after the file without its extension.</returns>
    public static NpyArray ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path), stream.Length);
    }

    /// <summary>Reads a float32 or float64 array.</summary>
    /// <param name="stream">Positioned at the start of the <c>.npy</c> data; read forwards only.</param>
    /// <param name="key">The array's name, used in error messages.</param>
    /// <param name="length">The number of bytes the stream holds for this array (header and data).</param>
    /// <returns>The array.</returns>
    /// <exception cref="InteropFormatException">The file is malformed, unsafe, or not a little-endian float array.</exception>
    public static NpyArray Read(Stream stream, string key, long length)
    {
        var header = ReadHeader(stream, key, length);
        var itemSize = header.Descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InteropFormatException(DescribeRefusedDescr(key, header.Descr)),
        };
        if (header.FortranOrder)
        {
            throw new InteropFormatException(
                $"'{key}': Fortran-order (column-major) arrays are not supported; save it in C order (numpy.ascontiguousarray)");
        }

        var available = length - header.DataOffset;
        var elements = CountElements(key, header, available, itemSize);
        var shape = new int[header.Shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            // Only a zero-sized array can get here with a huge dimension; it still has to fit an int.
            if (header.Shape[i] > Array.MaxLength)
            {
                throw new InteropFormatException($"'{key}': dimension {i} of shape {header.ShapeText} is too large");
            }

            shape[i] = (int)header.Shape[i];
        }

        // Only now, with the size proven by the bytes that exist, is memory allocated.
        var data = new float[elements];
        if (itemSize == 4)
        {
            ReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan()), key);
            if (!BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }
        else
        {
            ReadFloat64(stream, data, key);
        }

        // A stream that yields more than its declared length (a lying zip entry) is as wrong as a short one.
        if (HasMoreData(stream, key))
        {
            throw new InteropFormatException($"'{key}': more data than the declared {length} bytes");
        }

        return new NpyArray(key, shape, data);
    }

    /// <summary>Reads and checks the magic string, version and header dict, leaving the stream at the data.</summary>
    /// <param name="stream">Positioned at the start of the <c>.npy</c> data.</param>
    /// <param name="key">The array's name, used in error messages.</param>
    /// <param name="length">The number of bytes the stream holds for this array (header and data).</param>
    /// <returns>The header. Its dtype is not restricted here; <see cref="Read"/> does that.</returns>
    /// <exception cref="InteropFormatException">The header is malformed.</exception>
    public static NpyHeader ReadHeader(Stream stream, string key, long length)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (length < 10)
        {
            throw new InteropFormatException($"'{key}': not a .npy array (only {length} bytes)");
        }

        ReadExactly(stream, prefix[..8], key);
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new InteropFormatException($"'{key}': not a .npy array (bad magic string)");
        }

        int version = prefix[6];
        if (version is < 1 or > 3 || prefix[7] != 0)
        {
            throw new InteropFormatException($"'{key}': unsupported .npy format version {prefix[6]}.{prefix[7]}");
        }

        long headerLength;
        int lengthField;
        if (version == 1)
        {
            ReadExactly(stream, prefix[8..10], key);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
            lengthField = 2;
        }
        else
        {
            ReadExactly(stream, prefix[8..12], key);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            lengthField = 4;
        }

        var dataOffset = 8 + lengthField + headerLength;
        if (headerLength > MaxHeaderLength)
        {
            throw new InteropFormatException($"'{key}': header of {headerLength} bytes is longer than the {MaxHeaderLength} accepted");
        }

        if (dataOffset > length)
        {
            throw new InteropFormatException($"'{key}': header of {headerLength} bytes runs past the end of the entry ({length} bytes)");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, key);

        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        var text = version == 3 ? DecodeUtf8(headerBytes, key) : Encoding.Latin1.GetString(headerBytes);
        var (descr, fortran, shape) = new HeaderParser(text, key).Parse();
        return new NpyHeader(version, descr, fortran, shape, dataOffset);
    }

    /// <summary>Formats a shape as NumPy prints a tuple: <c>(2, 3)</c>, <c>(3,)</c>, <c>()</c>.</summary>
    /// <typeparam name="T">int or long.</typeparam>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The text.</returns>
    public static string FormatShape<T>(IReadOnlyList<T> shape)
        => shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>Whether a dtype string is a plain little-endian (or byte-sized) number: bool, integer or float.</summary>
    /// <param name="descr">NumPy's dtype string.</param>
    /// <returns>True for e.g. <c>&lt;i8</c>, <c>|u1</c>, <c>&lt;f4</c>; false for objects, strings, structures, big-endian.</returns>
    public static bool IsPlainNumber(string descr)
        => descr.Length >= 3
           && (descr[0] == '<' || (descr[0] == '|' && descr[2..] == "1"))
           && descr[1] is 'b' or 'i' or 'u' or 'f'
           && descr[2..] is "1" or "2" or "4" or "8";

    private static string DescribeRefusedDescr(string key, string descr)
    {
        var kind = descr.TrimStart('<', '>', '|', '=');
        if (kind.StartsWith('O'))
        {
            return $"'{key}': object dtype '{descr}' holds pickled Python objects and is refused; only little-endian float32 ('<f4') and float64 ('<f8') arrays are read";
        }

        if (descr.StartsWith('>'))
        {
            return $"'{key}': big-endian dtype '{descr}' is refused; only little-endian float32 ('<f4') and float64 ('<f8') arrays are read";
        }

        return $"'{key}': dtype '{descr}' is not supported; only little-endian float32 ('<f4') and float64 ('<f8') arrays are read";
    }

    private static long CountElements(string key, NpyHeader header, long available, int itemSize)
    {
        // Int128 cannot overflow for up to 32 dimensions once the product saturates at 2^64.
        Int128 elements = 1;
        foreach (var d in header.Shape)
        {
            elements = Int128.Min(elements * d, ulong.MaxValue);
        }

        var needed = elements * itemSize;
        if (needed != available)
        {
            var what = elements >= ulong.MaxValue ? "more than 2^64" : needed.ToString(CultureInfo.InvariantCulture);
            throw new InteropFormatException(
                $"'{key}': shape {header.ShapeText} of '{header.Descr}' needs {what} bytes of data but the entry holds {available}");
        }

        if (elements > Array.MaxLength)
        {
            throw new InteropFormatException($"'{key}': shape {header.ShapeText} has too many elements");
        }

        return (long)elements;
    }

    private static void ReadFloat64(Stream stream, float[] data, string key)
    {
        // Chunked, so a float64 file needs no second full-size buffer.
        var chunk = new double[Math.Min(data.Length, 1 << 16)];
        for (var start = 0; start < data.Length; start += chunk.Length)
        {
            var n = Math.Min(chunk.Length, data.Length - start);
            var span = chunk.AsSpan(0, n);
            ReadExactly(stream, MemoryMarshal.AsBytes(span), key);
            if (!BitConverter.IsLittleEndian)
            {
                var bits = MemoryMarshal.Cast<double, long>(span);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }

            for (var i = 0; i < n; i++)
            {
                data[start + i] = (float)span[i];
            }
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string key)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InteropFormatException($"'{key}': the data ends early (truncated file)");
        }
        catch (InvalidDataException e)
        {
            throw new InteropFormatException($"'{key}': the compressed data is corrupt ({e.Message})");
        }
    }

    private static bool HasMoreData(Stream stream, string key)
    {
        Span<byte> probe = stackalloc byte[1];
        try
        {
            return stream.Read(probe) != 0;
        }
        catch (InvalidDataException e)
        {
            // Zip streams check the entry's CRC when they reach its end.
            throw new InteropFormatException($"'{key}': the compressed data is corrupt ({e.Message})");
        }
    }

    private static string DecodeUtf8(byte[] bytes, string key)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InteropFormatException($"'{key}': header is not valid UTF-8");
        }
    }

    /// <summary>
    /// Recursive-descent parser for the header dict: <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.
    /// Values may be strings, True/False, or tuples of non-negative integers; anything else is refused.
    /// </summary>
    private sealed class HeaderParser(string text, string key)
    {
        private int pos;

        public (string Descr, bool Fortran, long[] Shape) Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            SkipSpace();
            Expect('{');
            SkipSpace();
            while (Peek() != '}')
            {
                var name = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (name)
                {
                    case "descr":
                        if (descr is not null)
                        {
                            throw Fail("'descr' appears twice");
                        }

                        if (Peek() is '[' or '{')
                        {
                            throw new InteropFormatException($"'{key}': structured dtypes are not supported; only float32 ('<f4') and float64 ('<f8') arrays are read");
                        }

                        descr = ParseString();
                        break;
                    case "fortran_order":
                        if (fortran is not null)
                        {
                            throw Fail("'fortran_order' appears twice");
                        }

                        fortran = ParseBool();
                        break;
                    case "shape":
                        if (shape is not null)
                        {
                            throw Fail("'shape' appears twice");
                        }

                        shape = ParseShape();
                        break;
                    default:
                        throw Fail($"unexpected header key '{name}'");
                }

                SkipSpace();
                if (Peek() == ',')
                {
                    pos++;
                    SkipSpace();
                }
                else if (Peek() != '}')
                {
                    throw Fail($"expected ',' or '}}' at offset {pos}");
                }
            }

            pos++;
            for (; pos < text.Length; pos++)
            {
                if (text[pos] is not (' ' or '\n' or '\r' or '\t' or '\0'))
                {
                    throw Fail($"unexpected text after the header dict at offset {pos}");
                }
            }

            return (descr ?? throw Fail("no 'descr'"), fortran ?? throw Fail("no 'fortran_order'"), shape ?? throw Fail("no 'shape'"));
        }

        private char Peek() => pos < text.Length ? text[pos] : '\uffff';

        private void SkipSpace()
        {
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\n' or '\r')
            {
                pos++;
            }
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Fail($"expected '{c}' at offset {pos}");
            }

            pos++;
        }

        private string ParseString()
        {
            var quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Fail($"expected a string at offset {pos}");
            }

            var start = ++pos;
            while (pos < text.Length && text[pos] != quote)
            {
                // Escapes never occur in the keys or dtype strings NumPy writes; refusing them keeps the grammar tiny.
                if (text[pos] is '\\' or '\n')
                {
                    throw Fail($"unsupported character in a string at offset {pos}");
                }

                pos++;
            }

            if (pos >= text.Length)
            {
                throw Fail("unterminated string");
            }

            return text[start..pos++];
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, pos, "True", 0, 4) == 0)
            {
                pos += 4;
                return true;
            }

            if (string.CompareOrdinal(text, pos, "False", 0, 5) == 0)
            {
                pos += 5;
                return false;
            }

            throw Fail($"expected True or False at offset {pos}");
        }

        private long[] ParseShape()
        {
            Expect('(');
            SkipSpace();
            var dims = new List<long>();
            var trailingComma = false;
            while (Peek() != ')')
            {
                if (dims.Count >= 32)
                {
                    throw Fail("shape has more than 32 dimensions");
                }

                dims.Add(ParseDimension());
                SkipSpace();
                trailingComma = false;
                if (Peek() == ',')
                {
                    pos++;
                    trailingComma = true;
                    SkipSpace();
                }
                else if (Peek() != ')')
                {
                    throw Fail($"expected ',' or ')' in the shape at offset {pos}");
                }
            }

            pos++;

            // "(3)" is the integer 3 in Python, not a tuple; NumPy always writes "(3,)".
            if (dims.Count == 1 && !trailingComma)
            {
                throw Fail("shape '(n)' is not a tuple; expected '(n,)'");
            }

            return [.. dims];
        }

        private long ParseDimension()
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            if (pos == start)
            {
                throw Fail($"expected a non-negative integer in the shape at offset {start}");
            }

            if (!long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Fail($"dimension {text[start..pos]} is too large");
            }

            // Python 2 wrote long integers with an L suffix.
            if (Peek() == 'L')
            {
                pos++;
            }

            return value;
        }

        private InteropFormatException Fail(string what) => new($"'{key}': malformed .npy header: {what}");
    }
}
