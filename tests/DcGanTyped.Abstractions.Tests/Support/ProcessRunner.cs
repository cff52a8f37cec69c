using System.Diagnostics;
using System.Text;

namespace DcGanTyped.Tests.Support;

/// <summary>The outcome of a finished child process.</summary>
/// <param name="ExitCode">Exit status.</param>
/// <param name="Stdout">Everything written to standard output.</param>
/// <param name="Stderr">Everything written to standard error.</param>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for assertions and failure messages.</summary>
    public string Output => Stdout + Stderr;

    /// <inheritdoc/>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs a child process to completion, capturing its output.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; kills it after <paramref name="timeout"/>.</summary>
    /// <param name="file">Executable.</param>
    /// <param name="args">Arguments, passed without shell interpretation.</param>
    /// <param name="workingDirectory">Working directory.</param>
    /// <param name="env">Environment changes; a null value removes the variable.</param>
    /// <param name="timeout">Wall-clock limit.</param>
    public static ProcessResult Run(
        string file,
        IEnumerable<string> args,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? env = null,
        TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Child dotnet processes must not inherit the test host's MSBuild/CLI state.
        foreach (var key in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran longer than {limit}:\n{stdout}\n{stderr}");
        }

        // The parameterless wait drains the asynchronous output readers.
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
