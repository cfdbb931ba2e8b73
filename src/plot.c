/* plot.c — gnuplot scripts for the plots of a scaling study, and one gnuplot run that renders them
 * all. The data travel inside the script (a data block), so there is no data file; the script
 * reaches gnuplot on a pipe and its stderr comes back as the error message. gnuplot writes the plots
 * under temporary names that replace the final ones only when every plot came out whole. Every
 * string put into a script is single-quoted, where gnuplot expands neither backslashes, `commands`
 * nor @macros. */
#include "mpiscale/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpiscale/atomic.h"
#include "mpiscale/cli.h"

extern char **environ;

const char *msc_plot_name(msc_plot_kind k)
{
    switch (k) {
    case MSC_PLOT_SPEEDUP: return "speedup";
    case MSC_PLOT_EFFICIENCY: return "efficiency";
    case MSC_PLOT_TIME: return "time";
    case MSC_PLOT_COUNT: break;
    }
    return "?";
}

/* ---- script text ----------------------------------------------------------------------------- */

/* The length of a Unicode bidirectional control (U+200E/F, U+202A-E, U+2066-9, U+061C) in UTF-8
 * at s, or 0: in a title it would reverse the text drawn in the image. */
static int bidi_len(const unsigned char *s)
{
    if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
        return 3;
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9) return 3;
    if (s[0] == 0xD8 && s[1] == 0x9C) return 2;
    return 0;
}

/* s as a single-quoted gnuplot string: ' doubles, control characters become spaces (a newline
 * would end the command); in text (not a file name) bidirectional controls become '?'. */
static void put_quoted_text(FILE *f, const char *s, int text)
{
    fputc('\'', f);
    for (; s != NULL && *s; s++) {
        const unsigned char c = (unsigned char)*s;
        const int bidi = text ? bidi_len((const unsigned char *)s) : 0;
        if (bidi > 0) {
            fputc('?', f);
            s += bidi - 1;
        } else if (c == '\'') {
            fputs("''", f);
        } else {
            fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
        }
    }
    fputc('\'', f);
}

static void put_quoted(FILE *f, const char *s)
{
    put_quoted_text(f, s, 1);
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
    return 0;
}

/* One plotted point: y at p, with its bar from lo to hi. */
typedef struct point {
    int p;
    double y, lo, hi;
} point;

/* The usable points of plot k in p order; returns their count. A bar end that is not finite (or
 * not positive on log axes) collapses onto y. */
static int collect(const msc_sweep_summary *s, msc_plot_kind k, point *pts)
{
    int n = 0;
    for (int i = 0; i < s->n_rows && i < MSC_SWEEP_ROWS; i++) {
        const msc_sweep_row *r = &s->rows[i];
        const double scale = s->weak ? r->p : 1.0; /* weak: the scaled speedup p T1 / T(p) */
        point q = {r->p, NAN, NAN, NAN};
        switch (k) {
        case MSC_PLOT_SPEEDUP:
        case MSC_PLOT_EFFICIENCY: {
            const double div = k == MSC_PLOT_EFFICIENCY ? r->p : 1.0;
            q.y = (k == MSC_PLOT_EFFICIENCY ? r->efficiency : r->speedup);
            if (isfinite(r->wall.max) && r->wall.max > 0.0)
                q.lo = scale * s->t1_s / r->wall.max / div; /* the slowest run's */
            if (isfinite(r->wall.min) && r->wall.min > 0.0)
                q.hi = scale * s->t1_s / r->wall.min / div; /* the fastest run's */
            break;
        }
        case MSC_PLOT_TIME:
            q.y = r->wall.median;
            q.lo = r->wall.min;
            q.hi = r->wall.max;
            if (!(q.y > 0.0)) continue;
            if (!(q.lo > 0.0)) q.lo = q.y;
            if (!(q.hi > 0.0)) q.hi = q.y;
            break;
        case MSC_PLOT_COUNT: return 0;
        }
        if (r->p < 1 || !isfinite(q.y)) continue;
        if (!isfinite(q.lo) || q.lo > q.y) q.lo = q.y;
        if (!isfinite(q.hi) || q.hi < q.y) q.hi = q.y;
        pts[n++] = q;
    }
    return n;
}

/* The curves a plot may carry beyond its points, decided once for all three kinds. */
typedef struct curves {
    int lines;       /* 2 or more usable points: ideal line and fits are drawn */
    int amdahl;      /* strong, fitted */
    int usl;         /* strong, fitted (speedup plot only) */
    int gustafson;   /* weak, fitted */
    int t1;          /* T1 usable (time plot's ideal and model lines) */
} curves;

static curves decide(const msc_sweep_summary *s, int n_points)
{
    curves c;
    memset(&c, 0, sizeof c);
    c.lines = n_points >= 2;
    if (!c.lines) return c;
    if (s->weak) {
        const msc_gustafson_fit *g = &s->gustafson;
        c.gustafson = g->fit.ok && isfinite(g->alpha);
    } else {
        const msc_amdahl_fit *a = &s->amdahl;
        const msc_usl_fit *u = &s->usl;
        c.amdahl = a->fit.ok && isfinite(a->f) && a->f >= 0.0 && a->f <= 1.0;
        c.usl = u->fit.ok && isfinite(u->sigma) && isfinite(u->kappa);
    }
    c.t1 = isfinite(s->t1_s) && s->t1_s > 0.0;
    return c;
}

/* The model's legend entry: "Amdahl fit: f = 0.3012 (95% interval 0.2950 to 0.3074)" etc. */
static void legend_model(FILE *f, const msc_sweep_summary *s)
{
    char buf[200];
    if (s->weak) {
        const msc_gustafson_fit *g = &s->gustafson;
        int m = snprintf(buf, sizeof buf, "Gustafson fit: alpha = %.4f", g->alpha);
        if (isfinite(g->alpha_lo) && isfinite(g->alpha_hi))
            snprintf(buf + m, sizeof buf - (size_t)m, " (95%% interval %.4f to %.4f)", g->alpha_lo,
                     g->alpha_hi);
    } else {
        const msc_amdahl_fit *a = &s->amdahl;
        int m = snprintf(buf, sizeof buf, "Amdahl fit: f = %.4f", a->f);
        if (isfinite(a->f_lo) && isfinite(a->f_hi))
            snprintf(buf + m, sizeof buf - (size_t)m, " (95%% interval %.4f to %.4f)", a->f_lo,
                     a->f_hi);
    }
    put_quoted(f, buf);
}

static void legend_usl(FILE *f, const msc_usl_fit *u)
{
    char buf[200];
    int m = snprintf(buf, sizeof buf, "USL fit: sigma = %.4f, kappa = %.3g", u->sigma, u->kappa);
    if (u->kappa_significant && isfinite(u->p_peak))
        snprintf(buf + m, sizeof buf - (size_t)m, ", peak at p = %.0f", u->p_peak);
    put_quoted(f, buf);
}

/* A function element of the plot command: "[x=a:b] expr with lines ... title '...'". */
static void fn_element(FILE *f, int *first, double a, double b, const char *expr, const char *rgb,
                       int dashed)
{
    fprintf(f, "%s[x=%.6g:%.6g] %s with lines %slw %s lc rgb '#%s' title ", *first ? "" : ", \\\n  ",
            a, b, expr, dashed ? "dt 2 " : "", dashed ? "1.5" : "2.5", rgb);
    *first = 0;
}

static const char *ylabel(const msc_sweep_summary *s, msc_plot_kind k)
{
    switch (k) {
    case MSC_PLOT_SPEEDUP: return s->weak ? "scaled speedup p T1 / T(p)" : "speedup T1 / T(p)";
    case MSC_PLOT_EFFICIENCY: return s->weak ? "efficiency (scaled speedup / p)" : "efficiency S / p";
    case MSC_PLOT_TIME: return "wall time T(p), seconds (median; bars: min to max)";
    case MSC_PLOT_COUNT: break;
    }
    return "";
}

static int terminal_line(FILE *f, const char *term)
{
    if (strcmp(term, "pngcairo") == 0)
        fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'sans-serif,11'\n",
                MSC_PLOT_WIDTH, MSC_PLOT_HEIGHT);
    else if (strcmp(term, "png") == 0) /* libgd: its own default font */
        fprintf(f, "set terminal png size %d,%d noenhanced\n", MSC_PLOT_WIDTH, MSC_PLOT_HEIGHT);
    else if (strcmp(term, "svg") == 0)
        fprintf(f, "set terminal svg size %d,%d fixed noenhanced font 'sans-serif,11' "
                   "background '#ffffff'\n", MSC_PLOT_WIDTH, MSC_PLOT_HEIGHT);
    else
        return 0;
    return 1;
}

/* Within three decades gnuplot would label only the powers of ten: label 1, 2 and 5 of each decade
 * instead, or 1 to 9 when that leaves fewer than three labels (gnuplot's own choice below two). */
static void log_tics(FILE *f, double lo, double hi)
{
    static const int steps[2][9] = {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
    static const int n_steps[2] = {3, 9};
    if (!(lo > 0.0) || !(hi / lo <= 1000.0)) return;
    const double first = pow(10.0, floor(log10(lo)));
    for (int w = 0; w < 2; w++) {
        int labels = 0;
        for (double d = first; d <= hi; d *= 10.0)
            for (int i = 0; i < n_steps[w]; i++) labels += steps[w][i] * d >= lo && steps[w][i] * d <= hi;
        if (labels < (w == 0 ? 3 : 2)) continue;
        const char *sep = "set ytics (";
        for (double d = first; d <= hi; d *= 10.0)
            for (int i = 0; i < n_steps[w]; i++) {
                const double v = steps[w][i] * d;
                if (v < lo || v > hi) continue;
                fprintf(f, "%s%.6g", sep, v);
                sep = ", ";
            }
        fprintf(f, ")\n");
        return;
    }
}

/* The plot command: the ideal line, the fitted curves, then the points (drawn on top). */
static void plot_command(FILE *f, const msc_sweep_summary *s, msc_plot_kind k, const curves *c,
                         double a0, double a1)
{
    /* the time plot's lines all need T1; "sample", which lets each function carry its own range,
     * must not stand before a data element alone */
    const int model = (c->amdahl || c->gustafson) && (k != MSC_PLOT_TIME || c->t1);
    const int fns = c->lines && (k != MSC_PLOT_TIME || c->t1);
    fprintf(f, "plot %s", fns ? "sample \\\n  " : "");
    int first = 1;
    if (c->lines) { /* the ideal line */
        if (k == MSC_PLOT_SPEEDUP) {
            fn_element(f, &first, a0, a1, "x", MSC_PLOT_RGB_IDEAL, 1);
            fprintf(f, "'ideal: S = p'");
        } else if (k == MSC_PLOT_EFFICIENCY) {
            fn_element(f, &first, a0, a1, "1", MSC_PLOT_RGB_IDEAL, 1);
            fprintf(f, "'ideal: E = 1'");
        } else if (c->t1) {
            fn_element(f, &first, a0, a1, s->weak ? "T1" : "T1 / x", MSC_PLOT_RGB_IDEAL, 1);
            fprintf(f, "%s", s->weak ? "'ideal: T1 (work grows with p)'" : "'ideal: T1 / p'");
        }
    }
    if (model) { /* the serial-fraction model */
        static const char *const strong[] = {"amdahl(x)", "amdahl(x) / x", "T1 / amdahl(x)"};
        static const char *const weak[] = {"gustafson(x)", "gustafson(x) / x",
                                           "x * T1 / gustafson(x)"};
        fn_element(f, &first, a0, a1, s->weak ? weak[k] : strong[k], MSC_PLOT_RGB_AMDAHL, 0);
        legend_model(f, s);
    }
    if (c->usl && k == MSC_PLOT_SPEEDUP) {
        fn_element(f, &first, a0, a1, "usl(x)", MSC_PLOT_RGB_USL, 0);
        legend_usl(f, &s->usl);
    }
    /* the measurements last, so they are drawn on top (the key is inverted: they head it) */
    fprintf(f, "%s$msc_data using 1:2:3:4 with yerrorlines pt 7 ps 1.3 lw 2.5 lc rgb '#%s' "
               "title 'measured: median, bars min to max'\n",
            first ? "" : ", \\\n  ", MSC_PLOT_RGB_MEASURED);
}

msc_status msc_plot_script(FILE *f, const msc_sweep_summary *s, const char *title, msc_plot_kind k,
                           const char *term, const char *out, char *err, size_t len)
{
    if (f == NULL || s == NULL || term == NULL || out == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "plot: missing argument");
    if ((int)k < 0 || k >= MSC_PLOT_COUNT)
        return msc_fail(MSC_ERR_USAGE, err, len, "plot: unknown plot kind %d", (int)k);
    if (s->n_rows < 1) return msc_fail(MSC_ERR_USAGE, err, len, "plot: the summary has no rows");
    if (strcmp(term, "pngcairo") != 0 && strcmp(term, "png") != 0 && strcmp(term, "svg") != 0)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "plot: unknown gnuplot terminal '%s' (pngcairo, png or svg)", term);
    if (out[0] == '\0' || has_control(out))
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "plot: output file name is empty or has control characters");

    point pts[MSC_SWEEP_ROWS];
    const int n = collect(s, k, pts);
    const curves c = decide(s, n);
    const int logs = k == MSC_PLOT_TIME;
    double pmin = n ? pts[0].p : 1, pmax = n ? pts[n - 1].p : 1, ymin = INFINITY, ymax = 0.0;
    for (int i = 0; i < n; i++) {
        if (pts[i].lo < ymin) ymin = pts[i].lo;
        if (pts[i].hi > ymax) ymax = pts[i].hi;
    }
    /* x: linear from 0 with room after the last p; log from a little below the first p. Lines are
     * sampled from p = 1 (or the first p) to the right edge. */
    const double xlo = logs ? pmin / 1.25 : 0.0;
    const double xhi = logs ? pmax * 1.25 : (pmax < 2 ? 2 : pmax) * 1.08 + 0.5;
    const double a0 = logs ? (pmin > 1 ? pmin : 1) : 1.0, a1 = xhi;
    const double t1 = s->t1_s;

    fprintf(f, "# mpiscale %s: %s against ranks p, for gnuplot 5; data inline\n", MSC_VERSION,
            msc_plot_name(k));
    fprintf(f, "reset session\n");
    terminal_line(f, term);
    fprintf(f, "set output ");
    put_quoted_text(f, out, 0);
    fprintf(f, "\nset encoding utf8\nset title ");
    put_quoted(f, title != NULL ? title : "");
    fprintf(f, "\nset xlabel 'ranks p'\nset ylabel ");
    put_quoted(f, ylabel(s, k));
    fprintf(f, "\nset grid\nset border lw 1\n");

    if (logs) {
        /* the ideal and model times at both ends of the sampled range belong in the y range */
        if (c.lines && c.t1) {
            const double ends[2] = {a0, a1};
            for (int e = 0; e < 2; e++) {
                double v[3] = {s->weak ? t1 : t1 / ends[e], NAN, NAN};
                if (c.amdahl) v[1] = t1 * (s->amdahl.f + (1.0 - s->amdahl.f) / ends[e]);
                if (c.gustafson)
                    v[2] = ends[e] * t1 / (ends[e] - s->gustafson.alpha * (ends[e] - 1.0));
                for (int j = 0; j < 3; j++) {
                    if (!(v[j] > 0.0) || !isfinite(v[j])) continue;
                    if (v[j] < ymin) ymin = v[j];
                    if (v[j] > ymax) ymax = v[j];
                }
            }
        }
        if (!(ymax > 0.0) || !isfinite(ymin)) ymin = 0.1, ymax = 10.0;
        fprintf(f, "set logscale x 2\nset logscale y 10\nset format y '%%g'\nset format x '%%g'\n");
        fprintf(f, "set key bottom left reverse Left box opaque invert\n");
        ymin /= 1.5;
        ymax *= 1.5;
        fprintf(f, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", xlo, xhi, ymin, ymax);
        log_tics(f, ymin, ymax);
    } else {
        double top;
        if (k == MSC_PLOT_EFFICIENCY) {
            top = 1.05 * ymax;
            if (top < 1.05) top = 1.05;
            fprintf(f, "set key bottom left reverse Left box opaque invert\n");
        } else {
            if (c.lines && xhi > ymax) ymax = xhi; /* the ideal line S = p */
            top = 1.08 * ymax;
            if (top < 1.0) top = 1.0;
            fprintf(f, "set key top left reverse Left box opaque invert\n");
        }
        fprintf(f, "set xrange [%.6g:%.6g]\nset yrange [0:%.6g]\n", xlo, xhi, top);
    }

    /* the data block */
    fprintf(f, "$msc_data << EOD\n# p  %s  bar_low  bar_high\n",
            k == MSC_PLOT_TIME ? "median_s" : k == MSC_PLOT_SPEEDUP ? "speedup" : "efficiency");
    for (int i = 0; i < n; i++)
        fprintf(f, "%d %.9g %.9g %.9g\n", pts[i].p, pts[i].y, pts[i].lo, pts[i].hi);
    fprintf(f, "EOD\n");

    /* parameters of the drawn curves */
    if (c.t1) fprintf(f, "T1 = %.17g\n", t1);
    if (c.amdahl) {
        fprintf(f, "f = %.17g\namdahl(x) = 1 / (f + (1 - f) / x)\n", s->amdahl.f);
    }
    if (c.gustafson)
        fprintf(f, "alpha = %.17g\ngustafson(x) = x - alpha * (x - 1)\n", s->gustafson.alpha);
    if (c.usl && k == MSC_PLOT_SPEEDUP)
        fprintf(f, "sigma = %.17g\nkappa = %.17g\nusl_d(x) = 1 + sigma * (x - 1) + kappa * x * (x - 1)\n"
                   "usl(x) = usl_d(x) > 0 ? x / usl_d(x) : NaN\n",
                s->usl.sigma, s->usl.kappa);

    if (n == 0)
        fprintf(f, "unset key\nset label 1 'no finite measurement to plot' at graph 0.5, graph 0.5 "
                   "center\nplot NaN notitle\n");
    else
        plot_command(f, s, k, &c, a0, a1);
    fprintf(f, "unset output\n");
    if (ferror(f)) return msc_fail(MSC_ERR_IO, err, len, "plot: writing the gnuplot script failed");
    return MSC_OK;
}

/* ---- running gnuplot ------------------------------------------------------------------------- */

/* The tail of gnuplot's stderr as one line: non-empty lines, trimmed, without the caret lines that
 * point into an echoed command, joined by " / ", ending with the last. */
static void summarise_stderr(const char *text, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (cap < 8) return;
    const char *end = text + strlen(text);
    size_t used = 0;
    int lines = 0;
    /* walk lines from the last backwards, prepending while they fit (at most 4 lines) */
    while (end > text && lines < 4) {
        const char *e = end;
        while (e > text && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
        const char *b = e;
        while (b > text && b[-1] != '\n') b--;
        end = b;
        const char *t = b;
        while (t < e && (*t == ' ' || *t == '\t')) t++;
        if (t == e) continue;
        int caret = 1;
        for (const char *q = t; q < e; q++)
            if (*q != '^' && *q != ' ' && *q != '\t') caret = 0;
        if (caret) continue;
        size_t n = (size_t)(e - t);
        const size_t sep = used ? 3 : 0;
        if (n + sep + used + 1 > cap) {
            if (used) break;
            n = cap - 1; /* the last line alone is too long: keep its start */
        }
        memmove(buf + n + sep, buf, used + 1);
        memcpy(buf, t, n);
        if (sep) memcpy(buf + n, " / ", 3);
        used += n + sep;
        lines++;
    }
}

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static pid_t wait_child(pid_t pid, int *status)
{
    pid_t r;
    do r = waitpid(pid, status, 0);
    while (r < 0 && errno == EINTR);
    return r;
}

/* Runs gnuplot on script[0..n) (read as a load file from its stdin, so that the first error ends
 * it). A forked child feeds the pipe, so a gnuplot that stops reading costs that child a SIGPIPE,
 * not the caller. */
static msc_status run_gnuplot(const char *script, size_t n, char *err, size_t len)
{
    const char *env = getenv("MSC_GNUPLOT");
    const char *prog = env != NULL && env[0] != '\0' ? env : "gnuplot";
    int in[2] = {-1, -1}, ep[2] = {-1, -1};
    if (pipe(in) != 0 || pipe(ep) != 0) {
        const int e = errno;
        close_fd(&in[0]), close_fd(&in[1]);
        return msc_fail(MSC_ERR_IO, err, len, "gnuplot: cannot create a pipe: %s", strerror(e));
    }
    for (int i = 0; i < 2; i++) {
        fcntl(in[i], F_SETFD, FD_CLOEXEC);
        fcntl(ep[i], F_SETFD, FD_CLOEXEC);
    }
    posix_spawn_file_actions_t fa;
    char *argv[3];
    argv[0] = (char *)prog;
    argv[1] = (char *)"/dev/stdin";
    argv[2] = NULL;
    pid_t pid = -1;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, ep[1], 1);
        if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
        if (rc == 0) rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    }
    close_fd(&in[0]);
    close_fd(&ep[1]);
    if (rc != 0) {
        close_fd(&in[1]);
        close_fd(&ep[0]);
        if (rc == ENOENT) {
            if (env != NULL && env[0] != '\0')
                return msc_fail(MSC_ERR_IO, err, len,
                                "gnuplot not found: MSC_GNUPLOT names '%s', which is not a program "
                                "(install Debian's gnuplot-nox, or set MSC_GNUPLOT to gnuplot's path)",
                                prog);
            return msc_fail(MSC_ERR_IO, err, len,
                            "gnuplot not found on PATH: install Debian's gnuplot-nox (apt-get install "
                            "gnuplot-nox), or set MSC_GNUPLOT to gnuplot's path");
        }
        return msc_fail(MSC_ERR_IO, err, len, "gnuplot: cannot run '%s': %s", prog, strerror(rc));
    }

    const pid_t feeder = fork();
    if (feeder == 0) { /* only async-signal-safe calls from here */
        close(ep[0]);
        size_t off = 0;
        while (off < n) {
            const ssize_t w = write(in[1], script + off, n - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    const int fork_errno = errno;
    close_fd(&in[1]); /* without a feeder, gnuplot reads an empty script and ends */

    /* gnuplot's stderr, keeping the last 16 KB */
    size_t cap = 16384, used = 0;
    char *text = (char *)malloc(cap + 1);
    char chunk[4096];
    for (;;) {
        const ssize_t r = read(ep[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (text == NULL) continue;
        size_t m = (size_t)r;
        if (m > cap) m = cap;
        if (used + m > cap) {
            memmove(text, text + (used + m - cap), cap - m);
            used = cap - m;
        }
        memcpy(text + used, chunk + ((size_t)r - m), m);
        used += m;
    }
    close_fd(&ep[0]);
    int status = 0, fstatus = 0;
    wait_child(pid, &status);
    if (feeder > 0) wait_child(feeder, &fstatus);
    if (text == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "gnuplot: out of memory");
    text[used] = '\0';
    msc_status st = MSC_OK;
    if (feeder < 0) {
        st = msc_fail(MSC_ERR_IO, err, len, "gnuplot: cannot fork: %s", strerror(fork_errno));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[512], how[64];
        summarise_stderr(text, why, sizeof why);
        if (WIFEXITED(status))
            snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
        else
            snprintf(how, sizeof how, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        st = msc_fail(MSC_ERR_IO, err, len, "gnuplot ('%s') failed (%s)%s%s", prog, how,
                      why[0] ? ": " : "", why);
    }
    free(text);
    return st;
}

/* 0 when the file at path is there, not empty and, as far as its end shows, whole (a PNG ends with
 * its IEND chunk, an SVG with its closing tag: a gnuplot that ran out of disk may still exit 0);
 * 1 when it is missing or empty, 2 when it is cut short. */
static int output_fault(const char *path, int png)
{
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0) return 1;
    FILE *f = fopen(path, "rb");
    if (f == NULL) return 1;
    unsigned char tail[64];
    const long want = sb.st_size < (off_t)sizeof tail ? (long)sb.st_size : (long)sizeof tail;
    size_t got = 0;
    if (fseek(f, -want, SEEK_END) == 0) got = fread(tail, 1, (size_t)want, f);
    fclose(f);
    if (got != (size_t)want) return 2;
    if (png)
        return got >= sizeof iend && memcmp(tail + got - sizeof iend, iend, sizeof iend) == 0 ? 0 : 2;
    for (size_t i = 0; i + 6 <= got; i++)
        if (memcmp(tail + i, "</svg>", 6) == 0) return 0;
    return 2;
}

/* The plots go to temporary files next to their final names (<final>.tmp.<pid>), which replace the
 * finals only when gnuplot exited 0 and wrote every one of them whole: a failure leaves the earlier
 * plots as they were and no temporary file behind. They are fsynced before the renames, and the
 * directory after them (atomic.h). */
msc_status msc_plot_write(const msc_sweep_summary *s, const char *title, const char *prefix,
                          char *err, size_t len)
{
    enum { N_OUT = MSC_PLOT_COUNT * 2 };
    static const char *const terms[2] = {"pngcairo", "svg"};
    static const char *const exts[2] = {".png", ".svg"};
    if (s == NULL || prefix == NULL) return msc_fail(MSC_ERR_USAGE, err, len, "plot: missing argument");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    const size_t plen = strlen(prefix) + 16; /* "efficiency.svg" and the NUL */
    const size_t tlen = plen + strlen(".tmp.") + strlen(pid);
    char *paths[N_OUT] = {NULL}, *tmps[N_OUT] = {NULL};
    char *script = NULL;
    size_t n = 0;
    msc_status st = MSC_OK;
    FILE *ms = open_memstream(&script, &n);
    if (ms == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "plot: out of memory");
    for (int k = 0; k < MSC_PLOT_COUNT && st == MSC_OK; k++) {
        for (int t = 0; t < 2 && st == MSC_OK; t++) {
            char *path = (char *)malloc(plen), *tmp = (char *)malloc(tlen);
            paths[2 * k + t] = path;
            tmps[2 * k + t] = tmp;
            if (path == NULL || tmp == NULL) {
                st = msc_fail(MSC_ERR_NOMEM, err, len, "plot: out of memory");
                break;
            }
            snprintf(path, plen, "%s%s%s", prefix, msc_plot_name((msc_plot_kind)k), exts[t]);
            snprintf(tmp, tlen, "%s.tmp.%s", path, pid);
            st = msc_plot_script(ms, s, title, (msc_plot_kind)k, terms[t], tmp, err, len);
        }
    }
    if (fclose(ms) != 0 && st == MSC_OK) st = msc_fail(MSC_ERR_NOMEM, err, len, "plot: out of memory");
    int ran = 0;
    if (st == MSC_OK) {
        /* a temporary file left by an earlier run of this pid must not pass for this run's */
        for (int i = 0; i < N_OUT; i++) unlink(tmps[i]);
        ran = 1;
        st = run_gnuplot(script, n, err, len);
    }
    for (int i = 0; st == MSC_OK && i < N_OUT; i++) {
        const int fault = output_fault(tmps[i], i % 2 == 0);
        if (fault == 1)
            st = msc_fail(MSC_ERR_IO, err, len, "gnuplot finished without writing '%s'", paths[i]);
        else if (fault == 2)
            st = msc_fail(MSC_ERR_IO, err, len, "gnuplot wrote '%s' incompletely (is the disk full?)",
                          paths[i]);
    }
    /* gnuplot does not fsync: without this a crash soon after the renames could leave empty plots */
    for (int i = 0; st == MSC_OK && i < N_OUT; i++) st = msc_atomic_sync_file(tmps[i], err, len);
    for (int i = 0; st == MSC_OK && i < N_OUT; i++)
        if (rename(tmps[i], paths[i]) != 0)
            st = msc_fail(MSC_ERR_IO, err, len, "plot: cannot replace '%s': %s", paths[i],
                          strerror(errno));
    if (st == MSC_OK) st = msc_atomic_sync_dir(paths[0], err, len); /* one prefix: one directory */
    if (ran && st != MSC_OK)
        for (int i = 0; i < N_OUT; i++) unlink(tmps[i]); /* renamed ones are gone already */
    for (int i = 0; i < N_OUT; i++) {
        free(paths[i]);
        free(tmps[i]);
    }
    free(script);
    return st;
}
