using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class ImageDatasetTests
{
    [Fact]
    public void CopyImage_scales_bytes_to_the_unit_interval_exactly()
    {
        var pixels = new byte[2 * ImageDataset.ImageFloats];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i % 256);
        }

        var dataset = new ImageDataset(pixels, 2, "ramp");
        var image = TestFiles.Floats(dataset, 1);
        for (var i = 0; i < ImageDataset.ImageFloats; i++)
        {
            var expected = (float)((double)pixels[ImageDataset.ImageFloats + i] / 255.0);
            Assert.True(expected == image[i], $"value {i}: {image[i]} != {expected}");
        }

        Assert.Equal(1f, image[255]);
        Assert.Equal(0f, image[256]);
    }

    [Fact]
    public void The_vector_conversion_equals_scalar_division_at_every_length()
    {
        // Lengths around the vector widths (up to 64 bytes per vector with AVX-512) exercise body and remainder.
        var source = Enumerable.Range(0, 300).Select(i => (byte)((i * 89) + 3)).ToArray();
        for (var length = 0; length <= 200; length++)
        {
            var actual = new float[length];
            ImageDataset.ToUnit(source.AsSpan(0, length), actual);
            var expected = source.Take(length).Select(b => (float)((double)b / 255.0)).ToArray();
            var (max, at) = TestFiles.MaxAbsDiff(expected, actual);
            Assert.True(max == 0f, $"length {length}: max difference {max} at {at}");
        }
    }

    [Fact]
    public void Checks_indices_and_buffer_sizes()
    {
        var dataset = new ImageDataset(new byte[ImageDataset.ImageFloats + 5], 1, "one");
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.CopyImage(1, new float[ImageDataset.ImageFloats]));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.CopyImage(-1, new float[ImageDataset.ImageFloats]));
        Assert.Throws<ArgumentException>(() => dataset.CopyImage(0, new float[10]));
        Assert.Throws<ArgumentException>(() => new ImageDataset(new byte[10], 1, "short"));
    }
}
