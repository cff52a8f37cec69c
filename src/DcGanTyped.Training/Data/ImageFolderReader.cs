using SkiaSharp;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Reads a folder of PNG and JPEG files, recursively (so a class-per-subfolder layout works as it is), in ordinal
/// order of their paths. Each image is decoded with SkiaSharp, its centred square (the shorter side) is resized
/// to 32 x 32 with mipmapped linear filtering when shrinking and a Mitchell cubic when enlarging, transparent
/// pixels are composited over white, and the result is kept as RGB bytes. Files that cannot be decoded are
/// skipped and reported through a warning; a folder with no readable image is an error.
/// </summary>
public static class ImageFolderReader
{
    /// <summary>The largest decoded image accepted, in pixels (a 64-megapixel RGBA bitmap takes 256 MiB).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>File extensions read (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg"];

    // See TryDecode: the most pixels a file may declare per byte it holds, and an allowance for tiny files.
    private const long PixelsPerEncodedByte = 10_000;
    private const long MinPixelBudget = 1 << 16;

    // Decoding in parallel pays off only for more than a few files.
    private const int ParallelThreshold = 64;
    private const int NamesInWarning = 5;
    private const int Side = ImageDataset.ImageSize;

    /// <summary>Reads every PNG/JPEG file under <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder; its subfolders are read too.</param>
    /// <param name="warning">Receives one line naming the unreadable files, if there are any.</param>
    /// <exception cref="DatasetException">The folder is missing, holds no image file, or none of its images can be read.</exception>
    public static ImageDataset Load(string folder, Action<string>? warning = null)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DatasetException($"Dataset folder '{full}' does not exist.");
        }

        string[] files;
        try
        {
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = true,
                IgnoreInaccessible = true,
                MatchCasing = MatchCasing.CaseInsensitive,

                // Hidden files are editor and OS litter; links are skipped so a link cycle cannot loop forever.
                AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
            };
            files = Directory.EnumerateFiles(full, "*", options)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot list dataset folder '{full}': {Cifar10Reader.OneLine(e.Message)}", e);
        }

        if (files.Length == 0)
        {
            throw new DatasetException($"Dataset folder '{full}' contains no PNG or JPEG files (its subfolders were searched too).");
        }

        if (files.Length > ImageDataset.MaxImages)
        {
            throw new DatasetException($"Dataset folder '{full}' holds {files.Length} images; at most {ImageDataset.MaxImages} fit in one dataset.");
        }

        Array.Sort(files, StringComparer.Ordinal);
        var pixels = GC.AllocateUninitializedArray<byte>(files.Length * ImageDataset.ImageFloats);
        var errors = new string?[files.Length];
        void DecodeOne(int i) => errors[i] = TryDecode(files[i], pixels.AsSpan(i * ImageDataset.ImageFloats, ImageDataset.ImageFloats));
        if (files.Length > ParallelThreshold)
        {
            Parallel.For(0, files.Length, DecodeOne);
        }
        else
        {
            for (var i = 0; i < files.Length; i++)
            {
                DecodeOne(i);
            }
        }

        // Close the gaps the unreadable files left, keeping the order.
        var count = 0;
        for (var i = 0; i < files.Length; i++)
        {
            if (errors[i] is null)
            {
                if (count != i)
                {
                    pixels.AsSpan(i * ImageDataset.ImageFloats, ImageDataset.ImageFloats).CopyTo(pixels.AsSpan(count * ImageDataset.ImageFloats));
                }

                count++;
            }
        }

        var failed = Enumerable.Range(0, files.Length).Where(i => errors[i] is not null).ToArray();
        if (count == 0)
        {
            throw new DatasetException(
                $"None of the {files.Length} image files in '{full}' could be read (first: {Path.GetRelativePath(full, files[0])}: {errors[0]}).");
        }

        if (failed.Length > 0)
        {
            var names = string.Join(", ", failed.Take(NamesInWarning).Select(i => $"{Path.GetRelativePath(full, files[i])} ({errors[i]})"));
            var more = failed.Length > NamesInWarning ? $" and {failed.Length - NamesInWarning} more" : string.Empty;
            warning?.Invoke($"{failed.Length} of {files.Length} image files in '{full}' could not be read and were skipped: {names}{more}.");
        }

        return new ImageDataset(pixels, count, $"folder: {count} images from '{full}' (shorter side resized to 32, centre-cropped)");
    }

    /// <summary>Decodes one file into <paramref name="destination"/> (channel-major RGB bytes); returns why it failed, or null.</summary>
    public static string? TryDecode(string path, Span<byte> destination)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return TryDecode(stream, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Cifar10Reader.OneLine(e.Message);
        }
    }

    /// <summary>Decodes one encoded image from <paramref name="stream"/>; returns why it failed, or null.</summary>
    public static string? TryDecode(Stream stream, Span<byte> destination)
    {
        if (destination.Length != ImageDataset.ImageFloats)
        {
            throw new ArgumentException($"An image needs {ImageDataset.ImageFloats} bytes.", nameof(destination));
        }

        using var codec = SKCodec.Create(stream, out var created);
        if (codec is null)
        {
            return $"not a decodable image: {created}";
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return $"invalid size {info.Width}x{info.Height}";
        }

        // JPEG decoders can shrink while decoding (by 1/2, 1/4, 1/8): ask for about twice the target, so big
        // photos decode fast and the final filter still has enough pixels to average.
        var size = new SKSizeI(info.Width, info.Height);
        var shorter = Math.Min(info.Width, info.Height);
        if (shorter > 4 * Side)
        {
            var scaled = codec.GetScaledDimensions(2f * Side / shorter);
            if (Math.Min(scaled.Width, scaled.Height) >= Side)
            {
                size = scaled;
            }
        }

        if ((long)size.Width * size.Height > MaxPixels)
        {
            return $"{info.Width}x{info.Height} is larger than {MaxPixels / (1024 * 1024)} megapixels";
        }

        // A header can declare any size; the pixels must be justified by the bytes that encode them before a
        // bitmap is allocated (PNG's deflate cannot expand one byte into more than about 8,300 one-bit pixels).
        if (stream.CanSeek && (long)size.Width * size.Height > MinPixelBudget + (PixelsPerEncodedByte * stream.Length))
        {
            return $"{info.Width}x{info.Height} pixels cannot be encoded in {stream.Length} bytes: the header is corrupt";
        }

        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(decodeInfo))
        {
            return $"out of memory for {size.Width}x{size.Height} pixels";
        }

        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            // IncompleteInput included: a truncated file is corrupt even though part of it decodes.
            return $"decoding failed: {result}";
        }

        bitmap.SetImmutable();
        using var whole = SKImage.FromBitmap(bitmap);

        // A subset image, not a source rectangle: filters near the crop edge then clamp to the crop instead of
        // blending in the pixels that were cut away.
        var square = Math.Min(size.Width, size.Height);
        using var image = whole.Subset(SKRectI.Create((size.Width - square) / 2, (size.Height - square) / 2, square, square));
        if (image is null)
        {
            return "cannot crop the image";
        }
        var sampling = square > Side
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);

        var targetInfo = new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(targetInfo);
        if (surface is null)
        {
            return "cannot create a drawing surface";
        }

        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.DrawImage(image, SKRect.Create(Side, Side), sampling);
        surface.Canvas.Flush();

        using var pixmap = surface.PeekPixels();
        if (pixmap is null)
        {
            return "cannot read the resized pixels";
        }

        var rgba = pixmap.GetPixelSpan();
        var rowBytes = pixmap.RowBytes;

        // Over an opaque white background premultiplied and straight colour are the same.
        const int plane = Side * Side;
        for (var y = 0; y < Side; y++)
        {
            var row = rgba.Slice(y * rowBytes, Side * 4);
            for (var x = 0; x < Side; x++)
            {
                var i = (y * Side) + x;
                destination[i] = row[4 * x];
                destination[plane + i] = row[(4 * x) + 1];
                destination[(2 * plane) + i] = row[(4 * x) + 2];
            }
        }

        return null;
    }
}
