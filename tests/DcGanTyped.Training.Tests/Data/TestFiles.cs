using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using DcGanTyped.Training.Data;
using SkiaSharp;

namespace DcGanTyped.Training.Tests.Data;

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dcgantyped-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Every file and folder below the root, relative, sorted.</summary>
    public string[] Listing() =>
        Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories)
            .Select(p => System.IO.Path.GetRelativePath(Path, p))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}

/// <summary>Builds small files in the formats the loaders read.</summary>
internal static class TestFiles
{
    public const int CifarRecord = 3073;

    /// <summary>A CIFAR-10 batch of <paramref name="count"/> records; pixel bytes are (seed + image * 7 + offset * 13) mod 256.</summary>
    public static byte[] CifarBatch(int count, int seed)
    {
        var bytes = new byte[count * CifarRecord];
        for (var i = 0; i < count; i++)
        {
            bytes[i * CifarRecord] = (byte)((seed + i) % 10);
            for (var j = 0; j < 3072; j++)
            {
                bytes[(i * CifarRecord) + 1 + j] = CifarPixel(seed, i, j);
            }
        }

        return bytes;
    }

    public static byte CifarPixel(int seed, int image, int offset) => (byte)((seed + (image * 7) + (offset * 13)) % 256);

    /// <summary>An IDX3 unsigned-byte file of 28 x 28 images; pixel (i, y, x) = (i * 31 + y * 5 + x * 3 + 1) mod 256.</summary>
    public static byte[] Idx(int count, int rows = 28, int cols = 28, int magic = 2051, int? declaredCount = null)
    {
        var bytes = new byte[16 + (count * rows * cols)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), declaredCount ?? count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (var i = 0; i < count; i++)
        {
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < cols; x++)
                {
                    bytes[16 + (i * rows * cols) + (y * cols) + x] = IdxPixel(i, y, x);
                }
            }
        }

        return bytes;
    }

    public static byte IdxPixel(int image, int y, int x) => (byte)(((image * 31) + (y * 5) + (x * 3) + 1) % 256);

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Encodes an RGBA image given by <paramref name="color"/>(x, y).</summary>
    public static byte[] Encode(int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] SolidPng(int width, int height, SKColor color) => Encode(width, height, (_, _) => color);

    /// <summary>One entry of a test tar archive.</summary>
    internal sealed record TarItem(TarEntryType Type, string Name, byte[]? Data = null, string? LinkName = null);

    /// <summary>A .tar.gz with the given entries, written with System.Formats.Tar (PAX format).</summary>
    public static byte[] TarGz(IEnumerable<TarItem> items)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var item in items)
            {
                var entry = new PaxTarEntry(item.Type, item.Name);
                if (item.Data is not null)
                {
                    entry.DataStream = new MemoryStream(item.Data);
                }

                if (item.LinkName is not null)
                {
                    entry.LinkName = item.LinkName;
                }

                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>A fake CIFAR-10 archive: cifar-10-batches-bin/ with two small training batches and a test batch.</summary>
    public static byte[] FakeCifarArchive(int perBatch = 3) => TarGz(
    [
        new(TarEntryType.Directory, "cifar-10-batches-bin/"),
        new(TarEntryType.RegularFile, "cifar-10-batches-bin/data_batch_1.bin", CifarBatch(perBatch, 1)),
        new(TarEntryType.RegularFile, "cifar-10-batches-bin/data_batch_2.bin", CifarBatch(perBatch, 2)),
        new(TarEntryType.RegularFile, "cifar-10-batches-bin/test_batch.bin", CifarBatch(perBatch, 3)),
        new(TarEntryType.RegularFile, "cifar-10-batches-bin/batches.meta.txt", "airplane\n"u8.ToArray()),
    ]);

    public static string Md5(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data));

    /// <summary>The largest absolute difference between two float spans and where it is.</summary>
    public static (float Max, int Index) MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var max = 0f;
        var at = -1;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            if (d > max)
            {
                max = d;
                at = i;
            }
        }

        return (max, at);
    }

    public static float[] Floats(ImageDataset dataset, int index)
    {
        var data = new float[ImageDataset.ImageFloats];
        dataset.CopyImage(index, data);
        return data;
    }
}
