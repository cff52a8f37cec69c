using System.IO.Compression;

namespace DcGanTyped.Training.Interop;

/// <summary>
/// A NumPy <c>.npz</c> archive (a zip of <c>.npy</c> arrays, as written by <c>numpy.savez</c> and Chainer's
/// <c>serializers.save_npz</c>), read safely: arrays are parsed by <see cref="Npy"/> only when asked for, and an
/// entry may not claim more uncompressed bytes than its compressed size can justify.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    // Deflate cannot expand data by more than about 1032:1; a larger claim is a lie meant to force a big allocation.
    private const long MaxDeflateRatio = 1032;

    private readonly ZipArchive zip;
    private readonly Dictionary<string, ZipArchiveEntry> entries = new(StringComparer.Ordinal);

    /// <summary>Opens an archive from a stream.</summary>
    /// <param name="stream">A readable, seekable stream holding the zip.</param>
    /// <param name="name">The archive's name for error messages (usually the file name).</param>
    /// <param name="leaveOpen">Whether disposing the archive leaves <paramref name="stream"/> open.</param>
    /// <exception cref="InteropFormatException">Not a zip, or an entry that is not a <c>.npy</c> array.</exception>
    public NpzArchive(Stream stream, string name, bool leaveOpen = false)
    {
        Name = name;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen);
        }
        catch (InvalidDataException e)
        {
            throw new InteropFormatException($"{name}: not an .npz (zip) archive ({e.Message})");
        }

        var keys = new List<string>();
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
            {
                zip.Dispose();
                throw new InteropFormatException($"{name}: entry '{entry.FullName}' is not a .npy array");
            }

            var key = entry.FullName[..^4];
            if (!entries.TryAdd(key, entry))
            {
                zip.Dispose();
                throw new InteropFormatException($"{name}: key '{key}' appears twice");
            }

            keys.Add(key);
        }

        Keys = keys;
    }

    /// <summary>The archive's name used in error messages.</summary>
    public string Name { get; }

    /// <summary>The array names in archive order, without the <c>.npy</c> suffix (e.g. <c>l0/W</c>).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Opens an archive file.</summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <returns>The archive; dispose it.</returns>
    /// <exception cref="InteropFormatException">Not a zip, or an entry that is not a <c>.npy</c> array.</exception>
    public static NpzArchive Open(string path)
    {
        var stream = File.OpenRead(path);
        try
        {
            return new NpzArchive(stream, Path.GetFileName(path));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the archive holds <paramref name="key"/>.</summary>
    /// <param name="key">An array name such as <c>l0/W</c>.</param>
    /// <returns>True when present.</returns>
    public bool Contains(string key) => entries.ContainsKey(key);

    /// <summary>Reads only the header of an array (its dtype and shape), never its data.</summary>
    /// <param name="key">An array name.</param>
    /// <returns>The header.</returns>
    /// <exception cref="InteropFormatException">Missing key or malformed header.</exception>
    public NpyHeader ReadHeader(string key)
    {
        var entry = Find(key);
        using var stream = OpenEntry(entry, key);
        return Wrap(() => Npy.ReadHeader(stream, key, entry.Length));
    }

    /// <summary>Reads a little-endian float32 or float64 array as float32.</summary>
    /// <param name="key">An array name.</param>
    /// <returns>The array.</returns>
    /// <exception cref="InteropFormatException">Missing key, or an array <see cref="Npy.Read"/> refuses.</exception>
    public NpyArray Read(string key)
    {
        var entry = Find(key);
        using var stream = OpenEntry(entry, key);
        return Wrap(() => Npy.Read(stream, key, entry.Length));
    }

    /// <inheritdoc/>
    public void Dispose() => zip.Dispose();

    private ZipArchiveEntry Find(string key)
        => entries.TryGetValue(key, out var entry) ? entry : throw new InteropFormatException($"{Name}: no array '{key}'");

    private Stream OpenEntry(ZipArchiveEntry entry, string key)
    {
        if (entry.Length > (entry.CompressedLength * MaxDeflateRatio) + 1024)
        {
            throw new InteropFormatException(
                $"{Name}: '{key}' claims {entry.Length} bytes from {entry.CompressedLength} compressed bytes, more than deflate can produce");
        }

        try
        {
            return entry.Open();
        }
        catch (InvalidDataException e)
        {
            throw new InteropFormatException($"{Name}: '{key}' cannot be opened ({e.Message})");
        }
    }

    private T Wrap<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InteropFormatException e)
        {
            throw new InteropFormatException($"{Name}: {e.Message}");
        }
    }
}
