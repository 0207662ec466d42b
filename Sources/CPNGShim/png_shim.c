#include "png_shim.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decoded images above this many pixels are refused (a damaged header, not an image). */
#define PNG_SHIM_MAX_PIXELS ((size_t)1 << 28)

struct error_ctx {
    char *message;
    size_t size;
};

static void set_message(char *message, size_t size, const char *text) {
    if (message != NULL && size > 0) snprintf(message, size, "%s", text);
}

static void on_error(png_structp png, png_const_charp text) {
    struct error_ctx *err = png_get_error_ptr(png);
    if (err != NULL) set_message(err->message, err->size, text);
    png_longjmp(png, 1);
}

/* Warnings (e.g. unknown chunks) do not stop us and must not reach the user's terminal. */
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

/* State reached from libpng callbacks lives on the heap: locals changed between setjmp and
 * longjmp would have indeterminate values afterwards. */
struct write_ctx {
    unsigned char *data;
    size_t size;
    size_t capacity;
};

static void on_write(png_structp png, png_bytep bytes, png_size_t length) {
    struct write_ctx *ctx = png_get_io_ptr(png);
    if (length > SIZE_MAX - ctx->size) png_error(png, "PNG too large");
    if (ctx->size + length > ctx->capacity) {
        size_t capacity = ctx->capacity ? ctx->capacity : 4096;
        while (capacity < ctx->size + length) capacity *= 2;
        unsigned char *grown = realloc(ctx->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        ctx->data = grown;
        ctx->capacity = capacity;
    }
    memcpy(ctx->data + ctx->size, bytes, length);
    ctx->size += length;
}

static void on_flush(png_structp png) { (void)png; }

int png_shim_encode_gray8(const unsigned char *pixels, unsigned width, unsigned height,
                          unsigned char **out, size_t *out_size, char *error, size_t error_size) {
    return png_shim_encode_gray8_text(pixels, width, height, NULL, NULL, 0, out, out_size, error, error_size);
}

int png_shim_encode_gray8_text(const unsigned char *pixels, unsigned width, unsigned height,
                               const char *const *keys, const char *const *values, int num_text,
                               unsigned char **out, size_t *out_size, char *error, size_t error_size) {
    png_textp text = NULL;
    struct error_ctx err = {error, error_size};
    struct write_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        set_message(error, error_size, "out of memory");
        return 1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        png_destroy_write_struct(&png, &info);
        free(ctx);
        set_message(error, error_size, "cannot initialise libpng");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(ctx->data);
        free(ctx);
        free(text);
        return 1;
    }
    png_set_write_fn(png, ctx, on_write, on_flush);
    /* libpng's default limit of 1,000,000 pixels per side is lower than PNG's own (2^31 - 1);
     * a one-row grid of 10,000 digits is 1,160,004 pixels wide. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (num_text > 0) {
        text = calloc((size_t)num_text, sizeof *text);
        if (text == NULL) png_error(png, "out of memory");
        for (int i = 0; i < num_text; i++) {
            size_t key_length = strlen(keys[i]);
            if (key_length < 1 || key_length > 79) png_error(png, "PNG text keys must be 1-79 bytes");
            text[i].compression = PNG_TEXT_COMPRESSION_NONE;
            text[i].key = (png_charp)keys[i];
            text[i].text = (png_charp)values[i];
            text[i].text_length = strlen(values[i]);
        }
        png_set_text(png, info, text, num_text);
    }
    png_write_info(png, info);
    for (unsigned y = 0; y < height; y++) png_write_row(png, pixels + (size_t)y * width);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(text);
    *out = ctx->data;
    *out_size = ctx->size;
    free(ctx);
    return 0;
}

struct read_ctx {
    const unsigned char *data;
    size_t size;
    size_t position;
    unsigned char *pixels;
    png_bytep *rows;
};

static void on_read(png_structp png, png_bytep bytes, png_size_t length) {
    struct read_ctx *ctx = png_get_io_ptr(png);
    if (length > ctx->size - ctx->position) png_error(png, "file is truncated");
    memcpy(bytes, ctx->data + ctx->position, length);
    ctx->position += length;
}

/* libpng's own allocations while decoding pixels (row buffers, chunk data) are refused above
 * the size of the largest gray image we accept plus 1 MiB: a chunk that declares ~2 GB (a
 * 171-byte file found by fuzzing, libpng then allocating 1.95 GB for it) fails instead of
 * taking the memory. The pixels themselves are our own allocation, bounded separately. */
static const png_alloc_size_t decode_alloc_max = (png_alloc_size_t)PNG_SHIM_MAX_PIXELS + ((png_alloc_size_t)1 << 20);
/* libpng's allocations go through here, refused above the cap its mem pointer points to. */
static png_voidp capped_malloc(png_structp png, png_alloc_size_t size) {
    const png_alloc_size_t *cap = png_get_mem_ptr(png);
    return size > *cap ? NULL : malloc(size);
}
static void plain_free(png_structp png, png_voidp pointer) {
    (void)png;
    free(pointer);
}

int png_shim_decode_gray8(const unsigned char *data, size_t size, unsigned char **out,
                          unsigned *width, unsigned *height, char *error, size_t error_size) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        set_message(error, error_size, "not a PNG file (bad signature)");
        return 1;
    }
    struct error_ctx err = {error, error_size};
    struct read_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        set_message(error, error_size, "out of memory");
        return 1;
    }
    ctx->data = data;
    ctx->size = size;
    png_structp png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning,
                                               (png_voidp)&decode_alloc_max, capped_malloc, plain_free);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        png_destroy_read_struct(&png, &info, NULL);
        free(ctx);
        set_message(error, error_size, "cannot initialise libpng");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(ctx->pixels);
        free(ctx->rows);
        free(ctx);
        return 1;
    }
    png_set_read_fn(png, ctx, on_read);
    /* Wide but small images are fine; the total is bounded by PNG_SHIM_MAX_PIXELS below. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    /* Ancillary chunks are not used here; keep a compressed one from inflating without bound. */
    png_set_chunk_malloc_max(png, 1 << 16);
    png_set_chunk_cache_max(png, 128);
    png_read_info(png, info);

    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    if ((size_t)w * h > PNG_SHIM_MAX_PIXELS) png_error(png, "image too large");
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);

    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_scale_16(png);
    /* Alpha is dropped rather than composited: images we read are opaque in practice. */
    png_set_strip_alpha(png);
    if (color & PNG_COLOR_MASK_COLOR) png_set_rgb_to_gray_fixed(png, 1, -1, -1);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != 1 || png_get_bit_depth(png, info) != 8 ||
        png_get_rowbytes(png, info) != w) {
        png_error(png, "cannot convert this PNG to 8-bit gray");
    }

    ctx->pixels = malloc((size_t)w * h > 0 ? (size_t)w * h : 1);
    ctx->rows = malloc(sizeof(png_bytep) * (h > 0 ? h : 1));
    if (ctx->pixels == NULL || ctx->rows == NULL) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++) ctx->rows[y] = ctx->pixels + (size_t)y * w;
    png_read_image(png, ctx->rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);

    *out = ctx->pixels;
    *width = w;
    *height = h;
    free(ctx->rows);
    free(ctx);
    return 0;
}

struct text_ctx {
    char **keys;
    char **values;
    int count;
};

static char *copy_string(const char *s, size_t length) {
    char *copy = malloc(length + 1);
    if (copy != NULL) {
        memcpy(copy, s, length);
        copy[length] = 0;
    }
    return copy;
}

/* libpng allocates an ancillary chunk's buffer from the length its header declares, before
 * reading the data: a 451-byte file declaring a 989 MB tEXt chunk made it ask for 989 MB (found
 * by fuzzing the saved-view reader). Text is read through capped_malloc with this cap, which refuses any
 * single allocation above 1 MiB; libpng then reports the chunk as too large. */
static const png_alloc_size_t text_alloc_max = (png_alloc_size_t)1 << 20;

int png_shim_read_text(const unsigned char *data, size_t size, char ***keys, char ***values,
                       int *num_text, char *error, size_t error_size) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        set_message(error, error_size, "not a PNG file (bad signature)");
        return 1;
    }
    struct error_ctx err = {error, error_size};
    struct read_ctx *ctx = calloc(1, sizeof *ctx);
    struct text_ctx *out = calloc(1, sizeof *out);
    if (ctx == NULL || out == NULL) {
        free(ctx);
        free(out);
        set_message(error, error_size, "out of memory");
        return 1;
    }
    ctx->data = data;
    ctx->size = size;
    png_structp png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning,
                                               (png_voidp)&text_alloc_max, capped_malloc, plain_free);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    png_infop end = png != NULL ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL || end == NULL) {
        png_destroy_read_struct(&png, &info, &end);
        free(ctx);
        free(out);
        set_message(error, error_size, "cannot initialise libpng");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, &end);
        png_shim_free_text(out->keys, out->values, out->count);
        free(ctx->pixels);
        free(ctx->rows);
        free(ctx);
        free(out);
        return 1;
    }
    png_set_read_fn(png, ctx, on_read);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    /* A compressed text chunk may inflate to gigabytes from a few bytes: a view's text is a few
     * hundred bytes, so chunks may take 64 KiB at most, and at most 128 ancillary chunks (with
     * 1 MiB and 1,000, fuzzing found a file that made libpng hold 2 GB of inflated text). */
    png_set_chunk_malloc_max(png, 1 << 16);
    png_set_chunk_cache_max(png, 128);
    /* Only the chunks before the image data are read: the app writes its text there, and
     * reading on past the image would mean inflating every row of an image whose header may
     * claim 2^28 pixels in 65,536 rows of one (fuzzing found such a file taking minutes). */
    png_read_info(png, info);

    png_textp chunks[2] = {NULL, NULL};
    int counts[2] = {0, 0};
    png_get_text(png, info, &chunks[0], &counts[0]);
    int total = counts[0] + counts[1];
    out->keys = calloc(total > 0 ? (size_t)total : 1, sizeof(char *));
    out->values = calloc(total > 0 ? (size_t)total : 1, sizeof(char *));
    if (out->keys == NULL || out->values == NULL) png_error(png, "out of memory");
    for (int part = 0; part < 2; part++) {
        for (int i = 0; i < counts[part]; i++) {
            png_textp t = &chunks[part][i];
            size_t length = t->compression >= PNG_ITXT_COMPRESSION_NONE ? t->itxt_length : t->text_length;
            out->keys[out->count] = copy_string(t->key, strlen(t->key));
            out->values[out->count] = copy_string(t->text != NULL ? t->text : "", t->text != NULL ? length : 0);
            out->count++;
            if (out->keys[out->count - 1] == NULL || out->values[out->count - 1] == NULL)
                png_error(png, "out of memory");
        }
    }
    png_destroy_read_struct(&png, &info, &end);
    *keys = out->keys;
    *values = out->values;
    *num_text = out->count;
    free(ctx->pixels);
    free(ctx);
    free(out);
    return 0;
}

void png_shim_free_text(char **keys, char **values, int num_text) {
    for (int i = 0; i < num_text; i++) {
        if (keys != NULL) free(keys[i]);
        if (values != NULL) free(values[i]);
    }
    free(keys);
    free(values);
}

void png_shim_free(void *pointer) { free(pointer); }
