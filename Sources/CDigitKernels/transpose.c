/*
 * The transposed copies the kernels' packs are made of (encoder.c, kernels.c): refilled after
 * every training step, so they are worth a vector path: with AVX-512, blocks of 16 x 16 go
 * through the registers (dk_transpose16_avx512, also used by the fc1 gradient). A copy gives the
 * same bits on every path.
 */
#include "digit_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "transpose16.h"

/* 16 x 16 blocks through the registers; edge blocks with masks. */
__attribute__((target("avx512f"))) static void avx512_transpose(const float *src, int rows, int cols, int src_stride,
                                                                float *dst, int dst_stride) {
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const int rn = rows - r0 < 16 ? rows - r0 : 16;
        const __mmask16 rmask = (__mmask16)((1u << rn) - 1);
        for (int c0 = 0; c0 < cols; c0 += 16) {
            const int cn = cols - c0 < 16 ? cols - c0 : 16;
            const __mmask16 cmask = (__mmask16)((1u << cn) - 1);
            __m512 v[16];
            for (int i = 0; i < 16; i++)
                v[i] = i < rn ? _mm512_maskz_loadu_ps(cmask, src + (size_t)(r0 + i) * src_stride + c0) : _mm512_setzero_ps();
            dk_transpose16_avx512(v);
            for (int i = 0; i < cn; i++) _mm512_mask_storeu_ps(dst + (size_t)(c0 + i) * dst_stride + r0, rmask, v[i]);
        }
    }
}
#endif

void dk_transpose(int kernel, const float *src, int rows, int cols, int src_stride, float *dst, int dst_stride) {
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) {
        avx512_transpose(src, rows, cols, src_stride, dst, dst_stride);
        return;
    }
#endif
    for (int r0 = 0; r0 < rows; r0 += 16)
        for (int c0 = 0; c0 < cols; c0 += 16) {
            const int r1 = r0 + 16 < rows ? r0 + 16 : rows, c1 = c0 + 16 < cols ? c0 + 16 : cols;
            for (int c = c0; c < c1; c++)
                for (int r = r0; r < r1; r++) dst[(size_t)c * dst_stride + r] = src[(size_t)r * src_stride + c];
        }
}
