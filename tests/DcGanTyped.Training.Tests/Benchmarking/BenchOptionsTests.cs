using DcGanTyped.Training.Benchmarking;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DcGanTyped.Training.Tests.Benchmarking;

/// <summary>Option checks of <c>bench</c> and the median its figures rest on.</summary>
public sealed class BenchOptionsTests
{
    [Theory]
    [InlineData("torch,cuda", "unknown engine 'cuda'")]
    [InlineData("", "--engines must name at least one")]
    [InlineData("simd,simd", "names an engine twice")]
    public void Bad_engine_lists_are_refused_with_one_line(string engines, string message)
    {
        var options = new BenchOptions { Engines = [.. engines.Split(',', StringSplitOptions.RemoveEmptyEntries)] };

        var e = Assert.Throws<TrainingInputException>(options.Validate);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 0, "--batchsize")]
    [InlineData(1, 0, 0, "--iterations")]
    [InlineData(1, 1, -1, "--warmup")]
    public void Counts_below_their_minimum_are_refused(int batch, int iterations, int warmup, string option)
    {
        var options = new BenchOptions { BatchSize = batch, Iterations = iterations, Warmup = warmup };

        var e = Assert.Throws<TrainingInputException>(options.Validate);
        Assert.StartsWith(option, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_model_is_refused() =>
        Assert.Throws<TrainingInputException>(new BenchOptions { Model = "huge" }.Validate);

    /// <summary>Against an independent definition: at most half the values lie strictly on either side of the median.</summary>
    [Property(MaxTest = 200)]
    public Property Median_splits_the_values_in_halves()
    {
        var gen = Gen.Choose(-1000, 1000).Select(i => i / 8.0).ArrayOf().Where(a => a.Length > 0);
        return Prop.ForAll(Arb.From(gen), values =>
        {
            var m = Statistics.Median(values);
            var below = values.Count(v => v < m);
            var above = values.Count(v => v > m);
            var ok = below <= values.Length / 2 && above <= values.Length / 2 && m >= values.Min() && m <= values.Max();
            return ok.Label($"median {m} of [{string.Join(", ", values)}]: {below} below, {above} above");
        });
    }
}
