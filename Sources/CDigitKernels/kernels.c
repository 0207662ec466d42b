/*
 * Runtime dispatch and the three builds of the decoder kernel (see digit_kernels.h).
 * Hand-written because no library fuses a sparse-input product with a sigmoid; the vector exp
 * is Cephes' tested polynomial (the same one the Swift code used), checked by the tests against
 * float64 on every path.
 */
#include "digit_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Rows decoded together by the vector kernels: each weight vector is loaded once for all of
 * them and their accumulators stay in registers (5 rows x 4 AVX-512 vectors = 20 of 32).
 */
#define DK_GROUP 5
/* Units ahead in a group's list whose fc4 weights are prefetched into L1. */
#define DK_PREFETCH 8

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

dk_decoder_pack *dk_decoder_pack_create(int zin, int hidden, int pixels) {
    if (zin <= 0 || hidden <= 0 || pixels <= 0) return NULL;
    dk_decoder_pack *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->zin = zin;
    p->hidden = hidden;
    p->pixels = pixels;
    p->hidden16 = round_up(hidden, 16);
    p->tiles = round_up(pixels, DK_TILE) / DK_TILE;
    size_t n3 = (size_t)zin * p->hidden16, n4 = (size_t)p->tiles * hidden * DK_TILE;
    p->w3t = aligned_alloc(64, round_up((int)(n3 * 4), 64));
    p->b3 = aligned_alloc(64, round_up(p->hidden16 * 4, 64));
    p->w4t = aligned_alloc(64, (n4 * 4 + 63) / 64 * 64);
    p->b4 = aligned_alloc(64, round_up(p->tiles * DK_TILE * 4, 64));
    if (!p->w3t || !p->b3 || !p->w4t || !p->b4) { dk_decoder_pack_free(p); return NULL; }
    /* The padding (hidden units past `hidden` in w3t, pixels past `pixels` in the last tile) is
     * zero from here on: the fills never write it. */
    memset(p->w3t, 0, n3 * sizeof(float));
    memset(p->w4t, 0, n4 * sizeof(float));
    return p;
}

void dk_decoder_pack_free(dk_decoder_pack *p) {
    if (!p) return;
    free(p->w3t); free(p->b3); free(p->w4t); free(p->b4);
    free(p);
}

void dk_decoder_pack_fill(dk_decoder_pack *p, const float *w3, const float *b3,
                          const float *w4, const float *b4) {
    dk_decoder_pack_fill_fc3(p, w3, b3);
    dk_decoder_pack_fill_fc4(p, w4, b4);
}

void dk_decoder_pack_fill_fc3(dk_decoder_pack *p, const float *w3, const float *b3) {
    const int zin = p->zin, hidden = p->hidden, h16 = p->hidden16;
    /* w3t (zin, hidden16) = w3 (hidden, zin) transposed; padding columns stay zero. */
    dk_transpose(dk_kernel_best(), w3, hidden, zin, zin, p->w3t, h16);
    for (int k = 0; k < h16; k++) p->b3[k] = k < hidden ? b3[k] : 0.0f;
}

void dk_decoder_pack_fill_fc4(dk_decoder_pack *p, const float *w4, const float *b4) {
    const int hidden = p->hidden, pixels = p->pixels;
    /* Tile t: w4t[t][k][l] = w4[t * 64 + l][k]; the last tile's pixels past the end stay zero. */
    for (int t = 0; t < p->tiles; t++) {
        const int rows = pixels - t * DK_TILE < DK_TILE ? pixels - t * DK_TILE : DK_TILE;
        dk_transpose(dk_kernel_best(), w4 + (size_t)t * DK_TILE * hidden, rows, hidden, hidden,
                     p->w4t + (size_t)t * hidden * DK_TILE, DK_TILE);
    }
    for (int i = 0; i < p->tiles * DK_TILE; i++) p->b4[i] = i < pixels ? b4[i] : 0.0f;
}

size_t dk_decode_scratch_bytes(const dk_decoder_pack *p) {
    /* Vector kernels: h and coef (DK_GROUP x hidden16 each), off (hidden16), cols (zin); the
     * portable one needs 3 x hidden16. Plus room to align. */
    return (((size_t)2 * DK_GROUP + 1) * (size_t)p->hidden16 + (size_t)p->zin) * 4 + 128;
}

/* ---- Portable baseline: the same algorithm in plain C (the compiler may vectorise it). ---- */

static float sigmoid1(float x) {
    /* From e^-|x|, as the vector code: no overflow for any finite x. */
    const float e = expf(-fabsf(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static void scalar_sigmoid(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) x[i] = sigmoid1(x[i]);
}

static void scalar_decode(const dk_decoder_pack *pk, const float *x, int batch,
                          float *out, float *hidden_out, int apply_sigmoid, void *scratch) {
    const int zin = pk->zin, h16 = pk->hidden16, pixels = pk->pixels, hidden = pk->hidden;
    float *h = (float *)scratch;
    float *coef = h + h16;
    int *off = (int *)(coef + h16);
    for (int r = 0; r < batch; r++) {
        const float *xr = x + (size_t)r * zin;
        memcpy(h, pk->b3, sizeof(float) * h16);
        for (int j = 0; j < zin; j++) {
            const float a = xr[j];
            if (a == 0.0f) continue;
            const float *w = pk->w3t + (size_t)j * h16;
            for (int k = 0; k < h16; k++) h[k] += a * w[k];
        }
        int n = 0;
        for (int k = 0; k < hidden; k++)
            { coef[n] = h[k]; off[n] = k * DK_TILE; n += h[k] > 0.0f; }
        if (hidden_out)
            for (int k = 0; k < hidden; k++) hidden_out[(size_t)r * hidden + k] = h[k] > 0.0f ? h[k] : 0.0f;
        for (int t = 0; t < pk->tiles; t++) {
            const float *wt = pk->w4t + (size_t)t * hidden * DK_TILE;
            float acc[DK_TILE];
            for (int l = 0; l < DK_TILE; l++) acc[l] = 0.0f;
            for (int i = 0; i < n; i++) {
                const float c = coef[i];
                const float *w = wt + off[i];
                for (int l = 0; l < DK_TILE; l++) acc[l] += c * w[l];
            }
            const int p0 = t * DK_TILE;
            for (int l = 0; l < DK_TILE && p0 + l < pixels; l++) {
                const float s = acc[l] + pk->b4[p0 + l];
                out[(size_t)r * pixels + p0 + l] = apply_sigmoid ? sigmoid1(s) : s;
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* ---- AVX2 + FMA ---- */
#define KFN(name) avx2_##name
#define KTARGET __attribute__((target("avx2,fma")))
#define VF __m256
#define VW 8
#define SV 2 /* 16 pixels: 5 x 2 accumulators + 2 weights + 1 broadcast of 16 ymm */
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(a) _mm256_set1_ps(a)
#define VZERO _mm256_setzero_ps()
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VMAX _mm256_max_ps
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VNEGABS(x) _mm256_or_ps((x), _mm256_set1_ps(-0.0f))
#define VSELNEG(x, a, b) _mm256_blendv_ps((a), (b), (x))
#define VSCALE(s) _mm256_castsi256_ps(_mm256_slli_epi32( \
    _mm256_add_epi32(_mm256_sub_epi32(_mm256_castps_si256(s), _mm256_set1_epi32(0x4B400000)), \
                     _mm256_set1_epi32(127)), 23))
#define VRCP _mm256_rcp_ps
#include "decoder_template.h"
#undef KFN
#undef KTARGET
#undef VF
#undef VW
#undef SV
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VZERO
#undef VADD
#undef VSUB
#undef VMUL
#undef VMAX
#undef VFMA
#undef VNEGABS
#undef VSELNEG
#undef VSCALE
#undef VRCP

/* ---- AVX-512F ---- */
#define KFN(name) avx512_##name
#define KTARGET __attribute__((target("avx512f")))
#define VF __m512
#define VW 16
#define SV 4 /* 64 pixels: 5 x 4 accumulators + 4 weights of 32 zmm */
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(a) _mm512_set1_ps(a)
#define VZERO _mm512_setzero_ps()
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VMAX _mm512_max_ps
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VNEGABS(x) _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000)))
#define VSELNEG(x, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask((x), _mm512_setzero_ps(), _CMP_LT_OQ), (a), (b))
#define VSCALE(s) _mm512_castsi512_ps(_mm512_slli_epi32( \
    _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(s), _mm512_set1_epi32(0x4B400000)), \
                     _mm512_set1_epi32(127)), 23))
#define VRCP _mm512_rcp14_ps
#define VW16_COMPACT
#include "decoder_template.h"

static int cpu_has(int kernel) {
    __builtin_cpu_init();
    switch (kernel) {
    case DK_KERNEL_SCALAR: return 1;
    case DK_KERNEL_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DK_KERNEL_AVX512: return __builtin_cpu_supports("avx512f");
    default: return 0;
    }
}
#else
static int cpu_has(int kernel) { return kernel == DK_KERNEL_SCALAR; }
#endif

int dk_kernel_supported(int kernel) { return cpu_has(kernel); }

int dk_kernel_best(void) {
    static int best = -1; /* benign race: every thread computes the same value */
    if (best < 0) {
        int b = DK_KERNEL_SCALAR;
        if (cpu_has(DK_KERNEL_AVX2)) b = DK_KERNEL_AVX2;
        if (cpu_has(DK_KERNEL_AVX512)) b = DK_KERNEL_AVX512;
        best = b;
    }
    return best;
}

void dk_decode(int kernel, const dk_decoder_pack *pack, const float *x, int batch,
               float *out, float *hidden_out, int apply_sigmoid, void *scratch) {
    if (batch <= 0) return;
    void *s = (void *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && cpu_has(kernel)) { avx512_decode(pack, x, batch, out, hidden_out, apply_sigmoid, s); return; }
    if (kernel == DK_KERNEL_AVX2 && cpu_has(kernel)) { avx2_decode(pack, x, batch, out, hidden_out, apply_sigmoid, s); return; }
#endif
    scalar_decode(pack, x, batch, out, hidden_out, apply_sigmoid, s);
}

static float scalar_bce_row(const float *logits, const float *targets, int count, float *gradient) {
    float total = 0.0f;
    for (int i = 0; i < count; i++) {
        const float x = logits[i], t = targets[i], e = expf(-fabsf(x));
        if (gradient) gradient[i] = (x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e)) - t;
        total += (x > 0.0f ? x : 0.0f) - x * t + log1pf(e);
    }
    return total;
}

double dk_bce_rows(int kernel, const float *logits, const float *targets, size_t target_stride, int rows, int count,
                   float *gradient) {
    double sum = 0;
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (size_t)r * count, *t = targets + (size_t)r * target_stride;
        float *g = gradient ? gradient + (size_t)r * count : NULL;
        float row;
#if defined(__x86_64__) || defined(__i386__)
        if (kernel == DK_KERNEL_AVX512 && cpu_has(kernel)) row = avx512_bce_row(x, t, count, g);
        else if (kernel == DK_KERNEL_AVX2 && cpu_has(kernel)) row = avx2_bce_row(x, t, count, g);
        else
#endif
            row = scalar_bce_row(x, t, count, g);
        sum += row;
    }
    return sum;
}

void dk_sigmoid(int kernel, float *x, size_t count) {
#if defined(__x86_64__) || defined(__i386__)
    if (kernel == DK_KERNEL_AVX512 && cpu_has(kernel)) { avx512_sigmoid(x, count); return; }
    if (kernel == DK_KERNEL_AVX2 && cpu_has(kernel)) { avx2_sigmoid(x, count); return; }
#endif
    scalar_sigmoid(x, count);
}
