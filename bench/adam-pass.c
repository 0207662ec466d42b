/*
 * Times one Adam pass (dk_adam_update, two gradient parts, no clearing) over N elements with
 * the best kernel, 200 passes, three times: with N = 330,000 (a thread's half of the CVAE) the
 * buffers come from memory; with N = 20,000 they stay in L2.
 *
 *   clang -O2 -I Sources/CDigitKernels/include bench/adam-pass.c Sources/CDigitKernels/adam.c \
 *       Sources/CDigitKernels/kernels.c Sources/CDigitKernels/transpose.c -lm -o /tmp/adam-pass
 *   /tmp/adam-pass 330000; /tmp/adam-pass 20000
 */
#include "digit_kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const size_t n = argc > 1 ? (size_t)atol(argv[1]) : 330000;
    float *p = aligned_alloc(64, (n * 4 + 63) / 64 * 64), *g = aligned_alloc(64, (n * 4 + 63) / 64 * 64);
    float *g2 = aligned_alloc(64, (n * 4 + 63) / 64 * 64), *m = aligned_alloc(64, (n * 4 + 63) / 64 * 64);
    float *v = aligned_alloc(64, (n * 4 + 63) / 64 * 64);
    if (!p || !g || !g2 || !m || !v) { fprintf(stderr, "adam-pass: out of memory\n"); return 1; }
    for (size_t i = 0; i < n; i++) { p[i] = 0.01f * (float)(i % 97); g[i] = 1e-3f * (float)(i % 13); g2[i] = 1e-3f; m[i] = 0; v[i] = 1e-6f; }
    const dk_adam_constants c = {-1e-3f, 0.5f, 0.1f, 0.999f, 0.001f, 1e-8f, 1.0f};
    for (int rep = 0; rep < 3; rep++) {
        const double t = now();
        for (int it = 0; it < 200; it++) dk_adam_update(dk_kernel_best(), p, g, g2, m, v, n, &c, 0);
        printf("%zu elements: %.1f us a pass\n", n, (now() - t) / 200 * 1e6);
    }
    return 0;
}
