using DcGanTyped.Simd.Kernels;

namespace DcGanTyped.Simd.Tests;

/// <summary>Runs alone: the thread count is process-wide, and concurrent kernel calls would run on one thread.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection;

/// <summary><see cref="SimdEngine.Threads"/> sets how many threads the worker pool runs a loop on, and results do not depend on it.</summary>
[Collection(nameof(ThreadCountCollection))]
public sealed unsafe class ThreadCountTests
{
    [Fact]
    public void The_pool_runs_a_loop_on_exactly_the_configured_number_of_threads()
    {
        var before = SimdEngine.Threads;
        Assert.Equal(Environment.ProcessorCount, before);
        try
        {
            // Raised above the cores, lowered to one, raised again: workers beyond the count stay out of the loop.
            foreach (var n in new[] { 3, 1, 2, 4, 1 })
            {
                SimdEngine.Threads = n;
                Assert.Equal(n, WorkerPool.Parallelism);
                var ids = new int[n * 8];
                WorkerPool.Run(ids.Length, ids, &RecordThread);
                Assert.True(ids.Distinct().Count() == n, $"{n} threads configured, the loop ran on {ids.Distinct().Count()}: {string.Join(' ', ids)}");
                Assert.True(WorkerPool.StartedWorkers >= n - 1, $"{WorkerPool.StartedWorkers} workers started for {n} threads");
            }
        }
        finally
        {
            SimdEngine.Threads = before;
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => SimdEngine.Threads = 0);
    }

    [Fact]
    public void Gemm_and_a_convolution_give_the_same_results_on_one_and_two_threads()
    {
        // The pool cuts along output rows or columns, never along a sum, so each output is the same sum in the same
        // order whatever the thread count: the tolerance is 0.
        var before = SimdEngine.Threads;
        try
        {
            var one = RunKernels(1);
            var two = RunKernels(2);
            foreach (var ((name, a), (_, b)) in one.Zip(two))
            {
                var (max, at) = MaxAbsDiff(a, b);
                Assert.True(max == 0, $"{name}: max |1 thread - 2 threads| = {max} at {at}");
            }
        }
        finally
        {
            SimdEngine.Threads = before;
        }
    }

    private static List<(string Name, float[] Values)> RunKernels(int threads)
    {
        SimdEngine.Threads = threads;
        var rng = new Random(5);
        const int M = 96, N = 80, K = 72;
        var a = new float[M * K];
        var b = new float[K * N];
        TestUtil.Fill(rng, a, 1);
        TestUtil.Fill(rng, b, 1);
        var c = new float[M * N];
        Gemm.Multiply(false, false, M, N, K, a, K, b, N, c, N, accumulate: false);

        var conv = new Conv2d("c", 32, 32, 3, 1, 1, true);
        var w = conv.Parameters[0].Value.Span;
        TestUtil.Fill(new Random(6), w, 0.1f);
        var x = TestUtil.Random(new Random(7), 1, 8, 32, 16, 16);
        var y = conv.Forward(x, true);
        var dx = conv.Backward(y);
        return [("gemm", c), ("conv forward", y.Span.ToArray()), ("conv input gradient", dx.Span.ToArray()), ("conv weight gradient", conv.Parameters[0].Grad.Span.ToArray())];
    }

    private static (float Max, int At) MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var (max, at) = (0f, -1);
        for (var i = 0; i < a.Length; i++)
        {
            var d = MathF.Abs(a[i] - b[i]);
            if (d > max || float.IsNaN(d))
            {
                (max, at) = (d, i);
            }
        }

        return (max, at);
    }

    private static void RecordThread(object ids, int index, int count)
    {
        // Chunks are dealt round-robin by index, so each participant runs its own share, however fast the others are.
        ((int[])ids)[index] = Environment.CurrentManagedThreadId;
    }
}
