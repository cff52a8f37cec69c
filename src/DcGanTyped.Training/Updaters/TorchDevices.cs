using static TorchSharp.torch;

namespace DcGanTyped.Training.Updaters;

/// <summary>Maps <c>--gpu</c> to a TorchSharp device, refusing clearly where CUDA cannot be used.</summary>
public static class TorchDevices
{
    /// <summary>
    /// The CPU for -1, <c>cuda:N</c> otherwise. Throws <see cref="TrainingInputException"/> with the reason and the
    /// fix when this build has no CUDA backend, no device is visible, or N is out of range.
    /// </summary>
    public static Device Resolve(int gpu)
    {
        if (gpu < 0)
        {
            return CPU;
        }

        const string Fix = "build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use --gpu -1 for the CPU";
        bool available;
        try
        {
            available = cuda.is_available();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            throw new TrainingInputException($"--gpu {gpu}: CUDA cannot be initialised ({e.Message}); {Fix}", e);
        }

        if (!available)
        {
            throw new TrainingInputException($"--gpu {gpu}: CUDA is not available (this build uses the CPU libtorch, or no CUDA device is visible); {Fix}");
        }

        var count = cuda.device_count();
        if (gpu >= count)
        {
            throw new TrainingInputException($"--gpu {gpu}: only {count} CUDA device(s) are visible (0..{count - 1}); pick one of them or use --gpu -1");
        }

        return new Device(TorchSharp.DeviceType.CUDA, gpu);
    }
}
