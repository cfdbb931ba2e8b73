/* html.h — one self-contained HTML5 page for a scaling study: per group a table, the fits, the plots
 * (SVG files embedded as base64 data: URIs) and the text report; no external resource, no script.
 * Also the base64 encoder and the HTML text escaper it is built from. No MPI. */
#ifndef MSC_HTML_H
#define MSC_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "mpiscale/plot.h"
#include "mpiscale/report.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msc_html_section {
    const char *title;                    /* group heading, e.g. "amdahl serial=0.3 [0, 2000000) strong" */
    const msc_sweep_summary *sum;         /* the table and the fits; NULL = none */
    const char *report_text;              /* the text report of this group (table, fits, warnings,
                                             planner), shown in <pre>; NULL = none */
    const char *plot_svg[MSC_PLOT_COUNT]; /* paths of the SVGs to inline, by msc_plot_kind; NULL = no plot */
} msc_html_section;

/* Writes one HTML5 page (UTF-8) to f: page_title (NULL: "mpiscale report"), then for each of
 * sec[0..n) its title, table (p, nodes, runs, wall median/min/max, speedup, efficiency, Karp–Flatt,
 * imbalance, verified, digest), fits, plots as <img> with alt text and a data:image/svg+xml;base64
 * source, and report text; a footer with the mpiscale version. Every plot file is read before
 * anything is written. MSC_ERR_USAGE for n < 0 or sec NULL with n > 0; MSC_ERR_IO when a plot
 * cannot be read or is not SVG (naming the file) or writing to f fails; MSC_ERR_NOMEM. */
msc_status msc_html_write(FILE *f, const char *page_title, const msc_html_section *sec, int n,
                          char *err, size_t len);

/* Writes s to f as HTML text: & < > " ' become entities, invalid UTF-8 bytes and control characters
 * other than tab, newline and carriage return become U+FFFD (one per byte), and so do the Unicode
 * bidirectional formatting characters U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069 (one
 * per character), which would otherwise reorder the page's text. NULL writes nothing. */
void msc_html_escape(FILE *f, const char *s);

/* Length of the base64 encoding (RFC 4648, padded) of n bytes, without a terminating NUL. */
size_t msc_base64_len(size_t n);

/* Encodes in[0..n) as RFC 4648 base64 with '=' padding and no line breaks into out, which must hold
 * msc_base64_len(n) + 1 bytes; NUL-terminates and returns the length. */
size_t msc_base64_encode(const void *in, size_t n, char *out);

#ifdef __cplusplus
}
#endif
#endif /* MSC_HTML_H */
