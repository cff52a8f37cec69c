using DcGanTyped.Training.Interop;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DcGanTyped.Training.Tests.Interop;

public sealed class NpyTests
{
    // np.arange(6).reshape(2, 3) * 0.5 - 1.0, as written by Fixtures/make_chainer_npz.py.
    private static readonly float[] Expected = [-1f, -0.5f, 0f, 0.5f, 1f, 1.5f];

    [Theory]
    [InlineData("f4_v1.npy")]
    [InlineData("f8_v1.npy")]
    [InlineData("f4_v2.npy")]
    [InlineData("f4_v3.npy")]
    public void Reads_arrays_written_by_numpy_in_every_format_version(string file)
    {
        var a = Npy.ReadFile(FixtureFiles.Path("npy/" + file));
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(Expected, a.Data);
        Assert.Equal("(2, 3)", a.ShapeText);
    }

    [Fact]
    public void Reads_scalars_vectors_and_empty_arrays_written_by_numpy()
    {
        var scalar = Npy.ReadFile(FixtureFiles.Path("npy/f4_scalar.npy"));
        Assert.Empty(scalar.Shape);
        Assert.Equal([2.5f], scalar.Data);
        Assert.Equal("()", scalar.ShapeText);

        var vector = Npy.ReadFile(FixtureFiles.Path("npy/f4_vector.npy"));
        Assert.Equal([3], vector.Shape);
        Assert.Equal("(3,)", vector.ShapeText);
        Assert.Equal([1f, 2f, 3f], vector.Data);

        var empty = Npy.ReadFile(FixtureFiles.Path("npy/f4_empty.npy"));
        Assert.Equal([0, 3], empty.Shape);
        Assert.Empty(empty.Data);
    }

    [Theory]
    [InlineData("object.npy", "object dtype '|O'")]
    [InlineData("f4_big_endian.npy", "big-endian dtype '>f4'")]
    [InlineData("f4_fortran.npy", "Fortran-order")]
    [InlineData("structured.npy", "structured dtypes are not supported")]
    [InlineData("i8_scalar.npy", "dtype '<i8' is not supported")]
    public void Refuses_numpy_files_that_are_not_little_endian_float_c_arrays(string file, string reason)
    {
        var e = Assert.Throws<InteropFormatException>(() => Npy.ReadFile(FixtureFiles.Path("npy/" + file)));
        Assert.Contains(reason, e.Message);
        Assert.Contains($"'{System.IO.Path.GetFileNameWithoutExtension(file)}'", e.Message);
    }

    [Fact]
    public void Object_arrays_are_refused_from_the_header_alone_even_when_the_payload_is_garbage()
    {
        // The payload would be a pickle; refusing on the dtype means nothing after the header is ever looked at.
        var bytes = FixtureFiles.Npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", [0x80, 0x04, 0xFF, 0xFF]);
        var e = Assert.Throws<InteropFormatException>(() => Read(bytes));
        Assert.Contains("pickled Python objects", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "no 'shape'")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "no 'fortran_order'")]
    [InlineData("{'fortran_order': False, 'shape': (2,), }", "no 'descr'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "'descr' appears twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unexpected header key 'x'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "not a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", "expected True or False")]
    [InlineData("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (2,), }", "expected a string")]
    [InlineData("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,), }", "unsupported character")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } + 1", "unexpected text after the header")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", "expected ',' or '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "too large")]
    [InlineData("['descr', '<f4']", "expected '{'")]
    public void Refuses_malformed_headers_naming_the_key(string header, string reason)
    {
        var e = Assert.Throws<InteropFormatException>(() => Read(FixtureFiles.Npy(header, FixtureFiles.F4(1, 2))));
        Assert.Contains("'a':", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("(3,)", "needs 12 bytes of data but the entry holds 8")]
    [InlineData("(1,)", "needs 4 bytes of data but the entry holds 8")]
    [InlineData("(100000, 100000)", "needs 40000000000 bytes of data but the entry holds 8")]
    [InlineData("(100000000000, 100000000000)", "needs more than 2^64 bytes of data but the entry holds 8")]
    [InlineData("(4611686018427387904, 4611686018427387904, 4)", "needs more than 2^64 bytes of data but the entry holds 8")]
    [InlineData("(2147483647, 0, 4611686018427387904)", "needs 0 bytes of data but the entry holds 8")]
    public void Refuses_shapes_that_do_not_match_the_data_without_allocating_them(string shape, string reason)
    {
        var e = Assert.Throws<InteropFormatException>(
            () => Read(FixtureFiles.Npy(FixtureFiles.Header("<f4", shape), FixtureFiles.F4(1, 2))));
        Assert.Contains(reason, e.Message);
        Assert.Contains($"shape {shape}", e.Message);
    }

    [Fact]
    public void Refuses_bad_magic_versions_and_oversized_or_truncated_headers()
    {
        var good = FixtureFiles.Npy(FixtureFiles.Header("<f4", "(2,)"), FixtureFiles.F4(1, 2));

        var badMagic = (byte[])good.Clone();
        badMagic[1] = (byte)'X';
        Assert.Contains("bad magic", Assert.Throws<InteropFormatException>(() => Read(badMagic)).Message);

        var badVersion = (byte[])good.Clone();
        badVersion[6] = 4;
        Assert.Contains("version 4.0", Assert.Throws<InteropFormatException>(() => Read(badVersion)).Message);

        var huge = FixtureFiles.Npy(FixtureFiles.Header("<f4", "(2,)"), FixtureFiles.F4(1, 2), version: 2);
        huge[8] = 0xFF;
        huge[9] = 0xFF;
        huge[10] = 0xFF;
        Assert.Contains("longer than the 65536 accepted", Assert.Throws<InteropFormatException>(() => Read(huge)).Message);

        var runsPast = (byte[])good.Clone();
        runsPast[8] = 0xFF;
        runsPast[9] = 0x0F;
        Assert.Contains("runs past the end", Assert.Throws<InteropFormatException>(() => Read(runsPast)).Message);

        Assert.Contains("only 5 bytes", Assert.Throws<InteropFormatException>(() => Read(good[..5])).Message);
    }

    [Fact]
    public void A_stream_shorter_or_longer_than_its_declared_length_is_refused()
    {
        var good = FixtureFiles.Npy(FixtureFiles.Header("<f4", "(2,)"), FixtureFiles.F4(1, 2));

        // The caller claims the whole file, but the stream ends 3 bytes early.
        var shortStream = new MemoryStream(good[..^3]);
        var e = Assert.Throws<InteropFormatException>(() => Npy.Read(shortStream, "a", good.Length));
        Assert.Contains("truncated", e.Message);

        // The caller claims 4 bytes less than the stream delivers: the shape check fails first.
        var longStream = new MemoryStream([.. good, 0, 0, 0, 0]);
        e = Assert.Throws<InteropFormatException>(() => Npy.Read(longStream, "a", good.Length));
        Assert.Contains("more data than the declared", e.Message);
    }

    [Fact]
    public void Float64_is_converted_to_float32_and_python2_long_suffixes_are_accepted()
    {
        var bytes = FixtureFiles.Npy(FixtureFiles.Header("<f8", "(1L, 3L)"), FixtureFiles.F8(0.1, -2.5, 1e300));
        var a = Read(bytes);
        Assert.Equal([1, 3], a.Shape);
        Assert.Equal([0.1f, -2.5f, float.PositiveInfinity], a.Data);
    }

    [Property(MaxTest = 200)]
    public Property Any_c_order_float32_array_round_trips_through_every_version()
    {
        var gen =
            from rank in Gen.Choose(0, 4)
            from dims in Gen.ArrayOf(Gen.Choose(0, 5), rank)
            from version in Gen.Choose(1, 3)
            from values in Gen.ArrayOf(ArbMap.Default.GeneratorFor<float>(), dims.Aggregate(1, (a, d) => a * d))
            select (dims, version, values);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (dims, version, values) = t;
            var shape = dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";
            var read = Read(FixtureFiles.Npy(FixtureFiles.Header("<f4", shape), FixtureFiles.F4(values), version));
            var bitsEqual = values.Select(BitConverter.SingleToInt32Bits).SequenceEqual(read.Data.Select(BitConverter.SingleToInt32Bits));
            return (read.Shape.SequenceEqual(dims) && bitsEqual)
                .Label($"shape {shape} v{version}: read {read.ShapeText}, first difference at {FirstDifference(values, read.Data)}");
        });
    }

    private static int FirstDifference(float[] a, float[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                return i;
            }
        }

        return a.Length == b.Length ? -1 : Math.Min(a.Length, b.Length);
    }

    private static NpyArray Read(byte[] bytes) => Npy.Read(new MemoryStream(bytes), "a", bytes.Length);
}
