/*
 * The core's best rate of 16-lane FMAs per TSC cycle: 16 independent chains of
 * _mm512_fmadd_ps, best of 20 runs of 16 M FMAs. README "Performance" uses it as the
 * arithmetic bound of the decoder and the trainer.
 *
 *   cc -O2 bench/fma-peak.c -o /tmp/fma-peak && /tmp/fma-peak
 */
#include <immintrin.h>
#include <stdio.h>
#include <x86intrin.h>

__attribute__((target("avx512f"))) int main(void) {
    __m512 a[16];
    for (int i = 0; i < 16; i++) a[i] = _mm512_set1_ps(i * 0.001f);
    const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    unsigned long long best = ~0ull;
    for (int rep = 0; rep < 20; rep++) {
        const unsigned long long t0 = __rdtsc();
        for (long n = 0; n < 1000000; n++) {
            for (int i = 0; i < 16; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
            __asm__ volatile("" : "+v"(a[0]), "+v"(a[1]), "+v"(a[2]), "+v"(a[3]), "+v"(a[4]), "+v"(a[5]),
                             "+v"(a[6]), "+v"(a[7]), "+v"(a[8]), "+v"(a[9]), "+v"(a[10]), "+v"(a[11]),
                             "+v"(a[12]), "+v"(a[13]), "+v"(a[14]), "+v"(a[15]));
        }
        const unsigned long long t = __rdtsc() - t0;
        if (t < best) best = t;
    }
    float s = 0;
    for (int i = 0; i < 16; i++) s += _mm512_reduce_add_ps(a[i]);
    printf("16-lane FMAs per TSC cycle: %.2f (checksum %g)\n", 16e6 / best, s);
    return 0;
}
