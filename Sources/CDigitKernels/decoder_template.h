/*
 * The vector decoder kernel, written once and included by kernels.c for each instruction set
 * with these macros defined:
 *   KFN(name)   the function name for this instruction set
 *   KTARGET     __attribute__((target(...)))
 *   VF, VW      vector type and its float lanes
 *   SV          vectors per strip of a tile that a group of DK_GROUP rows keeps in registers
 *               (DK_GROUP * SV accumulators + SV weights + a broadcast fit the register file)
 *   VLOAD, VSTORE, VSET1, VZERO, VADD, VSUB, VMUL, VMAX, VFMA(a, b, c) = a * b + c
 *   VNEGABS(x) = -|x|, VSELNEG(x, a, b) = x < 0 ? b : a, VSCALE(s) = 2^n from the magic-shifted
 *   float s (see vexp), VRCP(x) = an approximation of 1 / x (refined here by Newton's step)
 */

/*
 * e^x for x <= 0: Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, then Cephes' degree-6
 * minimax polynomial for e^r (S. Moshier, Cephes expf.c), times 2^n through the exponent bits.
 * Within 2 ulp on [-87, 0]; inputs below -87 are clamped (e^-87 ~ 1.6e-38).
 */
static inline KTARGET VF KFN(vexp_nonpos)(VF x) {
    x = VMAX(x, VSET1(-87.0f));
    const VF magic = VSET1(12582912.0f); /* 1.5 * 2^23: adding it rounds to an integer */
    VF shifted = VFMA(x, VSET1(1.44269504f), magic);
    VF n = VSUB(shifted, magic);
    VF r = VFMA(n, VSET1(-0.693359375f), x);
    r = VFMA(n, VSET1(2.12194440e-4f), r);
    VF p = VSET1(1.9875691500e-4f);
    p = VFMA(p, r, VSET1(1.3981999507e-3f));
    p = VFMA(p, r, VSET1(8.3334519073e-3f));
    p = VFMA(p, r, VSET1(4.1665795894e-2f));
    p = VFMA(p, r, VSET1(1.6666665459e-1f));
    p = VFMA(p, r, VSET1(5.0000001201e-1f));
    p = VFMA(p, VMUL(r, r), VADD(r, VSET1(1.0f)));
    return VMUL(p, VSCALE(shifted));
}

/* 1 / (1 + e^-x) from e = e^-|x|, so nothing overflows: x >= 0 gives 1 / (1 + e), x < 0 e / (1 + e). */
static inline KTARGET VF KFN(vsigmoid)(VF x) {
    VF e = KFN(vexp_nonpos)(VNEGABS(x));
    VF a = VADD(VSET1(1.0f), e);
    VF d = VRCP(a);
    d = VMUL(d, VFMA(VSUB(VZERO, a), d, VSET1(2.0f))); /* Newton: d (2 - a d) */
    return VSELNEG(x, d, VMUL(e, d));
}

static KTARGET void KFN(sigmoid)(float *x, size_t count) {
    size_t i = 0;
    for (; i + VW <= count; i += VW) VSTORE(x + i, KFN(vsigmoid)(VLOAD(x + i)));
    if (i < count) {
        float tmp[VW] = {0};
        for (size_t j = i; j < count; j++) tmp[j - i] = x[j];
        VSTORE(tmp, KFN(vsigmoid)(VLOAD(tmp)));
        for (size_t j = i; j < count; j++) x[j] = tmp[j - i];
    }
}

/*
 * Binary cross-entropy of one row from logits, sum over `count` pixels of
 * max(x, 0) - x t + log(1 + e^-|x|), with log(1 + e^-|x|) = -log sigmoid(|x|) taken as one log per
 * lane of the product of up to 100 sigmoids (each in [1/2, 1], so the product stays >= 2^-100).
 * With `gradient`, writes sigmoid(x) - t there (it may be `logits`).
 */
static KTARGET float KFN(bce_row)(const float *logits, const float *targets, int count, float *gradient) {
    VF linear = VZERO, product = VSET1(1.0f), logsum = VZERO;
    int i = 0, run = 0;
    float lanes[VW];
    for (; i + VW <= count; i += VW) {
        const VF x = VLOAD(logits + i), t = VLOAD(targets + i);
        const VF e = KFN(vexp_nonpos)(VNEGABS(x));
        const VF a = VADD(VSET1(1.0f), e);
        VF q = VRCP(a);
        q = VMUL(q, VFMA(VSUB(VZERO, a), q, VSET1(2.0f))); /* sigmoid(|x|) */
        if (gradient) VSTORE(gradient + i, VSUB(VSELNEG(x, q, VMUL(e, q)), t));
        linear = VADD(linear, VSUB(VMAX(x, VZERO), VMUL(x, t)));
        product = VMUL(product, q);
        if (++run == 100) {
            VSTORE(lanes, product);
            for (int l = 0; l < VW; l++) lanes[l] = logf(lanes[l]);
            logsum = VADD(logsum, VLOAD(lanes));
            product = VSET1(1.0f);
            run = 0;
        }
    }
    VSTORE(lanes, product);
    for (int l = 0; l < VW; l++) lanes[l] = logf(lanes[l]);
    logsum = VADD(logsum, VLOAD(lanes));
    float total = 0.0f, lin[VW], lg[VW];
    VSTORE(lin, linear);
    VSTORE(lg, logsum);
    for (int l = 0; l < VW; l++) total += lin[l] - lg[l];
    for (; i < count; i++) {
        const float x = logits[i], t = targets[i], e = expf(-fabsf(x));
        if (gradient) gradient[i] = (x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e)) - t;
        total += (x > 0.0f ? x : 0.0f) - x * t + log1pf(e);
    }
    return total;
}

/*
 * One strip of NVC vectors (NVC * VW pixels) of one tile, for a group of G rows, over the
 * group's compacted list of n hidden units (those active in at least one of the G rows): each
 * unit's NVC weight vectors are loaded once and used by all G rows from registers (G * NVC
 * accumulators, at most 20 of the 32 AVX-512 registers). A row whose unit is inactive gets the
 * coefficient +0, and fma(+0, w, acc) == acc for finite w (acc is never -0: it starts at +0
 * and a sum of products rounds to +0, not -0, when it cancels), so every row's sum is exactly
 * the sum over its own active units in ascending order, one chain per vector: the same bits
 * whatever other rows share the group. Then bias, sigmoid, stored; `valid` lanes of the strip
 * are pixels (the last vector may be partial).
 */
static inline __attribute__((always_inline)) KTARGET void
KFN(strip)(const int G, const int NVC, const float *w, const int *off, const float *coef, size_t cstride, int n,
           const float *bias, float *out, size_t out_stride, int valid, int apply_sigmoid) {
    VF acc[DK_GROUP][SV];
    for (int r = 0; r < G; r++) for (int v = 0; v < NVC; v++) acc[r][v] = VZERO;
    for (int i = 0; i < n; i++) {
        const float *wi = w + off[i];
        /* The unit DK_PREFETCH places ahead, one prefetch per cache line: the hardware
         * prefetchers miss part of this gappy ascending walk (harness: -1.5k of 40k cycles). */
        const float *wp = w + off[i + DK_PREFETCH < n ? i + DK_PREFETCH : i];
        for (int v = 0; v < NVC; v += 64 / (VW * 4) > 1 ? 64 / (VW * 4) : 1)
            _mm_prefetch((const char *)(wp + v * VW), _MM_HINT_T0);


        VF wv[SV];
        for (int v = 0; v < NVC; v++) wv[v] = VLOAD(wi + v * VW);
        for (int r = 0; r < G; r++) {
            const VF c = VSET1(coef[(size_t)r * cstride + i]);
            for (int v = 0; v < NVC; v++) acc[r][v] = VFMA(c, wv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < G; r++) {
        float *o = out + (size_t)r * out_stride;
        for (int v = 0; v < NVC; v++) {
            VF s = VADD(acc[r][v], VLOAD(bias + v * VW));
            if (apply_sigmoid) s = KFN(vsigmoid)(s);
            const int lanes = valid - v * VW;
            if (lanes >= VW) {
                VSTORE(o + v * VW, s);
            } else {
                float tmp[VW];
                VSTORE(tmp, s);
                for (int j = 0; j < lanes; j++) o[v * VW + j] = tmp[j];
            }
        }
    }
}

/* KFN(strip) with G and NVC as constants, so that the accumulators live in registers. */
#define KSTRIP_G(G) \
    case G: \
        if (nvc == SV) KFN(strip)(G, SV, w, off, coef, cstride, n, bias, o, stride, valid, apply_sigmoid); \
        else KFN(strip)(G, 1, w, off, coef, cstride, n, bias, o, stride, valid, apply_sigmoid); \
        break;

static KTARGET void KFN(strip_dispatch)(int g, int nvc, const float *w, const int *off, const float *coef,
                                        size_t cstride, int n, const float *bias, float *o, size_t stride, int valid,
                                        int apply_sigmoid) {
    switch (g) {
    KSTRIP_G(1)
    KSTRIP_G(2)
    KSTRIP_G(3)
    KSTRIP_G(4)
    KSTRIP_G(5)
    default: break;
    }
}
#undef KSTRIP_G

/*
 * h (G x hidden16) = b3 + x w3^T for G rows, VW hidden units at a time with the G sums in
 * registers; only the input columns listed in `cols` (ascending) are visited.
 */
static inline __attribute__((always_inline)) KTARGET void
KFN(fc3)(const int G, const dk_decoder_pack *pk, const float *x, const int *cols, int nc, float *h) {
    const int zin = pk->zin, h16 = pk->hidden16;
    int k = 0;
    /* Two vectors of units at a time: 2 G independent chains of nc FMAs each. */
    for (; k + 2 * VW <= h16; k += 2 * VW) {
        VF acc[DK_GROUP][2];
        const VF b0 = VLOAD(pk->b3 + k), b1 = VLOAD(pk->b3 + k + VW);
        for (int r = 0; r < G; r++) { acc[r][0] = b0; acc[r][1] = b1; }
        for (int i = 0; i < nc; i++) {
            const int j = cols[i];
            const VF w0 = VLOAD(pk->w3t + (size_t)j * h16 + k), w1 = VLOAD(pk->w3t + (size_t)j * h16 + k + VW);
            for (int r = 0; r < G; r++) {
                const VF a = VSET1(x[(size_t)r * zin + j]);
                acc[r][0] = VFMA(a, w0, acc[r][0]);
                acc[r][1] = VFMA(a, w1, acc[r][1]);
            }
        }
        for (int r = 0; r < G; r++) {
            VSTORE(h + (size_t)r * h16 + k, acc[r][0]);
            VSTORE(h + (size_t)r * h16 + k + VW, acc[r][1]);
        }
    }
    for (; k < h16; k += VW) {
        VF acc[DK_GROUP];
        const VF b = VLOAD(pk->b3 + k);
        for (int r = 0; r < G; r++) acc[r] = b;
        for (int i = 0; i < nc; i++) {
            const int j = cols[i];
            const VF w = VLOAD(pk->w3t + (size_t)j * h16 + k);
            for (int r = 0; r < G; r++) acc[r] = VFMA(VSET1(x[(size_t)r * zin + j]), w, acc[r]);
        }
        for (int r = 0; r < G; r++) VSTORE(h + (size_t)r * h16 + k, acc[r]);
    }
}

static KTARGET void KFN(fc3_dispatch)(int g, const dk_decoder_pack *pk, const float *x, const int *cols,
                                      int nc, float *h) {
    switch (g) {
    case 1: KFN(fc3)(1, pk, x, cols, nc, h); break;
    case 2: KFN(fc3)(2, pk, x, cols, nc, h); break;
    case 3: KFN(fc3)(3, pk, x, cols, nc, h); break;
    case 4: KFN(fc3)(4, pk, x, cols, nc, h); break;
    case 5: KFN(fc3)(5, pk, x, cols, nc, h); break;
    default: break;
    }
}

/*
 * Rows in groups of DK_GROUP:
 *  1. fc3 for the G rows at once, VW hidden units at a time in G registers, over the input
 *     columns non-zero in any of the rows (the one-hot labels have few); a row's zero inputs
 *     add +-0, so its h is the same as from its own non-zero inputs alone. Then the group's
 *     hidden units active in any of its rows (after the ReLU),
 *     listed (branch-free) with the G rows' ReLU values as coefficients (+0 where inactive).
 *  2. Per tile of 64 pixels, per strip of SV vectors (then single vectors for the rest of a
 *     short last tile): KFN(strip) over the list.
 * A row's result does not depend on the batch it is decoded in (see KFN(strip)).
 */
static KTARGET void KFN(decode)(const dk_decoder_pack *pk, const float *x, int batch,
                                float *out, float *hidden_out, int apply_sigmoid, void *scratch) {
    const int zin = pk->zin, h16 = pk->hidden16, pixels = pk->pixels, hidden = pk->hidden;
    float *h = (float *)scratch;                        /* DK_GROUP x hidden16 */
    float *coef = h + (size_t)DK_GROUP * h16;           /* DK_GROUP x hidden16 (row r from r * h16) */
    int *off = (int *)(coef + (size_t)DK_GROUP * h16);  /* hidden16 */
    int *cols = off + h16;                              /* zin */
    for (int b0 = 0; b0 < batch; b0 += DK_GROUP) {
        const int g = batch - b0 < DK_GROUP ? batch - b0 : DK_GROUP;
        /* fc3 over the input columns that are non-zero in any row of the group. */
        const float *xg = x + (size_t)b0 * zin;
        int nc = 0;
        for (int j = 0; j < zin; j++) {
            int nz = 0;
            for (int r = 0; r < g; r++) nz |= xg[(size_t)r * zin + j] != 0.0f;
            cols[nc] = j;
            nc += nz;
        }
        KFN(fc3_dispatch)(g, pk, xg, cols, nc, h);
        if (hidden_out) {
            for (int r = 0; r < g; r++) {
                const float *hr = h + (size_t)r * h16;
                float *ho = hidden_out + (size_t)(b0 + r) * hidden;
                for (int k = 0; k < hidden; k++) ho[k] = hr[k] > 0.0f ? hr[k] : 0.0f;
            }
        }
        int n = 0;
#ifdef VW16_COMPACT
        /* 16 units at a time: compare, then compress the active ones to the front. */
        const __m512i step = _mm512_set1_epi32(16 * DK_TILE);
        __m512i offs = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(DK_TILE));
        for (int k = 0; k < h16; k += 16, offs = _mm512_add_epi32(offs, step)) {
            __m512 v[DK_GROUP];
            __mmask16 on[DK_GROUP], any = 0;
            for (int r = 0; r < g; r++) {
                v[r] = _mm512_loadu_ps(h + (size_t)r * h16 + k);
                on[r] = _mm512_cmp_ps_mask(v[r], _mm512_setzero_ps(), _CMP_GT_OQ);
                any |= on[r];
            }
            for (int r = 0; r < g; r++)
                _mm512_storeu_ps(coef + (size_t)r * h16 + n,
                                 _mm512_maskz_compress_ps(any, _mm512_maskz_mov_ps(on[r], v[r])));
            _mm512_storeu_si512((void *)(off + n), _mm512_maskz_compress_epi32(any, offs));
            n += __builtin_popcount(any);
        }
#else
        for (int k = 0; k < hidden; k++) {
            int any = 0;
            for (int r = 0; r < g; r++) {
                const float v = h[(size_t)r * h16 + k];
                const int on = v > 0.0f;
                coef[(size_t)r * h16 + n] = on ? v : 0.0f;
                any |= on;
            }
            off[n] = k * DK_TILE;
            n += any;
        }
#endif
        float *ob = out + (size_t)b0 * pixels;
        for (int t = 0; t < pk->tiles; t++) {
            const float *wt = pk->w4t + (size_t)t * hidden * DK_TILE;
            const int p0 = t * DK_TILE;
            const int valid = pixels - p0 < DK_TILE ? pixels - p0 : DK_TILE;
            const int nvec = (valid + VW - 1) / VW;
            int c = 0;
            for (; c + SV <= nvec; c += SV)
                KFN(strip_dispatch)(g, SV, wt + c * VW, off, coef, (size_t)h16, n, pk->b4 + p0 + c * VW,
                                    ob + p0 + c * VW, (size_t)pixels, valid - c * VW, apply_sigmoid);
            for (; c < nvec; c++)
                KFN(strip_dispatch)(g, 1, wt + c * VW, off, coef, (size_t)h16, n, pk->b4 + p0 + c * VW,
                                    ob + p0 + c * VW, (size_t)pixels, valid - c * VW, apply_sigmoid);
        }
    }
}


