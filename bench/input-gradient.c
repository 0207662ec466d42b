/*
 * Times dk_input_gradient (a Linear layer's input gradient through a ReLU mask) against OpenBLAS
 * sgemm followed by the mask, on 64 rows x 784 outputs x 400 inputs (fc4 of a 64-row block):
 * 500 calls each, three times, one thread.
 *
 *   clang -O2 -I Sources/CDigitKernels/include bench/input-gradient.c Sources/CDigitKernels/input_gradient.c \
 *       Sources/CDigitKernels/kernels.c Sources/CDigitKernels/transpose.c -lopenblas -lm -o /tmp/input-gradient
 *   OPENBLAS_CORETYPE=SkylakeX /tmp/input-gradient     (the family digitgen picks on this CPU)
 */
#include "digit_kernels.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void) {
    const int n = 64, inputs = 400, outputs = 784, runs = 500;
    openblas_set_num_threads(1);
    float *w = malloc(sizeof(float) * outputs * inputs), *dy = malloc(sizeof(float) * n * outputs);
    float *x = malloc(sizeof(float) * n * inputs), *dx = malloc(sizeof(float) * n * inputs);
    if (!w || !dy || !x || !dx) { fprintf(stderr, "input-gradient: out of memory\n"); return 1; }
    srand(1);
    for (int i = 0; i < outputs * inputs; i++) w[i] = ((float)rand() / (float)RAND_MAX - 0.5f) * 0.1f;
    for (int i = 0; i < n * outputs; i++) dy[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < n * inputs; i++) x[i] = (float)(rand() % 2);
    for (int rep = 0; rep < 3; rep++) {
        double t = now();
        for (int it = 0; it < runs; it++) dk_input_gradient(dk_kernel_best(), w, inputs, outputs, dy, n, x, dx);
        const double kernel = (now() - t) / runs * 1e6;
        t = now();
        for (int it = 0; it < runs; it++) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, inputs, outputs, 1, dy, outputs, w, inputs, 0, dx, inputs);
            for (int i = 0; i < n * inputs; i++) if (x[i] <= 0) dx[i] = 0;
        }
        printf("dk_input_gradient %.1f us, sgemm + mask %.1f us\n", kernel, (now() - t) / runs * 1e6);
    }
    return 0;
}
