using DcGanTyped.Training.Data;
using SkiaSharp;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class ImageFolderReaderTests
{
    private static byte[] Pixel(ImageDataset dataset, int image, int y, int x)
    {
        var p = dataset.GetPixels(image);
        var o = (y * 32) + x;
        return [p[o], p[1024 + o], p[2048 + o]];
    }

    [Fact]
    public void Reads_png_and_jpeg_recursively_in_path_order()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("b"));
        File.WriteAllBytes(temp.Combine("b", "1.png"), TestFiles.SolidPng(40, 40, new SKColor(0, 0, 255)));
        File.WriteAllBytes(temp.Combine("a.PNG"), TestFiles.SolidPng(32, 32, new SKColor(255, 0, 0)));
        File.WriteAllBytes(temp.Combine("c.jpg"), TestFiles.Encode(64, 48, (_, _) => new SKColor(0, 200, 0), SKEncodedImageFormat.Jpeg));
        File.WriteAllText(temp.Combine("notes.txt"), "not an image");

        var dataset = DatasetLoader.Load(temp.Path, null);

        Assert.Equal(3, dataset.Count);
        Assert.Equal([255, 0, 0], Pixel(dataset, 0, 5, 5));
        Assert.Equal([0, 0, 255], Pixel(dataset, 1, 16, 16));
        var green = Pixel(dataset, 2, 16, 16);
        Assert.True(Math.Abs(green[1] - 200) <= 3 && green[0] <= 3 && green[2] <= 3, $"JPEG pixel {string.Join(",", green)}");
    }

    [Fact]
    public void Crops_the_centre_of_a_wide_image()
    {
        using var temp = new TempFolder();

        // 96 x 32: red, green, blue thirds; the centred 32 x 32 square is the green third.
        File.WriteAllBytes(temp.Combine("wide.png"), TestFiles.Encode(96, 32, (x, _) => x < 32 ? SKColors.Red : x < 64 ? SKColors.Lime : SKColors.Blue));
        // 20 x 60, tall: top and bottom thirds black, middle white; the centre 20 x 20 is white, enlarged to 32.
        File.WriteAllBytes(temp.Combine("tall.png"), TestFiles.Encode(20, 60, (_, y) => y is >= 20 and < 40 ? SKColors.White : SKColors.Black));

        var dataset = ImageFolderReader.Load(temp.Path);

        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                Assert.Equal([255, 255, 255], Pixel(dataset, 0, y, x));
                Assert.Equal([0, 255, 0], Pixel(dataset, 1, y, x));
            }
        }
    }

    [Fact]
    public void Shrinking_averages_instead_of_picking_pixels()
    {
        // 256 x 256 random grey noise: a filter that averages 8 x 8 blocks leaves little of its spread
        // (standard deviation about 74 / 8); picking or interpolating two pixels would keep most of it.
        using var temp = new TempFolder();
        var rng = new Random(1);
        var noise = new byte[256 * 256];
        rng.NextBytes(noise);
        File.WriteAllBytes(temp.Combine("noise.png"), TestFiles.Encode(256, 256, (x, y) => new SKColor(noise[(y * 256) + x], noise[(y * 256) + x], noise[(y * 256) + x])));

        var red = ImageFolderReader.Load(temp.Path).GetPixels(0)[..1024].ToArray();
        var mean = red.Average(v => (double)v);
        var sd = Math.Sqrt(red.Average(v => (v - mean) * (v - mean)));

        Assert.InRange(mean, 120, 135);
        Assert.True(sd < 25, $"standard deviation after shrinking is {sd:F1}");
    }

    [Fact]
    public void Transparent_pixels_become_white()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("clear.png"), TestFiles.SolidPng(32, 32, new SKColor(255, 0, 0, 0)));
        Assert.Equal([255, 255, 255], Pixel(ImageFolderReader.Load(temp.Path), 0, 10, 10));
    }

    [Fact]
    public void Unreadable_files_are_skipped_and_reported_with_their_count_and_names()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("good.png"), TestFiles.SolidPng(32, 32, SKColors.Red));
        File.WriteAllBytes(temp.Combine("bad1.png"), "not a png"u8.ToArray());
        File.WriteAllBytes(temp.Combine("bad2.jpg"), TestFiles.SolidPng(32, 32, SKColors.Red)[..60]);
        var warnings = new List<string>();

        var dataset = DatasetLoader.Load(temp.Path, null, new DatasetLoadOptions { Warning = warnings.Add });

        Assert.Equal(1, dataset.Count);
        Assert.Equal([255, 0, 0], Pixel(dataset, 0, 0, 0));
        var warning = Assert.Single(warnings);
        Assert.Contains("2 of 3 image files", warning, StringComparison.Ordinal);
        Assert.Contains("bad1.png", warning, StringComparison.Ordinal);
        Assert.Contains("bad2.jpg", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_no_readable_image_is_an_error()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => ImageFolderReader.Load(temp.Path));
        Assert.Contains("None of the 1 image files", e.Message, StringComparison.Ordinal);
        Assert.Contains("broken.png", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_or_missing_folder_is_an_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("readme.txt"), "no images here");
        Assert.Contains("contains no PNG or JPEG files", Assert.Throws<DatasetException>(() => DatasetLoader.Load(temp.Path, null)).Message, StringComparison.Ordinal);
        var missing = temp.Combine("missing");
        Assert.Contains($"'{missing}' does not exist", Assert.Throws<DatasetException>(() => DatasetLoader.Load(missing, null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_unknown_name_is_reported_as_an_unknown_dataset()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar100", null));
        Assert.Contains("Unknown dataset 'cifar100'", e.Message, StringComparison.Ordinal);
        Assert.Contains("shapes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_files_decode_in_parallel_and_keep_their_order()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 100; i++)
        {
            File.WriteAllBytes(temp.Combine($"{i:D3}.png"), TestFiles.SolidPng(8, 8, new SKColor((byte)i, (byte)(2 * i), 7)));
        }

        File.WriteAllBytes(temp.Combine("050b.png"), [1, 2, 3]);
        var dataset = ImageFolderReader.Load(temp.Path);

        Assert.Equal(100, dataset.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal([(byte)i, (byte)(2 * i), 7], Pixel(dataset, i, 16, 16));
        }
    }
}
