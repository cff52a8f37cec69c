namespace DcGanTyped.Training.Benchmarking;

/// <summary>Robust summaries for noisy timings.</summary>
public static class Statistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
