using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace DcGanTyped.Cli.Tests;

/// <summary>Runs the CLI's own build output as a child process (<c>dotnet dcgan.dll ...</c>) in a folder.</summary>
internal static partial class CliProcess
{
    /// <summary>Arguments every training test adds: the narrow model, the built-in shapes, one torch thread.</summary>
    public static readonly string[] Small = ["--model", "narrow", "--dataset", "shapes", "--batchsize", "4", "--threads", "1"];

    public static (int Code, string Stdout, string Stderr) Run(string workDir, IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutSeconds = 180)
    {
        using var p = Start(workDir, args, env);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dcgan {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(string workDir, IEnumerable<string> args, IDictionary<string, string>? env = null)
        => Process.Start(StartInfo(workDir, args, env))!;

    /// <summary><c>dotnet dcgan.dll ARGS</c> in <paramref name="workDir"/>, both output streams redirected.</summary>
    public static ProcessStartInfo StartInfo(string workDir, IEnumerable<string> args, IEnumerable<KeyValuePair<string, string>>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll());
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? [])
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    /// <summary>Sends a POSIX signal (SIGINT = 2, SIGKILL = 9, SIGTERM = 15) with libc <c>kill</c>.</summary>
    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static string TempDir() => DcGanTyped.Tests.Shared.TestTemp.NewDirectory();

    /// <summary>The error contract: exit 2, exactly one line on stderr, starting with "error: ", no stack trace.</summary>
    public static string AssertBadInput((int Code, string Stdout, string Stderr) r)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{r.Stderr}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr + r.Stdout, StringComparison.Ordinal);
        return lines[0];
    }

    /// <summary>The CLI's build output of the same configuration as this test assembly.</summary>
    public static string Dll()
    {
        // tests/DcGanTyped.Cli.Tests/bin/<Configuration>/net10.0 -> src/DcGanTyped.Cli/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "DcGanTyped.Cli", "bin", here.Parent.Name, here.Name, "dcgan.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: build the solution first");
        return dll;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
