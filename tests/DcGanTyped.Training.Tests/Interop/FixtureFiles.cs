using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

/// <summary>Paths of the committed fixtures (copied next to the test assembly) and a hand-written .npy builder.</summary>
internal static class FixtureFiles
{
    /// <summary>The path of a file under Fixtures/.</summary>
    public static string Path(string relative)
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);
        Assert.True(File.Exists(path), $"fixture {relative} is missing: run Fixtures/make_chainer_npz.py");
        return path;
    }

    /// <summary>
    /// Builds a .npy file from a header dict text and raw data, laid out as the format specification says
    /// (magic, version, little-endian header length, header padded with spaces to 64 bytes and ended by a newline).
    /// Deliberately separate from the reader so tests can also write headers the reader must refuse.
    /// </summary>
    public static byte[] Npy(string header, ReadOnlySpan<byte> data, int version = 1)
    {
        var lengthField = version == 1 ? 2 : 4;
        var prefix = 8 + lengthField;
        var padded = header.TrimEnd('\n');
        var total = prefix + padded.Length + 1;
        padded += new string(' ', ((64 - (total % 64)) % 64)) + "\n";
        var headerBytes = version == 3 ? Encoding.UTF8.GetBytes(padded) : Encoding.Latin1.GetBytes(padded);
        var bytes = new byte[prefix + headerBytes.Length + data.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = (byte)version;
        bytes[7] = 0;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerBytes.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerBytes.Length);
        }

        headerBytes.CopyTo(bytes, prefix);
        data.CopyTo(bytes.AsSpan(prefix + headerBytes.Length));
        return bytes;
    }

    /// <summary>Little-endian bytes of float32 values.</summary>
    public static byte[] F4(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>Little-endian bytes of float64 values.</summary>
    public static byte[] F8(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    /// <summary>Header dict text as NumPy writes it.</summary>
    public static string Header(string descr, string shape, bool fortran = false)
        => $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
}
