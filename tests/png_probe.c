/* png_probe.c — msc_png_probe FILE [RRGGBB ...]: prints the PNG's "width height", then for each
 * colour given, in order, one line with the number of pixels within 40 of it in every channel
 * (after compositing any transparency onto white). The tests use it to find the plots' fixed
 * colours in a screenshot of the HTML page. Exit 0, 1 when FILE is not a readable PNG, 2 on usage. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOLERANCE 40

/* "RRGGBB" or "#RRGGBB" into rgb[3]; 0 when malformed. */
static int parse_colour(const char *s, int rgb[3])
{
    if (s[0] == '#') s++;
    if (strlen(s) != 6 || strspn(s, "0123456789abcdefABCDEF") != 6) return 0;
    const unsigned long v = strtoul(s, NULL, 16);
    rgb[0] = (int)(v >> 16 & 0xff);
    rgb[1] = (int)(v >> 8 & 0xff);
    rgb[2] = (int)(v & 0xff);
    return 1;
}

static int near(int a, int b)
{
    return a - b <= TOLERANCE && b - a <= TOLERANCE;
}

/* Counts into count[i] the pixels of the PNG at path near col[i]; prints its size. 0, or 1 when it
 * is not a readable PNG, 2 when out of memory. */
static int probe(const char *path, int n_col, int (*col)[3], unsigned long *count)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        fprintf(stderr, "msc_png_probe: %s: not a PNG file: %s\n", path, img.message);
        return 1;
    }
    img.format = PNG_FORMAT_RGB;
    const size_t stride = (size_t)PNG_IMAGE_ROW_STRIDE(img);
    unsigned char *px = (unsigned char *)malloc(PNG_IMAGE_BUFFER_SIZE(img, stride));
    png_color white = {255, 255, 255};
    if (px == NULL) {
        png_image_free(&img);
        fprintf(stderr, "msc_png_probe: out of memory\n");
        return 2;
    }
    if (!png_image_finish_read(&img, &white, px, (png_int_32)stride, NULL)) {
        fprintf(stderr, "msc_png_probe: %s: unreadable PNG: %s\n", path, img.message);
        free(px);
        return 1;
    }
    for (png_uint_32 y = 0; y < img.height; y++) {
        const unsigned char *row = px + (size_t)y * stride;
        for (png_uint_32 x = 0; x < img.width; x++) {
            const unsigned char *p = row + 3 * (size_t)x;
            for (int i = 0; i < n_col; i++)
                count[i] += near(p[0], col[i][0]) && near(p[1], col[i][1]) && near(p[2], col[i][2]);
        }
    }
    free(px);
    printf("%lu %lu\n", (unsigned long)img.width, (unsigned long)img.height);
    for (int i = 0; i < n_col; i++) printf("%lu\n", count[i]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: msc_png_probe FILE [RRGGBB ...]\n"
                        "prints \"width height\", then per colour the pixels within %d of it in every "
                        "channel\n", TOLERANCE);
        return 2;
    }
    const int n_col = argc - 2;
    int(*col)[3] = (int(*)[3])calloc((size_t)n_col + 1, sizeof *col);
    unsigned long *count = (unsigned long *)calloc((size_t)n_col + 1, sizeof *count);
    int rc = 0;
    if (col == NULL || count == NULL) {
        fprintf(stderr, "msc_png_probe: out of memory\n");
        rc = 2;
    }
    for (int i = 0; rc == 0 && i < n_col; i++) {
        if (!parse_colour(argv[i + 2], col[i])) {
            fprintf(stderr, "msc_png_probe: '%s' is not a colour (RRGGBB in hex)\n", argv[i + 2]);
            rc = 2;
        }
    }
    if (rc == 0) rc = probe(argv[1], n_col, col, count);
    free(col);
    free(count);
    return rc;
}
