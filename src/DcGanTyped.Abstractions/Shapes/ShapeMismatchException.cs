namespace DcGanTyped.Shapes;

/// <summary>Thrown when a tensor given to a typed network does not have the declared shape.</summary>
public sealed class ShapeMismatchException : Exception
{
    /// <summary>Creates the exception for <paramref name="network"/> with the expected and actual shapes.</summary>
    /// <param name="network">Network (or layer) name.</param>
    /// <param name="expected">Declared shape without the batch dimension.</param>
    /// <param name="actual">The shape received, including the batch dimension.</param>
    public ShapeMismatchException(string network, Shape expected, IReadOnlyList<long> actual)
        : base($"{network} expects input (N, {string.Join(", ", expected.ToArray())}) but receives ({string.Join(", ", actual)})")
    {
        Network = network;
        Expected = expected;
        Actual = actual.ToArray();
    }

    /// <summary>Network (or layer) name.</summary>
    public string Network { get; }

    /// <summary>Declared shape without the batch dimension.</summary>
    public Shape Expected { get; }

    /// <summary>The shape received, including the batch dimension.</summary>
    public long[] Actual { get; }

    /// <summary>Throws when <paramref name="actual"/> is not <c>(N, expected...)</c> with N &gt;= 1.</summary>
    public static void ThrowIfMismatch(string network, Shape expected, ReadOnlySpan<long> actual)
    {
        var ok = actual.Length == expected.Rank + 1 && actual[0] >= 1;
        for (var i = 0; ok && i < expected.Rank; i++)
        {
            ok = actual[i + 1] == expected[i];
        }

        if (!ok)
        {
            throw new ShapeMismatchException(network, expected, actual.ToArray());
        }
    }
}
