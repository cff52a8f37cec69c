using System.Buffers.Binary;

namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files. Each record is
/// <c>uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)</c>, all little-endian.
/// </summary>
public static class TfRecord
{
    /// <summary>The largest record <see cref="ReadAll"/> accepts; TensorBoard's images and scalars are far smaller.</summary>
    public const long MaxRecordLength = 256L * 1024 * 1024;

    /// <summary>Appends one record.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="data">The record's payload (a serialized Event).</param>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Reads every record, checking both CRCs of each.</summary>
    /// <param name="stream">A stream at the start of the first record.</param>
    /// <param name="name">The file's name for error messages.</param>
    /// <returns>The payloads in order.</returns>
    /// <exception cref="InteropFormatException">A CRC does not match or a record is truncated.</exception>
    public static IReadOnlyList<byte[]> ReadAll(Stream stream, string name)
    {
        var records = new List<byte[]>();
        Span<byte> header = stackalloc byte[12];
        Span<byte> footer = stackalloc byte[4];
        while (true)
        {
            var got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (got == 0)
            {
                return records;
            }

            var index = records.Count;
            if (got < header.Length)
            {
                throw new InteropFormatException($"{name}: record {index} is truncated in its header");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Crc32C.Masked(header[..8]))
            {
                throw new InteropFormatException($"{name}: record {index} has a bad length CRC");
            }

            var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            var remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
            if (length > MaxRecordLength || (long)length > remaining)
            {
                throw new InteropFormatException($"{name}: record {index} declares {length} bytes, more than the file holds");
            }

            var data = new byte[length];
            if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length
                || stream.ReadAtLeast(footer, footer.Length, throwOnEndOfStream: false) < footer.Length)
            {
                throw new InteropFormatException($"{name}: record {index} is truncated");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != Crc32C.Masked(data))
            {
                throw new InteropFormatException($"{name}: record {index} has a bad data CRC");
            }

            records.Add(data);
        }
    }
}
