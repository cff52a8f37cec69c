using System.Security.Cryptography;
using DcGanTyped.Checkpoints;

namespace DcGanTyped.Training.Checkpoints;

/// <summary>
/// <c>gen_iter_N</c> / <c>dis_iter_N</c>: weights in TorchSharp's <c>Module.save</c> format (so <c>Module.load</c>
/// reads them unchanged) with a <c>NAME.sha256</c> manifest beside them in <c>sha256sum</c>'s format
/// (<c>sha256sum -c gen_iter_N.sha256</c> verifies it). The weights are written first and the manifest second, both
/// atomically, so a manifest never vouches for a file that is not complete.
/// </summary>
public static class WeightsFile
{
    /// <summary>The manifest's file name for <paramref name="path"/>.</summary>
    public static string ManifestPath(string path) => path + ".sha256";

    /// <summary>Writes <paramref name="weights"/> and its manifest.</summary>
    public static void Write(string path, byte[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        AtomicFile.Write(path, weights);
        var line = $"{Convert.ToHexStringLower(SHA256.HashData(weights))}  {Path.GetFileName(path)}\n";
        AtomicFile.Write(ManifestPath(path), System.Text.Encoding.ASCII.GetBytes(line));
    }

    /// <summary>
    /// Reads <paramref name="path"/> and, when its manifest exists, checks the checksum. A file without a manifest
    /// (saved by a user's own program) is accepted as it is.
    /// </summary>
    /// <exception cref="CheckpointException">Missing, unreadable, or the checksum differs.</exception>
    public static byte[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot read it ({e.Message})", e);
        }

        var manifest = ManifestPath(path);
        if (File.Exists(manifest))
        {
            var text = File.ReadAllText(manifest).Trim();
            var expected = text.Split(' ', 2)[0];
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new CheckpointException(path, $"checksum mismatch with {Path.GetFileName(manifest)}: the file is truncated or corrupt");
            }
        }

        return bytes;
    }

    /// <summary>Reads <paramref name="path"/> as <see cref="Read"/> does and parses it as a TorchSharp state_dict.</summary>
    /// <exception cref="CheckpointException">Missing, unreadable, the checksum differs, or not a TorchSharp weights file.</exception>
    public static IReadOnlyList<NamedArray> ReadStateDict(string path)
    {
        var bytes = Read(path);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return TorchStateDict.Read(stream);
        }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointException(path, $"not a TorchSharp weights file ({e.Message})", e);
        }
    }
}
