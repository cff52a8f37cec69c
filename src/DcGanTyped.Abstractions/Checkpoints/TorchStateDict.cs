using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using DcGanTyped.Text;

namespace DcGanTyped.Checkpoints;

/// <summary>
/// Reads and writes TorchSharp's <c>Module.save</c>/<c>Module.load</c> state-dict format in pure C#, so an engine
/// without libtorch can share checkpoint files with the TorchSharp engine.
/// </summary>
/// <remarks>
/// The format (TorchSharp <c>Module.save_state_dict</c> and <c>TensorExtensionMethods.Save</c>):
/// <code>
/// count                       LEB128
/// count times:
///   name                      .NET BinaryWriter string (7-bit encoded byte length, UTF-8)
///   dtype                     LEB128 (TorchSharp ScalarType; Float32 = 6)
///   rank                      LEB128
///   rank dimensions           LEB128 each
///   data                      element size x elements bytes, little-endian, row-major
/// </code>
/// Only float32 tensors are supported. The reader validates every length against the bytes that remain in the
/// stream before allocating, so a corrupt or hostile file cannot make it allocate more than the file's size.
/// </remarks>
public static class TorchStateDict
{
    /// <summary>TorchSharp's <c>ScalarType.Float32</c>.</summary>
    public const int Float32 = 6;

    /// <summary>The most dimensions a tensor may declare; libtorch itself allows 64.</summary>
    public const int MaxRank = 64;

    /// <summary>Writes <paramref name="entries"/> in order; the stream is left open.</summary>
    /// <exception cref="ArgumentException">An entry's data length does not match its shape, or a name repeats.</exception>
    public static void Write(Stream stream, IReadOnlyList<NamedArray> entries)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(entries);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (e.Shape.Any(d => d < 0) || e.Elements != e.Data.Length)
            {
                throw new ArgumentException(
                    $"'{e.Name}': shape ({string.Join(", ", e.Shape)}) does not describe {e.Data.Length} values", nameof(entries));
            }

            if (!names.Add(e.Name))
            {
                throw new ArgumentException($"'{e.Name}' appears twice", nameof(entries));
            }
        }

        using var w = new BinaryWriter(stream, new UTF8Encoding(false, true), leaveOpen: true);
        WriteLeb128(w, entries.Count);
        foreach (var e in entries)
        {
            w.Write(e.Name);
            WriteLeb128(w, Float32);
            WriteLeb128(w, e.Shape.Length);
            foreach (var d in e.Shape)
            {
                WriteLeb128(w, d);
            }

            WriteFloats(w, e.Data);
        }
    }

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> through a temporary file, so an
    /// interrupted write never leaves a half-written checkpoint under the final name.</summary>
    public static void WriteFile(string path, IReadOnlyList<NamedArray> entries)
    {
        var temp = path + ".tmp";
        using (var f = File.Create(temp))
        {
            Write(f, entries);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a state dictionary written by TorchSharp's <c>Module.save</c> or by <see cref="Write"/>.</summary>
    /// <returns>The entries in file order. The stream is left just after the last entry.</returns>
    /// <exception cref="CheckpointFormatException">The data is truncated, corrupt, or not float32.</exception>
    public static IReadOnlyList<NamedArray> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            // Lengths are checked against what remains, which needs a known end.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        var r = new Reader(stream);
        // The smallest entry (empty name, shape (0)) takes 4 bytes.
        var count = r.Length("entry count", perItemBytes: 4);
        var result = new List<NamedArray>((int)Math.Min(count, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            var name = r.Name();
            var shown = MessageText.Quote(name);
            if (!names.Add(name))
            {
                throw r.Error($"{shown} appears twice");
            }

            var dtype = r.Leb128($"dtype of {shown}");
            if (dtype != Float32)
            {
                throw r.Error($"{shown} has element type {DtypeName(dtype)}; only float32 checkpoints are supported");
            }

            var rank = r.Leb128($"rank of {shown}");
            if (rank > MaxRank)
            {
                throw r.Error($"{shown} declares {rank} dimensions (at most {MaxRank})");
            }

            var shape = new long[rank];
            long elements = 1;
            for (var d = 0; d < rank; d++)
            {
                shape[d] = r.Leb128($"dimension {d} of {shown}");
                elements = shape[d] == 0 || elements == 0 ? 0 : elements <= long.MaxValue / shape[d] ? elements * shape[d] : long.MaxValue;
            }

            var bytes = elements > long.MaxValue / sizeof(float) ? long.MaxValue : elements * sizeof(float);
            if (bytes > r.Remaining)
            {
                throw r.Error($"{shown} of shape ({string.Join(", ", shape)}) needs {bytes} bytes but only {r.Remaining} remain (truncated or corrupt)");
            }

            if (elements > Array.MaxLength)
            {
                throw r.Error($"{shown} has {elements} elements, more than one array can hold");
            }

            var data = new float[elements];
            r.Floats(data);
            result.Add(new NamedArray(name, shape, data));
        }

        return result;
    }

    /// <summary>Reads the state dictionary stored in <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is truncated, corrupt, or not float32.</exception>
    public static IReadOnlyList<NamedArray> ReadFile(string path)
    {
        using var f = File.OpenRead(path);
        return Read(f);
    }

    private static void WriteLeb128(BinaryWriter w, long value)
    {
        // Unsigned LEB128, exactly as TorchSharp's LEB128Codec.Encode writes it (negative values never occur).
        var v = (ulong)value;
        while (v >= 0x80)
        {
            w.Write((byte)(v | 0x80));
            v >>= 7;
        }

        w.Write((byte)v);
    }

    private static void WriteFloats(BinaryWriter w, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            w.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }

        Span<byte> b = stackalloc byte[sizeof(float)];
        foreach (var x in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b, x);
            w.Write(b);
        }
    }

    private static string DtypeName(long code) => code switch
    {
        0 => "uint8 (0)",
        1 => "int8 (1)",
        2 => "int16 (2)",
        3 => "int32 (3)",
        4 => "int64 (4)",
        5 => "float16 (5)",
        7 => "float64 (7)",
        11 => "bool (11)",
        15 => "bfloat16 (15)",
        _ => $"code {code}",
    };

    /// <summary>Bounds-checked primitive reads that report the byte offset of any problem.</summary>
    private sealed class Reader(Stream s)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        public long Remaining => s.Length - s.Position;

        public CheckpointFormatException Error(string what) => new($"Not a valid state_dict checkpoint at byte {s.Position}: {what}");

        public long Leb128(string what)
        {
            long value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = s.ReadByte();
                if (b < 0)
                {
                    throw Error($"the file ends inside the {what}");
                }

                // A non-negative 64-bit value needs at most 9 groups of 7 bits.
                if (shift == 63)
                {
                    throw Error($"the {what} does not fit a 64-bit integer");
                }

                value |= (long)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        /// <summary>A count whose items each take at least <paramref name="perItemBytes"/> bytes of what remains.</summary>
        public long Length(string what, int perItemBytes)
        {
            var n = Leb128(what);
            if (n > Remaining / perItemBytes)
            {
                throw Error($"the {what} {n} cannot fit in the {Remaining} bytes that remain");
            }

            return n;
        }

        public string Name()
        {
            // .NET BinaryWriter strings: a 7-bit encoded int byte length, then UTF-8 bytes.
            var length = Leb128("name length");
            if (length > int.MaxValue || length > Remaining)
            {
                throw Error($"a name of {length} bytes cannot fit in the {Remaining} bytes that remain");
            }

            var bytes = new byte[length];
            s.ReadExactly(bytes);
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new CheckpointFormatException($"Not a valid state_dict checkpoint at byte {s.Position}: a name is not UTF-8", e);
            }
        }

        public void Floats(float[] data)
        {
            var bytes = MemoryMarshal.AsBytes(data.AsSpan());
            s.ReadExactly(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float), sizeof(float)));
                }
            }
        }
    }
}
