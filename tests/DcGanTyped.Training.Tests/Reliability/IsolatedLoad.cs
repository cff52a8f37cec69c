using System.Diagnostics;

namespace DcGanTyped.Training.Tests.Reliability;

/// <summary>
/// Runs a file load for the bad-file properties on a thread of its own, not the pool (a busy pool must not delay the
/// start and pass for a hang), and measures what that thread allocated: the whole load runs synchronously on it, so
/// the thread's counter sees all of it.
/// </summary>
internal static class IsolatedLoad
{
    /// <summary>What happened: whether the load ended within the limit, what it threw, and what it allocated.</summary>
    public readonly record struct Outcome(bool Answered, Exception? Failure, long Allocated, TimeSpan Elapsed);

    public static Outcome Run(Action load, TimeSpan limit)
    {
        long allocated = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load();
            }
            catch (Exception e)
            {
                failure = e;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        })
        { IsBackground = true };
        var watch = Stopwatch.StartNew();
        thread.Start();
        var answered = thread.Join(limit);
        return new Outcome(answered, failure, allocated, watch.Elapsed);
    }
}
