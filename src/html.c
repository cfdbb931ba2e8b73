/* html.c — the study as one HTML5 page a user can mail to a collaborator: every group's table,
 * fits, plots and text report in a single file. Plots are the SVG files gnuplot wrote, embedded as
 * base64 data: URIs in <img>, which keeps each plot's ids and styles to itself and runs no script.
 * The page loads nothing from elsewhere. All text goes through one escaper. */
#include "mpiscale/html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpiscale/cli.h"

/* ---- base64 ---------------------------------------------------------------------------------- */

size_t msc_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

size_t msc_base64_encode(const void *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *b = (const unsigned char *)in;
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        const unsigned long v = (unsigned long)b[i] << 16 | (unsigned long)b[i + 1] << 8 | b[i + 2];
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = abc[v >> 6 & 63];
        out[o++] = abc[v & 63];
    }
    if (i < n) { /* one or two bytes left: pad to four characters */
        const unsigned long v = (unsigned long)b[i] << 16 | (i + 1 < n ? (unsigned long)b[i + 1] << 8 : 0);
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

/* ---- escaping -------------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s starts an invalid one, a C1
 * control character included (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static int utf8_len(const unsigned char *s)
{
    const unsigned char c = s[0];
    int n;
    unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        if (c == 0xC2) lo = 0xA0; /* U+0080..U+009F: C1 controls */
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

/* Whether the valid n-byte UTF-8 sequence at s is a bidirectional formatting character, which
 * would reorder the text around it on the page: U+061C ALM, U+200E LRM, U+200F RLM, U+202A-U+202E
 * (LRE RLE PDF LRO RLO), U+2066-U+2069 (LRI RLI FSI PDI). */
static int is_bidi_control(const unsigned char *s, int n)
{
    if (n == 2) return s[0] == 0xD8 && s[1] == 0x9C;
    if (n != 3 || s[0] != 0xE2) return 0;
    if (s[1] == 0x80) return s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE);
    if (s[1] == 0x81) return s[2] >= 0xA6 && s[2] <= 0xA9;
    return 0;
}

void msc_html_escape(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p != NULL && *p) {
        const int n = utf8_len(p);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f); /* U+FFFD for each bad byte */
            p++;
            continue;
        }
        if (n > 1) {
            if (is_bidi_control(p, n))
                fputs("\xEF\xBF\xBD", f); /* one U+FFFD for the character */
            else
                fwrite(p, 1, (size_t)n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t':
        case '\n':
        case '\r': fputc(*p, f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fputs("\xEF\xBF\xBD", f);
            else
                fputc(*p, f);
        }
        p++;
    }
}

/* ---- the page -------------------------------------------------------------------------------- */

typedef struct blob {
    char *data;
    size_t n;
} blob;

/* Reads a whole SVG file into b; MSC_ERR_IO naming the file when it cannot be read or is no SVG. */
static msc_status read_svg(const char *path, blob *b, char *err, size_t len)
{
    enum { MAX_SVG = 64 << 20 };
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return msc_fail(MSC_ERR_IO, err, len, "cannot read plot '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *data = (char *)malloc(cap);
    while (data != NULL) {
        n += fread(data + n, 1, cap - n, in);
        if (n < cap || ferror(in)) break;
        char *more = cap < MAX_SVG ? (char *)realloc(data, cap * 2) : NULL;
        if (more == NULL) {
            free(data);
            data = NULL;
            break;
        }
        data = more;
        cap *= 2;
    }
    const int bad = data != NULL && ferror(in);
    const int e = errno;
    fclose(in);
    if (data == NULL)
        return msc_fail(cap >= MAX_SVG ? MSC_ERR_IO : MSC_ERR_NOMEM, err, len,
                        "cannot read plot '%s': %s", path,
                        cap >= MAX_SVG ? "larger than 64 MiB" : "out of memory");
    if (bad) {
        free(data);
        return msc_fail(MSC_ERR_IO, err, len, "cannot read plot '%s': %s", path, strerror(e));
    }
    int svg = 0;
    for (size_t i = 0; i + 4 <= n && i < 4096 && !svg; i++) svg = memcmp(data + i, "<svg", 4) == 0;
    if (!svg) {
        free(data);
        return msc_fail(MSC_ERR_IO, err, len, "plot '%s' is not an SVG file (no <svg> near its start)",
                        path);
    }
    b->data = data;
    b->n = n;
    return MSC_OK;
}

/* "data:image/svg+xml;base64,..." as written, in pieces of a few KB. */
static void put_data_uri(FILE *f, const blob *b)
{
    char out[4 * 1024 + 1];
    fputs("data:image/svg+xml;base64,", f);
    for (size_t i = 0; i < b->n; i += 3 * 1024) {
        const size_t m = b->n - i < 3 * 1024 ? b->n - i : 3 * 1024;
        fwrite(out, 1, msc_base64_encode(b->data + i, m, out), f);
    }
}

/* v with `digits` decimals and a suffix, or a dash when it is not finite */
static void put_num(FILE *f, double v, int digits, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", digits, v, suffix);
    else
        fputs("&ndash;", f);
}

static void put_interval(FILE *f, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi)) fprintf(f, " (95%% interval %.4f to %.4f)", lo, hi);
}

static void put_table(FILE *f, const msc_sweep_summary *s)
{
    int shared = 0;
    fputs("<table>\n<thead><tr><th>p</th><th>nodes</th><th>runs</th><th>wall median (s)</th>"
          "<th>wall min (s)</th><th>wall max (s)</th>", f);
    fprintf(f, "<th>%s</th><th>efficiency</th><th>Karp&ndash;Flatt e(p)</th><th>imbalance</th>"
               "<th>verified</th><th>digest</th></tr></thead>\n<tbody>\n",
            s->weak ? "scaled speedup" : "speedup");
    for (int i = 0; i < s->n_rows && i < MSC_SWEEP_ROWS; i++) {
        const msc_sweep_row *r = &s->rows[i];
        shared |= r->oversubscribed > 0;
        fprintf(f, "<tr><td class=\"n\">%d%s</td><td class=\"n\">%d</td><td class=\"n\">%d", r->p,
                r->oversubscribed > 0 ? "*" : "", r->nodes, r->wall.n);
        if (r->wall.outliers > 0)
            fprintf(f, " (%d outlier%s)", r->wall.outliers, r->wall.outliers == 1 ? "" : "s");
        fputs("</td><td class=\"n\">", f);
        put_num(f, r->wall.median, 6, "");
        fputs("</td><td class=\"n\">", f);
        put_num(f, r->wall.min, 6, "");
        fputs("</td><td class=\"n\">", f);
        put_num(f, r->wall.max, 6, "");
        fputs("</td><td class=\"n\">", f);
        put_num(f, r->speedup, 3, "");
        fputs("</td><td class=\"n\">", f);
        put_num(f, 100.0 * r->efficiency, 1, "%");
        fputs("</td><td class=\"n\">", f);
        put_num(f, r->karp_flatt, 4, "");
        fputs("</td><td class=\"n\">", f);
        put_num(f, 100.0 * r->imbalance, 2, "%");
        fprintf(f, "</td><td>%s</td><td><code>", r->verified ? "yes" : "<strong>NO</strong>");
        msc_html_escape(f, r->digest);
        fprintf(f, "</code>%s</td></tr>\n",
                r->digests > 1 ? " <strong>(differs between runs)</strong>" : "");
    }
    fputs("</tbody>\n</table>\n", f);
    if (shared)
        fputs("<p class=\"note\">* ranks shared cores at this p: the point measures the machine's "
              "time-sharing, not the program's scaling.</p>\n", f);
}

static void put_fits(FILE *f, const msc_sweep_summary *s)
{
    fprintf(f, "<ul class=\"fits\">\n<li>T1 = %.6f s, %s</li>\n", s->t1_s, msc_sweep_t1_source(s));
    if (s->weak) {
        const msc_gustafson_fit *g = &s->gustafson;
        fputs("<li>Gustafson: ", f);
        if (g->fit.ok) {
            fprintf(f, "serial fraction &alpha; = %.4f", g->alpha);
            put_interval(f, g->alpha_lo, g->alpha_hi);
            fprintf(f, " from %d runs", g->fit.n);
        } else {
            fputs("not fitted: ", f);
            msc_html_escape(f, g->fit.why);
        }
        fputs("</li>\n</ul>\n", f);
        return;
    }
    const msc_amdahl_fit *a = &s->amdahl;
    fputs("<li>Amdahl: ", f);
    if (a->fit.ok) {
        fprintf(f, "serial fraction f = %.4f", a->f);
        put_interval(f, a->f_lo, a->f_hi);
        fprintf(f, " from %d runs; ceiling 1/f = ", a->fit.n);
        if (isfinite(a->ceiling))
            fprintf(f, "%.1f&times;", a->ceiling);
        else
            fputs("none (f = 0)", f);
        if (a->fit.note[0]) {
            fputs("; note: ", f);
            msc_html_escape(f, a->fit.note);
        }
    } else {
        fputs("not fitted: ", f);
        msc_html_escape(f, a->fit.why);
    }
    const msc_usl_fit *u = &s->usl;
    fputs("</li>\n<li>USL: ", f);
    if (u->fit.ok) {
        fprintf(f, "contention &sigma; = %.4f", u->sigma);
        put_interval(f, u->sigma_lo, u->sigma_hi);
        fprintf(f, ", coherency &kappa; = %.3g", u->kappa);
        if (u->kappa_significant && isfinite(u->p_peak))
            fprintf(f, "; retrograde: the speedup peaks near p = %.0f", u->p_peak);
        if (u->fit.note[0]) {
            fputs("; note: ", f);
            msc_html_escape(f, u->fit.note);
        }
    } else {
        fputs("not fitted: ", f);
        msc_html_escape(f, u->fit.why);
    }
    fputs("</li>\n</ul>\n", f);
}

static const char *const caption[MSC_PLOT_COUNT] = {
    "Speedup against ranks p", "Efficiency against ranks p", "Wall time against ranks p (log-log)"};

static void put_plots(FILE *f, const msc_html_section *sec, const blob *svg)
{
    int any = 0;
    for (int k = 0; k < MSC_PLOT_COUNT; k++) any |= svg[k].data != NULL;
    if (!any) return;
    fputs("<div class=\"plots\">\n", f);
    for (int k = 0; k < MSC_PLOT_COUNT; k++) {
        if (svg[k].data == NULL) continue;
        fprintf(f, "<figure><img width=\"%d\" height=\"%d\" alt=\"%s", MSC_PLOT_WIDTH,
                MSC_PLOT_HEIGHT, caption[k]);
        if (sec->title != NULL && sec->title[0]) {
            fputs(": ", f);
            msc_html_escape(f, sec->title);
        }
        fputs("\" src=\"", f);
        put_data_uri(f, &svg[k]);
        fprintf(f, "\"><figcaption>%s</figcaption></figure>\n", caption[k]);
    }
    fputs("</div>\n", f);
}

static const char style[] =
    "body { font-family: sans-serif; color: #111; background: #fff; margin: 1.5em auto;"
    " max-width: 1100px; padding: 0 1em; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }\n"
    "th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; }\n"
    "th { background: #eee; }\n"
    "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "figure { display: inline-block; margin: 0.5em 0.5em 0.5em 0; }\n"
    "figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }\n"
    "figcaption, .note, footer { font-size: 0.85em; color: #333; }\n"
    "pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto;"
    " font-size: 0.85em; }\n"
    "footer { margin-top: 2em; border-top: 1px solid #ddd; padding-top: 0.5em; }\n";

msc_status msc_html_write(FILE *f, const char *page_title, const msc_html_section *sec, int n,
                          char *err, size_t len)
{
    if (f == NULL || n < 0 || (sec == NULL && n > 0))
        return msc_fail(MSC_ERR_USAGE, err, len, "html: no page to write (%d sections)", n);
    if (page_title == NULL) page_title = "mpiscale report";
    /* every plot first: a missing file must not leave half a page */
    blob *svg = (blob *)calloc((size_t)n * MSC_PLOT_COUNT + 1, sizeof *svg);
    if (svg == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "html: out of memory");
    msc_status st = MSC_OK;
    for (int i = 0; i < n && st == MSC_OK; i++)
        for (int k = 0; k < MSC_PLOT_COUNT && st == MSC_OK; k++)
            if (sec[i].plot_svg[k] != NULL)
                st = read_svg(sec[i].plot_svg[k], &svg[i * MSC_PLOT_COUNT + k], err, len);
    if (st == MSC_OK) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
        fprintf(f, "<meta name=\"generator\" content=\"mpiscale %s\">\n<title>", MSC_VERSION);
        msc_html_escape(f, page_title);
        fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
        msc_html_escape(f, page_title);
        fputs("</h1>\n", f);
        if (n > 1) { /* a table of contents */
            fputs("<nav><ol>\n", f);
            for (int i = 0; i < n; i++) {
                fprintf(f, "<li><a href=\"#g%d\">", i + 1);
                msc_html_escape(f, sec[i].title != NULL ? sec[i].title : "(untitled)");
                fputs("</a></li>\n", f);
            }
            fputs("</ol></nav>\n", f);
        }
        for (int i = 0; i < n; i++) {
            fprintf(f, "<section id=\"g%d\">\n<h2>", i + 1);
            msc_html_escape(f, sec[i].title != NULL ? sec[i].title : "(untitled)");
            fputs("</h2>\n", f);
            if (sec[i].sum != NULL) {
                fprintf(f, "<p>%s scaling, %d point%s.</p>\n", sec[i].sum->weak ? "Weak" : "Strong",
                        sec[i].sum->n_rows, sec[i].sum->n_rows == 1 ? "" : "s");
                put_table(f, sec[i].sum);
                put_fits(f, sec[i].sum);
            }
            put_plots(f, &sec[i], &svg[i * MSC_PLOT_COUNT]);
            if (sec[i].report_text != NULL) {
                fputs("<pre>", f);
                msc_html_escape(f, sec[i].report_text);
                fputs("</pre>\n", f);
            }
            fputs("</section>\n", f);
        }
        fprintf(f, "<footer>Written by mpiscale %s.</footer>\n</body>\n</html>\n", MSC_VERSION);
        if (fflush(f) != 0 || ferror(f))
            st = msc_fail(MSC_ERR_IO, err, len, "html: writing the page failed: %s", strerror(errno));
    }
    for (int i = 0; i < n * MSC_PLOT_COUNT; i++) free(svg[i].data);
    free(svg);
    return st;
}
