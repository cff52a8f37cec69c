namespace DcGanTyped.Simd.Tests;

/// <summary>Runs alone: it measures allocations across the whole process.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>After warm-up, a training step (forward, loss, backward, Adam) allocates nothing on the managed heap.</summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests
{
    [Fact]
    public void TrainingStepAllocatesNothingAfterWarmUp()
    {
        var net = new TinyNet();
        net.InitializeWeights(0.1, new Random(1));
        var adam = new Adam(net.Parameters());
        var x = TestUtil.Random(new Random(2), 1, 16, 6);
        var grad = Tensor.Zeros(1);

        // Large enough that the GEMMs go parallel, so the worker pool is part of what is measured.
        var big = new Conv2d("big", 32, 32, 3, 1, 1, true);
        var bigX = TestUtil.Random(new Random(3), 1, 8, 32, 16, 16);

        void Step()
        {
            net.ZeroGrad();
            var y = net.Forward(x, true);
            GanLoss.MeanSoftplus(y, -1f, grad);
            net.Backward(grad);
            adam.Step();
            var z = big.Forward(bigX, true);
            big.Backward(z);
        }

        for (var i = 0; i < 3; i++)
        {
            Step();
        }

        // Finalizers of earlier tests' objects must not count against the step.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var workers = Kernels.WorkerPool.WorkerAllocatedBytes();
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var total = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 5; i++)
        {
            Step();
        }

        var threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread;
        var totalBytes = GC.GetTotalAllocatedBytes(precise: true) - total;
        var workerBytes = Kernels.WorkerPool.WorkerAllocatedBytes() - workers;
        Assert.True(threadBytes == 0, $"{threadBytes} bytes allocated on the calling thread in 5 steps");
        Assert.True(workerBytes == 0, $"{workerBytes} bytes allocated on the worker threads in 5 steps");

        // The test host's own threads (result reporting) may allocate meanwhile; the engine's threads are exact above.
        Assert.True(totalBytes < 64 * 1024, $"{totalBytes} bytes allocated process-wide in 5 steps");
    }
}
