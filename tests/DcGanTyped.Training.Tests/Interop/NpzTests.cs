using System.Buffers.Binary;
using System.IO.Compression;
using DcGanTyped.Training.Interop;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

public sealed class NpzTests
{
    [Fact]
    public void Lists_and_reads_a_chainer_archive_written_by_numpy()
    {
        using var npz = NpzArchive.Open(FixtureFiles.Path("chainer/gen_narrow.npz"));
        Assert.Equal("gen_narrow.npz", npz.Name);
        Assert.Contains("l0/W", npz.Keys);
        Assert.Contains("bn3/avg_var", npz.Keys);
        Assert.True(npz.Contains("dc4/b"));
        Assert.False(npz.Contains("dc5/b"));

        var w = npz.Read("l0/W");
        Assert.Equal([1024, 100], w.Shape);
        Assert.Equal(1024 * 100, w.Data.Length);

        // Values are multiples of 2^-12 (see the script): a wrong byte order or offset would break that.
        Assert.All(w.Data, v => Assert.Equal(v, MathF.Round(v * 4096f) / 4096f));
        Assert.InRange(StdDev(w.Data), 0.045, 0.055);

        var n = npz.ReadHeader("bn0/N");
        Assert.Equal("<i8", n.Descr);
        Assert.Empty(n.Shape);
    }

    [Fact]
    public void Errors_name_the_archive_and_the_key()
    {
        using var npz = NpzArchive.Open(FixtureFiles.Path("chainer/gen_narrow.npz"));
        var e = Assert.Throws<InteropFormatException>(() => npz.Read("bn0/N"));
        Assert.Equal(
            "gen_narrow.npz: 'bn0/N': dtype '<i8' is not supported; only little-endian float32 ('<f4') and float64 ('<f8') arrays are read",
            e.Message);

        e = Assert.Throws<InteropFormatException>(() => npz.Read("l9/W"));
        Assert.Equal("gen_narrow.npz: no array 'l9/W'", e.Message);
    }

    [Fact]
    public void Refuses_files_that_are_not_zips_and_entries_that_are_not_npy()
    {
        var e = Assert.Throws<InteropFormatException>(() => new NpzArchive(new MemoryStream(new byte[100]), "x.npz"));
        Assert.StartsWith("x.npz: not an .npz (zip) archive", e.Message);

        var zip = Zip(("l0/W.npy", FixtureFiles.Npy(FixtureFiles.Header("<f4", "(1,)"), FixtureFiles.F4(1))), ("evil.pkl", [1, 2, 3]));
        e = Assert.Throws<InteropFormatException>(() => new NpzArchive(new MemoryStream(zip), "y.npz"));
        Assert.Equal("y.npz: entry 'evil.pkl' is not a .npy array", e.Message);
    }

    [Fact]
    public void An_entry_claiming_more_bytes_than_its_compressed_size_allows_is_refused_before_reading()
    {
        var npy = FixtureFiles.Npy(FixtureFiles.Header("<f4", "(2,)"), FixtureFiles.F4(1, 2));
        var zip = Zip(("a.npy", npy));

        // Patch the central directory's uncompressed size (offset 24 of the 0x02014b50 record) to 2 GiB.
        var central = IndexOf(zip, [0x50, 0x4b, 0x01, 0x02]);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(central + 24), 0x7FFF_FFFF);
        using var npz = new NpzArchive(new MemoryStream(zip), "bomb.npz");
        var e = Assert.Throws<InteropFormatException>(() => npz.Read("a"));
        Assert.Contains("bomb.npz: 'a' claims 2147483647 bytes", e.Message);
    }

    [Fact]
    public void Arrays_of_zeros_compressed_near_deflates_limit_are_still_read()
    {
        // 4 MB of zeros compress about 1000:1, close to deflate's ceiling of 1032:1 that the size check allows.
        var npy = FixtureFiles.Npy(FixtureFiles.Header("<f4", "(1048576,)"), new byte[4 << 20]);
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("zeros.npy", CompressionLevel.SmallestSize).Open();
            s.Write(npy);
        }

        stream.Position = 0;
        using var npz = new NpzArchive(stream, "zeros.npz");
        var a = npz.Read("zeros");
        Assert.Equal([1 << 20], a.Shape);
        Assert.All(a.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_corrupted_compressed_entry_is_reported_not_thrown_raw()
    {
        var values = Enumerable.Range(0, 4096).Select(i => (float)(i % 7)).ToArray();
        var zip = Zip(("a.npy", FixtureFiles.Npy(FixtureFiles.Header("<f4", "(4096,)"), FixtureFiles.F4(values))));

        // Flip bytes in the middle of the deflate stream (after the 30-byte local header and the name).
        for (var i = 60; i < 70; i++)
        {
            zip[i] ^= 0x5A;
        }

        using var npz = new NpzArchive(new MemoryStream(zip), "bad.npz");
        var e = Assert.Throws<InteropFormatException>(() => npz.Read("a"));
        Assert.StartsWith("bad.npz: ", e.Message);
    }

    private static double StdDev(float[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
    }

    private static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(data);
            }
        }

        return stream.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        throw new InvalidOperationException("not found");
    }
}
