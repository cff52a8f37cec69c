using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DcGanTyped.Text;
using DcGanTyped.Training.Updaters;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>What a snapshot holds: who wrote it, the trainer's bookkeeping, and the engine's full state.</summary>
/// <param name="Engine">Engine name (<c>torch</c>, <c>simd</c>); a snapshot resumes only on the engine that wrote it.</param>
/// <param name="Model">Model name (<c>seed</c>, <c>narrow</c>, ...), for messages.</param>
/// <param name="Trainer">The trainer's state as JSON (iteration, epoch, iterator, log so far, ...).</param>
/// <param name="State">Networks, optimizers and random generators.</param>
public sealed record SnapshotContent(string Engine, string Model, JsonObject Trainer, EngineState State);

/// <summary>
/// The <c>snapshot_iter_N</c> format: a magic, a JSON header (trainer state and a directory of tensors and blobs),
/// the raw little-endian float32 tensors and blobs, and a SHA-256 of everything before it as a 32-byte trailer.
/// Every size is checked against the file's length before anything is allocated, so a truncated, bit-flipped or
/// hostile file fails with a <see cref="CheckpointException"/> naming it, never with a crash or a huge allocation.
/// </summary>
public static class SnapshotFile
{
    /// <summary>The first 8 bytes of every snapshot.</summary>
    public static ReadOnlySpan<byte> Magic => "DCGANSNP"u8;

    private const int Version = 1;
    private const int HashLength = 32;
    private const int FixedHeader = 8 + 4 + 4;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically (temporary file, fsync, rename).</summary>
    public static void Write(string path, SnapshotContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        AtomicFile.Write(path, stream => WriteTo(stream, content));
    }

    /// <summary>Serialises <paramref name="content"/> with its checksum trailer into <paramref name="stream"/>.</summary>
    public static void WriteTo(Stream stream, SnapshotContent content)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(content);
        var header = new JsonObject
        {
            ["format"] = "dcgan-snapshot",
            ["engine"] = content.Engine,
            ["model"] = content.Model,
            ["trainer"] = content.Trainer.DeepClone(),
            ["tensors"] = new JsonArray(content.State.Tensors.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
            }).ToArray()),
            ["blobs"] = new JsonArray(content.State.Blobs.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Key,
                ["length"] = b.Value.Length,
            }).ToArray()),
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            sha.AppendData(bytes);
            stream.Write(bytes);
        }

        Span<byte> fixedHeader = stackalloc byte[FixedHeader];
        Magic.CopyTo(fixedHeader);
        BinaryPrimitives.WriteInt32LittleEndian(fixedHeader[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(fixedHeader[12..], headerBytes.Length);
        Put(fixedHeader);
        Put(headerBytes);
        foreach (var t in content.State.Tensors)
        {
            if (t.Data.LongLength != Elements(t.Shape))
            {
                throw new ArgumentException($"tensor '{t.Name}' has {t.Data.Length} values for shape {t.ShapeText}");
            }

            if (BitConverter.IsLittleEndian)
            {
                Put(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()));
            }
            else
            {
                var buf = new byte[t.Data.Length * 4];
                for (var i = 0; i < t.Data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(i * 4), t.Data[i]);
                }

                Put(buf);
            }
        }

        foreach (var b in content.State.Blobs)
        {
            Put(b.Value);
        }

        stream.Write(sha.GetHashAndReset());
    }

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">Missing, truncated, corrupt, or not a snapshot.</exception>
    public static SnapshotContent Read(string path)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > int.MaxValue)
            {
                throw new CheckpointException(path, $"{length} bytes is larger than any snapshot this program writes");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new CheckpointException(path, "no such file", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CheckpointException(path, "no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CheckpointException(path, $"cannot read it ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new CheckpointException(path, $"cannot read it ({e.Message})", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Verifies and decodes a snapshot held in memory; <paramref name="path"/> names it in errors.</summary>
    public static SnapshotContent Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < FixedHeader + HashLength || !bytes[..8].SequenceEqual(Magic))
        {
            throw new CheckpointException(path, bytes.Length >= 8 && bytes[..8].SequenceEqual(Magic)
                ? $"truncated snapshot ({bytes.Length} bytes)"
                : "not a snapshot written by this program (wrong header); pass a snapshot_iter_N file");
        }

        var body = bytes[..^HashLength];
        var stored = bytes[^HashLength..];
        Span<byte> actual = stackalloc byte[HashLength];
        SHA256.HashData(body, actual);
        if (!actual.SequenceEqual(stored))
        {
            throw new CheckpointException(path, "checksum mismatch: the snapshot is truncated or corrupt; resume from an earlier one (--resume latest picks the newest valid one)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(body[8..]);
        if (version != Version)
        {
            throw new CheckpointException(path, $"snapshot format version {version} is not supported (this program reads version {Version})");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(body[12..]);
        if (headerLength <= 0 || headerLength > body.Length - FixedHeader)
        {
            throw new CheckpointException(path, $"header length {headerLength} does not fit in the file");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(body.Slice(FixedHeader, headerLength)) as JsonObject
                ?? throw new CheckpointException(path, "the snapshot header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the snapshot header is not valid JSON ({JsonErrorText.Position(e)})", e);
        }

        try
        {
            return Decode(header, body[(FixedHeader + headerLength)..], path);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or NullReferenceException or KeyNotFoundException or ArgumentException)
        {
            throw new CheckpointException(path, $"the snapshot header is malformed ({e.Message})", e);
        }
    }

    private static SnapshotContent Decode(JsonObject header, ReadOnlySpan<byte> payload, string path)
    {
        if ((string?)header["format"] != "dcgan-snapshot")
        {
            throw new CheckpointException(path, "not a snapshot written by this program (format field)");
        }

        var state = new EngineState();
        long offset = 0;
        foreach (var node in header["tensors"]!.AsArray())
        {
            var name = EntryName(node, "tensor", path);
            var shape = node!["shape"]!.AsArray().Select(d => (int)d!).ToArray();
            if (shape.Any(d => d < 0))
            {
                throw new CheckpointException(path, $"tensor {MessageText.Quote(name)} has a negative dimension");
            }

            var n = Elements(shape);
            var byteCount = checked(n * 4);
            if (byteCount > payload.Length - offset)
            {
                throw new CheckpointException(path, $"tensor {MessageText.Quote(name)} declares {n} values but the file ends first (truncated)");
            }

            var data = new float[n];
            var src = payload.Slice((int)offset, (int)byteCount);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
            }

            state.Tensors.Add(new NamedTensor(name, shape, data));
            offset += byteCount;
        }

        foreach (var node in header["blobs"]!.AsArray())
        {
            var name = EntryName(node, "state entry", path);
            var length = (long)node!["length"]!;
            if (length < 0 || length > payload.Length - offset)
            {
                throw new CheckpointException(path, $"entry {MessageText.Quote(name)} declares {length} bytes but the file ends first (truncated)");
            }

            state.Blobs[name] = payload.Slice((int)offset, (int)length).ToArray();
            offset += length;
        }

        if (offset != payload.Length)
        {
            throw new CheckpointException(path, $"{payload.Length - offset} unexpected bytes after the last entry");
        }

        var trainer = header["trainer"] as JsonObject ?? throw new CheckpointException(path, "the snapshot has no trainer state");
        return new SnapshotContent(
            (string?)header["engine"] ?? throw new CheckpointException(path, "the snapshot does not name its engine"),
            (string?)header["model"] ?? "?",
            (JsonObject)trainer.DeepClone(),
            state);
    }

    /// <summary>The entry's "name", which must be a non-empty string.</summary>
    private static string EntryName(JsonNode? node, string kind, string path)
        => node?["name"] is JsonValue value && value.TryGetValue<string>(out var name) && name.Length > 0
            ? name
            : throw new CheckpointException(path, $"a {kind} in the snapshot header has no name");

    private static long Elements(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }
}
