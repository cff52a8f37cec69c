using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Xunit;

namespace DcGanTyped.Cli.Tests.Reliability;

/// <summary>
/// The real <c>dcgan</c> as a child process (<c>dotnet dcgan.dll ...</c>), its output collected line by line while
/// it runs, so a test can wait for a printed iteration, then send it a real signal.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>Generous: the machine runs other test suites at the same time.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    private readonly Process process;
    private readonly List<string> stdout = [];
    private readonly List<string> stderr = [];

    private CliProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    /// <summary>Everything printed so far, stdout then stderr.</summary>
    public string Output
    {
        get
        {
            lock (stdout)
            {
                return string.Join('\n', stdout) + "\n--- stderr ---\n" + string.Join('\n', stderr);
            }
        }
    }

    public string[] StdoutLines
    {
        get
        {
            lock (stdout)
            {
                return [.. stdout];
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (stdout)
            {
                return string.Join('\n', stderr);
            }
        }
    }

    /// <summary>Starts <c>dcgan</c> with <paramref name="args"/> and test-only environment variables.</summary>
    public static CliProcess Start(string workDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = Tests.CliProcess.StartInfo(workDir, args, env);
        var p = new Process { StartInfo = psi };
        var cli = new CliProcess(p);
        p.OutputDataReceived += (_, e) => cli.Add(cli.stdout, e.Data);
        p.ErrorDataReceived += (_, e) => cli.Add(cli.stderr, e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs <c>dcgan</c> to its end and returns the exit code.</summary>
    public static (int Code, CliProcess Process) Run(string workDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var p = Start(workDir, args, env);
        return (p.WaitForExit(), p);
    }

    /// <summary>The common <c>train</c> arguments: narrow model, shapes, batch 4, one thread, a log row every step.</summary>
    public static List<string> Train(string outDir, long iterations, int snapshotInterval, string engine = "torch") =>
    [
        "train", "--model", "narrow", "--dataset", "shapes", "--batchsize", "4", "--threads", "1", "--engine", engine,
        "--display_interval", "1", "--snapshot_interval", snapshotInterval.ToString(CultureInfo.InvariantCulture),
        "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--out", outDir,
    ];

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 10 ms; false on timeout or exit.</summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? Patience))
        {
            if (condition())
            {
                return true;
            }

            if (process.HasExited)
            {
                return condition();
            }

            Thread.Sleep(10);
        }

        return false;
    }

    /// <summary>The highest iteration printed in a table row so far (0 when none).</summary>
    public long LastPrintedIteration() => Rows().Select(r => r.Iteration).DefaultIfEmpty(0).Max();

    /// <summary>Table rows printed so far: iteration and the printed losses.</summary>
    public IReadOnlyList<(long Iteration, string GenLoss, string DisLoss)> Rows()
    {
        var rows = new List<(long, string, string)>();
        foreach (var line in StdoutLines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 4 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var it))
            {
                rows.Add((it, f[2], f[3]));
            }
        }

        return rows;
    }

    /// <summary>Sends <paramref name="signal"/> to the child with libc <c>kill</c>.</summary>
    public void Signal(int signal) => Tests.CliProcess.Signal(process.Id, signal);

    /// <summary>Waits for the exit and returns the code (128 + signal when a signal ended it).</summary>
    public int WaitForExit()
    {
        if (!process.WaitForExit(Patience))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dcgan did not finish in {Patience.TotalSeconds} s\n{Output}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    /// <summary>
    /// Whether <paramref name="path"/> ends in a valid SHA-256 trailer of everything before it: checked here without
    /// the project's reader, so the test does not trust the code it tests.
    /// </summary>
    public static bool HasValidChecksum(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.Length > 32 && SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32));
    }

    /// <summary>Snapshot iterations in <paramref name="dir"/> whose checksum verifies, newest first.</summary>
    public static List<long> ValidSnapshots(string dir)
        => [.. Directory.GetFiles(dir, "snapshot_iter_*")
            .Select(p => (Path: p, Name: Path.GetFileName(p)))
            .Where(f => long.TryParse(f.Name["snapshot_iter_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _) && HasValidChecksum(f.Path))
            .Select(f => long.Parse(f.Name["snapshot_iter_".Length..], CultureInfo.InvariantCulture))
            .OrderDescending()];

    /// <summary>The <c>iteration</c> values of the <c>log</c> file, in order.</summary>
    public static List<(long Iteration, double GenLoss, double DisLoss)> ReadLog(string dir)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "log")));
        return [.. doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("iteration").GetInt64(), e.GetProperty("gen/loss").GetDouble(), e.GetProperty("dis/loss").GetDouble()))];
    }

    public static string TempDir(string prefix) => DcGanTyped.Tests.Shared.TestTemp.NewDirectory("rel-" + prefix + "-");

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (stdout)
        {
            lines.Add(line);
        }
    }
}
