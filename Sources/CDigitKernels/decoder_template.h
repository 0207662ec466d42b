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
#define KU (8 / NV) /* independent accumulator chains per vector of the tile */

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
 *     one-hot label has one), then the row's active hidden units listed with their values.
 *  2. Per tile of 16 pixels (its weights: one contiguous block of hidden x 16 floats, read once
 *     from L2 and then from L1 for every row of the block), per row: the sum over the row's
 *     active units only, in 8 independent accumulator chains (FMA latency), plus the bias,
 *     then the sigmoid, stored.
 */
static KTARGET void KFN(decode)(const dk_decoder_pack *pk, const float *x, int batch,
                                float *out, float *hidden_out, int apply_sigmoid, void *scratch) {
    const int zin = pk->zin, h16 = pk->hidden16, pixels = pk->pixels, hidden = pk->hidden;
    float *h = (float *)scratch;                       /* DK_BLOCK x hidden16 */
    float *coef = h + (size_t)DK_BLOCK * h16;          /* DK_BLOCK x hidden */
    int *off = (int *)(coef + (size_t)DK_BLOCK * h16); /* DK_BLOCK x hidden */
    int count[DK_BLOCK];
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
            int n = 0;
            for (int k = 0; k < hidden; k++) {
                if (hr[k] > 0.0f) { cr[n] = hr[k]; orow[n] = k * DK_TILE; n++; }
            }
            count[r] = n;
            if (hidden_out) {
                float *ho = hidden_out + (size_t)(b0 + r) * hidden;
                for (int k = 0; k < hidden; k++) ho[k] = hr[k] > 0.0f ? hr[k] : 0.0f;
            }
        }
        for (int t = 0; t < pk->tiles; t++) {
            const float *wt = pk->w4t + (size_t)t * hidden * DK_TILE;
            const int p0 = t * DK_TILE;
            const int valid = pixels - p0 < DK_TILE ? pixels - p0 : DK_TILE;
            for (int r = 0; r < nb; r++) {
                const float *cr = coef + (size_t)r * h16;
                const int *orow = off + (size_t)r * h16;
                const int n = count[r];
                VF acc[KU][NV];
                for (int u = 0; u < KU; u++) for (int v = 0; v < NV; v++) acc[u][v] = VZERO;
                int k = 0;
                for (; k + KU <= n; k += KU) {
                    for (int u = 0; u < KU; u++) {
                        const VF c = VSET1(cr[k + u]);
                        const float *w = wt + orow[k + u];
                        for (int v = 0; v < NV; v++) acc[u][v] = VFMA(c, VLOAD(w + v * VW), acc[u][v]);
                    }
                }
                for (; k < n; k++) {
                    const VF c = VSET1(cr[k]);
                    const float *w = wt + orow[k];
                    for (int v = 0; v < NV; v++) acc[0][v] = VFMA(c, VLOAD(w + v * VW), acc[0][v]);
                }
                float *o = out + (size_t)(b0 + r) * pixels + p0;
                float tmp[DK_TILE];
                float *dst = valid == DK_TILE ? o : tmp;
                for (int v = 0; v < NV; v++) {
                    for (int half = KU / 2; half >= 1; half /= 2)
                        for (int u = 0; u < half; u++) acc[u][v] = VADD(acc[u][v], acc[u + half][v]);
                    VF s = acc[0][v];
                    s = VADD(s, VLOAD(pk->b4 + p0 + v * VW));
                    if (apply_sigmoid) s = KFN(vsigmoid)(s);
                    VSTORE(dst + v * VW, s);
                }
                if (dst == tmp) for (int i = 0; i < valid; i++) o[i] = tmp[i];
            }
        }
    }
}

#undef NV
#undef KU
