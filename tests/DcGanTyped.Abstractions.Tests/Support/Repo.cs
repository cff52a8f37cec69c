namespace DcGanTyped.Tests.Support;

/// <summary>Locates the repository the tests were built from.</summary>
internal static class Repo
{
    /// <summary>The folder holding DcGanTyped.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the running test assembly (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    /// <summary>A path under the repository root.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "DcGanTyped.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DcGanTyped.sln not found above {AppContext.BaseDirectory}");
    }
}
