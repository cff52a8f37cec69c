using System.Numerics;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Images kept as bytes (one per channel value, 3 KiB per image) and converted to floats in [0, 1] only when a
/// batch is fetched: CIFAR-10's 50,000 images take 150 MiB this way instead of 600 MiB as floats.
/// </summary>
public sealed class ImageDataset : IImageDataset
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Colour channels per image.</summary>
    public const int Channels = 3;

    /// <summary>Values per image: <see cref="Channels"/> x <see cref="ImageSize"/> x <see cref="ImageSize"/>.</summary>
    public const int ImageFloats = Channels * ImageSize * ImageSize;

    /// <summary>
    /// The most images one dataset holds: the byte store is a single array, whose length .NET caps just under 2 GiB.
    /// </summary>
    public const int MaxImages = (int.MaxValue - 64) / ImageFloats;

    private readonly byte[] _pixels;

    /// <summary>
    /// Wraps <paramref name="pixels"/>: <paramref name="count"/> images of <see cref="ImageFloats"/> bytes each in
    /// channel-major order (0 = black, 255 = full intensity). The array is used as it is, not copied; it may be
    /// longer than needed.
    /// </summary>
    /// <exception cref="ArgumentException">The array is shorter than <paramref name="count"/> images.</exception>
    public ImageDataset(byte[] pixels, int count, string description)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)count * ImageFloats > pixels.Length)
        {
            throw new ArgumentException($"{count} images need {(long)count * ImageFloats} bytes but the array has {pixels.Length}.", nameof(pixels));
        }

        _pixels = pixels;
        Count = count;
        Description = description;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>The bytes of image <paramref name="index"/> (channel-major, <see cref="ImageFloats"/> values).</summary>
    public ReadOnlySpan<byte> GetPixels(int index)
    {
        CheckIndex(index);
        return _pixels.AsSpan(index * ImageFloats, ImageFloats);
    }

    /// <inheritdoc />
    public void CopyImage(int index, Span<float> destination)
    {
        CheckIndex(index);
        if (destination.Length < ImageFloats)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; an image needs {ImageFloats}.", nameof(destination));
        }

        ToUnit(_pixels.AsSpan(index * ImageFloats, ImageFloats), destination[..ImageFloats]);
    }

    /// <summary>Converts bytes to floats divided by 255 (vectorised; the same values as the scalar division).</summary>
    public static void ToUnit(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        // Division, not multiplication by 1/255: it is exact at 0 and 255 and matches Chainer's x / 255; IEEE
        // division is correctly rounded in vector lanes too, so both paths give identical floats.
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var divisor = new Vector<float>(255f);
            var n = Vector<float>.Count;
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                (Vector.ConvertToSingle(a) / divisor).CopyTo(destination[i..]);
                (Vector.ConvertToSingle(b) / divisor).CopyTo(destination[(i + n)..]);
                (Vector.ConvertToSingle(c) / divisor).CopyTo(destination[(i + (2 * n))..]);
                (Vector.ConvertToSingle(d) / divisor).CopyTo(destination[(i + (3 * n))..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / 255f;
        }
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} images.");
        }
    }
}
