using System.Diagnostics;

namespace DcGanTyped.Simd.Kernels;

/// <summary>
/// A fork-join pool with one worker thread per extra core. <c>Parallel.For</c> allocates tasks and closures on
/// every call, and blocking primitives (Monitor.Wait, and the events built on it) allocate per wait; a training
/// step makes hundreds of parallel calls, so the engine uses this pool instead: the caller publishes a static
/// function pointer and a state object, runs its share of the chunks, and spins (yielding) until the workers are
/// done. Workers spin, then sleep in 1 ms steps, and block only after a second without work, so a running
/// training loop never allocates. Nested or concurrent calls run sequentially on the calling thread.
/// The thread count (<see cref="Threads"/>) defaults to the cores this process may use and can be changed between
/// calls: workers beyond it stay idle, and missing ones are started on the next call.
/// </summary>
internal static unsafe class WorkerPool
{
    private static readonly object Gate = new();
    private static int threads = Environment.ProcessorCount;
    private static int startedWorkers;
    private static int participants;
    private static readonly long SpinTicks = Stopwatch.Frequency / 200;
    private static readonly long NapTicks = Stopwatch.Frequency;
    private static int busy;
    private static int generation;
    private static int sleepers;
    private static int pending;
    private static int chunks;
    private static object? state;
    private static delegate*<object, int, int, void> body;
    private static Exception? failure;

    /// <summary>Number of chunks a parallel loop should be cut into (the caller plus the workers).</summary>
    public static int Parallelism => Volatile.Read(ref threads);

    /// <summary>
    /// Threads a parallel loop runs on, the caller included (default <see cref="Environment.ProcessorCount"/>,
    /// which honours the process's CPU affinity and cgroup quota). Takes effect from the next call.
    /// </summary>
    public static int Threads
    {
        get => Volatile.Read(ref threads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref threads, value);
        }
    }

    /// <summary>Worker threads started so far (they are never stopped; the idle ones block).</summary>
    public static int StartedWorkers => Volatile.Read(ref startedWorkers);

    /// <summary>
    /// Runs <paramref name="run"/>(state, i, count) for i in 0..count-1 across the pool, returning when all are done.
    /// <paramref name="count"/> may exceed <see cref="Parallelism"/>; chunks are then dealt round-robin.
    /// </summary>
    public static void Run(int count, object runState, delegate*<object, int, int, void> run)
    {
        if (count <= 0)
        {
            return;
        }

        var workers = Volatile.Read(ref threads) - 1;
        if (count == 1 || workers == 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var i = 0; i < count; i++)
            {
                run(runState, i, count);
            }

            return;
        }

        try
        {
            EnsureStarted(workers);
            failure = null;
            state = runState;
            body = run;
            chunks = count;
            participants = workers;

            // Every started worker acknowledges every call, also those beyond the thread count, so none can still be
            // reading this call's fields when the next call publishes its own.
            Volatile.Write(ref pending, startedWorkers);
            Interlocked.Increment(ref generation);
            if (Volatile.Read(ref sleepers) > 0)
            {
                lock (Gate)
                {
                    Monitor.PulseAll(Gate);
                }
            }

            try
            {
                for (var i = 0; i < count; i += workers + 1)
                {
                    run(runState, i, count);
                }
            }
            finally
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref pending) != 0)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }

            if (failure is { } error)
            {
                throw new AggregateException(error);
            }
        }
        finally
        {
            state = null;
            failure = null;
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Bytes the pool's worker threads have allocated on the managed heap so far (for allocation tests).</summary>
    public static long WorkerAllocatedBytes()
    {
        var counts = new long[Parallelism];
        Run(Parallelism, counts, &ReadAllocatedBytes);
        return counts.AsSpan(1).ToArray().Sum();
    }

    /// <summary>The half-open range of chunk <paramref name="index"/> when <paramref name="length"/> items are cut into <paramref name="count"/> chunks aligned to <paramref name="align"/>.</summary>
    public static (int Start, int End) Range(int index, int count, int length, int align = 1)
    {
        var blocks = (length + align - 1) / align;
        var start = (int)((long)blocks * index / count) * align;
        var end = (int)((long)blocks * (index + 1) / count) * align;
        return (Math.Min(start, length), Math.Min(end, length));
    }

    private static void ReadAllocatedBytes(object counts, int index, int count)
        => ((long[])counts)[index] = GC.GetAllocatedBytesForCurrentThread();

    private static void EnsureStarted(int workers)
    {
        // Workers start from the current generation, which the caller bumps only after this returns.
        for (var w = startedWorkers; w < workers; w++)
        {
            StartWorker(w + 1, generation);
        }

        Volatile.Write(ref startedWorkers, Math.Max(startedWorkers, workers));
    }

    // A separate method: a lambda capturing locals makes the compiler allocate its closure on entry to the
    // enclosing scope, which would cost an allocation on every call of EnsureStarted.
    private static void StartWorker(int index, int start)
        => new Thread(() => WorkerLoop(index, start)) { IsBackground = true, Name = $"simd-worker-{index}" }.Start();

    private static void WorkerLoop(int index, int seen)
    {
        while (true)
        {
            WaitForGeneration(seen);
            seen = Volatile.Read(ref generation);
            // Workers beyond this call's thread count (it was lowered) run no chunks but still count down.
            var workers = participants;
            var count = index <= workers ? chunks : 0;
            var runState = state!;
            var run = body;
            try
            {
                for (var i = index; i < count; i += workers + 1)
                {
                    run(runState, i, count);
                }
            }
            catch (Exception ex)
            {
                // Reported to the caller; the worker must survive or every later call would wait forever.
                failure = ex;
            }

            Interlocked.Decrement(ref pending);
        }
    }

    private static void WaitForGeneration(int seen)
    {
        var since = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (Volatile.Read(ref generation) == seen)
        {
            var idle = Stopwatch.GetTimestamp() - since;
            if (idle < SpinTicks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            else if (idle < NapTicks)
            {
                Thread.Sleep(1);
            }
            else
            {
                // Long idle: block. The interlocked increment pairs with the caller's increment of the
                // generation, so either the caller sees a sleeper and pulses, or this thread sees the new generation.
                lock (Gate)
                {
                    Interlocked.Increment(ref sleepers);
                    while (Volatile.Read(ref generation) == seen)
                    {
                        Monitor.Wait(Gate);
                    }

                    Interlocked.Decrement(ref sleepers);
                }
            }
        }
    }
}
