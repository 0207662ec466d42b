/*
 * A Linear layer's input gradient, dx = dy W, optionally through the ReLU whose output x is (see
 * digit_kernels.h). Training with the layers split (LayerParallelObjective) runs it for each
 * thread's share of fc4's input gradient: dy its 400 pixels' logit gradients for 128 rows, W
 * those pixels' rows of fc4 as PyTorch stores them, 20 million multiply-adds a step.
 *
 * Hand-written because OpenBLAS copies W into its own layout on every call first (sgemm_itcopy,
 * 4% of an epoch) and ran this shape at 69% of the FMA peak (bench/sgemm-shapes.c); here W is
 * read where it is, in blocks of 96 outputs x 80 units (30 KB, kept in L1 while every 5-row
 * block passes over it), with 5 rows x 5 AVX-512 vectors of sums in registers. On 64 rows x 784
 * outputs x 400 units, alone: 252-254 µs against 383-388 µs for sgemm and a ReLU mask
 * (bench/input-gradient.c).
 *
 * Every path gives the same bits: each unit's sum runs over the outputs in ascending order, one
 * correctly rounded fma per output, from +0 (a vector lane per unit; the sums between blocks of
 * outputs are stored and reloaded exactly). The vector paths take the units in whole blocks and
 * leave the rest to the portable loop, which does the same.
 */
#include "digit_kernels.h"

#include <math.h>
#include <stddef.h>

#pragma STDC FP_CONTRACT OFF

/* Outputs per pass over a block of units (their weights stay in L1 for all row blocks). */
#define IG_CHUNK 96

/* Units first ..< end of rows 0 ..< n, portable. */
static void scalar_units(const float *w, int inputs, int outputs, const float *dy, int n, const float *x, float *dx,
                         int first, int end) {
    for (int r = 0; r < n; r++) {
        const float *dyr = dy + (size_t)r * outputs;
        for (int k = first; k < end; k++) {
            float acc = 0.0f;
            for (int o = 0; o < outputs; o++) acc = fmaf(dyr[o], w[(size_t)o * inputs + k], acc);
            dx[(size_t)r * inputs + k] = x && x[(size_t)r * inputs + k] <= 0.0f ? 0.0f : acc;
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/*
 * One block: RN rows x VN vectors of units (the pointers at the block's first row and unit),
 * outputs o0 ..< o1, the sums started from zero (`first`) or from dx, stored as they are or,
 * on the last pass (`final`) with a ReLU output x, masked by it.
 */
#define IG_BLOCK(NAME, TARGET, VF, VW, VN, RN, LOAD, STORE, SET1, ZERO, FMADD, KEEP)                          \
    __attribute__((target(TARGET))) static void NAME(const float *w, int inputs, int outputs, int o0, int o1, \
                                                     const float *dy, const float *x, float *dx, int first,    \
                                                     int final) {                                              \
        VF acc[RN][VN];                                                                                        \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < RN; i++)                                        \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < VN; j++)                                    \
                acc[i][j] = first ? ZERO : LOAD(dx + (size_t)i * inputs + VW * j);                             \
        for (int o = o0; o < o1; o++) {                                                                        \
            const float *wo = w + (size_t)o * inputs;                                                          \
            VF wv[VN];                                                                                         \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < VN; j++) wv[j] = LOAD(wo + VW * j);          \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < RN; i++) {                                  \
                const VF d = SET1(dy[(size_t)i * outputs + o]);                                                \
                _Pragma("clang loop unroll(full)") for (int j = 0; j < VN; j++)                                \
                    acc[i][j] = FMADD(d, wv[j], acc[i][j]);                                                    \
            }                                                                                                  \
        }                                                                                                      \
        _Pragma("clang loop unroll(full)") for (int i = 0; i < RN; i++)                                        \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < VN; j++) {                                  \
                float *out = dx + (size_t)i * inputs + VW * j;                                                 \
                STORE(out, final && x ? KEEP(acc[i][j], LOAD(x + (size_t)i * inputs + VW * j)) : acc[i][j]);   \
            }                                                                                                  \
    }

/* The whole product with blocks of up to 5 rows and VN vectors of units; the other units portable. */
#define IG_KERNEL(NAME, VW, VN, B1, B2, B3, B4, B5)                                                             \
    static void NAME(const float *w, int inputs, int outputs, const float *dy, int n, const float *x, float *dx) { \
        const int block = VW * VN, blocked = inputs / block * block;                                           \
        for (int u = 0; u < blocked; u += block) {                                                             \
            for (int o0 = 0; o0 < outputs; o0 += IG_CHUNK) {                                                   \
                const int o1 = outputs - o0 < IG_CHUNK ? outputs : o0 + IG_CHUNK;                              \
                const int first = o0 == 0, final = o1 == outputs;                                              \
                for (int r0 = 0; r0 < n; r0 += 5) {                                                            \
                    const float *d = dy + (size_t)r0 * outputs, *xr = x ? x + (size_t)r0 * inputs + u : NULL;  \
                    float *out = dx + (size_t)r0 * inputs + u;                                                 \
                    switch (n - r0 < 5 ? n - r0 : 5) {                                                         \
                    case 5: B5(w + u, inputs, outputs, o0, o1, d, xr, out, first, final); break;               \
                    case 4: B4(w + u, inputs, outputs, o0, o1, d, xr, out, first, final); break;               \
                    case 3: B3(w + u, inputs, outputs, o0, o1, d, xr, out, first, final); break;               \
                    case 2: B2(w + u, inputs, outputs, o0, o1, d, xr, out, first, final); break;               \
                    default: B1(w + u, inputs, outputs, o0, o1, d, xr, out, first, final); break;              \
                    }                                                                                          \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
        if (blocked < inputs) scalar_units(w, inputs, outputs, dy, n, x, dx, blocked, inputs);                 \
    }

/* AVX-512: 5 rows x 5 vectors (80 units) = 25 sums + 5 weights + 1 broadcast of 32 registers. */
#define AVX512_KEEP(acc, xv) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask((xv), _mm512_setzero_ps(), _CMP_NLE_UQ), (acc))
#define AVX512_BLOCK(RN)                                                                                        \
    IG_BLOCK(avx512_block##RN, "avx512f", __m512, 16, 5, RN, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, \
             _mm512_setzero_ps(), _mm512_fmadd_ps, AVX512_KEEP)
AVX512_BLOCK(1)
AVX512_BLOCK(2)
AVX512_BLOCK(3)
AVX512_BLOCK(4)
AVX512_BLOCK(5)
IG_KERNEL(avx512_input_gradient, 16, 5, avx512_block1, avx512_block2, avx512_block3, avx512_block4, avx512_block5)

/* AVX2: 5 rows x 2 vectors (16 units) = 10 sums + 2 weights + 1 broadcast of 16 registers. */
#define AVX2_KEEP(acc, xv) _mm256_and_ps((acc), _mm256_cmp_ps((xv), _mm256_setzero_ps(), _CMP_NLE_UQ))
#define AVX2_BLOCK(RN)                                                                                          \
    IG_BLOCK(avx2_block##RN, "avx2,fma", __m256, 8, 2, RN, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,   \
             _mm256_setzero_ps(), _mm256_fmadd_ps, AVX2_KEEP)
AVX2_BLOCK(1)
AVX2_BLOCK(2)
AVX2_BLOCK(3)
AVX2_BLOCK(4)
AVX2_BLOCK(5)
IG_KERNEL(avx2_input_gradient, 8, 2, avx2_block1, avx2_block2, avx2_block3, avx2_block4, avx2_block5)
#endif

void dk_input_gradient(int kernel, const float *w, int inputs, int outputs, const float *dy, int n, const float *x,
                       float *dx) {
    if (n <= 0 || inputs <= 0) return;
    if (outputs <= 0) {
        for (size_t i = 0; i < (size_t)n * inputs; i++) dx[i] = 0.0f;
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) {
        avx512_input_gradient(w, inputs, outputs, dy, n, x, dx);
        return;
    }
    if (kernel == DK_KERNEL_AVX2 && dk_kernel_supported(kernel)) {
        avx2_input_gradient(w, inputs, outputs, dy, n, x, dx);
        return;
    }
#endif
    scalar_units(w, inputs, outputs, dy, n, x, dx, 0, inputs);
}
