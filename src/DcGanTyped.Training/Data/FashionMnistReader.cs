using System.Buffers.Binary;
using System.IO.Compression;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Reads the Fashion-MNIST training images from an IDX file (plain or gzip-compressed), pads each 28 x 28
/// grey image with a 2-pixel black border to 32 x 32 and repeats it in the three colour channels.
/// </summary>
public static class FashionMnistReader
{
    /// <summary>The IDX magic number of a 3-dimensional unsigned-byte file (0x00000803).</summary>
    public const int ImageMagic = 2051;

    /// <summary>Side of a Fashion-MNIST image.</summary>
    public const int Side = 28;

    /// <summary>The folder Debian's <c>dataset-fashion-mnist</c> package installs the files to.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>File names looked for, in this order.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte"];

    private const int HeaderBytes = 16;
    private const int SourceImageBytes = Side * Side;
    private const int Border = (ImageDataset.ImageSize - Side) / 2;

    /// <summary>The first training image file found in <paramref name="folders"/>, or null.</summary>
    public static string? Find(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            foreach (var name in FileNames)
            {
                var path = Path.Combine(folder, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    /// <summary>Reads an IDX image file (gzip-compressed when it starts with the gzip signature).</summary>
    /// <exception cref="DatasetException">The header is wrong, the size does not match it, or the file cannot be read.</exception>
    public static ImageDataset Load(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            Span<byte> signature = stackalloc byte[2];
            var compressed = file.Read(signature) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
            file.Position = 0;
            if (compressed)
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                return Read(gzip, path, fileLength: null);
            }

            return Read(file, path, file.Length);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' is not valid gzip data: {Cifar10Reader.OneLine(e.Message)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read Fashion-MNIST file '{path}': {Cifar10Reader.OneLine(e.Message)}", e);
        }
    }

    private static ImageDataset Read(Stream stream, string path, long? fileLength)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' is too short for an IDX header ({HeaderBytes} bytes).");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (magic != ImageMagic)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' is not an IDX image file (magic number {magic}, expected {ImageMagic}).");
        }

        if (rows != Side || cols != Side)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' holds {rows}x{cols} images; Fashion-MNIST images are {Side}x{Side}.");
        }

        if (count <= 0 || count > ImageDataset.MaxImages)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' declares {count} images (between 1 and {ImageDataset.MaxImages} expected).");
        }

        var expected = HeaderBytes + ((long)count * SourceImageBytes);
        if (fileLength is long length && length != expected)
        {
            throw new DatasetException(
                $"Fashion-MNIST file '{path}' declares {count} images ({expected} bytes) but has {length} bytes: it is truncated or corrupt.");
        }

        // A plain file's size was checked against the header, so the store can be allocated at once; for a
        // compressed one the header alone must not decide an allocation, so the store grows with what arrives.
        var capacity = fileLength is null ? Math.Min(count, 64) : count;
        var pixels = new byte[capacity * ImageDataset.ImageFloats];
        Span<byte> source = stackalloc byte[SourceImageBytes];
        for (var i = 0; i < count; i++)
        {
            if (stream.ReadAtLeast(source, SourceImageBytes, throwOnEndOfStream: false) < SourceImageBytes)
            {
                throw new DatasetException($"Fashion-MNIST file '{path}' declares {count} images but ends after {i}: it is truncated.");
            }

            if (i == capacity)
            {
                capacity = (int)Math.Min(count, 2L * capacity);
                Array.Resize(ref pixels, capacity * ImageDataset.ImageFloats);
            }

            Expand(source, pixels.AsSpan(i * ImageDataset.ImageFloats, ImageDataset.ImageFloats));
        }

        if (fileLength is null && stream.ReadByte() >= 0)
        {
            throw new DatasetException($"Fashion-MNIST file '{path}' has data after the {count} images its header declares: it is corrupt.");
        }

        return new ImageDataset(pixels, count, $"fashion-mnist: {count} images from '{path}' (28x28 grey, padded to 32x32, 3 channels)");
    }

    // 28 x 28 grey -> 3 x 32 x 32 with a black border (Fashion-MNIST's background is 0).
    private static void Expand(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        const int plane = ImageDataset.ImageSize * ImageDataset.ImageSize;
        var red = destination[..plane];
        red.Clear();
        for (var y = 0; y < Side; y++)
        {
            source.Slice(y * Side, Side).CopyTo(red[(((y + Border) * ImageDataset.ImageSize) + Border)..]);
        }

        red.CopyTo(destination.Slice(plane, plane));
        red.CopyTo(destination.Slice(2 * plane, plane));
    }
}
