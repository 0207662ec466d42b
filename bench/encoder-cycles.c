/*
 * TSC cycles of the sparse fc1 kernels (CDigitKernels encoder.c) and of the two packs' refill, on
 * the first 128 MNIST training images with the one-hot condition, for a 64-row block (one
 * thread's half of a batch of 128): best of 200 runs each. README "Performance" cites it.
 *
 *   clang -O2 -ISources/CDigitKernels/include bench/encoder-cycles.c Sources/CDigitKernels/[a-z]*.c \
 *       -lz -lm -o /tmp/encoder-cycles && /tmp/encoder-cycles ../shared/mnist/train-images-idx3-ubyte.gz
 *
 * clang, as SwiftPM builds the C target: GCC 12 does not keep the kernels' accumulator arrays in
 * registers and gives about three times the cycles.
 */
#include "digit_kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include <zlib.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "../shared/mnist/train-images-idx3-ubyte.gz";
    gzFile f = gzopen(path, "rb");
    unsigned char header[16], pixels[128 * 784];
    if (!f || gzread(f, header, 16) != 16 || gzread(f, pixels, sizeof pixels) != (int)sizeof pixels) {
        fprintf(stderr, "encoder-cycles: cannot read 128 images from %s\n", path);
        return 1;
    }
    gzclose(f);
    const int xin = 794, hidden = 400, n = 64;
    float *x = calloc((size_t)128 * xin, 4), *w = malloc((size_t)xin * hidden * 4), *b = calloc(hidden, 4);
    float *h = malloc((size_t)128 * hidden * 4), *dh = malloc((size_t)128 * hidden * 4), *dw = calloc((size_t)xin * hidden, 4);
    float *w3 = calloc(400 * 30, 4), *b3 = calloc(400, 4), *w4 = malloc(784 * 400 * 4), *b4 = calloc(784, 4);
    srand(1);
    for (int i = 0; i < 128; i++) {
        for (int j = 0; j < 784; j++) x[(size_t)i * xin + j] = pixels[i * 784 + j] / 255.0f;
        x[(size_t)i * xin + 784 + i % 10] = 1;
    }
    for (int i = 0; i < xin * hidden; i++) w[i] = (rand() % 100 - 50) / 100.0f;
    for (int i = 0; i < 128 * hidden; i++) dh[i] = (rand() % 100 - 50) / 100.0f;
    for (int i = 0; i < 784 * 400; i++) w4[i] = (rand() % 100 - 50) / 1000.0f;
    dk_encoder_pack *pk = dk_encoder_pack_create(xin, hidden);
    dk_decoder_pack *dp = dk_decoder_pack_create(30, 400, 784);
    void *scratch = aligned_alloc(64, (dk_encoder_scratch_bytes(pk, n) + 63) / 64 * 64);
    const int kernel = dk_kernel_best();
    unsigned long long best[4] = {~0ull, ~0ull, ~0ull, ~0ull};
    for (int it = 0; it < 200; it++) {
        unsigned long long t[5];
        t[0] = __rdtsc();
        dk_encoder_pack_fill(pk, w, b);
        t[1] = __rdtsc();
        dk_encoder_fc1(kernel, pk, x, n, h, 1, scratch);
        t[2] = __rdtsc();
        dk_encoder_fc1_gradient(kernel, pk, x, n, dh, dw, scratch);
        t[3] = __rdtsc();
        dk_decoder_pack_fill(dp, w3, b3, w4, b4);
        t[4] = __rdtsc();
        for (int k = 0; k < 4; k++) if (t[k + 1] - t[k] < best[k]) best[k] = t[k + 1] - t[k];
    }
    int nonzero = 0;
    for (int i = 0; i < n * xin; i++) nonzero += x[i] != 0;
    printf("kernel %d, %d rows, %.1f non-zero inputs a row (with the condition)\n", kernel, n, nonzero / (double)n);
    printf("fc1 forward  %llu TSC cycles (%.0f a row)\n", best[1], best[1] / (double)n);
    printf("fc1 gradient %llu TSC cycles (%.0f a row)\n", best[2], best[2] / (double)n);
    printf("fc1 pack refill %llu, fc3/fc4 pack refill %llu TSC cycles\n", best[0], best[3]);
    return 0;
}
