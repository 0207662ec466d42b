/*
 * The vector decoder kernel, written once and included by kernels.c for each instruction set
 * with these macros defined:
 *   KFN(name)   the function name for this instruction set
 *   KTARGET     __attribute__((target(...)))
 *   VF, VW      vector type and its float lanes; NV = DK_TILE / VW vectors per tile
 *   VLOAD, VSTORE, VSET1, VZERO, VADD, VSUB, VMUL, VMAX, VFMA(a, b, c) = a * b + c
 *   VNEGABS(x) = -|x|, VSELNEG(x, a, b) = x < 0 ? b : a, VSCALE(s) = 2^n from the magic-shifted
 *   float s (see vexp), VRCP(x) = an approximation of 1 / x (refined here by Newton's step)
 */
#define NV (DK_TILE / VW)
#define KU (8 / NV > 1 ? 8 / NV : 1) /* sets of accumulators: 8 independent chains in all */

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
 * One block of up to DK_BLOCK rows.
 *  1. fc3 + ReLU per row, as axpys over the packed w3t for the row's non-zero inputs (the
 *     one-hot label has one), then the row's active hidden units listed with their values,
 *     and where each block of `kblock` hidden units starts in that list.
 *  2. Per tile of 64 pixels and per block of hidden units (their weights: one contiguous
 *     block of at most 24 KiB, read once from L2 and then from L1 for every row), per row:
 *     the sum over the row's active units in that block only, in 8 independent accumulator
 *     chains (FMA latency x 2 ports), each coefficient broadcast once for the 64 pixels.
 *     Partial sums wait in `part` between blocks; after the last, bias and sigmoid, stored.
 */
static KTARGET void KFN(decode)(const dk_decoder_pack *pk, const float *x, int batch,
                                float *out, float *hidden_out, int apply_sigmoid, void *scratch) {
    const int zin = pk->zin, h16 = pk->hidden16, pixels = pk->pixels, hidden = pk->hidden;
    const int kblock = pk->kblock, kblocks = pk->kblocks;
    float *h = (float *)scratch;                               /* DK_BLOCK x hidden16 */
    float *coef = h + (size_t)DK_BLOCK * h16;                  /* DK_BLOCK x hidden16 */
    int *off = (int *)(coef + (size_t)DK_BLOCK * h16);         /* DK_BLOCK x hidden16 */
    int *bound = off + (size_t)DK_BLOCK * h16;                 /* DK_BLOCK x (kblocks + 1) */
    float *part = (float *)(bound + (size_t)DK_BLOCK * (kblocks + 1));
    part = (float *)(((uintptr_t)part + 63) & ~(uintptr_t)63); /* DK_BLOCK x DK_TILE */
    for (int b0 = 0; b0 < batch; b0 += DK_BLOCK) {
        const int nb = batch - b0 < DK_BLOCK ? batch - b0 : DK_BLOCK;
        for (int r = 0; r < nb; r++) {
            float *hr = h + (size_t)r * h16;
            const float *xr = x + (size_t)(b0 + r) * zin;
            for (int k = 0; k < h16; k += VW) VSTORE(hr + k, VLOAD(pk->b3 + k));
            for (int j = 0; j < zin; j++) {
                const float a = xr[j];
                if (a == 0.0f) continue;
                const VF va = VSET1(a);
                const float *w = pk->w3t + (size_t)j * h16;
                for (int k = 0; k < h16; k += VW) VSTORE(hr + k, VFMA(va, VLOAD(w + k), VLOAD(hr + k)));
            }
            float *cr = coef + (size_t)r * h16;
            int *orow = off + (size_t)r * h16;
            int *br = bound + (size_t)r * (kblocks + 1);
            int n = 0;
            for (int kb = 0; kb < kblocks; kb++) {
                br[kb] = n;
                const int k1 = (kb + 1) * kblock < hidden ? (kb + 1) * kblock : hidden;
                /* Branch-free: about half the units are active, in no predictable pattern. */
                for (int k = kb * kblock; k < k1; k++) {
                    cr[n] = hr[k];
                    orow[n] = k * DK_TILE;
                    n += hr[k] > 0.0f;
                }
            }
            br[kblocks] = n;
            if (hidden_out) {
                float *ho = hidden_out + (size_t)(b0 + r) * hidden;
                for (int k = 0; k < hidden; k++) ho[k] = hr[k] > 0.0f ? hr[k] : 0.0f;
            }
        }
        for (int t = 0; t < pk->tiles; t++) {
            const float *wt = pk->w4t + (size_t)t * hidden * DK_TILE;
            const int p0 = t * DK_TILE;
            const int valid = pixels - p0 < DK_TILE ? pixels - p0 : DK_TILE;
            for (int kb = 0; kb < kblocks; kb++) {
                const int last = kb == kblocks - 1;
                for (int r = 0; r < nb; r++) {
                    const float *cr = coef + (size_t)r * h16;
                    const int *orow = off + (size_t)r * h16;
                    const int *br = bound + (size_t)r * (kblocks + 1);
                    float *pr = part + (size_t)r * DK_TILE;
                    VF acc[KU][NV];
                    for (int v = 0; v < NV; v++) acc[0][v] = kb == 0 ? VZERO : VLOAD(pr + v * VW);
                    for (int u = 1; u < KU; u++) for (int v = 0; v < NV; v++) acc[u][v] = VZERO;
                    int k = br[kb];
                    const int k1 = br[kb + 1];
                    for (; k + KU <= k1; k += KU) {
                        for (int u = 0; u < KU; u++) {
                            const VF c = VSET1(cr[k + u]);
                            const float *w = wt + orow[k + u];
                            for (int v = 0; v < NV; v++) acc[u][v] = VFMA(c, VLOAD(w + v * VW), acc[u][v]);
                        }
                    }
                    for (; k < k1; k++) {
                        const VF c = VSET1(cr[k]);
                        const float *w = wt + orow[k];
                        for (int v = 0; v < NV; v++) acc[0][v] = VFMA(c, VLOAD(w + v * VW), acc[0][v]);
                    }
                    for (int v = 0; v < NV; v++)
                        for (int u = 1; u < KU; u++) acc[0][v] = VADD(acc[0][v], acc[u][v]);
                    if (!last) {
                        for (int v = 0; v < NV; v++) VSTORE(pr + v * VW, acc[0][v]);
                        continue;
                    }
                    float *o = out + (size_t)(b0 + r) * pixels + p0;
                    float *dst = valid == DK_TILE ? o : pr;
                    for (int v = 0; v < NV; v++) {
                        VF s = VADD(acc[0][v], VLOAD(pk->b4 + p0 + v * VW));
                        if (apply_sigmoid) s = KFN(vsigmoid)(s);
                        VSTORE(dst + v * VW, s);
                    }
                    if (dst == pr) for (int i = 0; i < valid; i++) o[i] = pr[i];
                }
            }
        }
    }
}

#undef NV
#undef KU
