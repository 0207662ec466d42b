#ifndef PNG_SHIM_H
#define PNG_SHIM_H

#include <stddef.h>

/*
 * libpng reports errors by longjmp'ing out of its error callback. A longjmp must not cross
 * Swift frames, so every libpng call happens here, in C, under setjmp; Swift sees plain
 * return codes and a message.
 *
 * Both functions return 0 on success. On failure they return non-zero and write a
 * NUL-terminated message of at most error_size bytes into error. Buffers handed out in
 * *out are malloc'ed; release them with png_shim_free.
 */

/* Encodes width x height 8-bit gray pixels (row-major, 0 = black) as a PNG in memory. */
int png_shim_encode_gray8(const unsigned char *pixels, unsigned width, unsigned height,
                          unsigned char **out, size_t *out_size, char *error, size_t error_size);

/* Decodes any PNG (gray, palette, RGB, with or without alpha, 1-16 bits) to 8-bit gray.
 * Colour is reduced with the sRGB luma weights, alpha is dropped, 16-bit is scaled to 8. */
int png_shim_decode_gray8(const unsigned char *data, size_t size, unsigned char **out,
                          unsigned *width, unsigned *height, char *error, size_t error_size);

void png_shim_free(void *pointer);

#endif
