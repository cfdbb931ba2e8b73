/* plot.h — the plots of a scaling study (speedup, efficiency and time against p), as gnuplot
 * scripts with their data inline, and the run of gnuplot that turns them into PNG and SVG files.
 * The scripts are pure text; only msc_plot_write starts a process. No MPI. */
#ifndef MSC_PLOT_H
#define MSC_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "mpiscale/report.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_PLOT_WIDTH 800  /* pixels, PNG and SVG */
#define MSC_PLOT_HEIGHT 500

/* Fixed colours, so that a test can find the plots in a rendered page ("RRGGBB", no '#'). */
#define MSC_PLOT_RGB_MEASURED "0072B2" /* measured points and their min-max bars */
#define MSC_PLOT_RGB_AMDAHL "D55E00"   /* the fitted serial-fraction model: Amdahl (strong) or
                                          Gustafson (weak) */
#define MSC_PLOT_RGB_USL "009E73"      /* the fitted Universal Scalability Law */
#define MSC_PLOT_RGB_IDEAL "888888"    /* the ideal line, dashed */

typedef enum msc_plot_kind {
    MSC_PLOT_SPEEDUP = 0, /* speedup (weak: scaled speedup) against p */
    MSC_PLOT_EFFICIENCY,  /* efficiency against p */
    MSC_PLOT_TIME,        /* median wall time against p, log-log */
    MSC_PLOT_COUNT
} msc_plot_kind;

/* "speedup", "efficiency", "time"; "?" for a value out of range. Used in file names. */
const char *msc_plot_name(msc_plot_kind k);

/* Writes a self-contained gnuplot script for plot k of s to f: terminal `term` ("pngcairo", "png"
 * or "svg") at MSC_PLOT_WIDTH x MSC_PLOT_HEIGHT, output file `out`, `title` as the plot's title
 * (NULL for none), the measurements as an inline data block. Speedup: the median with bars from the
 * min and max times, the ideal S = p, Amdahl's and the USL's fitted curves when fitted (weak: the
 * scaled speedup and Gustafson's line). Efficiency: measured, the ideal 1 and the Amdahl (weak:
 * Gustafson) prediction, y from 0 to max(1.05, data). Time: median with min-max bars, the ideal
 * T1/p (weak: T1) and the fitted model's time, log-log. Rows with a non-finite or (on log axes)
 * non-positive value are left out; a summary with one usable row gets its points only, no lines.
 * MSC_ERR_USAGE for an unknown term, an out or s without rows, or an out with control characters;
 * MSC_ERR_IO when writing to f fails. */
msc_status msc_plot_script(FILE *f, const msc_sweep_summary *s, const char *title, msc_plot_kind k,
                           const char *term, const char *out, char *err, size_t len);

/* Runs gnuplot — the program named by $MSC_GNUPLOT (a name looked up on PATH, or a path), else
 * "gnuplot" on PATH — once, feeding it the scripts of every kind for the terminals "pngcairo" and
 * "svg", which make <prefix><name>.png and <prefix><name>.svg. gnuplot writes them under temporary
 * names in the same directory (<final>.tmp.<pid>); only when it exited 0 and every temporary file
 * is there, not empty and whole (a PNG ends with IEND, an SVG with </svg>) are they renamed over
 * the final names, replacing earlier files. On any failure every temporary file is removed and the
 * earlier files stay as they were (should a rename itself fail, the files renamed before it are the
 * new ones: each file is still whole). MSC_ERR_IO with the reason: gnuplot not found (install
 * Debian's gnuplot-nox), gnuplot's own error message and exit status, an output file missing, empty
 * or cut short afterwards, a rename that failed; MSC_ERR_USAGE as msc_plot_script, MSC_ERR_NOMEM. */
msc_status msc_plot_write(const msc_sweep_summary *s, const char *title, const char *prefix,
                          char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_PLOT_H */
