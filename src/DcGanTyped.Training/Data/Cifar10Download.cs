using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace DcGanTyped.Training.Data;

/// <summary>
/// Downloads and unpacks the official CIFAR-10 binary archive so that an interruption at any moment leaves
/// either no dataset or a complete one: the download goes to a <c>.part</c> file that is renamed only after its
/// MD5 matches, and the archive is unpacked into a temporary folder whose <c>cifar-10-batches-bin</c> is moved
/// into place in one rename.
/// </summary>
public static class Cifar10Download
{
    /// <summary>The archive's file name on the server and in the data folder.</summary>
    public const string ArchiveName = "cifar-10-binary.tar.gz";

    // The real archive is 170 MB and unpacks to 185 MB; anything much larger is not CIFAR-10.
    private const long MaxArchiveBytes = 512L * 1024 * 1024;
    private const long MaxUnpackedBytes = 1024L * 1024 * 1024;
    private const string TempPrefix = ".cifar-10-unpack-";

    /// <summary>
    /// Makes sure <c>&lt;dataDir&gt;/cifar-10-batches-bin</c> exists, downloading and unpacking the archive if not.
    /// </summary>
    /// <returns>The path of the batches folder.</returns>
    /// <exception cref="DatasetException">Offline, a failed or corrupt download, a refused archive, or an I/O error.</exception>
    public static string EnsureCifar10(string dataDir, DatasetLoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        dataDir = Path.GetFullPath(dataDir);
        var target = Path.Combine(dataDir, Cifar10Reader.FolderName);
        if (Directory.Exists(target))
        {
            return target;
        }

        var uri = new Uri(options.Cifar10BaseUri, ArchiveName);
        if (!options.AllowDownload)
        {
            throw Offline(target, dataDir, uri, "downloading is turned off");
        }

        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot create the data folder '{dataDir}': {Cifar10Reader.OneLine(e.Message)}", e);
        }

        RemoveAbandonedUnpackFolders(dataDir);
        var archive = Path.Combine(dataDir, ArchiveName);
        var expectedMd5 = options.Cifar10Md5.Trim().ToLowerInvariant();
        if (!File.Exists(archive) || Md5Of(archive) != expectedMd5)
        {
            TryDelete(archive);
            Download(uri, archive, expectedMd5, target, dataDir, options, cancellationToken);
        }

        Unpack(archive, dataDir, target, options);
        return target;
    }

    private static void Download(Uri uri, string archive, string expectedMd5, string target, string dataDir, DatasetLoadOptions options, CancellationToken cancellationToken)
    {
        var part = archive + ".part";
        options.Info?.Invoke($"CIFAR-10 is not in '{target}': downloading {uri} ...");
        using var handler = new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, AllowAutoRedirect = true };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            stall.CancelAfter(options.StallTimeout);
            using var response = client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, stall.Token).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw Offline(target, dataDir, uri, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > MaxArchiveBytes)
            {
                throw new DatasetException($"The server offers {response.Content.Headers.ContentLength} bytes for {uri}, far more than CIFAR-10; refused.");
            }

            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using (var body = response.Content.ReadAsStream(stall.Token))
            using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var buffer = new byte[1 << 16];
                long received = 0;
                while (true)
                {
                    stall.CancelAfter(options.StallTimeout);
                    var read = body.ReadAsync(buffer, stall.Token).AsTask().GetAwaiter().GetResult();
                    if (read == 0)
                    {
                        break;
                    }

                    received += read;
                    if (received > MaxArchiveBytes)
                    {
                        throw new DatasetException($"The download of {uri} exceeds {MaxArchiveBytes} bytes, far more than CIFAR-10; refused.");
                    }

                    md5.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                    options.DownloadProgress?.Report(received);
                }

                output.Flush(flushToDisk: true);
            }

            var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (actual != expectedMd5)
            {
                throw new DatasetException(
                    $"The download of {uri} is corrupt (MD5 {actual}, expected {expectedMd5}); nothing was kept. Run again, or fill '{target}' by hand.");
            }

            File.Move(part, archive, overwrite: true);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            TryDelete(part);
            var reason = e is OperationCanceledException ? $"no data for {options.StallTimeout.TotalSeconds:0} s" : Cifar10Reader.OneLine(e.Message);
            throw Offline(target, dataDir, uri, reason, e);
        }
        catch
        {
            TryDelete(part);
            throw;
        }
    }

    private static void Unpack(string archive, string dataDir, string target, DatasetLoadOptions options)
    {
        var temp = Path.Combine(dataDir, $"{TempPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        options.Info?.Invoke($"Unpacking '{archive}' ...");
        try
        {
            SafeTarExtractor.ExtractTarGz(archive, temp, MaxUnpackedBytes);
            var unpacked = Path.Combine(temp, Cifar10Reader.FolderName);
            if (!Cifar10Reader.HasBatches(unpacked))
            {
                throw new DatasetException($"Archive '{archive}' has no {Cifar10Reader.FolderName}/{Cifar10Reader.BatchPattern}: it is not the CIFAR-10 binary archive.");
            }

            try
            {
                Directory.Move(unpacked, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process finished first; its copy is complete, because it was moved in one rename too.
            }
        }
        catch (DatasetException)
        {
            // The archive matched its checksum yet is unusable: keep neither it nor anything unpacked from it.
            TryDelete(archive);
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot unpack '{archive}' into '{dataDir}': {Cifar10Reader.OneLine(e.Message)}", e);
        }
        finally
        {
            TryDeleteFolder(temp);
        }

        // The batches are in place; the 170 MB archive is no longer needed.
        TryDelete(archive);
    }

    private static DatasetException Offline(string target, string dataDir, Uri uri, string reason, Exception? inner = null)
    {
        var message =
            $"CIFAR-10 is not in '{target}' and could not be downloaded from {uri} ({reason}). " +
            $"Download {ArchiveName} by hand and unpack it into '{dataDir}' (it creates {Cifar10Reader.FolderName}/), or train offline with --dataset shapes.";
        return inner is null ? new DatasetException(message) : new DatasetException(message, inner);
    }

    private static string Md5Of(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(MD5.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    // Unpack folders left by a process that was killed; those of live processes (a parallel run) are left alone.
    private static void RemoveAbandonedUnpackFolders(string dataDir)
    {
        foreach (var folder in Directory.EnumerateDirectories(dataDir, TempPrefix + "*"))
        {
            var rest = Path.GetFileName(folder)[TempPrefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], out var pid) && !IsAlive(pid))
            {
                TryDeleteFolder(folder);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover .part or archive is never taken for a dataset.
        }
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover unpack folder is never taken for a dataset and is removed on the next run.
        }
    }
}
