using System.Buffers;
using System.Globalization;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Reads CIFAR-10's official binary format: each record is one label byte (0 to 9) followed by 3072 pixel bytes,
/// the red, green and blue 32 x 32 planes, which is already the channel-major layout of <see cref="ImageDataset"/>.
/// </summary>
public static class Cifar10Reader
{
    /// <summary>Bytes per record: 1 label byte and 3 x 32 x 32 pixel bytes.</summary>
    public const int RecordBytes = 1 + ImageDataset.ImageFloats;

    /// <summary>The folder the official archive unpacks to.</summary>
    public const string FolderName = "cifar-10-batches-bin";

    /// <summary>The training files' pattern (the test batch is left out, as in Chainer's example).</summary>
    public const string BatchPattern = "data_batch_*.bin";

    /// <summary>Whether <paramref name="folder"/> holds at least one training batch file.</summary>
    public static bool HasBatches(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, BatchPattern).Any();

    /// <summary>Reads every <c>data_batch_*.bin</c> in <paramref name="folder"/>, in the order of their numbers.</summary>
    /// <exception cref="DatasetException">No batch file, a size that is not a multiple of 3073, a label above 9, or an I/O error.</exception>
    public static ImageDataset Load(string folder)
    {
        string[] files;
        try
        {
            files = Directory.Exists(folder) ? Directory.GetFiles(folder, BatchPattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot list the CIFAR-10 folder '{folder}': {OneLine(e.Message)}", e);
        }

        if (files.Length == 0)
        {
            throw new DatasetException(
                $"No CIFAR-10 training files ({BatchPattern}) in '{folder}': put them there, or delete the folder so that CIFAR-10 is downloaded again.");
        }

        Array.Sort(files, CompareBatchNames);

        // Sizes first, so a bad file is reported before anything is allocated and the store is allocated once.
        var counts = new int[files.Length];
        long total = 0;
        for (var f = 0; f < files.Length; f++)
        {
            long length;
            try
            {
                length = new FileInfo(files[f]).Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException($"Cannot read CIFAR-10 file '{files[f]}': {OneLine(e.Message)}", e);
            }

            if (length % RecordBytes != 0)
            {
                throw new DatasetException(
                    $"CIFAR-10 file '{files[f]}' has {length} bytes, not a multiple of {RecordBytes} (1 label byte + 3072 pixel bytes per image): the file is truncated or not in the binary format.");
            }

            total += length / RecordBytes;
            if (total > ImageDataset.MaxImages)
            {
                throw new DatasetException($"The CIFAR-10 files in '{folder}' hold more than {ImageDataset.MaxImages} images, more than one dataset can keep in memory.");
            }

            counts[f] = (int)(length / RecordBytes);
        }

        if (total == 0)
        {
            throw new DatasetException($"The CIFAR-10 files in '{folder}' are empty.");
        }

        var pixels = GC.AllocateUninitializedArray<byte>(checked((int)total * ImageDataset.ImageFloats));
        const int recordsPerRead = 64;
        var buffer = ArrayPool<byte>.Shared.Rent(recordsPerRead * RecordBytes);
        try
        {
            var image = 0;
            for (var f = 0; f < files.Length; f++)
            {
                ReadFile(files[f], counts[f], buffer, recordsPerRead, pixels, ref image);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var names = string.Join(", ", files.Select(Path.GetFileName));
        return new ImageDataset(pixels, (int)total, $"cifar10: {total} images from '{folder}' ({names})");
    }

    private static void ReadFile(string path, int records, byte[] buffer, int recordsPerRead, byte[] pixels, ref int image)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            for (var done = 0; done < records;)
            {
                var chunk = Math.Min(recordsPerRead, records - done);
                stream.ReadExactly(buffer, 0, chunk * RecordBytes);
                for (var r = 0; r < chunk; r++)
                {
                    var label = buffer[r * RecordBytes];
                    if (label > 9)
                    {
                        throw new DatasetException(
                            $"CIFAR-10 file '{path}' has label {label} in record {done + r} (labels are 0 to 9): it is not a CIFAR-10 binary batch.");
                    }

                    buffer.AsSpan((r * RecordBytes) + 1, ImageDataset.ImageFloats)
                        .CopyTo(pixels.AsSpan(image * ImageDataset.ImageFloats, ImageDataset.ImageFloats));
                    image++;
                }

                done += chunk;
            }
        }
        catch (EndOfStreamException e)
        {
            throw new DatasetException($"CIFAR-10 file '{path}' became shorter while it was being read.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read CIFAR-10 file '{path}': {OneLine(e.Message)}", e);
        }
    }

    // data_batch_2.bin before data_batch_10.bin: by number where the names have one.
    private static int CompareBatchNames(string a, string b)
    {
        var na = BatchNumber(a);
        var nb = BatchNumber(b);
        return na != nb ? na.CompareTo(nb) : string.CompareOrdinal(a, b);
    }

    private static long BatchNumber(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var digits = name[(name.LastIndexOf('_') + 1)..];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
    }

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
