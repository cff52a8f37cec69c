using System.Text;
using DcGanTyped.Training.Interop;
using DcGanTyped.Training.Interop.TensorBoard;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

public sealed class TensorBoardTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dcgan-tb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("123456789", 0xE3069283u)] // the standard check value of CRC-32C
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    public void Crc32c_matches_known_answers_for_text(string text, uint expected)
        => Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Crc32c_matches_the_iscsi_test_vectors_of_rfc3720()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Property(MaxTest = 200)]
    public Property Crc32c_and_its_mask_equal_a_bitwise_reference(byte[] data)
    {
        // Bit at a time, straight from the definition: no table.
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        crc = ~crc;
        var masked = unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
        return (Crc32C.Compute(data) == crc && Crc32C.Masked(data) == masked)
            .Label($"{data.Length} bytes: table {Crc32C.Compute(data):X8} vs bitwise {crc:X8}");
    }

    [Fact]
    public void Events_are_encoded_with_the_protobuf_field_numbers_of_event_proto()
    {
        var e = new TensorBoardEvent(1.5, 3, null, [new SummaryValue("a", SimpleValue: 2f)]);
        byte[] expected =
        [
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, // wall_time = 1.5 (field 1, fixed64)
            0x10, 0x03,                          // step = 3 (field 2, varint)
            0x2A, 0x0A,                          // summary (field 5), 10 bytes
            0x0A, 0x08,                          //   value (field 1), 8 bytes
            0x0A, 0x01, (byte)'a',               //     tag = "a" (field 1)
            0x15, 0, 0, 0, 0x40,                 //     simple_value = 2.0 (field 2, fixed32)
        ];
        Assert.Equal(expected, EventProto.Encode(e));

        var image = new TensorBoardEvent(0, 300, null, [new SummaryValue("i", Image: new SummaryImage(2, 5, 3, [7, 8]))]);
        byte[] expectedImage =
        [
            0x09, 0, 0, 0, 0, 0, 0, 0, 0,
            0x10, 0xAC, 0x02,                    // step = 300 as a two-byte varint
            0x2A, 0x11, 0x0A, 0x0F,
            0x0A, 0x01, (byte)'i',
            0x22, 0x0A,                          //     image (field 4), 10 bytes
            0x08, 0x02, 0x10, 0x05, 0x18, 0x03,  //       height 2, width 5, colorspace 3
            0x22, 0x02, 7, 8,                    //       encoded_image_string
        ];
        Assert.Equal(expectedImage, EventProto.Encode(image));
    }

    [Fact]
    public void Scalars_and_images_written_are_read_back_with_valid_crcs()
    {
        var png = TinyPng(6, 4);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path;
        using (var writer = new TensorBoardWriter(dir))
        {
            path = writer.FilePath;
            writer.AddScalar("gen/loss", 0.6931f, 100);
            writer.AddScalar("dis/loss", -1.25e-3f, 100);
            writer.AddImage("preview", png, 6, 4, 200);
            writer.AddScalar("gen/loss", float.NaN, -1);
            writer.Flush();
        }

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9._-]+$", Path.GetFileName(path));
        Assert.Equal(dir, Path.GetDirectoryName(path));

        var events = TensorBoardReader.ReadFile(path);
        Assert.Equal(5, events.Count);
        Assert.Equal(TensorBoardWriter.FileVersion, events[0].FileVersion);
        Assert.Empty(events[0].Values);
        Assert.All(events, e => Assert.InRange(e.WallTime, before - 0.001, after + 0.001));

        Assert.Equal((100L, "gen/loss", 0.6931f), (events[1].Step, events[1].Values.Single().Tag, events[1].Values.Single().SimpleValue!.Value));
        Assert.Equal((100L, "dis/loss", -1.25e-3f), (events[2].Step, events[2].Values.Single().Tag, events[2].Values.Single().SimpleValue!.Value));
        Assert.Equal(-1L, events[4].Step);
        Assert.True(float.IsNaN(events[4].Values.Single().SimpleValue!.Value));

        var image = events[3].Values.Single();
        Assert.Equal(("preview", 200L), (image.Tag, events[3].Step));
        Assert.Null(image.SimpleValue);
        Assert.Equal((4, 6, 3), (image.Image!.Height, image.Image.Width, image.Image.Colorspace));
        Assert.Equal(png, image.Image.EncodedImage);
        using var decoded = SKBitmap.Decode(image.Image.EncodedImage);
        Assert.Equal((6, 4), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Two_writers_in_one_directory_get_separate_files()
    {
        using var a = new TensorBoardWriter(dir);
        using var b = new TensorBoardWriter(dir);
        Assert.NotEqual(a.FilePath, b.FilePath);
    }

    [Fact]
    public void Corrupted_or_truncated_records_are_reported_with_their_index()
    {
        string path;
        using (var writer = new TensorBoardWriter(dir))
        {
            path = writer.FilePath;
            writer.AddScalar("x", 1f, 1);
        }

        var good = File.ReadAllBytes(path);
        var firstLength = 12 + (int)BitConverter.ToUInt64(good, 0) + 4;

        var badData = (byte[])good.Clone();
        badData[firstLength + 14] ^= 1;
        Assert.Equal("f: record 1 has a bad data CRC", ReadError(badData));

        var badLength = (byte[])good.Clone();
        badLength[firstLength] ^= 1;
        Assert.Equal("f: record 1 has a bad length CRC", ReadError(badLength));

        Assert.Equal("f: record 1 is truncated", ReadError(good[..^2]));
        Assert.Equal("f: record 1 is truncated in its header", ReadError(good[..(firstLength + 5)]));
    }

    private static string ReadError(byte[] bytes)
        => Assert.Throws<InteropFormatException>(() => TfRecord.ReadAll(new MemoryStream(bytes), "f")).Message;

    private static byte[] TinyPng(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 40), (byte)(y * 60), 128));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
