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

/* The same, with num_text Latin-1 tEXt chunks (keys 1-79 bytes) written before the image data,
 * so that a file can carry how it was made. */
int png_shim_encode_gray8_text(const unsigned char *pixels, unsigned width, unsigned height,
                               const char *const *keys, const char *const *values, int num_text,
                               unsigned char **out, size_t *out_size, char *error, size_t error_size);

/* Reads the text chunks (tEXt, zTXt, iTXt) before a PNG's image data, without decoding its
 * pixels (text after the image data is not read). On success
 * *keys and *values hold *num_text malloc'ed NUL-terminated strings each (arrays malloc'ed
 * too); release them with png_shim_free_text. */
int png_shim_read_text(const unsigned char *data, size_t size, char ***keys, char ***values,
                       int *num_text, char *error, size_t error_size);

void png_shim_free_text(char **keys, char **values, int num_text);

/* Decodes any PNG (gray, palette, RGB, with or without alpha, 1-16 bits) to 8-bit gray.
 * Colour is reduced with the sRGB luma weights, alpha is dropped, 16-bit is scaled to 8. */
int png_shim_decode_gray8(const unsigned char *data, size_t size, unsigned char **out,
                          unsigned *width, unsigned *height, char *error, size_t error_size);

void png_shim_free(void *pointer);

#endif
