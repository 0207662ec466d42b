/*
 * Adam's update (torch.optim.Adam / AdamW, single-tensor path) on flat float buffers, in the
 * three builds of the decoder kernels: AVX-512F, AVX2 and portable C, chosen by the caller
 * (dk_kernel_best, or a forced path). Hand-written because the update is one pass over four
 * buffers that no BLAS routine expresses, and Swift's own SIMD types compile to 4-lane SSE
 * here (the Swift code stays portable): moving the pass to C made it the AVX-512 loop it is.
 *
 * Every path performs the same IEEE single-precision operations in the same order (mul, add,
 * sub, sqrt and div are correctly rounded; nothing is fused into an FMA: the vector paths use
 * separate mul and add intrinsics and FP contraction is off in this file), so the result does
 * not depend on the path, the blocking or the thread count, bit for bit.
 */
#include "digit_kernels.h"

#include <math.h>
#include <stddef.h>

#pragma STDC FP_CONTRACT OFF

static void scalar_adam(float *p, float *g, float *g2, float *m, float *v, size_t count,
                        const dk_adam_constants *c, int clear) {
    for (size_t i = 0; i < count; i++) {
        const float gi = g2 ? g[i] + g2[i] : g[i];
        if (clear) { g[i] = 0.0f; if (g2) g2[i] = 0.0f; }
        const float mi = m[i] + c->w1 * (gi - m[i]);
        const float vi = v[i] * c->b2 + c->w2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        const float denom = sqrtf(vi) / c->bc2_sqrt + c->eps;
        p[i] = p[i] * c->decay + c->step_size * mi / denom;
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define ADAM_VECTOR(NAME, TARGET, VF, VW, LOAD, STORE, SET1, ZERO, ADD, SUB, MUL, DIV, SQRT)      \
    __attribute__((target(TARGET))) static void NAME(float *p, float *g, float *g2,                \
                                                     float *m, float *v, size_t count,            \
                                                     const dk_adam_constants *c, int clear) {     \
        const VF w1 = SET1(c->w1), b2 = SET1(c->b2), w2 = SET1(c->w2), bc2 = SET1(c->bc2_sqrt);  \
        const VF eps = SET1(c->eps), decay = SET1(c->decay), step = SET1(c->step_size);           \
        size_t i = 0;                                                                              \
        for (; i + VW <= count; i += VW) {                                                         \
            const VF gi = g2 ? ADD(LOAD(g + i), LOAD(g2 + i)) : LOAD(g + i), m0 = LOAD(m + i);     \
            if (clear) {                                                                           \
                STORE(g + i, ZERO);                                                                \
                if (g2) STORE(g2 + i, ZERO);                                                       \
            }                                                                                      \
            const VF mi = ADD(m0, MUL(w1, SUB(gi, m0)));                                           \
            const VF vi = ADD(MUL(LOAD(v + i), b2), MUL(MUL(w2, gi), gi));                         \
            STORE(m + i, mi);                                                                      \
            STORE(v + i, vi);                                                                      \
            const VF denom = ADD(DIV(SQRT(vi), bc2), eps);                                         \
            STORE(p + i, ADD(MUL(LOAD(p + i), decay), DIV(MUL(step, mi), denom)));                 \
        }                                                                                          \
        scalar_adam(p + i, g + i, g2 ? g2 + i : NULL, m + i, v + i, count - i, c, clear);         \
    }

ADAM_VECTOR(avx2_adam, "avx2", __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_setzero_ps(),
            _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_sqrt_ps)
ADAM_VECTOR(avx512_adam, "avx512f", __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_setzero_ps(),
            _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_sqrt_ps)
#endif

void dk_adam_update(int kernel, float *p, float *g, float *g2, float *m, float *v, size_t count,
                    const dk_adam_constants *c, int clear_gradients) {
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) { avx512_adam(p, g, g2, m, v, count, c, clear_gradients); return; }
    if (kernel == DK_KERNEL_AVX2 && dk_kernel_supported(kernel)) { avx2_adam(p, g, g2, m, v, count, c, clear_gradients); return; }
#endif
    scalar_adam(p, g, g2, m, v, count, c, clear_gradients);
}
