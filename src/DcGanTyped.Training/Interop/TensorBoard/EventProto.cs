using System.Buffers.Binary;
using System.Text;

namespace DcGanTyped.Training.Interop.TensorBoard;

/// <summary>
/// Hand-written protobuf encoding of TensorBoard's <c>Event</c> message (tensorflow/core/util/event.proto and
/// framework/summary.proto), so no protobuf package is needed. Field numbers used:
/// <code>
/// Event         { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// Summary       { repeated Value value = 1; }
/// Summary.Value { string tag = 1; float simple_value = 2; Image image = 4; }
/// Summary.Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
/// </code>
/// The decoder skips fields it does not know, as protobuf readers must.
/// </summary>
public static class EventProto
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <summary>Serializes an event.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The protobuf bytes.</returns>
    public static byte[] Encode(TensorBoardEvent e)
    {
        var w = new ProtoWriter();
        w.Tag(1, WireFixed64);
        w.Fixed64(BitConverter.DoubleToUInt64Bits(e.WallTime));
        w.Tag(2, WireVarint);
        w.Varint(unchecked((ulong)e.Step));
        if (e.FileVersion is not null)
        {
            w.Tag(3, WireLengthDelimited);
            w.Bytes(Encoding.UTF8.GetBytes(e.FileVersion));
        }

        if (e.Values.Count > 0)
        {
            var summary = new ProtoWriter();
            foreach (var v in e.Values)
            {
                summary.Tag(1, WireLengthDelimited);
                summary.Bytes(EncodeValue(v));
            }

            w.Tag(5, WireLengthDelimited);
            w.Bytes(summary.ToArray());
        }

        return w.ToArray();
    }

    /// <summary>Parses an event.</summary>
    /// <param name="data">The protobuf bytes.</param>
    /// <returns>The event.</returns>
    /// <exception cref="InteropFormatException">The bytes are not a well-formed message.</exception>
    public static TensorBoardEvent Decode(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<SummaryValue>();
        var r = new ProtoReader(data);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, WireFixed64):
                    wallTime = BitConverter.UInt64BitsToDouble(r.Fixed64());
                    break;
                case (2, WireVarint):
                    step = unchecked((long)r.Varint());
                    break;
                case (3, WireLengthDelimited):
                    fileVersion = Encoding.UTF8.GetString(r.Bytes());
                    break;
                case (5, WireLengthDelimited):
                    var summary = new ProtoReader(r.Bytes());
                    while (!summary.End)
                    {
                        var (sf, sw) = summary.Tag();
                        if ((sf, sw) == (1, WireLengthDelimited))
                        {
                            values.Add(DecodeValue(summary.Bytes()));
                        }
                        else
                        {
                            summary.Skip(sw);
                        }
                    }

                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return new TensorBoardEvent(wallTime, step, fileVersion, values);
    }

    private static byte[] EncodeValue(SummaryValue v)
    {
        var w = new ProtoWriter();
        w.Tag(1, WireLengthDelimited);
        w.Bytes(Encoding.UTF8.GetBytes(v.Tag));
        if (v.SimpleValue is { } f)
        {
            w.Tag(2, WireFixed32);
            w.Fixed32(BitConverter.SingleToUInt32Bits(f));
        }

        if (v.Image is { } image)
        {
            var iw = new ProtoWriter();
            iw.Tag(1, WireVarint);
            iw.Varint(unchecked((ulong)(long)image.Height));
            iw.Tag(2, WireVarint);
            iw.Varint(unchecked((ulong)(long)image.Width));
            iw.Tag(3, WireVarint);
            iw.Varint(unchecked((ulong)(long)image.Colorspace));
            iw.Tag(4, WireLengthDelimited);
            iw.Bytes(image.EncodedImage);
            w.Tag(4, WireLengthDelimited);
            w.Bytes(iw.ToArray());
        }

        return w.ToArray();
    }

    private static SummaryValue DecodeValue(ReadOnlySpan<byte> data)
    {
        var tag = string.Empty;
        float? simple = null;
        SummaryImage? image = null;
        var r = new ProtoReader(data);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, WireLengthDelimited):
                    tag = Encoding.UTF8.GetString(r.Bytes());
                    break;
                case (2, WireFixed32):
                    simple = BitConverter.UInt32BitsToSingle(r.Fixed32());
                    break;
                case (4, WireLengthDelimited):
                    image = DecodeImage(r.Bytes());
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return new SummaryValue(tag, simple, image);
    }

    private static SummaryImage DecodeImage(ReadOnlySpan<byte> data)
    {
        int height = 0, width = 0, colorspace = 0;
        var encoded = Array.Empty<byte>();
        var r = new ProtoReader(data);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, WireVarint):
                    height = unchecked((int)r.Varint());
                    break;
                case (2, WireVarint):
                    width = unchecked((int)r.Varint());
                    break;
                case (3, WireVarint):
                    colorspace = unchecked((int)r.Varint());
                    break;
                case (4, WireLengthDelimited):
                    encoded = r.Bytes().ToArray();
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return new SummaryImage(height, width, colorspace, encoded);
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream stream = new();

        public void Tag(int field, int wire) => Varint((ulong)((field << 3) | wire));

        public void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            stream.WriteByte((byte)value);
        }

        public void Fixed64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, value);
            stream.Write(b);
        }

        public void Fixed32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            stream.Write(b);
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Varint((ulong)bytes.Length);
            stream.Write(bytes);
        }

        public byte[] ToArray() => stream.ToArray();
    }

    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int pos;

        public readonly bool End => pos >= data.Length;

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            if (tag >> 3 is 0 or > int.MaxValue)
            {
                throw new InteropFormatException($"protobuf: invalid field number at byte {pos}");
            }

            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (pos >= data.Length)
                {
                    throw new InteropFormatException("protobuf: truncated varint");
                }

                var b = data[pos++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InteropFormatException("protobuf: varint longer than 10 bytes");
        }

        public ulong Fixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public uint Fixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length > (ulong)(data.Length - pos))
            {
                throw new InteropFormatException($"protobuf: field of {length} bytes runs past the end of its message");
            }

            return Take((int)length);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case WireVarint:
                    Varint();
                    break;
                case WireFixed64:
                    Take(8);
                    break;
                case WireLengthDelimited:
                    Bytes();
                    break;
                case WireFixed32:
                    Take(4);
                    break;
                default:
                    throw new InteropFormatException($"protobuf: unsupported wire type {wire}");
            }
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > data.Length - pos)
            {
                throw new InteropFormatException("protobuf: truncated field");
            }

            var slice = data.Slice(pos, n);
            pos += n;
            return slice;
        }
    }
}
