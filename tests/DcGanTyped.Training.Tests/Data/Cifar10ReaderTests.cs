using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class Cifar10ReaderTests
{
    [Fact]
    public void Reads_every_training_batch_in_numeric_order_and_skips_the_test_batch()
    {
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(temp.Combine("cifar-10-batches-bin")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "data_batch_10.bin"), TestFiles.CifarBatch(1, 10));
        File.WriteAllBytes(Path.Combine(folder, "data_batch_2.bin"), TestFiles.CifarBatch(3, 2));
        File.WriteAllBytes(Path.Combine(folder, "data_batch_1.bin"), TestFiles.CifarBatch(2, 1));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), TestFiles.CifarBatch(4, 99));

        var dataset = DatasetLoader.Load("cifar10", temp.Path, new DatasetLoadOptions { AllowDownload = false });

        Assert.Equal(6, dataset.Count);
        var expected = new (int Seed, int Image)[] { (1, 0), (1, 1), (2, 0), (2, 1), (2, 2), (10, 0) };
        for (var k = 0; k < expected.Length; k++)
        {
            var floats = TestFiles.Floats(dataset, k);
            for (var j = 0; j < ImageDataset.ImageFloats; j += 97)
            {
                Assert.Equal(TestFiles.CifarPixel(expected[k].Seed, expected[k].Image, j) / 255f, floats[j]);
            }
        }

        Assert.Contains("data_batch_1.bin, data_batch_2.bin, data_batch_10.bin", dataset.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_data_folder_may_be_the_batches_folder_itself()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.Combine("data_batch_1.bin"), TestFiles.CifarBatch(2, 1));
        Assert.Equal(2, DatasetLoader.Load("cifar10", temp.Path, new DatasetLoadOptions { AllowDownload = false }).Count);
    }

    [Fact]
    public void Keeps_the_channel_planes_of_the_binary_format()
    {
        using var temp = new TempFolder();
        var record = new byte[TestFiles.CifarRecord];
        record[0] = 3;
        record.AsSpan(1, 1024).Fill(10); // red plane
        record.AsSpan(1025, 1024).Fill(20); // green plane
        record.AsSpan(2049, 1024).Fill(30); // blue plane
        var folder = Directory.CreateDirectory(temp.Combine("cifar-10-batches-bin")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "data_batch_1.bin"), record);

        var image = TestFiles.Floats(Cifar10Reader.Load(folder), 0);

        Assert.Equal(10 / 255f, image[0]);
        Assert.Equal(10 / 255f, image[1023]);
        Assert.Equal(20 / 255f, image[1024]);
        Assert.Equal(30 / 255f, image[3071]);
    }

    [Fact]
    public void A_file_whose_size_is_not_a_multiple_of_3073_is_named_in_the_error()
    {
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(temp.Combine("cifar-10-batches-bin")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "data_batch_1.bin"), TestFiles.CifarBatch(2, 1));
        File.WriteAllBytes(Path.Combine(folder, "data_batch_2.bin"), TestFiles.CifarBatch(2, 1)[..5000]);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", temp.Path));

        Assert.Contains(Path.Combine(folder, "data_batch_2.bin"), e.Message, StringComparison.Ordinal);
        Assert.Contains("5000 bytes, not a multiple of 3073", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_label_above_9_means_the_file_is_not_CIFAR_10()
    {
        using var temp = new TempFolder();
        var bytes = TestFiles.CifarBatch(3, 0);
        bytes[2 * TestFiles.CifarRecord] = 200;
        File.WriteAllBytes(temp.Combine("data_batch_1.bin"), bytes);

        var e = Assert.Throws<DatasetException>(() => Cifar10Reader.Load(temp.Path));

        Assert.Contains("label 200 in record 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_batches_or_with_empty_ones_is_an_error()
    {
        using var temp = new TempFolder();
        Assert.Contains("No CIFAR-10 training files", Assert.Throws<DatasetException>(() => Cifar10Reader.Load(temp.Path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(temp.Combine("data_batch_1.bin"), []);
        Assert.Contains("are empty", Assert.Throws<DatasetException>(() => Cifar10Reader.Load(temp.Path)).Message, StringComparison.Ordinal);
    }
}
