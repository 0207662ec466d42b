/*
 * TSC cycles of one dk_decode call on the shipped weights, the kernel alone (no Swift, no
 * sampling): bench/kernel-cycles.sh builds and runs it. Includes kernels.c itself, so it
 * times exactly the code in Sources/CDigitKernels.
 *
 *   kernel-cycles DIR KERNEL BATCH [ITERATIONS]   (KERNEL 0 scalar, 1 avx2, 2 avx512)
 *
 * Decodes batches of BATCH rows from DIR/x.bin (bench/kernel-cycles.py) in turn and prints
 * the largest difference from a float64 reference and the cycles' min, p10, p50, p90.
 */
#include "kernels.c"

#include <stdio.h>
#include <x86intrin.h>

static float *load(const char *dir, const char *name, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    float *a = malloc(n * sizeof *a);
    FILE *f = fopen(path, "rb");
    if (!a || !f || fread(a, sizeof *a, n, f) != n) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    fclose(f);
    return a;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s DIR KERNEL BATCH [ITERATIONS]\n", argv[0]); return 2; }
    const char *dir = argv[1];
    const int kernel = atoi(argv[2]), batch = atoi(argv[3]), iters = argc > 4 ? atoi(argv[4]) : 20000;
    int zin, hidden, pixels;
    char path[4096];
    snprintf(path, sizeof path, "%s/sizes.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f || fscanf(f, "%d %d %d", &zin, &hidden, &pixels) != 3) { fprintf(stderr, "cannot read %s\n", path); return 1; }
    fclose(f);
    const int rows = 5000;
    if (batch < 1 || batch > rows || iters < 10 || !dk_kernel_supported(kernel)) { fprintf(stderr, "bad arguments\n"); return 2; }
    float *w3 = load(dir, "w3.bin", (size_t)hidden * zin), *b3 = load(dir, "b3.bin", hidden);
    float *w4 = load(dir, "w4.bin", (size_t)pixels * hidden), *b4 = load(dir, "b4.bin", pixels);
    float *xs = load(dir, "x.bin", (size_t)rows * zin);
    dk_decoder_pack *pk = dk_decoder_pack_create(zin, hidden, pixels);
    dk_decoder_pack_fill(pk, w3, b3, w4, b4);
    void *scratch = malloc(dk_decode_scratch_bytes(pk));
    float *out = malloc(sizeof(float) * pixels * batch);
    const int batches = rows / batch;

    double err = 0, *h = malloc(sizeof(double) * hidden);
    for (int c = 0; c < batches && c < 50; c++) {
        const float *x = xs + (size_t)c * batch * zin;
        dk_decode(kernel, pk, x, batch, out, NULL, 1, scratch);
        for (int r = 0; r < batch; r++) {
            for (int k = 0; k < hidden; k++) {
                double s = b3[k];
                for (int j = 0; j < zin; j++) s += (double)w3[(size_t)k * zin + j] * x[(size_t)r * zin + j];
                h[k] = s > 0 ? s : 0;
            }
            for (int p = 0; p < pixels; p++) {
                double s = b4[p];
                for (int k = 0; k < hidden; k++) s += (double)w4[(size_t)p * hidden + k] * h[k];
                const double e = fabs(1 / (1 + exp(-s)) - out[(size_t)r * pixels + p]);
                if (e > err) err = e;
            }
        }
    }
    double *cycles = malloc(sizeof(double) * iters);
    for (int i = 0; i < 1000; i++) dk_decode(kernel, pk, xs + (size_t)(i % batches) * batch * zin, batch, out, NULL, 1, scratch);
    for (int i = 0; i < iters; i++) {
        const float *x = xs + (size_t)(i % batches) * batch * zin;
        const unsigned long long t0 = __rdtsc();
        dk_decode(kernel, pk, x, batch, out, NULL, 1, scratch);
        cycles[i] = (double)(__rdtsc() - t0);
    }
    qsort(cycles, iters, sizeof *cycles, by_value);
    printf("kernel %d, batch %d, %d calls: max |error| %.2e; TSC cycles min %.0f p10 %.0f p50 %.0f p90 %.0f\n",
           kernel, batch, iters, err, cycles[0], cycles[iters / 10], cycles[iters / 2], cycles[iters * 9 / 10]);
    return 0;
}
