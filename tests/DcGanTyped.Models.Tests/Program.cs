using DcGanTyped.Models;

namespace DcGanTyped.Models.Tests;

/// <summary>
/// Entry point of the test assembly when started as a program (the test host never calls it). It reads static
/// metadata in a fresh process and reports whether libtorch got mapped, which the tests cannot see in their own
/// process once any test has touched TorchSharp.
/// </summary>
public static class Program
{
    /// <summary>Modes: <c>info</c> reads metadata only; <c>torch</c> also creates a tensor (the positive control).</summary>
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "info";
        var seed = ModelCatalog.Get("seed");
        Console.WriteLine($"parameters={Generator.Info.Parameters + seed.Discriminator.Parameters}");
        if (mode == "torch")
        {
            using var t = TorchSharp.torch.zeros(1);
        }

        Console.WriteLine($"libtorch={LibTorchMapped()}");
        return 0;
    }

    /// <summary>True when a libtorch shared object is mapped into this process.</summary>
    public static bool LibTorchMapped()
        => File.ReadAllLines("/proc/self/maps").Any(l => l.Contains("libtorch", StringComparison.Ordinal));
}
