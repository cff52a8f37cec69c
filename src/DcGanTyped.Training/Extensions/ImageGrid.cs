using SkiaSharp;

namespace DcGanTyped.Training.Extensions;

/// <summary>Tiles generated images (NCHW floats in [0, 1]) into one PNG, as Chainer's <c>out_generated_image</c> does.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Encodes <paramref name="rows"/> x <paramref name="cols"/> images of <paramref name="channels"/> x
    /// <paramref name="size"/> x <paramref name="size"/> as a PNG of (rows * size) x (cols * size) pixels, row by row.
    /// Values are clipped to [0, 1] and scaled to bytes; one channel is drawn as grey.
    /// </summary>
    public static byte[] EncodePng(ReadOnlySpan<float> images, int rows, int cols, int channels = 3, int size = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        var per = channels * size * size;
        if (images.Length < rows * cols * per)
        {
            throw new ArgumentException($"{rows}x{cols} images need {rows * cols * per} values, got {images.Length}", nameof(images));
        }

        using var bitmap = new SKBitmap(new SKImageInfo(cols * size, rows * size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[bitmap.Width * bitmap.Height * 4];
        var plane = size * size;
        for (var k = 0; k < rows * cols; k++)
        {
            var img = images.Slice(k * per, per);
            int r0 = k / cols * size, c0 = k % cols * size;
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var o = (((r0 + y) * bitmap.Width) + c0 + x) * 4;
                    var i = (y * size) + x;
                    pixels[o] = ToByte(img[i]);
                    pixels[o + 1] = ToByte(img[(channels > 1 ? plane : 0) + i]);
                    pixels[o + 2] = ToByte(img[(channels > 2 ? 2 * plane : 0) + i]);
                    pixels[o + 3] = 255;
                }
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(v * 255f, 0f, 255f);
}
