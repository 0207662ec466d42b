/*
 * The encoder's first layer (fc1) on sparse inputs, in the three builds of the decoder kernels:
 * AVX-512F, AVX2 + FMA and portable C (see digit_kernels.h).
 *
 * An MNIST image has about 150 non-zero pixels of 784, and the one-hot condition one of 10, so
 * a row's product with fc1 needs only the weights of its own non-zero inputs: with fc1's weights
 * transposed (inputs x hidden), a row is its bias plus a sum of about 150 weight rows. The vector
 * kernels take rows in groups (5 for AVX-512) and run over the inputs non-zero in any row of the
 * group, so that each weight vector loaded from L2 feeds every row of the group from registers.
 * The weight gradient is the same sum the other way round: per input, over the rows where it is
 * non-zero (a column-compressed copy of the batch), into a transposed scratch that is then added
 * to dW. Hand-written because BLAS has no product with a row-sparse matrix whose sparsity
 * changes per row.
 *
 * Every path performs the same operations on each output: the forward starts from the bias and
 * adds x * w with one fused multiply-add per input, inputs in ascending order (an input that is
 * zero in this row but not in another row of the group adds 0 * w, which leaves the sum as it
 * is, up to the sign of a zero sum, which ReLU maps to +0); the gradient starts from zero and
 * adds x * dh per row where x is non-zero, rows in ascending order. So the result does not
 * depend on the path or the batch, bit for bit (tested).
 */
#include "digit_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

dk_encoder_pack *dk_encoder_pack_create(int xin, int hidden) {
    if (xin <= 0 || hidden <= 0) return NULL;
    dk_encoder_pack *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->xin = xin;
    p->hidden = hidden;
    p->hidden_pad = round_up(hidden, DK_FC1_CHUNK);
    p->w1t = aligned_alloc(64, (size_t)xin * p->hidden_pad * sizeof(float));
    p->b1 = aligned_alloc(64, (size_t)p->hidden_pad * sizeof(float));
    if (!p->w1t || !p->b1) { dk_encoder_pack_free(p); return NULL; }
    return p;
}

void dk_encoder_pack_free(dk_encoder_pack *p) {
    if (!p) return;
    free(p->w1t); free(p->b1);
    free(p);
}

void dk_encoder_pack_fill(dk_encoder_pack *p, const float *w1, const float *b1) {
    const int xin = p->xin, hidden = p->hidden, hp = p->hidden_pad;
    /* w1t (xin, hp) = w1 (hidden, xin) transposed; padding columns zero. */
    dk_transpose(dk_kernel_best(), w1, hidden, xin, xin, p->w1t, hp);
    for (int j = 0; j < xin; j++)
        for (int o = hidden; o < hp; o++) p->w1t[(size_t)j * hp + o] = 0.0f;
    for (int o = 0; o < hp; o++) p->b1[o] = o < hidden ? b1[o] : 0.0f;
}

size_t dk_encoder_scratch_bytes(const dk_encoder_pack *p, int n) {
    /* Forward: the group's input list and values (xin ints + DK_FC1_GROUP x xin floats) and one
     * padded row per group row. Gradient: starts, counts and indices (3 xin + 2 ints), the
     * column-compressed rows and values (n x xin each), dh padded (n x hp), one tile. */
    const size_t xin = (size_t)p->xin, hp = (size_t)p->hidden_pad, rows = n > 0 ? (size_t)n : 1;
    const size_t forward = xin * 4 + (size_t)DK_FC1_GROUP * xin * 4 + (size_t)DK_FC1_GROUP * hp * 4;
    const size_t gradient = (3 * xin + 2) * 4 + rows * xin * 8 + rows * hp * 4 + 16 * DK_FC1_CHUNK * 4;
    return (forward > gradient ? forward : gradient) + 256;
}

/* Indices of the non-zero entries of x[0..<count], ascending; returns how many. */
static int nonzero_indices(const float *restrict x, int count, int *restrict idx) {
    int k = 0;
    for (int j = 0; j < count; j++) {
        idx[k] = j;
        k += x[j] != 0.0f;
    }
    return k;
}

#if defined(__x86_64__) || defined(__i386__)
static int avx512_union(const float *x, int g, int xin, int *cols);
#endif

/* nonzero_indices with the kernel's vector code (the same indices). */
static int nonzero_indices_with(int kernel, const float *x, int count, int *idx) {
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) return avx512_union(x, 1, count, idx);
#endif
    return nonzero_indices(x, count, idx);
}

static void *align64(void *p) { return (void *)(((uintptr_t)p + 63) & ~(uintptr_t)63); }

/* ---- Portable baseline ---- */

static void scalar_fc1_forward(const dk_encoder_pack *pk, const float *x, int n, float *h, int relu) {
    const int xin = pk->xin, hidden = pk->hidden, hp = pk->hidden_pad;
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * xin;
        float *out = h + (size_t)i * hidden;
        memcpy(out, pk->b1, (size_t)hidden * sizeof(float));
        for (int j = 0; j < xin; j++) {
            const float v = row[j];
            if (v == 0.0f) continue;
            const float *w = pk->w1t + (size_t)j * hp;
            for (int o = 0; o < hidden; o++) out[o] = fmaf(v, w[o], out[o]);
        }
        if (relu)
            for (int o = 0; o < hidden; o++) out[o] = out[o] > 0.0f ? out[o] : 0.0f;
    }
}

/* Column-compressed copy of x (n, xin): for input j, rows[start[j]..<start[j+1]] (ascending)
 * and their values. `idx`: xin ints of scratch. */
static void compress_columns(int kernel, const float *x, int n, int xin, int *start, int *count, int *idx,
                             int *rows, float *vals) {
    memset(count, 0, (size_t)xin * sizeof(int));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < xin; j++) count[j] += x[(size_t)i * xin + j] != 0.0f;
    int s = 0;
    for (int j = 0; j < xin; j++) {
        start[j] = s;
        s += count[j];
    }
    start[xin] = s;
    memcpy(count, start, (size_t)xin * sizeof(int));
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * xin;
        const int k = nonzero_indices_with(kernel, row, xin, idx);
        for (int t = 0; t < k; t++) {
            const int j = idx[t], e = count[j]++;
            rows[e] = i;
            vals[e] = row[j];
        }
    }
}

/* The gradient works on blocks of 16 consecutive inputs and chunks of DK_FC1_CHUNK hidden
 * units: each input's sum over its rows goes into a tile (16 x chunk), which is then added to
 * the 16 columns of dw's chunk rows. */
typedef struct {
    int *start, *count, *idx, *rows;
    float *vals, *dhp, *tile;
} gradient_scratch;

static gradient_scratch gradient_layout(const dk_encoder_pack *pk, int n, void *scratch) {
    const size_t xin = (size_t)pk->xin, hp = (size_t)pk->hidden_pad;
    gradient_scratch g;
    g.tile = align64(scratch);
    g.dhp = g.tile + 16 * DK_FC1_CHUNK;
    g.vals = g.dhp + (size_t)n * hp;
    g.rows = (int *)(g.vals + (size_t)n * xin);
    g.start = g.rows + (size_t)n * xin;
    g.count = g.start + xin + 1;
    g.idx = g.count + xin + 1;
    return g;
}

/* One input's sum over its rows for one chunk: acc[0..<DK_FC1_CHUNK] (the portable path). */
static void scalar_column_sum(const gradient_scratch *g, int j, int c, int hp, float *acc) {
    for (int o = 0; o < DK_FC1_CHUNK; o++) acc[o] = 0.0f;
    for (int e = g->start[j]; e < g->start[j + 1]; e++) {
        const float v = g->vals[e], *d = g->dhp + (size_t)g->rows[e] * hp + c;
        for (int o = 0; o < DK_FC1_CHUNK; o++) acc[o] = fmaf(v, d[o], acc[o]);
    }
}

static void scalar_fc1_gradient(const dk_encoder_pack *pk, const gradient_scratch *g, float *dw) {
    const int xin = pk->xin, hidden = pk->hidden, hp = pk->hidden_pad;
    for (int j0 = 0; j0 < xin; j0 += 16) {
        const int jn = xin - j0 < 16 ? xin - j0 : 16;
        if (g->start[j0 + jn] == g->start[j0]) continue;
        for (int c = 0; c < hp; c += DK_FC1_CHUNK) {
            for (int t = 0; t < jn; t++) scalar_column_sum(g, j0 + t, c, hp, g->tile + t * DK_FC1_CHUNK);
            const int width = hidden - c < DK_FC1_CHUNK ? hidden - c : DK_FC1_CHUNK;
            for (int o = 0; o < width; o++) {
                float *d = dw + (size_t)(c + o) * xin + j0;
                for (int t = 0; t < jn; t++) d[t] += g->tile[t * DK_FC1_CHUNK + o];
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "transpose16.h"

/* The inputs non-zero in any of the g rows (g * xin floats, rows xin apart), ascending, into
 * cols; returns how many. */
static int scalar_union(const float *x, int g, int xin, int *cols) {
    int k = 0;
    for (int j = 0; j < xin; j++) {
        int any = 0;
        for (int r = 0; r < g; r++) any |= x[(size_t)r * xin + j] != 0.0f;
        cols[k] = j;
        k += any;
    }
    return k;
}

__attribute__((target("avx2,fma"))) static int avx2_union(const float *x, int g, int xin, int *cols) {
    return scalar_union(x, g, xin, cols);
}

/* 16 inputs at a time: compare with zero in each row, OR the masks, compress-store the indices. */
__attribute__((target("avx512f"))) static int avx512_union(const float *x, int g, int xin, int *cols) {
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int k = 0;
    for (int j = 0; j < xin; j += 16) {
        const __mmask16 valid = (__mmask16)(xin - j >= 16 ? 0xFFFF : (1u << (xin - j)) - 1);
        __mmask16 any = 0;
        for (int r = 0; r < g; r++)
            any |= _mm512_mask_cmp_ps_mask(valid, _mm512_maskz_loadu_ps(valid, x + (size_t)r * xin + j),
                                           _mm512_setzero_ps(), _CMP_NEQ_UQ);
        _mm512_mask_compressstoreu_epi32(cols + k, any, _mm512_add_epi32(lanes, _mm512_set1_epi32(j)));
        k += __builtin_popcount(any);
    }
    return k;
}

/*
 * The vector kernels: NV vectors of VW floats per chunk of the hidden layer (NV x VW divides
 * DK_FC1_CHUNK), G rows per group (G x NV accumulators + NV weights fit in the registers).
 */
#define FC1_VECTOR(SUFFIX, TARGET, VF, VW, NV, G, LOAD, STORE, SET1, ZERO, FMA, MAX)                   \
    TARGET static void SUFFIX##_fc1_forward(const dk_encoder_pack *pk, const float *x, int n, float *h, \
                                            int relu, void *scratch) {                                \
        const int xin = pk->xin, hidden = pk->hidden, hp = pk->hidden_pad;                           \
        int *cols = (int *)align64(scratch);                                                          \
        float *xs = (float *)(cols + xin);                                                            \
        float *tail = (float *)align64(xs + (size_t)DK_FC1_GROUP * xin);                               \
        for (int r0 = 0; r0 < n; r0 += G) {                                                           \
            const int g = n - r0 < G ? n - r0 : G;                                                    \
            const float *xr = x + (size_t)r0 * xin;                                                   \
            const int k = SUFFIX##_union(xr, g, xin, cols);                                          \
            for (int t = 0; t < k; t++)                                                               \
                for (int r = 0; r < G; r++) xs[t * G + r] = r < g ? xr[(size_t)r * xin + cols[t]] : 0.0f; \
            for (int c = 0; c < hp; c += NV * VW) {                                                   \
                VF acc[G][NV];                                                                        \
                for (int r = 0; r < G; r++)                                                           \
                    for (int v = 0; v < NV; v++) acc[r][v] = LOAD(pk->b1 + c + v * VW);               \
                for (int t = 0; t < k; t++) {                                                         \
                    const float *w = pk->w1t + (size_t)cols[t] * hp + c;                              \
                    VF wv[NV];                                                                        \
                    for (int v = 0; v < NV; v++) wv[v] = LOAD(w + v * VW);                            \
                    for (int r = 0; r < G; r++) {                                                     \
                        const VF b = SET1(xs[t * G + r]);                                             \
                        for (int v = 0; v < NV; v++) acc[r][v] = FMA(b, wv[v], acc[r][v]);           \
                    }                                                                                 \
                }                                                                                     \
                const int width = hidden - c < NV * VW ? hidden - c : NV * VW;                        \
                for (int r = 0; r < g; r++) {                                                         \
                    float *out = h + (size_t)(r0 + r) * hidden + c;                                   \
                    float *dst = width == NV * VW ? out : tail;                                       \
                    for (int v = 0; v < NV; v++) STORE(dst + v * VW, relu ? MAX(acc[r][v], ZERO) : acc[r][v]); \
                    if (dst == tail) memcpy(out, tail, (size_t)(width > 0 ? width : 0) * sizeof(float)); \
                }                                                                                     \
            }                                                                                         \
        }                                                                                             \
    }                                                                                                 \
    TARGET static void SUFFIX##_fc1_gradient(const dk_encoder_pack *pk, const gradient_scratch *gs,   \
                                             float *dw) {                                             \
        const int xin = pk->xin, hidden = pk->hidden, hp = pk->hidden_pad;                           \
        for (int j0 = 0; j0 < xin; j0 += 16) {                                                        \
            const int jn = xin - j0 < 16 ? xin - j0 : 16;                                             \
            if (gs->start[j0 + jn] == gs->start[j0]) continue;                                        \
            for (int c = 0; c < hp; c += DK_FC1_CHUNK) {                                              \
                /* Two inputs at a time: two independent chains of FMAs hide their latency. */ \
                for (int t = 0; t < 16; t += 2)                                                       \
                    for (int cc = 0; cc < DK_FC1_CHUNK; cc += NV * VW) {                              \
                        VF a0[NV], a1[NV];                                                            \
                        for (int v = 0; v < NV; v++) a0[v] = a1[v] = ZERO;                            \
                        const int j = j0 + t;                                                         \
                        int e0 = t < jn ? gs->start[j] : 0, f0 = t < jn ? gs->start[j + 1] : 0;       \
                        int e1 = t + 1 < jn ? gs->start[j + 1] : 0, f1 = t + 1 < jn ? gs->start[j + 2] : 0; \
                        const float *base = gs->dhp + c + cc;                                         \
                        for (; e0 < f0 && e1 < f1; e0++, e1++) {                                      \
                            const VF b0 = SET1(gs->vals[e0]), b1 = SET1(gs->vals[e1]);                \
                            const float *d0 = base + (size_t)gs->rows[e0] * hp;                       \
                            const float *d1 = base + (size_t)gs->rows[e1] * hp;                       \
                            for (int v = 0; v < NV; v++) {                                            \
                                a0[v] = FMA(b0, LOAD(d0 + v * VW), a0[v]);                            \
                                a1[v] = FMA(b1, LOAD(d1 + v * VW), a1[v]);                            \
                            }                                                                         \
                        }                                                                             \
                        for (; e0 < f0; e0++) {                                                       \
                            const VF b0 = SET1(gs->vals[e0]);                                         \
                            const float *d0 = base + (size_t)gs->rows[e0] * hp;                       \
                            for (int v = 0; v < NV; v++) a0[v] = FMA(b0, LOAD(d0 + v * VW), a0[v]);   \
                        }                                                                             \
                        for (; e1 < f1; e1++) {                                                       \
                            const VF b1 = SET1(gs->vals[e1]);                                         \
                            const float *d1 = base + (size_t)gs->rows[e1] * hp;                       \
                            for (int v = 0; v < NV; v++) a1[v] = FMA(b1, LOAD(d1 + v * VW), a1[v]);   \
                        }                                                                             \
                        for (int v = 0; v < NV; v++) {                                                \
                            STORE(gs->tile + t * DK_FC1_CHUNK + cc + v * VW, a0[v]);                  \
                            STORE(gs->tile + (t + 1) * DK_FC1_CHUNK + cc + v * VW, a1[v]);            \
                        }                                                                             \
                    }                                                                                 \
                const int width = hidden - c < DK_FC1_CHUNK ? hidden - c : DK_FC1_CHUNK;              \
                SUFFIX##_add_tile(dw + (size_t)c * xin + j0, xin, gs->tile, width, jn);               \
            }                                                                                         \
        }                                                                                             \
    }

/* dw[o * xin + t] += tile[t * DK_FC1_CHUNK + o] for o < width, t < jn: the tile (16 inputs x a
 * chunk of units) transposed and added to dw's chunk rows at the block's 16 columns. */
__attribute__((target("avx2,fma"))) static void avx2_add_tile(float *dw, int xin, const float *tile, int width, int jn) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i idx = _mm256_mullo_epi32(lanes, _mm256_set1_epi32(DK_FC1_CHUNK));
    for (int o = 0; o < width; o++) {
        float *d = dw + (size_t)o * xin;
        for (int h = 0; h < 2; h++) {
            const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(jn - 8 * h), lanes);
            const __m256 g = _mm256_i32gather_ps(tile + 8 * h * DK_FC1_CHUNK + o, idx, 4);
            _mm256_maskstore_ps(d + 8 * h, m, _mm256_add_ps(_mm256_maskload_ps(d + 8 * h, m), g));
        }
    }
}

__attribute__((target("avx512f"))) static void avx512_add_tile(float *dw, int xin, const float *tile, int width, int jn) {
    const __mmask16 m = (__mmask16)((1u << jn) - 1);
    for (int o0 = 0; o0 < width; o0 += 16) {
        __m512 v[16];
        for (int t = 0; t < 16; t++) v[t] = _mm512_loadu_ps(tile + t * DK_FC1_CHUNK + o0);
        dk_transpose16_avx512(v);
        const int on = width - o0 < 16 ? width - o0 : 16;
        for (int o = 0; o < on; o++) {
            float *d = dw + (size_t)(o0 + o) * xin;
            _mm512_mask_storeu_ps(d, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, d), v[o]));
        }
    }
}

/* AVX2: 2 rows x 5 vectors of 8 = 10 accumulators + 5 weights + 1 broadcast of 16 ymm. */
FC1_VECTOR(avx2, __attribute__((target("avx2,fma"))), __m256, 8, 5, 2, _mm256_loadu_ps, _mm256_storeu_ps,
           _mm256_set1_ps, _mm256_setzero_ps(), _mm256_fmadd_ps, _mm256_max_ps)
/* AVX-512: 5 rows x 5 vectors of 16 = 25 accumulators + 5 weights + 1 broadcast of 32 zmm. */
FC1_VECTOR(avx512, __attribute__((target("avx512f"))), __m512, 16, 5, 5, _mm512_loadu_ps, _mm512_storeu_ps,
           _mm512_set1_ps, _mm512_setzero_ps(), _mm512_fmadd_ps, _mm512_max_ps)
#endif

void dk_encoder_fc1(int kernel, const dk_encoder_pack *pk, const float *x, int n, float *h, int relu,
                    void *scratch) {
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) { avx512_fc1_forward(pk, x, n, h, relu, scratch); return; }
    if (kernel == DK_KERNEL_AVX2 && dk_kernel_supported(kernel)) { avx2_fc1_forward(pk, x, n, h, relu, scratch); return; }
#endif
    (void)scratch;
    scalar_fc1_forward(pk, x, n, h, relu);
}

void dk_encoder_fc1_gradient(int kernel, const dk_encoder_pack *pk, const float *x, int n, const float *dh,
                             float *dw, void *scratch) {
    const int xin = pk->xin, hidden = pk->hidden, hp = pk->hidden_pad;
    gradient_scratch g = gradient_layout(pk, n, scratch);
    for (int i = 0; i < n; i++) {
        memcpy(g.dhp + (size_t)i * hp, dh + (size_t)i * hidden, (size_t)hidden * sizeof(float));
        memset(g.dhp + (size_t)i * hp + hidden, 0, (size_t)(hp - hidden) * sizeof(float));
    }
    compress_columns(kernel, x, n, xin, g.start, g.count, g.idx, g.rows, g.vals);
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && dk_kernel_supported(kernel)) { avx512_fc1_gradient(pk, &g, dw); return; }
    if (kernel == DK_KERNEL_AVX2 && dk_kernel_supported(kernel)) { avx2_fc1_gradient(pk, &g, dw); return; }
#endif
    scalar_fc1_gradient(pk, &g, dw);
}
