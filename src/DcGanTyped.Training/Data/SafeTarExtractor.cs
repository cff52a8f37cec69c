using System.Formats.Tar;
using System.IO.Compression;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Unpacks a gzip-compressed tar archive into a folder, refusing the whole archive at the first entry that could
/// write outside it: an absolute path, a <c>..</c> segment, a symbolic or hard link, a device, a FIFO, or any other
/// entry that is not a plain file or a folder. Every entry is checked before anything of it is written, so even a
/// refused archive has written nothing outside the folder; the caller deletes the folder.
/// </summary>
public static class SafeTarExtractor
{
    /// <summary>Unpacks <paramref name="archivePath"/> (a .tar.gz) into <paramref name="destination"/>, which is created.</summary>
    /// <param name="archivePath">The archive.</param>
    /// <param name="destination">The folder to fill; it should be new and empty.</param>
    /// <param name="maxBytes">The most bytes of file content accepted (a guard against archive bombs).</param>
    /// <param name="maxEntries">The most entries accepted.</param>
    /// <returns>The number of files written.</returns>
    /// <exception cref="DatasetException">The archive is corrupt, too large, or has an entry that is refused.</exception>
    public static int ExtractTarGz(string archivePath, string destination, long maxBytes, int maxEntries = 10_000)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var archiveName = Path.GetFileName(archivePath);
        long bytes = 0;
        var entries = 0;
        var files = 0;
        try
        {
            using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++entries > maxEntries)
                {
                    throw new DatasetException($"Archive '{archiveName}' has more than {maxEntries} entries; refused.");
                }

                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                {
                    continue; // metadata for the entries that follow, nothing to write
                }

                var target = CheckedTarget(entry, rootWithSeparator, archiveName);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        bytes += entry.Length;
                        if (entry.Length < 0 || bytes > maxBytes)
                        {
                            throw new DatasetException($"Archive '{archiveName}' unpacks to more than {maxBytes} bytes; refused.");
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None))
                        {
                            entry.DataStream?.CopyTo(output);
                        }

                        files++;
                        break;
                    default:
                        throw new DatasetException(
                            $"Archive '{archiveName}' has a {entry.EntryType} entry '{entry.Name}'; only plain files and folders are accepted, so the archive is refused.");
                }
            }

            // The tar reader stops at the end-of-archive marker; reading on to the end of the gzip stream makes
            // the decompressor check the CRC-32 in its trailer, which catches corruption inside file contents.
            var buffer = new byte[1 << 14];
            long trailing = 0;
            int read;
            while ((read = ReadTrailer(gzip, buffer, archiveName)) > 0)
            {
                trailing += read;
                if (trailing > 1 << 20)
                {
                    throw new DatasetException($"Archive '{archiveName}' has more than 1 MiB of data after its end-of-archive marker; refused.");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DatasetException($"Archive '{archiveName}' is corrupt: {Cifar10Reader.OneLine(e.Message)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot unpack archive '{archiveName}' into '{root}': {Cifar10Reader.OneLine(e.Message)}", e);
        }

        return files;
    }

    // Reads on after the tar's end; the decompressor's error here is a failed trailer check (CRC-32 or length),
    // which zlib reports with a generic message.
    private static int ReadTrailer(GZipStream gzip, byte[] buffer, string archiveName)
    {
        try
        {
            return gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"Archive '{archiveName}' is corrupt: its gzip CRC-32 or length does not match the data it unpacks to.", e);
        }
    }

    // The full path an entry would be written to, after proving it stays inside the root.
    private static string CheckedTarget(TarEntry entry, string rootWithSeparator, string archiveName)
    {
        var name = entry.Name;
        var refused = string.IsNullOrEmpty(name)
            || name.Contains('\0', StringComparison.Ordinal)
            || name.Contains('\\', StringComparison.Ordinal)
            || name.StartsWith('/')
            || Path.IsPathRooted(name)
            || name.Split('/').Any(segment => segment == "..");
        var target = refused ? string.Empty : Path.GetFullPath(Path.Combine(rootWithSeparator, name));

        // The segment check already rules out escapes; the prefix check is the independent second line of defence.
        if (refused || !(target + Path.DirectorySeparatorChar).StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new DatasetException($"Archive '{archiveName}' has an entry '{name}' that would be written outside the target folder; the archive is refused.");
        }

        return target;
    }
}
