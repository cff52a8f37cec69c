using DcGanTyped.Checkpoints;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace DcGanTyped.Torch.Tests;

/// <summary>Our pure C# state-dict reader/writer against TorchSharp's own <c>Module.save</c>/<c>load</c>.</summary>
public sealed class TorchStateDictTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("dcgantyped-ckpt-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void AFileSavedByTorchSharp_IsReadWithEqualNamesShapesAndValues()
    {
        using var net = new TinyNet(generator: new Generator(5));
        using (no_grad())
        {
            // Non-trivial running statistics and BatchNorm parameters, so every entry has distinct values.
            net.train();
            net.call(randn(9, 8, generator: new Generator(6)));
            net.bn0.bias.add_(0.5);
        }

        var path = Path.Combine(temp, "gen_iter_1");
        net.save(path);

        var entries = TorchStateDict.ReadFile(path);

        var sd = net.state_dict();
        Assert.Equal(sd.Keys, entries.Select(e => e.Name));
        foreach (var e in entries)
        {
            Assert.Equal(sd[e.Name].shape, e.Shape);
            Assert.Equal(sd[e.Name].data<float>().ToArray(), e.Data);
        }
    }

    [Fact]
    public void AFileWrittenByUs_LoadsIntoATorchSharpModule()
    {
        using var source = new TinyNet(generator: new Generator(1));
        var rng = new Random(2);
        var entries = source.state_dict()
            .Select(kv => new NamedArray(
                kv.Key,
                kv.Value.shape,
                Enumerable.Range(0, (int)kv.Value.numel()).Select(_ => (float)rng.NextDouble()).ToArray()))
            .ToList();
        var path = Path.Combine(temp, "ours");
        TorchStateDict.WriteFile(path, entries);

        using var target = new TinyNet(generator: new Generator(3));
        target.load(path);

        var sd = target.state_dict();
        foreach (var e in entries)
        {
            Assert.Equal(e.Data, sd[e.Name].data<float>().ToArray());
        }
    }

    [Fact]
    public void OurBytes_AreTorchSharpsBytes()
    {
        using var net = new TinyNet(generator: new Generator(4));
        var path = Path.Combine(temp, "theirs");
        net.save(path);
        var theirs = File.ReadAllBytes(path);

        using var ours = new MemoryStream();
        TorchStateDict.Write(ours, TorchStateDict.ReadFile(path));

        Assert.Equal(theirs, ours.ToArray());
    }

    [Fact]
    public void AFloat64Checkpoint_IsRefusedWithItsElementType()
    {
        using var net = new TinyNet();
        net.to(float64);
        var path = Path.Combine(temp, "double");
        net.save(path);

        var e = Assert.Throws<CheckpointFormatException>(() => TorchStateDict.ReadFile(path));

        Assert.Contains("'l0.weight' has element type float64 (7); only float32 checkpoints are supported", e.Message);
    }

    [Fact]
    public void EveryTruncation_ThrowsCheckpointFormatException()
    {
        using var net = new TinyNet();
        var path = Path.Combine(temp, "full");
        net.save(path);
        var bytes = File.ReadAllBytes(path);

        for (var n = 0; n < bytes.Length; n++)
        {
            using var s = new MemoryStream(bytes, 0, n);
            var e = Record.Exception(() => TorchStateDict.Read(s));
            Assert.True(e is CheckpointFormatException, $"prefix of {n}/{bytes.Length} bytes: {e?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void AbsurdSizes_AreRefusedBeforeAllocating()
    {
        // One entry "w", float32, shape (2^20, 2^20, 2^20): 4 EiB declared in a 20-byte stream.
        var bytes = new List<byte> { 1, 1, (byte)'w', 6, 3 };
        for (var i = 0; i < 3; i++)
        {
            bytes.AddRange([0x80, 0x80, 0x40]);
        }

        bytes.AddRange([1, 2, 3]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<CheckpointFormatException>(() => TorchStateDict.Read(new MemoryStream(bytes.ToArray())));

        Assert.Contains("'w' of shape (1048576, 1048576, 1048576) needs", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated a megabyte or more");
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f }, "entry count")]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, "does not fit a 64-bit integer")]
    [InlineData(new byte[] { 1, 0x7f, (byte)'a', 6, 0, 0, 0, 0, 0 }, "a name of 127 bytes")]
    [InlineData(new byte[] { 1, 2, 0xc3, 0x28, 6, 0, 0, 0, 0, 0 }, "not UTF-8")]
    [InlineData(new byte[] { 1, 1, (byte)'w', 6, 65, 0, 0, 0, 0 }, "65 dimensions")]
    [InlineData(new byte[] { 2, 1, (byte)'w', 6, 0, 0, 0, 0, 0, 1, (byte)'w', 6, 0, 0, 0, 0, 0 }, "'w' appears twice")]
    public void Garbage_IsRefusedWithAReason(byte[] bytes, string reason)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => TorchStateDict.Read(new MemoryStream(bytes)));

        Assert.Contains(reason, e.Message);
    }

    [Property(MaxTest = 300)]
    public void RandomBytes_EitherParseOrThrowCheckpointFormatException(byte[] bytes)
    {
        var e = Record.Exception(() => TorchStateDict.Read(new MemoryStream(bytes)));

        Assert.True(e is null or CheckpointFormatException, $"{e?.GetType().Name}: {e?.Message}");
    }

    [Property(MaxTest = 100)]
    public Property WriteThenRead_GivesBackTheSameEntries()
    {
        var entry =
            from name in Gen.Elements("l0.weight", "bn0.running_mean", "dc1.bias", "c0_0.weight", "é", string.Empty)
            from rank in Gen.Choose(0, 4)
            from shape in Gen.ArrayOf(Gen.Choose(0, 3), rank)
            from data in Gen.ArrayOf(ArbMap.Default.GeneratorFor<float>(), shape.Aggregate(1, (a, d) => a * d))
            select new NamedArray(name, shape.Select(d => (long)d).ToArray(), data);
        var entries = Gen.ListOf(entry).Select(l => l.DistinctBy(e => e.Name).ToList());

        return Prop.ForAll(entries.ToArbitrary(), list =>
        {
            using var s = new MemoryStream();
            TorchStateDict.Write(s, list);
            s.Position = 0;
            var back = TorchStateDict.Read(s);

            Assert.Equal(s.Length, s.Position);
            Assert.Equal(list.Count, back.Count);
            for (var i = 0; i < list.Count; i++)
            {
                Assert.Equal(list[i].Name, back[i].Name);
                Assert.Equal(list[i].Shape, back[i].Shape);
                Assert.Equal(list[i].Data, back[i].Data);
            }
        });
    }

    [Fact]
    public void Write_RefusesDataThatDoesNotMatchTheShape()
    {
        var e = Assert.Throws<ArgumentException>(
            () => TorchStateDict.Write(new MemoryStream(), [new NamedArray("w", [2, 3], new float[5])]));

        Assert.Contains("'w': shape (2, 3) does not describe 5 values", e.Message);
    }
}
