namespace DcGanTyped.Simd.Kernels;

/// <summary>
/// A fork-join pool with one worker thread per extra core. <c>Parallel.For</c> allocates tasks and closures on
/// every call; a training step makes hundreds of parallel calls, so the engine uses this allocation-free pool:
/// the caller publishes a static function pointer and a state object, runs chunk 0 itself, and the workers run
/// the other chunks (chunk i on worker i - 1). Nested or concurrent calls run sequentially on the calling thread.
/// </summary>
internal static unsafe class WorkerPool
{
    private static readonly object Gate = new();
    private static readonly object DoneGate = new();
    private static readonly int WorkerCount = Math.Max(0, Environment.ProcessorCount - 1);
    private static int busy;
    private static int generation;
    private static int pending;
    private static int chunks;
    private static object? state;
    private static delegate*<object, int, int, void> body;
    private static bool started;
    private static Exception? failure;

    /// <summary>Number of chunks a parallel loop should be cut into (the caller plus the workers).</summary>
    public static int Parallelism => WorkerCount + 1;

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

        if (count == 1 || WorkerCount == 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var i = 0; i < count; i++)
            {
                run(runState, i, count);
            }

            return;
        }

        try
        {
            EnsureStarted();
            state = runState;
            body = run;
            chunks = count;
            Volatile.Write(ref pending, WorkerCount);
            lock (Gate)
            {
                generation++;
                Monitor.PulseAll(Gate);
            }

            try
            {
                for (var i = 0; i < count; i += WorkerCount + 1)
                {
                    run(runState, i, count);
                }
            }
            finally
            {
                WaitForWorkers();
            }

            if (failure is { } error)
            {
                failure = null;
                throw new AggregateException(error);
            }
        }
        finally
        {
            state = null;
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>The half-open range of chunk <paramref name="index"/> when <paramref name="length"/> items are cut into <paramref name="count"/> chunks aligned to <paramref name="align"/>.</summary>
    public static (int Start, int End) Range(int index, int count, int length, int align = 1)
    {
        var blocks = (length + align - 1) / align;
        var start = (int)((long)blocks * index / count) * align;
        var end = (int)((long)blocks * (index + 1) / count) * align;
        return (Math.Min(start, length), Math.Min(end, length));
    }

    private static void WaitForWorkers()
    {
        var spin = new SpinWait();
        for (var i = 0; i < 2000 && Volatile.Read(ref pending) != 0; i++)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        if (Volatile.Read(ref pending) != 0)
        {
            lock (DoneGate)
            {
                while (Volatile.Read(ref pending) != 0)
                {
                    Monitor.Wait(DoneGate);
                }
            }
        }
    }

    private static void EnsureStarted()
    {
        if (started)
        {
            return;
        }

        for (var w = 0; w < WorkerCount; w++)
        {
            var index = w + 1;
            var thread = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"simd-worker-{index}" };
            thread.Start();
        }

        started = true;
    }

    private static void WorkerLoop(int index)
    {
        var seen = Volatile.Read(ref generation);
        while (true)
        {
            // Spin briefly: parallel calls come in quick succession during a step, and sleeping costs microseconds.
            var spin = new SpinWait();
            for (var i = 0; i < 4000 && Volatile.Read(ref generation) == seen; i++)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            lock (Gate)
            {
                while (generation == seen)
                {
                    Monitor.Wait(Gate);
                }

                seen = generation;
            }

            var count = chunks;
            var runState = state!;
            var run = body;
            try
            {
                for (var i = index; i < count; i += WorkerCount + 1)
                {
                    run(runState, i, count);
                }
            }
            catch (Exception ex)
            {
                // Reported to the caller; the worker must survive or every later call would wait forever.
                failure = ex;
            }

            if (Interlocked.Decrement(ref pending) == 0)
            {
                lock (DoneGate)
                {
                    Monitor.PulseAll(DoneGate);
                }
            }
        }
    }
}
