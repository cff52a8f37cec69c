using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DcGanTyped.Training.Benchmarking;

/// <summary>What a benchmark report says about the machine: CPU, cores, vector width, load.</summary>
public static class MachineProbe
{
    /// <summary>Describes this machine; <paramref name="torchThreads"/> is libtorch's thread count when it was loaded.</summary>
    public static MachineInfo Describe(int? torchThreads, IReadOnlyList<double> loadBefore, IReadOnlyList<double> loadAfter) => new(
        CpuModel(),
        Environment.ProcessorCount,
        Vector512.IsHardwareAccelerated,
        Vector256.IsHardwareAccelerated,
        torchThreads,
        DcGanTyped.Simd.SimdEngine.Threads,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        loadBefore,
        loadAfter);

    /// <summary>The <c>model name</c> of the first processor in /proc/cpuinfo, or the architecture where there is none.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc is hidden: fall back to the architecture.
        }
        catch (UnauthorizedAccessException)
        {
            // The same.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg; empty where unavailable.</summary>
    public static IReadOnlyList<double> LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }
}
