using System.Runtime.InteropServices;

namespace DcGanTyped.Simd.Kernels;

/// <summary>Per-thread scratch memory that lives as long as the thread's process: 64-byte aligned, never freed.</summary>
internal static unsafe class NativeBuffers
{
    /// <summary>Allocates <paramref name="floats"/> aligned floats outside the managed heap.</summary>
    public static void* Allocate(int floats) => NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
}
