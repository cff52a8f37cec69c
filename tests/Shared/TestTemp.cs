namespace DcGanTyped.Tests.Shared;

/// <summary>
/// Temporary folders for one test process: all under /tmp/dcgan-NAME-tests/PID-GUID (NAME from the test assembly,
/// e.g. training or cli), which is deleted when the process exits (set DCGANTYPED_KEEP_TEST_FILES=1 to keep it for a
/// look after a failure), so repeated runs leave nothing. Compiled into each test project that uses it.
/// </summary>
internal static class TestTemp
{
    private static readonly Lazy<string> RunRoot = new(() =>
    {
        // DcGanTyped.Training.Tests -> dcgan-training-tests
        var project = typeof(TestTemp).Assembly.GetName().Name!.Split('.')[1].ToLowerInvariant();
        var root = Path.Combine(Path.GetTempPath(), $"dcgan-{project}-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        if (Environment.GetEnvironmentVariable("DCGANTYPED_KEEP_TEST_FILES") != "1")
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        }

        return root;
    });

    /// <summary>A new empty folder; <paramref name="prefix"/> starts its name.</summary>
    public static string NewDirectory(string prefix = "")
    {
        var dir = Path.Combine(RunRoot.Value, prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open by a child process; the folder is small and under /tmp.
        }
    }
}
