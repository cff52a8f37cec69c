// Each micro-kernel keeps its MR x NR accumulator tile in explicit locals, so the JIT keeps it in registers,
// and streams the packed panels once per k step: the tile is loaded and stored once per KC-deep block.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DcGanTyped.Simd.Kernels;

/// <summary>Register-blocked GEMM micro-kernels over packed panels (A: MR values per k, B: NR values per k).</summary>
internal static unsafe class GemmMicroKernels
{
    /// <summary>8x32 micro-kernel on Vector512: C[8x32] (+)= A-panel * B-panel over kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector512Kernel8x32(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero; var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero; var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero; var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero; var c71 = Vector512<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }

        if (accumulate)
        {
            (Vector512.Load(c + 0) + c00).Store(c + 0);
            (Vector512.Load(c + 16) + c01).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c10).Store(c + 0);
            (Vector512.Load(c + 16) + c11).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c20).Store(c + 0);
            (Vector512.Load(c + 16) + c21).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c30).Store(c + 0);
            (Vector512.Load(c + 16) + c31).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c40).Store(c + 0);
            (Vector512.Load(c + 16) + c41).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c50).Store(c + 0);
            (Vector512.Load(c + 16) + c51).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c60).Store(c + 0);
            (Vector512.Load(c + 16) + c61).Store(c + 16);
            c += ldc;
            (Vector512.Load(c + 0) + c70).Store(c + 0);
            (Vector512.Load(c + 16) + c71).Store(c + 16);
        }
        else
        {
            c00.Store(c + 0);
            c01.Store(c + 16);
            c += ldc;
            c10.Store(c + 0);
            c11.Store(c + 16);
            c += ldc;
            c20.Store(c + 0);
            c21.Store(c + 16);
            c += ldc;
            c30.Store(c + 0);
            c31.Store(c + 16);
            c += ldc;
            c40.Store(c + 0);
            c41.Store(c + 16);
            c += ldc;
            c50.Store(c + 0);
            c51.Store(c + 16);
            c += ldc;
            c60.Store(c + 0);
            c61.Store(c + 16);
            c += ldc;
            c70.Store(c + 0);
            c71.Store(c + 16);
        }
    }

    /// <summary>6x16 micro-kernel on Vector256: C[6x16] (+)= A-panel * B-panel over kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector256Kernel6x16(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        var c00 = Vector256<float>.Zero; var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero; var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero; var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero; var c31 = Vector256<float>.Zero;
        var c40 = Vector256<float>.Zero; var c41 = Vector256<float>.Zero;
        var c50 = Vector256<float>.Zero; var c51 = Vector256<float>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }

        if (accumulate)
        {
            (Vector256.Load(c + 0) + c00).Store(c + 0);
            (Vector256.Load(c + 8) + c01).Store(c + 8);
            c += ldc;
            (Vector256.Load(c + 0) + c10).Store(c + 0);
            (Vector256.Load(c + 8) + c11).Store(c + 8);
            c += ldc;
            (Vector256.Load(c + 0) + c20).Store(c + 0);
            (Vector256.Load(c + 8) + c21).Store(c + 8);
            c += ldc;
            (Vector256.Load(c + 0) + c30).Store(c + 0);
            (Vector256.Load(c + 8) + c31).Store(c + 8);
            c += ldc;
            (Vector256.Load(c + 0) + c40).Store(c + 0);
            (Vector256.Load(c + 8) + c41).Store(c + 8);
            c += ldc;
            (Vector256.Load(c + 0) + c50).Store(c + 0);
            (Vector256.Load(c + 8) + c51).Store(c + 8);
        }
        else
        {
            c00.Store(c + 0);
            c01.Store(c + 8);
            c += ldc;
            c10.Store(c + 0);
            c11.Store(c + 8);
            c += ldc;
            c20.Store(c + 0);
            c21.Store(c + 8);
            c += ldc;
            c30.Store(c + 0);
            c31.Store(c + 8);
            c += ldc;
            c40.Store(c + 0);
            c41.Store(c + 8);
            c += ldc;
            c50.Store(c + 0);
            c51.Store(c + 8);
        }
    }

    /// <summary>4x4 scalar micro-kernel, the fallback without SIMD hardware.</summary>
    public static void Scalar4x4(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        float c00 = 0; float c01 = 0; float c02 = 0; float c03 = 0;
        float c10 = 0; float c11 = 0; float c12 = 0; float c13 = 0;
        float c20 = 0; float c21 = 0; float c22 = 0; float c23 = 0;
        float c30 = 0; float c31 = 0; float c32 = 0; float c33 = 0;
        for (var p = 0; p < kc; p++)
        {
            float b0 = b[0]; float b1 = b[1]; float b2 = b[2]; float b3 = b[3];
            var a0 = a[0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            var a1 = a[1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            var a2 = a[2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            var a3 = a[3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a += 4;
            b += 4;
        }

        if (!accumulate)
        {
            for (var r = 0; r < 4; r++)
            {
                new Span<float>(c + (r * ldc), 4).Clear();
            }
        }

        c[0] += c00; c[1] += c01; c[2] += c02; c[3] += c03;
        c += ldc;
        c[0] += c10; c[1] += c11; c[2] += c12; c[3] += c13;
        c += ldc;
        c[0] += c20; c[1] += c21; c[2] += c22; c[3] += c23;
        c += ldc;
        c[0] += c30; c[1] += c31; c[2] += c32; c[3] += c33;
    }
}
