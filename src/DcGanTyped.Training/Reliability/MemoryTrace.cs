using System.Globalization;
using System.Runtime.CompilerServices;

namespace DcGanTyped.Training.Reliability;

/// <summary>
/// The test hook <c>DCGANTYPED_TEST_MEMORY_TRACE=FILE</c>: after every step the trainer appends
/// <c>iteration rss_bytes gc_heap_bytes live_tensors</c> to FILE, so a test can fit a line through the process's
/// native and managed memory over many iterations of the real command-line run. The managed heap is measured after a
/// full collection every <see cref="GcEvery"/> iterations (-1 in between), since between collections it only says
/// how much garbage has piled up. <c>live_tensors</c> is TorchSharp's live tensor count on the training thread
/// (-1 on the SIMD engine, which never loads TorchSharp).
/// </summary>
public sealed class MemoryTrace : IDisposable
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "DCGANTYPED_TEST_MEMORY_TRACE";

    /// <summary>Iterations between managed-heap measurements.</summary>
    public const int GcEvery = 20;

    private readonly StreamWriter writer;
    private readonly bool torch;

    private MemoryTrace(string path, bool torch)
    {
        writer = new StreamWriter(path, append: false) { AutoFlush = true };
        this.torch = torch;
    }

    /// <summary>The trace configured by the environment, or null.</summary>
    public static MemoryTrace? FromEnvironment(EngineKind engine)
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? new MemoryTrace(path, engine == EngineKind.Torch) : null;

    /// <summary>Records the state after <paramref name="iteration"/>.</summary>
    public void Record(long iteration)
    {
        var heap = iteration % GcEvery == 0 ? GC.GetTotalMemory(forceFullCollection: true) : -1;
        var live = torch ? LiveTensors() : -1;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{iteration} {Rss()} {heap} {live}"));
    }

    /// <inheritdoc/>
    public void Dispose() => writer.Dispose();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long LiveTensors() => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Resident set size from <c>/proc/self/statm</c> (pages), or the working set elsewhere.</summary>
    private static long Rss()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Environment.WorkingSet;
        }
    }
}
