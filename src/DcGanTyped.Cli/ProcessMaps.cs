namespace DcGanTyped.Cli;

/// <summary>
/// For tests: when <c>DCGAN_DUMP_MAPS</c> names a file, the process copies <c>/proc/self/maps</c> there before it
/// exits, so a test can prove which native libraries were loaded (the SIMD engine must never load libtorch).
/// Libraries are never unloaded, so the list at exit contains every one loaded during the run.
/// </summary>
internal static class ProcessMaps
{
    /// <summary>The environment variable naming the output file.</summary>
    public const string Variable = "DCGAN_DUMP_MAPS";

    /// <summary>Writes the maps if requested; silently does nothing off Linux.</summary>
    public static void DumpIfRequested()
    {
        var target = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(target) || !File.Exists("/proc/self/maps"))
        {
            return;
        }

        File.WriteAllText(target, File.ReadAllText("/proc/self/maps"));
    }
}
