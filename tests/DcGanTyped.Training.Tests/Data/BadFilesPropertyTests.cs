using System.Buffers.Binary;
using DcGanTyped.Training.Data;
using DcGanTyped.Training.Tests.Reliability;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

/// <summary>
/// Mutates valid dataset files (truncation, random bytes, a scrambled header, a huge declared size, appended
/// junk) and checks that loading either succeeds or throws <see cref="DatasetException"/>: never another
/// exception, never a hang (30 s limit), and never a managed allocation beyond what the file can justify
/// (measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>). 5 formats x 200 cases = 1,000 mutated files
/// per run.
/// </summary>
public sealed class BadFilesPropertyTests
{
    private const int Cases = 200;
    // Generous, so a loaded machine does not pass for a hang; a real hang never finishes.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    private enum Format
    {
        CifarBatch,
        Idx,
        IdxGz,
        Png,
        Jpeg,
    }

    private enum Mutation
    {
        Truncate,
        RandomBytes,
        WrongHeader,
        HugeSize,
        AppendJunk,
    }

    /// <summary>A mutation with its random parameters; <see cref="ToString"/> makes a failure replayable by eye.</summary>
    private sealed record Case(Mutation Mutation, int Position, int[] Offsets, byte[] Values, int Huge)
    {
        public override string ToString() =>
            $"{Mutation} at {Position}, offsets [{string.Join(",", Offsets)}], values [{string.Join(",", Values)}], huge {Huge}";
    }

    private static readonly Gen<Case> CaseGen =
        from mutation in Gen.Elements(Enum.GetValues<Mutation>())
        from position in Gen.Choose(0, int.MaxValue)
        from n in Gen.Choose(1, 16)
        from offsets in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), n)
        from values in Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v), n)
        from huge in Gen.Elements(29_000, 1_000_000, 65_535, int.MaxValue, int.MinValue, -1, 0)
        select new Case(mutation, position, offsets, values, huge);

    [Property(MaxTest = Cases)]
    public Property Cifar_batches_load_or_fail_cleanly() => Check(Format.CifarBatch);

    [Property(MaxTest = Cases)]
    public Property Idx_files_load_or_fail_cleanly() => Check(Format.Idx);

    [Property(MaxTest = Cases)]
    public Property Compressed_idx_files_load_or_fail_cleanly() => Check(Format.IdxGz);

    [Property(MaxTest = Cases)]
    public Property Png_files_load_or_fail_cleanly() => Check(Format.Png);

    [Property(MaxTest = Cases)]
    public Property Jpeg_files_load_or_fail_cleanly() => Check(Format.Jpeg);

    private static Property Check(Format format) => Prop.ForAll(Arb.From(CaseGen), c =>
    {
        var valid = Valid(format);
        var bytes = Mutate(format, valid, c);
        using var temp = new TempFolder();
        var (folder, path) = Place(temp, format, bytes);
        var justified = Justified(format, valid, bytes);

        var (answered, failure, allocated, elapsed) = IsolatedLoad.Run(
            () => _ = format switch
            {
                Format.CifarBatch => Cifar10Reader.Load(folder),
                Format.Idx or Format.IdxGz => FashionMnistReader.Load(path),
                _ => ImageFolderReader.Load(folder),
            },
            HangLimit);
        if (!answered)
        {
            return false.Label($"{format} {c}: no answer after {elapsed.TotalSeconds:F0} s");
        }

        if (failure is not null and not DatasetException)
        {
            return false.Label($"{format} {c}: {failure.GetType().Name}: {failure.Message}");
        }

        if (failure is DatasetException d && (d.Message.Contains('\n', StringComparison.Ordinal) || d.Message.Length == 0))
        {
            return false.Label($"{format} {c}: the message is not one line: {d.Message}");
        }

        return (allocated <= justified).Label($"{format} {c}: allocated {allocated} bytes for a {bytes.Length}-byte file (limit {justified})");
    });

    // What a load may allocate: the images the file can hold as 3 KiB each, a fixed allowance for buffers and
    // messages, and for compressed IDX the images the original uncompressed data held (a mutated deflate stream
    // may still inflate, but its output is cut off at the declared count and fails its CRC check).
    private static long Justified(Format format, byte[] valid, byte[] mutated)
    {
        const long allowance = 2L << 20;
        long images = format switch
        {
            Format.CifarBatch => mutated.Length / TestFiles.CifarRecord,
            Format.Idx => mutated.Length / 784,
            Format.IdxGz => 2 * Math.Max(IdxGzImages, mutated.Length / 784),
            _ => 1,
        };
        return allowance + (2 * images * ImageDataset.ImageFloats);
    }

    private const int IdxGzImages = 6;

    private static byte[] Valid(Format format) => format switch
    {
        Format.CifarBatch => TestFiles.CifarBatch(3, 5),
        Format.Idx => TestFiles.Idx(5),
        Format.IdxGz => TestFiles.Gzip(TestFiles.Idx(IdxGzImages)),
        Format.Png => TestFiles.Encode(12, 9, Noise),
        _ => TestFiles.Encode(24, 16, Noise, SKEncodedImageFormat.Jpeg, 90),
    };

    private static SKColor Noise(int x, int y) => new((byte)(x * 37), (byte)(y * 59), (byte)((x * y * 13) + 7));

    private static byte[] Mutate(Format format, byte[] valid, Case c)
    {
        var bytes = (byte[])valid.Clone();
        switch (c.Mutation)
        {
            case Mutation.Truncate:
                return bytes[..(c.Position % bytes.Length)];
            case Mutation.RandomBytes:
                for (var i = 0; i < c.Offsets.Length; i++)
                {
                    bytes[c.Offsets[i] % bytes.Length] = c.Values[i];
                }

                return bytes;
            case Mutation.WrongHeader:
                for (var i = 0; i < Math.Min(16, bytes.Length); i++)
                {
                    bytes[i] = c.Values[i % c.Values.Length];
                }

                return bytes;
            case Mutation.HugeSize:
                return HugeSize(format, bytes, c.Huge);
            default:
                return [.. bytes, .. c.Values, .. new byte[c.Position % 5000]];
        }
    }

    // Declares a huge or nonsensical size in the format's own header, keeping the rest of the file consistent
    // (checksums recomputed) so the loader, not a checksum, has to notice.
    private static byte[] HugeSize(Format format, byte[] bytes, int huge)
    {
        switch (format)
        {
            case Format.Idx:
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), huge);
                return bytes;
            case Format.IdxGz:
                var idx = TestFiles.Idx(IdxGzImages);
                BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), huge);
                return TestFiles.Gzip(idx);
            case Format.Png:
                // IHDR: width at 16, height at 20, CRC over type and data (12..28) at 29.
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), huge);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), huge == int.MinValue ? 1 : Math.Abs(huge % 100_000) + 1);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
                return bytes;
            case Format.Jpeg:
                // The baseline frame header FF C0: length (2), precision (1), height (2), width (2).
                for (var i = 2; i + 8 < bytes.Length; i++)
                {
                    if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)huge);
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)(huge >> 3));
                        break;
                    }
                }

                return bytes;
            default:
                // A CIFAR batch has no header: its size is its record count, so declare more records by growing it.
                return [.. bytes, .. new byte[TestFiles.CifarRecord * (Math.Abs(huge % 7) + 1)]];
        }
    }

    private static (string Folder, string Path) Place(TempFolder temp, Format format, byte[] bytes)
    {
        var name = format switch
        {
            Format.CifarBatch => "data_batch_1.bin",
            Format.Idx => "train-images-idx3-ubyte",
            Format.IdxGz => "train-images-idx3-ubyte.gz",
            Format.Png => "image.png",
            _ => "image.jpg",
        };
        var path = temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        return (temp.Path, path);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    [Theory]
    [InlineData(5000, 5000, "cannot be encoded in")]
    [InlineData(20000, 20000, "larger than 64 megapixels")]
    public void A_png_header_with_a_recomputed_crc_reaches_the_size_checks(int width, int height, string expected)
    {
        // Guards the property above: with the CRC recomputed the decoder accepts the header, and the loader's own
        // size checks refuse the file before a bitmap is allocated.
        using var temp = new TempFolder();
        var bytes = TestFiles.Encode(12, 9, Noise);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        File.WriteAllBytes(temp.Combine("image.png"), bytes);
        var e = Assert.Throws<DatasetException>(() => ImageFolderReader.Load(temp.Path));
        Assert.Contains($"{width}x{height}", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
