using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd;

/// <summary>Process-wide settings of the SIMD engine.</summary>
public static class SimdEngine
{
    /// <summary>
    /// CPU threads the engine's parallel kernels (GEMM, im2col) run on, the calling thread included. The default is
    /// <see cref="Environment.ProcessorCount"/>, which honours the process's CPU affinity and cgroup quota. A change
    /// takes effect from the next kernel call; results do not depend on it (work is split along output rows and
    /// columns, never along a sum).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public static int Threads
    {
        get => WorkerPool.Threads;
        set => WorkerPool.Threads = value;
    }
}
