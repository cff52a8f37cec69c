using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class FashionMnistReaderTests
{
    [Theory]
    [InlineData("train-images-idx3-ubyte", false)]
    [InlineData("train-images-idx3-ubyte.gz", true)]
    public void Pads_to_32x32_and_repeats_the_grey_channel(string name, bool gzip)
    {
        using var temp = new TempFolder();
        var idx = TestFiles.Idx(3);
        File.WriteAllBytes(temp.Combine(name), gzip ? TestFiles.Gzip(idx) : idx);

        var dataset = DatasetLoader.Load("fashion-mnist", temp.Path);

        Assert.Equal(3, dataset.Count);
        for (var i = 0; i < 3; i++)
        {
            var image = TestFiles.Floats(dataset, i);
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < 32; y++)
                {
                    for (var x = 0; x < 32; x++)
                    {
                        var inside = y is >= 2 and < 30 && x is >= 2 and < 30;
                        var expected = inside ? TestFiles.IdxPixel(i, y - 2, x - 2) / 255f : 0f;
                        var actual = image[(c * 1024) + (y * 32) + x];
                        Assert.True(expected == actual, $"image {i} channel {c} ({y}, {x}): {actual} != {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Finds_the_files_in_a_fashion_mnist_subfolder_and_in_configured_folders()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("fashion-mnist"));
        File.WriteAllBytes(temp.Combine("fashion-mnist", "train-images-idx3-ubyte.gz"), TestFiles.Gzip(TestFiles.Idx(2)));

        Assert.Equal(2, DatasetLoader.Load("fashion-mnist", temp.Path).Count);
        var options = new DatasetLoadOptions { FashionMnistFolders = [temp.Combine("nothing"), temp.Combine("fashion-mnist")] };
        Assert.Equal(2, DatasetLoader.Load("FASHION-MNIST", null, options).Count);
    }

    [Fact]
    public void A_missing_file_names_the_folders_searched_and_the_offline_alternative()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("fashion-mnist", temp.Path));
        Assert.Contains(temp.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("--dataset shapes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2049, 28, 28, null, "magic number 2049")]
    [InlineData(2051, 32, 28, null, "32x28 images")]
    [InlineData(2051, 28, 28, 5, "declares 5 images")]
    [InlineData(2051, 28, 28, -1, "declares -1 images")]
    public void A_wrong_header_is_explained(int magic, int rows, int cols, int? declared, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.Combine("train-images-idx3-ubyte");
        File.WriteAllBytes(path, TestFiles.Idx(2, rows, cols, magic, declared));

        var e = Assert.Throws<DatasetException>(() => FashionMnistReader.Load(path));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compressed_file_that_declares_a_huge_count_is_refused_without_allocating_for_it()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, TestFiles.Gzip(TestFiles.Idx(2, declaredCount: 600_000)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetException>(() => FashionMnistReader.Load(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("declares 600000 images but ends after 2", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for a {new FileInfo(path).Length}-byte file");
    }

    [Fact]
    public void Trailing_data_after_the_declared_images_is_corrupt()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("train-images-idx3-ubyte.gz");
        var idx = TestFiles.Idx(2);
        File.WriteAllBytes(path, TestFiles.Gzip([.. idx, 1, 2, 3]));
        Assert.Contains("data after the 2 images", Assert.Throws<DatasetException>(() => FashionMnistReader.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, TestFiles.Gzip(idx)[..40]);
        Assert.Throws<DatasetException>(() => FashionMnistReader.Load(path));
    }
}
