using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DcGanTyped.Training.Checkpoints;
using DcGanTyped.Training.Updaters;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DcGanTyped.Training.Tests.Reliability;

/// <summary>
/// Mutates a real snapshot and a real <c>gen_iter_N</c> weights file (truncation, random bytes, a wrong magic, random
/// bytes with the checksum recomputed so the parser itself must notice, huge declared sizes, appended junk) and
/// checks that loading either succeeds or throws <see cref="CheckpointException"/>: never another exception, never a
/// hang (30 s limit), never a managed allocation beyond what the file can justify. Loading means the whole resume
/// path: parse, layout check against the model, and import into a live updater (optimizer and random states
/// included); for weights, the checksum manifest and <see cref="GeneratorLoader"/>. The SIMD engine is used because
/// it has no process-wide state a parallel test could see; <see cref="TorchSnapshotFuzzTests"/> covers the torch
/// engine's import. 150 + 100 + 100 (+ 80 torch) = 430 mutated files per run.
/// </summary>
public sealed class CheckpointFuzzTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    private static readonly Lazy<(byte[] Snapshot, byte[] Weights, SimdGanUpdater Updater)> Valid = new(() =>
    {
        var dir = TestModels.TempDir();
        var options = TestModels.Options(dir, EngineKind.Simd) with { Iterations = 1, SnapshotInterval = 1, BatchSize = 2 };
        new Trainer(options, TestModels.Narrow, TestModels.SmallShapes(8), new TestModels.Recorder()).Run();
        var snapshot = File.ReadAllBytes(Path.Combine(dir, "snapshot_iter_1"));
        var weights = File.ReadAllBytes(Path.Combine(dir, "gen_iter_1"));
        Directory.Delete(dir, recursive: true);
        return (snapshot, weights, new SimdGanUpdater(TestModels.Narrow, options));
    });

    internal enum Mutation
    {
        Truncate,
        RandomBytes,
        WrongHeader,
        ResealedHeaderBytes,
        ResealedBlobBytes,
        HugeSize,
        AppendJunk,
    }

    internal sealed record Case(Mutation Mutation, int Position, int[] Offsets, byte[] Values, long Huge)
    {
        public override string ToString() =>
            $"{Mutation} at {Position}, offsets [{string.Join(",", Offsets)}], values [{string.Join(",", Values)}], huge {Huge}";
    }

    internal static readonly Gen<Case> CaseGen =
        from mutation in Gen.Elements(Enum.GetValues<Mutation>())
        from position in Gen.Choose(0, int.MaxValue)
        from n in Gen.Choose(1, 12)
        from offsets in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), n)
        from values in Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v), n)
        from huge in Gen.Elements(int.MaxValue, 1L << 31, 1L << 40, long.MaxValue, -1L, int.MinValue, 1L << 20)
        select new Case(mutation, position, offsets, values, huge);

    [Property(MaxTest = 150)]
    public Property Mutated_snapshots_resume_or_fail_with_a_checkpoint_error() => Prop.ForAll(Arb.From(CaseGen), c =>
    {
        var (valid, _, updater) = Valid.Value;
        var bytes = MutateSnapshot(valid, c);
        return Load(bytes, c, "snapshot", justified: (4L * bytes.Length) + (8L << 20), path =>
        {
            var content = SnapshotFile.Read(path);
            updater.ImportState(content.State, path);
        });
    });

    [Property(MaxTest = 100)]
    public Property Mutated_weights_with_their_manifest_are_refused_or_load() => Prop.ForAll(Arb.From(CaseGen), c =>
    {
        var (_, valid, _) = Valid.Value;
        var bytes = MutateWeights(valid, c);
        return Load(bytes, c, "weights+manifest", justified: (6L * bytes.Length) + (16L << 20), path =>
        {
            // The manifest describes the valid file: any change of the bytes must be refused by it.
            File.WriteAllText(WeightsFile.ManifestPath(path), $"{Convert.ToHexStringLower(SHA256.HashData(valid))}  {Path.GetFileName(path)}\n");
            _ = GeneratorLoader.Load(TestModels.Narrow, path, EngineKind.Simd);
            if (!bytes.AsSpan().SequenceEqual(valid))
            {
                throw new InvalidOperationException("a changed file passed its manifest");
            }
        });
    });

    [Property(MaxTest = 100)]
    public Property Mutated_weights_without_a_manifest_load_or_fail_with_a_checkpoint_error() => Prop.ForAll(Arb.From(CaseGen), c =>
    {
        var (_, valid, _) = Valid.Value;
        var bytes = MutateWeights(valid, c);
        return Load(bytes, c, "weights", justified: (6L * bytes.Length) + (16L << 20), path => _ = GeneratorLoader.Load(TestModels.Narrow, path, EngineKind.Simd));
    });

    [Xunit.Fact]
    public void The_unmutated_files_pass_the_same_load_and_a_resealed_blob_change_is_refused_by_the_import()
    {
        // Guards the properties: their success path is a real load, and a mutation behind the checksum reaches the
        // engine's import rather than stopping at the parser.
        var (snapshot, weights, updater) = Valid.Value;
        var path = Path.Combine(TestModels.TempDir(), "snapshot_iter_1");
        File.WriteAllBytes(path, snapshot);
        updater.ImportState(SnapshotFile.Read(path).State, path);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, "gen_iter_1"), weights);
        Xunit.Assert.NotNull(GeneratorLoader.Load(TestModels.Narrow, Path.Combine(Path.GetDirectoryName(path)!, "gen_iter_1"), EngineKind.Simd));

        // The last blob (a random generator's state) one byte short, its declared length and the checksum matching.
        var header = Header(snapshot);
        var rngBlob = header["blobs"]!.AsArray().Last()!;
        rngBlob["length"] = (long)rngBlob["length"]! - 1;
        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(12));
        var fixedPart = snapshot[..16];
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart.AsSpan(12), newHeader.Length);
        File.WriteAllBytes(path, Reseal([.. fixedPart, .. newHeader, .. snapshot[(16 + headerLength)..^33], .. new byte[32]]));
        var content = SnapshotFile.Read(path);
        var e = Xunit.Assert.ThrowsAny<Exception>(() => updater.ImportState(content.State, path));
        Xunit.Assert.True(e is CheckpointException, $"{e.GetType().Name}: {e.Message} ({rngBlob["name"]})");
    }

    [Xunit.Theory]
    [Xunit.InlineData("tensors", "nam8")]
    [Xunit.InlineData("tensors", null)]
    [Xunit.InlineData("blobs", "nam8")]
    [Xunit.InlineData("blobs", "")]
    public void A_header_entry_without_a_name_is_refused_by_the_parser(string list, string? renameKeyTo)
    {
        // One byte of the key ("name" -> "nam8") or a null/empty name: found by the fuzz properties, where the
        // missing name reached the engine's import as a null dictionary key.
        var (snapshot, _, _) = Valid.Value;
        var header = Header(snapshot);
        var entry = header[list]!.AsArray()[0]!.AsObject();
        var name = (string)entry["name"]!;
        entry.Remove("name");
        if (renameKeyTo == "nam8")
        {
            entry["nam8"] = name;
        }
        else
        {
            entry["name"] = renameKeyTo;
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(12));
        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var fixedPart = snapshot[..16];
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart.AsSpan(12), newHeader.Length);
        var path = Path.Combine(TestModels.TempDir(), "snapshot_iter_1");
        File.WriteAllBytes(path, Reseal([.. fixedPart, .. newHeader, .. snapshot[(16 + headerLength)..^32], .. new byte[32]]));

        var e = Xunit.Assert.Throws<CheckpointException>(() => SnapshotFile.Read(path));
        Xunit.Assert.Equal($"{path}: a {(list == "tensors" ? "tensor" : "state entry")} in the snapshot header has no name", e.Message);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Xunit.Fact]
    public void A_header_that_is_not_json_is_reported_by_position_not_by_its_bytes()
    {
        // System.Text.Json quotes the bad token, which here runs into the binary payload.
        var (snapshot, _, _) = Valid.Value;
        var bytes = (byte[])snapshot.Clone();
        var header = Encoding.UTF8.GetString(bytes, 16, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        var at = header.IndexOf("false", StringComparison.Ordinal);
        Xunit.Assert.True(at > 0, "the trainer state has a false literal");
        bytes[16 + at + 2] = (byte)'\n';
        var path = Path.Combine(TestModels.TempDir(), "snapshot_iter_1");
        File.WriteAllBytes(path, Reseal(bytes));

        var e = Xunit.Assert.Throws<CheckpointException>(() => SnapshotFile.Read(path));
        // The position is that of the replaced byte (0-based at + 2), counted from 1.
        Xunit.Assert.Equal($"{path}: the snapshot header is not valid JSON (line 1, byte {at + 3})", e.Message);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Xunit.Fact]
    public void A_name_from_the_file_is_quoted_escaped_in_the_message()
    {
        // Found by the weights property: a mutated name holding a line feed split the message over two lines.
        var (_, weights, _) = Valid.Value;
        var entries = DcGanTyped.Checkpoints.TorchStateDict.Read(new MemoryStream(weights)).ToList();
        entries.Add(new DcGanTyped.Checkpoints.NamedArray("l9\nweight\u001b[2J", [1], [0f]));
        var path = Path.Combine(TestModels.TempDir(), "gen_iter_1");
        DcGanTyped.Checkpoints.TorchStateDict.WriteFile(path, entries);

        var e = Xunit.Assert.Throws<CheckpointException>(() => GeneratorLoader.Load(TestModels.Narrow, path, EngineKind.Simd));
        Xunit.Assert.Equal(
            $"{path}: not a checkpoint of model 'NarrowGenerator': the file has a key 'l9\\nweight\\u001B[2J' the model does not have",
            e.Message);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>Writes <paramref name="bytes"/> to a temp file and runs <paramref name="load"/> on its own thread.</summary>
    internal static Property Load(byte[] bytes, Case c, string kind, long justified, Action<string> load)
    {
        var dir = TestModels.TempDir();
        var path = Path.Combine(dir, kind.StartsWith("snapshot", StringComparison.Ordinal) ? "snapshot_iter_1" : "gen_iter_1");
        File.WriteAllBytes(path, bytes);
        try
        {
            var (answered, failure, allocated, elapsed) = IsolatedLoad.Run(() => load(path), HangLimit);
            if (!answered)
            {
                return false.Label($"{kind} {c}: no answer after {elapsed.TotalSeconds:F0} s");
            }

            if (failure is not null and not CheckpointException)
            {
                return false.Label($"{kind} {c}: {failure.GetType().Name}: {failure.Message}");
            }

            // One short line that names the file: never a dump of the damaged bytes.
            if (failure is CheckpointException ce
                && (!ce.Message.StartsWith(path + ": ", StringComparison.Ordinal) || ce.Message.Contains('\n', StringComparison.Ordinal) || ce.Message.Length > path.Length + 300))
            {
                return false.Label($"{kind} {c}: the message does not start with the file name, is not one line or is over 300 characters: {ce.Message}");
            }

            return (allocated <= justified).Label($"{kind} {c}: allocated {allocated} bytes for a {bytes.Length}-byte file (limit {justified})");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static byte[] MutateSnapshot(byte[] valid, Case c)
    {
        var bytes = (byte[])valid.Clone();
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        switch (c.Mutation)
        {
            case Mutation.Truncate:
                return bytes[..(c.Position % bytes.Length)];
            case Mutation.RandomBytes:
                Scatter(bytes, 0, bytes.Length, c);
                return bytes;
            case Mutation.WrongHeader:
                Scatter(bytes, 0, 16, c);
                return bytes;
            case Mutation.ResealedHeaderBytes:
                Scatter(bytes, 8, 8 + headerLength, c);
                return Reseal(bytes);
            case Mutation.ResealedBlobBytes:
            {
                // The blobs (optimizer and random states) sit at the end of the payload, before the checksum.
                var blobBytes = Header(bytes)["blobs"]!.AsArray().Sum(b => (long)b!["length"]!);
                Scatter(bytes, bytes.Length - 32 - (int)blobBytes, bytes.Length - 32, c);
                return Reseal(bytes);
            }

            case Mutation.HugeSize:
                return HugeSnapshot(bytes, headerLength, c);
            default:
                return Reseal([.. bytes[..^32], .. c.Values, .. new byte[c.Position % 5000], .. new byte[32]]);
        }
    }

    /// <summary>Declares a huge size in one place (header length, a tensor dimension, a blob length), checksum recomputed.</summary>
    private static byte[] HugeSnapshot(byte[] bytes, int headerLength, Case c)
    {
        var header = Header(bytes);
        var tensors = header["tensors"]!.AsArray();
        var blobs = header["blobs"]!.AsArray();
        switch (c.Position % 3)
        {
            case 0:
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), unchecked((int)c.Huge));
                return Reseal(bytes);
            case 1:
                var shape = tensors[c.Offsets[0] % tensors.Count]!["shape"]!.AsArray();
                if (shape.Count == 0)
                {
                    shape.Add(c.Huge);
                }
                else
                {
                    shape[c.Offsets[^1] % shape.Count] = c.Huge;
                }

                break;
            default:
                blobs[c.Offsets[0] % blobs.Count]!["length"] = c.Huge;
                break;
        }

        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var fixedPart = bytes[..16];
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart.AsSpan(12), newHeader.Length);
        return Reseal([.. fixedPart, .. newHeader, .. bytes[(16 + headerLength)..]]);
    }

    private static byte[] MutateWeights(byte[] valid, Case c)
    {
        var bytes = (byte[])valid.Clone();
        switch (c.Mutation)
        {
            case Mutation.Truncate:
                return bytes[..(c.Position % bytes.Length)];
            case Mutation.WrongHeader:
                Scatter(bytes, 0, 16, c);
                return bytes;
            case Mutation.HugeSize:
            {
                // TorchSharp's format counts and sizes are LEB128: ten 0xFF-continued bytes declare an enormous value.
                var at = c.Position % (bytes.Length - 10);
                for (var i = 0; i < 9; i++)
                {
                    bytes[at + i] = 0xFF;
                }

                bytes[at + 9] = (byte)(c.Huge & 0x7F);
                return bytes;
            }

            case Mutation.AppendJunk:
                return [.. bytes, .. c.Values, .. new byte[c.Position % 5000]];
            default:
                // The structural part of the file (names, counts, shapes) is its first few hundred bytes and the
                // seams between tensors; scatter over the whole file and also near the start.
                Scatter(bytes, 0, bytes.Length, c);
                Scatter(bytes, 0, Math.Min(bytes.Length, 512), c with { Offsets = [.. c.Offsets.Select(o => o / 7)] });
                return bytes;
        }
    }

    private static void Scatter(byte[] bytes, int from, int to, Case c)
    {
        if (to <= from)
        {
            return;
        }

        for (var i = 0; i < c.Offsets.Length; i++)
        {
            bytes[from + (c.Offsets[i] % (to - from))] = c.Values[i];
        }
    }

    private static JsonObject Header(byte[] bytes)
        => JsonNode.Parse(bytes.AsSpan(16, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12))))!.AsObject();

    /// <summary>Recomputes the SHA-256 trailer, so the mutation reaches the parser behind the checksum.</summary>
    private static byte[] Reseal(byte[] bytes)
    {
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }
}

/// <summary>
/// The torch engine's import of mutated snapshots (TorchSharp's optimizer state format, libtorch generator states).
/// In the serial "torch" collection: building the updater seeds libtorch's process-wide random generator and sets
/// its thread count, which parallel training tests must not see.
/// </summary>
[Xunit.Collection("torch")]
public sealed class TorchSnapshotFuzzTests
{
    private static readonly Lazy<(byte[] Snapshot, TorchGanUpdater Updater)> Valid = new(() =>
    {
        var dir = TestModels.TempDir();
        var options = TestModels.Options(dir, EngineKind.Torch) with { Iterations = 1, SnapshotInterval = 1, BatchSize = 2 };
        new Trainer(options, TestModels.Narrow, TestModels.SmallShapes(8), new TestModels.Recorder()).Run();
        var snapshot = File.ReadAllBytes(Path.Combine(dir, "snapshot_iter_1"));
        Directory.Delete(dir, recursive: true);
        return (snapshot, new TorchGanUpdater(TestModels.Narrow, options));
    });

    private static readonly Gen<CheckpointFuzzTests.Case> BehindTheChecksum = CheckpointFuzzTests.CaseGen
        .Where(c => c.Mutation is CheckpointFuzzTests.Mutation.ResealedBlobBytes or CheckpointFuzzTests.Mutation.HugeSize
            or CheckpointFuzzTests.Mutation.ResealedHeaderBytes or CheckpointFuzzTests.Mutation.Truncate);

    [Property(MaxTest = 80)]
    public Property Mutated_torch_snapshots_resume_or_fail_with_a_checkpoint_error() => Prop.ForAll(Arb.From(BehindTheChecksum), c =>
    {
        var (valid, updater) = Valid.Value;
        var bytes = CheckpointFuzzTests.MutateSnapshot(valid, c);
        return CheckpointFuzzTests.Load(bytes, c, "snapshot (torch)", justified: (4L * bytes.Length) + (8L << 20), path =>
        {
            var content = SnapshotFile.Read(path);
            updater.ImportState(content.State, path);
        });
    });
}
