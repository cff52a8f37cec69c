using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DcGanTyped.Checkpoints;
using DcGanTyped.Training.Interop;
using DcGanTyped.Training.Interop.SafeTensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

public sealed class SafeTensorsTests
{
    [Fact]
    public void A_small_file_has_exactly_the_bytes_the_format_prescribes()
    {
        var bytes = Write([new NamedArray("a", [2], [1f, -2f])], new Dictionary<string, string> { ["format"] = "pt" });
        const string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var padded = json + new string(' ', (8 - (json.Length % 8)) % 8);
        byte[] expected =
        [
            .. BitConverter.GetBytes((ulong)padded.Length),
            .. Encoding.UTF8.GetBytes(padded),
            0, 0, 0x80, 0x3F, // 1.0f
            0, 0, 0, 0xC0,    // -2.0f
        ];
        Assert.Equal(expected, bytes);
    }

    [Property(MaxTest = 100)]
    public Property Any_tensors_round_trip_and_the_header_follows_the_spec()
    {
        var tensor =
            from rank in Gen.Choose(0, 4)
            from dims in Gen.ArrayOf(Gen.Choose(0, 4), rank)
            from values in Gen.ArrayOf(ArbMap.Default.GeneratorFor<float>(), dims.Aggregate(1, (a, d) => a * d))
            select (Shape: dims.Select(d => (long)d).ToArray(), Values: values);
        var gen = from list in Gen.ListOf(tensor)
                  select list.Select((t, i) => new NamedArray($"layer{i % 3}_{i}.weight", t.Shape, t.Values)).ToArray();
        return Prop.ForAll(gen.ToArbitrary(), tensors =>
        {
            var bytes = Write(tensors, new Dictionary<string, string> { ["format"] = "pt" });
            var problems = SpecViolations(bytes, tensors);
            var read = SafeTensorsFile.Read(new MemoryStream(bytes), "t");
            if (read.Tensors.Count != tensors.Length)
            {
                problems.Add($"read {read.Tensors.Count} tensors, wrote {tensors.Length}");
            }

            foreach (var (w, r) in tensors.Zip(read.Tensors))
            {
                if (w.Name != r.Name || !w.Shape.SequenceEqual(r.Shape)
                    || !w.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(r.Data.Select(BitConverter.SingleToInt32Bits)))
                {
                    problems.Add($"'{w.Name}' differs after reading");
                }
            }

            if (read.Metadata.GetValueOrDefault("format") != "pt")
            {
                problems.Add("metadata lost");
            }

            return (problems.Count == 0).Label(string.Join("; ", problems));
        });
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, "'a' has dtype F16; only F32 is supported")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "'a' of shape (2) needs 8 bytes but data_offsets [0, 4] span 4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 8, "'b' starts at 2, expected 4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'a' starts at 4, expected 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "the tensors cover 4 bytes but the file holds 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "'a' has a 'shape' that is not a non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "'a' needs 'dtype', 'shape' and 'data_offsets'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'a' appears twice")]
    [InlineData("{\"__metadata__\":{\"n\":1}}", 0, "metadata 'n' is not a string")]
    [InlineData("{\"a\":", 0, "the header is not valid JSON")]
    [InlineData("[1]", 0, "the header does not start with '{'")]
    public void Refuses_headers_that_break_the_format(string header, int dataBytes, string reason)
    {
        var h = Encoding.UTF8.GetBytes(header);
        byte[] bytes = [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. new byte[dataBytes]];
        var e = Assert.Throws<InteropFormatException>(() => SafeTensorsFile.Read(new MemoryStream(bytes), "x.safetensors"));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith("x.safetensors: ", e.Message);
    }

    [Fact]
    public void Refuses_a_header_length_larger_than_the_file()
    {
        byte[] bytes = [.. BitConverter.GetBytes(1000UL), .. "{}"u8];
        var e = Assert.Throws<InteropFormatException>(() => SafeTensorsFile.Read(new MemoryStream(bytes), "x"));
        Assert.Contains("header length 1000 is larger than the file", e.Message);
    }

    [Fact]
    public void The_writer_refuses_repeated_names_and_data_that_does_not_fit_the_shape()
    {
        Assert.Throws<ArgumentException>(() => Write([new NamedArray("a", [1], [1f]), new NamedArray("a", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => Write([new NamedArray("a", [3], [1f])]));
        Assert.Throws<ArgumentException>(() => Write([new NamedArray("__metadata__", [1], [1f])]));
    }

    /// <summary>Checks a written file against the format's rules, parsing it independently of the reader.</summary>
    internal static List<string> SpecViolations(byte[] bytes, IReadOnlyList<NamedArray> expected)
    {
        var problems = new List<string>();
        var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if ((8 + n) % 8 != 0)
        {
            problems.Add($"data starts at {8 + n}, not 8-byte aligned");
        }

        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        var trimmed = headerText.TrimEnd(' ');
        if (!trimmed.StartsWith('{') || !trimmed.EndsWith('}'))
        {
            problems.Add("header is not a JSON object padded with spaces");
        }

        using var doc = JsonDocument.Parse(trimmed);
        var data = bytes.AsSpan((int)(8 + n));
        var spans = new List<(long Begin, long End, string Name)>();
        foreach (var t in expected)
        {
            if (!doc.RootElement.TryGetProperty(t.Name, out var entry))
            {
                problems.Add($"'{t.Name}' missing from the header");
                continue;
            }

            if (entry.GetProperty("dtype").GetString() != "F32")
            {
                problems.Add($"'{t.Name}' dtype is not F32");
            }

            if (!entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).SequenceEqual(t.Shape))
            {
                problems.Add($"'{t.Name}' shape differs");
            }

            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            spans.Add((offsets[0], offsets[1], t.Name));
            if (offsets[1] - offsets[0] != 4L * t.Data.Length)
            {
                problems.Add($"'{t.Name}' offsets span {offsets[1] - offsets[0]} bytes for {t.Data.Length} floats");
                continue;
            }

            for (var i = 0; i < t.Data.Length; i++)
            {
                var v = BinaryPrimitives.ReadInt32LittleEndian(data[(int)(offsets[0] + (4 * i))..]);
                if (v != BitConverter.SingleToInt32Bits(t.Data[i]))
                {
                    problems.Add($"'{t.Name}'[{i}] differs in the data section");
                    break;
                }
            }
        }

        long previousEnd = 0;
        foreach (var (begin, end, name) in spans.OrderBy(s => s.Begin))
        {
            if (begin != previousEnd)
            {
                problems.Add($"'{name}' begins at {begin} after a tensor ending at {previousEnd} (gap or overlap)");
            }

            previousEnd = end;
        }

        if (previousEnd != data.Length)
        {
            problems.Add($"tensors end at {previousEnd} but the data section is {data.Length} bytes");
        }

        return problems;
    }

    private static byte[] Write(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, tensors, metadata);
        return stream.ToArray();
    }
}
