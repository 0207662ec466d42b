/*
 * Loads alone, in the decoder kernel's order: for each of 13 tiles of 400 hidden units x 256
 * bytes (fc4's packed weights, 1.33 MB), the 256 bytes of a random FRACTION of the units,
 * ascending. Prints the best and mean TSC cycles of 3000 passes (the first 1000 not in the
 * mean) and bytes per cycle: how fast the weights a click needs come from L2.
 *
 *   cc -O2 bench/l2-stream.c -o /tmp/l2-stream && /tmp/l2-stream [FRACTION]   (default 0.75)
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

__attribute__((target("avx512f"))) int main(int argc, char **argv) {
    const float fraction = argc > 1 ? (float)atof(argv[1]) : 0.75f;
    float *w = aligned_alloc(64, (size_t)13 * 400 * 64 * 4);
    for (int i = 0; i < 13 * 400 * 64; i++) w[i] = i * 1e-9f;
    int off[400], n = 0;
    srand(1);
    for (int k = 0; k < 400; k++) { off[n] = k * 64; n += rand() / (float)RAND_MAX < fraction; }
    unsigned long long best = ~0ull, total = 0;
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int rep = 0; rep < 3000; rep++) {
        const unsigned long long t0 = __rdtsc();
        for (int t = 0; t < 13; t++) {
            const float *wt = w + (size_t)t * 400 * 64;
            for (int i = 0; i < n; i++) {
                const float *p = wt + off[i];
                s0 = _mm512_add_ps(s0, _mm512_load_ps(p));
                s1 = _mm512_add_ps(s1, _mm512_load_ps(p + 16));
                s2 = _mm512_add_ps(s2, _mm512_load_ps(p + 32));
                s3 = _mm512_add_ps(s3, _mm512_load_ps(p + 48));
            }
        }
        const unsigned long long d = __rdtsc() - t0;
        if (d < best) best = d;
        if (rep >= 1000) total += d;
    }
    const double bytes = n * 13 * 256.0, mean = total / 2000.0;
    printf("%d of 400 units, %.0f bytes: best %llu TSC cycles (%.1f B/cycle), mean %.0f (%.1f B/cycle) [%g]\n",
           n, bytes, best, bytes / best, mean, bytes / mean,
           _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3))));
    return 0;
}
