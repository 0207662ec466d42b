/*
 * OpenBLAS sgemm alone on the shapes of fc4's backward in one training block (rows = 64, one
 * thread's half of a batch of 128) and in a whole batch (128): the weight gradient
 * dW4 (784 x 400) += dlogits^T h3 and the input gradient dh3 (rows x 400) = dlogits W4, at one
 * thread; best of 100 calls each, in TSC cycles and multiply-adds per cycle. README "Performance" cites it.
 *
 *   cc -O2 -I/usr/include/x86_64-linux-gnu/openblas-pthread bench/sgemm-shapes.c -lopenblas \
 *       -o /tmp/sgemm-shapes && OPENBLAS_CORETYPE=SkylakeX /tmp/sgemm-shapes
 *
 * (OPENBLAS_CORETYPE as digitgen sets it on CPUs Debian 12's OpenBLAS does not know: see
 * BLASCoreSelection.swift.)
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

int main(void) {
    openblas_set_num_threads(1);
    float *dl = malloc(4 * 128 * 784), *h = malloc(4 * 128 * 400), *w4 = malloc(4 * 784 * 400);
    float *dw = calloc(784 * 400, 4), *dh = malloc(4 * 128 * 400);
    srand(1);
    for (int i = 0; i < 128 * 784; i++) dl[i] = (rand() % 100) / 100.f;
    for (int i = 0; i < 128 * 400; i++) h[i] = (rand() % 100) / 100.f;
    for (int i = 0; i < 784 * 400; i++) w4[i] = (rand() % 100) / 100.f;
    printf("OpenBLAS kernels: %s\n", openblas_get_corename());
    for (int rows = 64; rows <= 128; rows *= 2) {
        unsigned long long bw = ~0ull, bh = ~0ull;
        for (int it = 0; it < 100; it++) {
            const unsigned long long t0 = __rdtsc();
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 784, 400, rows, 1, dl, 784, h, 400, 1, dw, 400);
            const unsigned long long t1 = __rdtsc();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, 400, 784, 1, dl, 784, w4, 400, 0, dh, 400);
            const unsigned long long t2 = __rdtsc();
            if (t1 - t0 < bw) bw = t1 - t0;
            if (t2 - t1 < bh) bh = t2 - t1;
        }
        const double fma = 784.0 * 400 * rows;
        printf("rows %d: dW4 %llu cycles (%.1f multiply-adds a cycle), dh3 %llu cycles (%.1f multiply-adds a cycle)\n", rows, bw, fma / bw,
               bh, fma / bh);
    }
    return 0;
}
