using System.Formats.Tar;
using DcGanTyped.Training.Data;
using Xunit;

namespace DcGanTyped.Training.Tests.Data;

public sealed class Cifar10DownloadTests
{
    private static DatasetLoadOptions Options(LoopbackHttpServer server, byte[] archive, List<long>? progress = null) => new()
    {
        Cifar10BaseUri = server.BaseUri,
        Cifar10Md5 = TestFiles.Md5(archive),
        DownloadProgress = progress is null ? null : new SynchronousProgress(progress),
        StallTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public void Downloads_verifies_and_unpacks_the_archive_then_loads_it()
    {
        using var server = new LoopbackHttpServer();
        using var data = new TempFolder();
        var archive = TestFiles.FakeCifarArchive(perBatch: 3);
        server.Serve("/files/cifar-10-binary.tar.gz", archive);
        var progress = new List<long>();
        var info = new List<string>();

        var dataset = DatasetLoader.Load("cifar10", data.Path, Options(server, archive, progress) with { Info = info.Add });

        Assert.Equal(6, dataset.Count);
        Assert.Equal(TestFiles.CifarPixel(2, 1, 5) / 255f, TestFiles.Floats(dataset, 4)[5]);
        Assert.Equal(archive.Length, progress[^1]);
        Assert.Contains(info, line => line.Contains("downloading", StringComparison.Ordinal));

        // Only the unpacked batches remain: no archive, no .part, no temporary folder.
        Assert.Equal(
            ["cifar-10-batches-bin", "cifar-10-batches-bin/batches.meta.txt", "cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/data_batch_2.bin", "cifar-10-batches-bin/test_batch.bin"],
            data.Listing());

        // A second load finds the folder and does not download again.
        var requests = server.Requests;
        Assert.Equal(6, DatasetLoader.Load("cifar10", data.Path, Options(server, archive)).Count);
        Assert.Equal(requests, server.Requests);
    }

    [Fact]
    public void An_archive_with_the_wrong_checksum_is_rejected_and_nothing_is_left_behind()
    {
        using var server = new LoopbackHttpServer();
        using var data = new TempFolder();
        var archive = TestFiles.FakeCifarArchive();
        var corrupted = (byte[])archive.Clone();
        corrupted[corrupted.Length / 2] ^= 0x40;
        server.Serve("/files/cifar-10-binary.tar.gz", corrupted);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, Options(server, archive)));

        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Contains(TestFiles.Md5(archive), e.Message, StringComparison.Ordinal);
        Assert.Empty(data.Listing());
    }

    [Theory]
    [InlineData("crc32")]
    [InlineData("truncated")]
    public void A_corrupt_archive_with_a_matching_checksum_is_rejected_and_nothing_is_left_behind(string damage)
    {
        using var server = new LoopbackHttpServer();
        using var data = new TempFolder();
        var archive = TestFiles.FakeCifarArchive();

        // Damage that always changes what the archive decodes to (a flipped bit inside the deflate stream may not:
        // some bits of a block header do not change the output). The gzip trailer's CRC-32 is read only after
        // the tar's end-of-archive marker, so that case needs the extractor to read the stream to its end.
        // The expected MD5 is computed from the damaged bytes, as if the published checksum were of them.
        archive = damage == "crc32" ? Flip(archive, archive.Length - 6) : archive[..(archive.Length / 2)];
        server.Serve("/files/cifar-10-binary.tar.gz", archive);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, Options(server, archive)));

        Assert.Contains("Archive 'cifar-10-binary.tar.gz' is corrupt: ", e.Message, StringComparison.Ordinal);
        if (damage == "crc32")
        {
            Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
        }

        Assert.Empty(data.Listing());
    }

    [Fact]
    public void An_archive_without_the_batches_folder_is_rejected()
    {
        using var server = new LoopbackHttpServer();
        using var data = new TempFolder();
        var archive = TestFiles.TarGz([new(TarEntryType.RegularFile, "readme.txt", "hello"u8.ToArray())]);
        server.Serve("/files/cifar-10-binary.tar.gz", archive);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, Options(server, archive)));

        Assert.Contains("not the CIFAR-10 binary archive", e.Message, StringComparison.Ordinal);
        Assert.Empty(data.Listing());
    }

    public static TheoryData<string> EvilEntries => ["dotdot", "absolute", "symlink", "hardlink", "fifo", "chardevice"];

    [Theory]
    [MemberData(nameof(EvilEntries))]
    public void An_archive_with_an_entry_that_could_escape_is_rejected_whole_and_writes_nothing_outside(string kind)
    {
        using var server = new LoopbackHttpServer();
        using var root = new TempFolder();
        var data = Directory.CreateDirectory(root.Combine("data")).FullName;
        var outside = root.Combine("outside");
        var evil = kind switch
        {
            "dotdot" => new TestFiles.TarItem(TarEntryType.RegularFile, "cifar-10-batches-bin/../../outside", "owned"u8.ToArray()),
            "absolute" => new TestFiles.TarItem(TarEntryType.RegularFile, outside, "owned"u8.ToArray()),
            "symlink" => new TestFiles.TarItem(TarEntryType.SymbolicLink, "cifar-10-batches-bin/link", LinkName: outside),
            "hardlink" => new TestFiles.TarItem(TarEntryType.HardLink, "cifar-10-batches-bin/link", LinkName: "../../outside"),
            "fifo" => new TestFiles.TarItem(TarEntryType.Fifo, "cifar-10-batches-bin/pipe"),
            _ => new TestFiles.TarItem(TarEntryType.CharacterDevice, "cifar-10-batches-bin/null"),
        };

        // A valid batch first, so the evil entry arrives after something has been unpacked.
        var archive = TestFiles.TarGz(
        [
            new(TarEntryType.Directory, "cifar-10-batches-bin/"),
            new(TarEntryType.RegularFile, "cifar-10-batches-bin/data_batch_1.bin", TestFiles.CifarBatch(2, 1)),
            evil,
            new(TarEntryType.RegularFile, "cifar-10-batches-bin/data_batch_2.bin", TestFiles.CifarBatch(2, 2)),
        ]);
        server.Serve("/files/cifar-10-binary.tar.gz", archive);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data, Options(server, archive)));

        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        Assert.Equal(["data"], root.Listing());
    }

    [Fact]
    public void With_no_server_the_message_names_the_folder_to_fill_and_the_offline_dataset()
    {
        using var data = new TempFolder();
        var options = new DatasetLoadOptions { Cifar10BaseUri = new Uri($"http://127.0.0.1:{LoopbackHttpServer.UnusedPort()}/") };

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, options));

        Assert.Contains($"'{Path.Combine(data.Path, "cifar-10-batches-bin")}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("--dataset shapes", e.Message, StringComparison.Ordinal);
        Assert.Contains("could not be downloaded", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(data.Listing());
    }

    [Fact]
    public void A_missing_file_on_the_server_and_a_refused_download_give_the_same_advice()
    {
        using var server = new LoopbackHttpServer();
        using var data = new TempFolder();
        var options = new DatasetLoadOptions { Cifar10BaseUri = server.BaseUri };
        Assert.Contains("404", Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, options)).Message, StringComparison.Ordinal);
        var offline = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, options with { AllowDownload = false }));
        Assert.Contains("--dataset shapes", offline.Message, StringComparison.Ordinal);
        Assert.Empty(data.Listing());
    }

    [Fact]
    public void A_download_cut_short_leaves_no_partial_file()
    {
        using var server = new LoopbackHttpServer { CutAfter = 100 };
        using var data = new TempFolder();
        var archive = TestFiles.FakeCifarArchive(perBatch: 20);
        server.Serve("/files/cifar-10-binary.tar.gz", archive);

        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load("cifar10", data.Path, Options(server, archive)));

        Assert.Contains("could not be downloaded", e.Message, StringComparison.Ordinal);
        Assert.Empty(data.Listing());
    }

    [Fact]
    public void A_complete_archive_left_by_an_earlier_run_is_reused_and_leftovers_of_dead_runs_are_removed()
    {
        using var data = new TempFolder();
        var archive = TestFiles.FakeCifarArchive();
        File.WriteAllBytes(data.Combine("cifar-10-binary.tar.gz"), archive);
        Directory.CreateDirectory(data.Combine(".cifar-10-unpack-999999999-0", "cifar-10-batches-bin"));
        var options = new DatasetLoadOptions { Cifar10BaseUri = new Uri($"http://127.0.0.1:{LoopbackHttpServer.UnusedPort()}/"), Cifar10Md5 = TestFiles.Md5(archive) };

        Assert.Equal(6, DatasetLoader.Load("cifar10", data.Path, options).Count);
        Assert.All(data.Listing(), p => Assert.StartsWith("cifar-10-batches-bin", p, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_data_folder_is_under_the_user_cache()
    {
        var folder = DatasetLoader.DefaultDataDirectory;
        Assert.EndsWith(Path.Combine(".cache", "dcgantyped"), folder.Replace(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? "\0", ".cache", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(folder));
    }

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SynchronousProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x40;
        return copy;
    }
}
