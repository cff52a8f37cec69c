using System.Diagnostics;
using DcGanTyped.Training;
using DcGanTyped.Training.Extensions;
using Spectre.Console;

namespace DcGanTyped.Cli;

/// <summary>
/// On a terminal: Chainer's table printed above a Spectre.Console progress bar with it/s and the time left.
/// Without one (redirected output, CI): plain table rows with it/s and ETA appended, and every note.
/// </summary>
internal sealed class ProgressObserver : ITrainingObserver
{
    private readonly ProgressTask? task;
    private readonly Stopwatch clock = new();
    private long startIteration;
    private long total;

    private ProgressObserver(ProgressTask? task) => this.task = task;

    /// <summary>Runs <paramref name="train"/> with the observer that suits the console.</summary>
    public static T RunWithProgress<T>(Func<ITrainingObserver, T> train)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return train(new ProgressObserver(null));
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => train(new ProgressObserver(ctx.AddTask("training", autoStart: true))));
    }

    public void Started(long iteration, long total)
    {
        startIteration = iteration;
        this.total = total;
        clock.Restart();
        if (task is not null)
        {
            task.MaxValue = Math.Max(total, 1);
            task.Value = iteration;
        }

        WriteLine($"{"epoch",-12}{"iteration",-12}{"gen/loss",-12}{"dis/loss",-12}");
    }

    public void Stepped(long iteration, int epoch)
    {
        if (task is null)
        {
            return;
        }

        task.Value = iteration;
        if (iteration % 10 == 0)
        {
            task.Description = $"iter {iteration}, epoch {epoch}, {Rate(iteration):0.00} it/s";
        }
    }

    public void Logged(LogEntry entry)
    {
        var row = TextTrainingObserver.FormatRow(entry);
        if (task is null)
        {
            var rate = Rate(entry.Iteration);
            var eta = rate > 0 ? TimeSpan.FromSeconds((total - entry.Iteration) / rate) : TimeSpan.Zero;
            row += $"{rate:0.00} it/s, eta {eta:hh\\:mm\\:ss}";
        }

        WriteLine(row);
    }

    public void Note(string line) => WriteLine(line);

    private double Rate(long iteration)
        => clock.Elapsed.TotalSeconds > 0 ? (iteration - startIteration) / clock.Elapsed.TotalSeconds : 0;

    private void WriteLine(string line)
    {
        if (task is null)
        {
            Console.WriteLine(line);
        }
        else
        {
            AnsiConsole.WriteLine(line);
        }
    }
}
