#ifndef DIGIT_KERNELS_H
#define DIGIT_KERNELS_H
/*
 * Fused decoder kernels for the CVAE (fc3 + ReLU + fc4 + sigmoid), with runtime CPU dispatch.
 *
 * Three implementations of the same algorithm: AVX-512F, AVX2 + FMA, and portable C. Each is
 * compiled with __attribute__((target(...))) in one object, so the library runs on any x86-64
 * (and, with the portable path only, on any other CPU); which one runs is chosen once with
 * __builtin_cpu_supports, or forced by the caller (DIGITGEN_KERNEL, read on the Swift side).
 *
 * This target does not call BLAS: the large-batch alternative on OpenBLAS sgemm lives in
 * Swift (Tensor/BLAS.swift is the only Swift file that imports CBLAS).
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    DK_KERNEL_SCALAR = 0,
    DK_KERNEL_AVX2 = 1,
    DK_KERNEL_AVX512 = 2,
};

/* Pixels per tile of the packed fc4 weights (four AVX-512 vectors, eight AVX2 vectors). */
#define DK_TILE 64

/* 1 when this CPU can run `kernel`. */
int dk_kernel_supported(int kernel);
/* The fastest kernel this CPU supports (decided on the first call, then cached). */
int dk_kernel_best(void);

/*
 * The decoder's weights, packed for the kernels:
 *   w3t  (zin, hidden16)      fc3.weight transposed, hidden padded with zero columns to hidden16
 *   b3   (hidden16)           fc3.bias, zero padded (padding units are never active)
 *   w4t  (tiles, hidden, 64)  fc4.weight transposed and cut into tiles of 64 pixels: a hidden
 *                             unit's weights for a tile are 256 contiguous bytes, and a tile's
 *                             units follow each other, read in ascending order
 *   b4   (tiles * 64)         fc4.bias, zero padded
 */
typedef struct dk_decoder_pack {
    int zin, hidden, pixels;
    int hidden16, tiles;
    float *w3t, *b3, *w4t, *b4;
} dk_decoder_pack;

/* Allocates a pack for these sizes (NULL when out of memory); fill it with dk_decoder_pack_fill. */
dk_decoder_pack *dk_decoder_pack_create(int zin, int hidden, int pixels);
void dk_decoder_pack_free(dk_decoder_pack *pack);
/* Packs fc3 (w3: hidden x zin, b3: hidden) and fc4 (w4: pixels x hidden, b4: pixels), PyTorch layout. */
void dk_decoder_pack_fill(dk_decoder_pack *pack, const float *w3, const float *b3,
                          const float *w4, const float *b4);
/* The same fill in its two parts: fc3, and fc4 (w4: the pack's pixels x hidden, b4: pixels). */
void dk_decoder_pack_fill_fc3(dk_decoder_pack *pack, const float *w3, const float *b3);
void dk_decoder_pack_fill_fc4(dk_decoder_pack *pack, const float *w4, const float *b4);

/* Bytes of scratch memory one dk_decode call needs (per thread). */
size_t dk_decode_scratch_bytes(const dk_decoder_pack *pack);

/*
 * out (batch, pixels) = act(relu(x w3^T + b3) w4^T + b4), x (batch, zin), with act = sigmoid when
 * apply_sigmoid, else identity (logits). fc4 runs on the hidden units active in a row's group
 * (see decoder_template.h). Each row's result is the same, bit for bit, whatever batch it is
 * decoded in (within one kernel).
 * When hidden_out is not NULL, relu(x w3^T + b3) is written there too (batch, hidden).
 * scratch: dk_decode_scratch_bytes(pack) bytes (any alignment).
 */
void dk_decode(int kernel, const dk_decoder_pack *pack, const float *x, int batch,
               float *out, float *hidden_out, int apply_sigmoid, void *scratch);

/* dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols (transpose.c), with
 * `kernel`'s code (AVX-512 or portable; the packs use dk_kernel_best()). */
void dk_transpose(int kernel, const float *src, int rows, int cols, int src_stride, float *dst, int dst_stride);

/*
 * The encoder's fc1 on sparse inputs (encoder.c). The pack holds fc1's weights transposed and
 * padded for the kernels:
 *   w1t (xin, hidden_pad)   fc1.weight transposed: an input's weights are one contiguous row;
 *                           hidden padded with zero columns to a multiple of DK_FC1_CHUNK
 *   b1  (hidden_pad)        fc1.bias, zero padded
 */
#define DK_FC1_CHUNK 80
#define DK_FC1_GROUP 5
typedef struct dk_encoder_pack {
    int xin, hidden, hidden_pad;
    float *w1t, *b1;
} dk_encoder_pack;

dk_encoder_pack *dk_encoder_pack_create(int xin, int hidden);
void dk_encoder_pack_free(dk_encoder_pack *pack);
/* Packs fc1 (w1: hidden x xin, b1: hidden), PyTorch layout. */
void dk_encoder_pack_fill(dk_encoder_pack *pack, const float *w1, const float *b1);
/* Bytes of scratch one dk_encoder_fc1 or dk_encoder_fc1_gradient call on n rows needs. */
size_t dk_encoder_scratch_bytes(const dk_encoder_pack *pack, int n);

/*
 * h (n, hidden) = x w1^T + b1, then ReLU when `relu`, for x (n, xin): each row sums only the
 * inputs that are non-zero in it (the vector kernels: in its group of rows). A row's result is
 * the same, bit for bit, whatever the batch and the kernel.
 */
void dk_encoder_fc1(int kernel, const dk_encoder_pack *pack, const float *x, int n, float *h, int relu,
                    void *scratch);

/*
 * fc1's weight gradient: dw (hidden, xin) += dh^T x for x (n, xin), dh (n, hidden), over the
 * inputs that are non-zero in some row (the others' gradient is zero: not touched). Each element
 * is the sum over the rows, in ascending order, added to dw once; the same bits on every kernel.
 */
void dk_encoder_fc1_gradient(int kernel, const dk_encoder_pack *pack, const float *x, int n, const float *dh,
                             float *dw, void *scratch);

/*
 * Binary cross-entropy from logits, summed: for each of `rows` rows of `count` logits (rows
 * contiguous) and targets (rows `target_stride` apart), the float sum over the row of
 * max(x, 0) - x t + log(1 + e^-|x|), added up in double. With `gradient`, writes sigmoid(x) - t
 * there (rows contiguous; it may be `logits`).
 */
double dk_bce_rows(int kernel, const float *logits, const float *targets, size_t target_stride, int rows, int count,
                   float *gradient);

/*
 * A Linear layer's input gradient: dx (n, inputs) = dy (n, outputs) w (outputs, inputs), w in
 * PyTorch's layout, rows of every matrix contiguous; with x (the layer's input, a ReLU's
 * output; may be NULL) dx is kept where x > 0 and 0 where x <= 0. Each element is the sum over
 * the outputs in ascending order, one fma each from +0: the same bits on every kernel
 * (input_gradient.c).
 */
void dk_input_gradient(int kernel, const float *w, int inputs, int outputs, const float *dy, int n, const float *x,
                       float *dx);

/* dst[i] = src[i] / 255 as floats (pixels.c) with `kernel`'s code; the same bits on every path. */
void dk_unit_pixels(int kernel, const unsigned char *src, size_t count, float *dst);
/* Asks the CPU to start loading bytes p ..< p + bytes into its caches (a hint; no effect on results). */
void dk_prefetch(const void *p, size_t bytes);

/* x = 1 / (1 + exp(-x)) in place, with the given kernel's vector code. */
void dk_sigmoid(int kernel, float *x, size_t count);

/*
 * Adam's constants for one step (see Sources/DigitCore/Training/Adam.swift):
 *   m = m + w1 (g - m);  v = v b2 + w2 g g;  p = p decay + step_size m / (sqrt(v) / bc2_sqrt + eps)
 * with w1 = 1 - beta1, w2 = 1 - beta2, step_size = -lr / (1 - beta1^t),
 * bc2_sqrt = sqrt(1 - beta2^t), decay = 1 - lr weight_decay (1 for Adam).
 */
typedef struct dk_adam_constants {
    float step_size, bc2_sqrt, w1, b2, w2, eps, decay;
} dk_adam_constants;

/* One Adam step on `count` parameters p with gradients g (plus g2 when not NULL: the gradient is
 * g + g2, two halves of a batch) and moments m, v, with `kernel`'s code (an unsupported kernel
 * runs the portable one). With clear_gradients, g (and g2) are set to zero as they are read, so
 * the next batch accumulates into zeros without a separate pass. Every path gives the same bits. */
void dk_adam_update(int kernel, float *p, float *g, float *g2, float *m, float *v, size_t count,
                    const dk_adam_constants *c, int clear_gradients);

/*
 * Fork-join over a pool of worker threads that spin briefly between jobs (pool.c): run
 * fn(ctx, part) for part 0 ..< parts (parts <= dk_pool_size) with part 0 on the caller, each in
 * the caller's floating-point mode, and return when all are done. One caller at a time.
 */
typedef struct dk_pool dk_pool;
typedef void (*dk_pool_fn)(void *ctx, int part);
dk_pool *dk_pool_create(int workers);
int dk_pool_size(const dk_pool *pool);
void dk_pool_run(dk_pool *pool, int parts, dk_pool_fn fn, void *ctx);
void dk_pool_free(dk_pool *pool);

/*
 * A spinning barrier for `parties` threads (pool.c): dk_barrier_wait returns once all of them
 * have called it; what each wrote before is visible to the others after. Reusable at once.
 */
typedef struct dk_barrier dk_barrier;
dk_barrier *dk_barrier_create(int parties);
void dk_barrier_wait(dk_barrier *barrier);
void dk_barrier_free(dk_barrier *barrier);

/* The calling thread's floating-point control word (MXCSR on x86, FPCR on ARM64), setting it,
 * and the same word with denormals flushed to zero (fpmode.c). */
unsigned dk_fp_mode(void);
void dk_set_fp_mode(unsigned mode);
unsigned dk_fp_mode_flushing(unsigned mode);

#ifdef __cplusplus
}
#endif
#endif
