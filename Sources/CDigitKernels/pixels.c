/*
 * uint8 pixels to floats in [0, 1], as torchvision's ToTensor (value / 255, a correctly rounded
 * division, so every path gives the same bits as the scalar code). Filling a training batch
 * does this for every pixel of every image (47 million an epoch).
 */
#include "digit_kernels.h"

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void avx512_unit_pixels(const uint8_t *src, size_t count, float *dst) {
    const __m512 d = _mm512_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(src + i)));
        _mm512_storeu_ps(dst + i, _mm512_div_ps(_mm512_cvtepi32_ps(v), d));
    }
    for (; i < count; i++) dst[i] = (float)src[i] / 255.0f;
}
#endif

void dk_unit_pixels(const unsigned char *src, size_t count, float *dst) {
#if defined(__x86_64__) || defined(__i386__)
    if (dk_kernel_supported(DK_KERNEL_AVX512)) { avx512_unit_pixels(src, count, dst); return; }
#endif
    for (size_t i = 0; i < count; i++) dst[i] = (float)src[i] / 255.0f;
}
