// Shape arithmetic shared, as source, by the runtime and the source generator, so the compiler
// and the running program agree on every layer's output size.
namespace DcGanTyped.Shapes;

/// <summary>Output-size formulas for the layers a network may declare.</summary>
#if DCGANTYPED_GENERATOR
// Internal inside the generator, so a project that sees both assemblies has one ShapeMath.
internal static class ShapeMath
#else
public static class ShapeMath
#endif
{
    /// <summary>Spatial output size of a convolution: <c>(size + 2 pad - kernel) / stride + 1</c>.</summary>
    /// <remarks>Returns a value of zero or less when the kernel does not fit; callers report that.</remarks>
    public static int ConvOutput(int size, int kernel, int stride, int pad)
    {
        var span = size + (2 * pad) - kernel;
        return span < 0 ? 0 : (span / stride) + 1;
    }

    /// <summary>True when a convolution leaves input rows or columns unused (the stride does not divide evenly).</summary>
    public static bool ConvDropsInput(int size, int kernel, int stride, int pad)
    {
        var span = size + (2 * pad) - kernel;
        return span >= 0 && span % stride != 0;
    }

    /// <summary>Spatial output size of a transposed convolution: <c>(size - 1) stride - 2 pad + kernel</c>.</summary>
    public static int ConvTransposeOutput(int size, int kernel, int stride, int pad)
        => ((size - 1) * stride) - (2 * pad) + kernel;

    /// <summary>Number of elements of a shape (the product of its dimensions).</summary>
    public static long Elements(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    /// <summary>Formats a shape the way diagnostics and exceptions print it: <c>(512, 4, 4)</c>.</summary>
    public static string Format(int[] shape) => "(" + string.Join(", ", shape) + ")";
}
