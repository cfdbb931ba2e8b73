/* report_main.c — mpiscale-report, the study analyser: reads the JSON Lines that mpiscale runs
 * wrote (one in-launch sweep, or one job per rank count), groups the runs into studies, and writes
 * the same table and fits as an in-launch sweep, as text, CSV, Markdown, Extra-P input, gnuplot
 * plots and one self-contained HTML page. No MPI: it runs on a login node or a laptop. Every output
 * file is written whole or not at all (a temporary file renamed over it). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpiscale/atomic.h"
#include "mpiscale/cli.h"
#include "mpiscale/html.h"
#include "mpiscale/journal.h"
#include "mpiscale/outcome.h"
#include "mpiscale/plot.h"
#include "mpiscale/report.h"
#include "mpiscale/study.h"

#define PROG "mpiscale-report"
#define MAX_SHOWN_BAD 20 /* malformed lines reported one by one before a count */

typedef struct report_opts {
    const char *settle, *launcher_log; /* --settle STATUS, --launcher-log FILE */
    int launcher_exit;                 /* --launcher-exit N, -1 unknown */
    const char *csv, *markdown, *extrap, *plots, *html;
    double target_speedup, min_efficiency;
    int skip_malformed, quiet;
    char **files;
    int n_files;
} report_opts;

static void help(FILE *f)
{
    fprintf(f,
"Usage: %s [options] FILE...\n"
"       %s --settle STATUS [--launcher-exit N] [--launcher-log FILE]\n"
"\n"
"Reads the JSON Lines records that `mpiscale --json FILE` writes (any number of files: one\n"
"in-launch sweep, or one job per rank count; '-' is standard input), groups the runs into studies\n"
"— the same kernel, parameters, range and mode (strong, or --weak with the 1-rank range) — and\n"
"reports per study the table by rank count (median, min, max job time, speedup, efficiency,\n"
"Karp-Flatt e(p), imbalance, digest), the fitted Amdahl, USL or Gustafson model with 95%%\n"
"intervals, warnings, and the what-if planner: the same code and text as `mpiscale --sweep`.\n"
"Runs that did not complete or failed verification are left out and counted. Runs of one study\n"
"that differ in segments, schedule kind, --slow-rank, kernel version, compiler or MPI library are\n"
"refused, saying which differs, and so is a run read twice (the same run in two files).\n"
"\n"
"Options:\n"
"  Every FILE output is written whole or not at all; '-' writes it to stdout.\n"
"      --csv FILE            the tables as CSV: one row per study and rank count, with the\n"
"                            fitted parameters and the model's predicted speedup\n"
"      --markdown FILE       the tables and fits as Markdown (for a wiki or a pull request)\n"
"      --extrap FILE         every run as Extra-P JSON Lines input ({\"params\":{\"p\":P},\n"
"                            \"callpath\":STUDY,\"metric\":\"time\",\"value\":SECONDS}); load it\n"
"                            in Extra-P to fit its performance models. Extra-P needs every study\n"
"                            at the same rank counts: give one study's files when they differ\n"
"      --plots PREFIX        plots per study through gnuplot (Debian: gnuplot-nox), PNG and SVG,\n"
"                            %dx%d: PREFIX<study>-speedup (with the ideal line and the fitted\n"
"                            Amdahl and USL curves), -efficiency, -time (log-log). A PREFIX\n"
"                            ending in '/' is a directory, made if missing. gnuplot is looked\n"
"                            up on PATH, or named by the environment variable MSC_GNUPLOT\n"
"      --html FILE           one self-contained page (tables, fits, warnings, plots inline): the\n"
"                            file to send a collaborator. Needs gnuplot\n"
"      --target-speedup X    planner: the ranks needed for speedup X (> 1)\n"
"      --min-efficiency E    planner: the most ranks keeping efficiency >= E (0 < E <= 1)\n"
"      --skip-malformed      leave out lines that are not run records (each is still reported\n"
"                            on stderr as FILE:LINE: reason); without it they are an error\n"
"  -q, --quiet               no text report on stdout\n"
"  -h, --help                this text\n"
"      --version             print the version\n"
"\n"
"Exit status: 0 done; 2 bad options or input (malformed line, incompatible runs, no record);\n"
"3 an output could not be written (or gnuplot failed); 70 internal error.\n"
"\n"
"Examples:\n"
"  mpirun -np 8 mpiscale --kernel pi --sweep pow2 --repeat 5 --json study.jsonl\n"
"  %s study.jsonl --html study.html --plots plots/\n"
"  %s job-p*.jsonl --csv table.csv --markdown table.md --extrap extrap.jsonl\n",
            PROG, PROG, MSC_PLOT_WIDTH, MSC_PLOT_HEIGHT, PROG, PROG);
    fprintf(f,
"\n"
"Settling a run's verdict (job scripts, after mpirun returns):\n"
"      --settle STATUS       read the status file mpiscale writes (--status, or CHECKPOINT.status).\n"
"                            If it still says \"running\", mpiscale never wrote its verdict: the\n"
"                            run was killed (a signal, a timeout, a rank that died, mpirun\n"
"                            itself). Then the file is rewritten with the truth: \"failed\" when\n"
"                            the launcher's log names a rank that died (which rank, its signal or\n"
"                            exit code), otherwise \"interrupted\"; with how many segments the\n"
"                            checkpoint journal holds (a rerun resumes from them). A missing\n"
"                            status file becomes \"failed\" (mpiscale did not start). Prints one\n"
"                            line, STATE: message, and exits with the state's code: 0 complete,\n"
"                            75 interrupted (resumable), 2 invalid input, else the failure's code\n"
"      --launcher-exit N     mpirun's (or srun's) exit code, for the message\n"
"      --launcher-log FILE   mpirun's stderr, searched for the rank that died\n");
}

/* A number that is all of `text`, or MSC_ERR_USAGE. */
static msc_status parse_real(const char *opt, const char *text, double *out, char *err, size_t len)
{
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(*out))
        return msc_fail(MSC_ERR_USAGE, err, len, "%s: '%s' is not a number", opt, text);
    return MSC_OK;
}

static msc_status parse_args(int argc, char **argv, report_opts *o, int *done, char *err, size_t len)
{
    enum { O_CSV = 256, O_MD, O_EXTRAP, O_PLOTS, O_HTML, O_TARGET, O_MINEFF, O_SKIP, O_VERSION,
           O_SETTLE, O_LEXIT, O_LLOG };
    static const struct option longs[] = {
        {"csv", required_argument, NULL, O_CSV},
        {"markdown", required_argument, NULL, O_MD},
        {"extrap", required_argument, NULL, O_EXTRAP},
        {"plots", required_argument, NULL, O_PLOTS},
        {"html", required_argument, NULL, O_HTML},
        {"target-speedup", required_argument, NULL, O_TARGET},
        {"min-efficiency", required_argument, NULL, O_MINEFF},
        {"skip-malformed", no_argument, NULL, O_SKIP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, O_VERSION},
        {"settle", required_argument, NULL, O_SETTLE},
        {"launcher-exit", required_argument, NULL, O_LEXIT},
        {"launcher-log", required_argument, NULL, O_LLOG},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->launcher_exit = -1;
    *done = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", longs, NULL)) != -1) {
        msc_status st = MSC_OK;
        switch (c) {
        case O_SETTLE: o->settle = optarg; break;
        case O_LLOG: o->launcher_log = optarg; break;
        case O_LEXIT: {
            char *end = NULL;
            errno = 0;
            const long v = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || v < 0 || v > 255)
                st = msc_fail(MSC_ERR_USAGE, err, len, "--launcher-exit: '%s': must be an exit code, 0 to 255",
                              optarg);
            o->launcher_exit = (int)v;
            break;
        }
        case O_CSV: o->csv = optarg; break;
        case O_MD: o->markdown = optarg; break;
        case O_EXTRAP: o->extrap = optarg; break;
        case O_PLOTS: o->plots = optarg; break;
        case O_HTML: o->html = optarg; break;
        case O_TARGET:
            if ((st = parse_real("--target-speedup", optarg, &o->target_speedup, err, len)) == MSC_OK &&
                !(o->target_speedup > 1.0))
                st = msc_fail(MSC_ERR_USAGE, err, len, "--target-speedup: '%s': must be greater than 1",
                              optarg);
            break;
        case O_MINEFF:
            if ((st = parse_real("--min-efficiency", optarg, &o->min_efficiency, err, len)) == MSC_OK &&
                !(o->min_efficiency > 0.0 && o->min_efficiency <= 1.0))
                st = msc_fail(MSC_ERR_USAGE, err, len, "--min-efficiency: '%s': must be in (0, 1]", optarg);
            break;
        case O_SKIP: o->skip_malformed = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h':
            help(stdout);
            *done = 1;
            return MSC_OK;
        case O_VERSION:
            printf("%s %s\n", PROG, MSC_VERSION);
            *done = 1;
            return MSC_OK;
        case ':':
            return msc_fail(MSC_ERR_USAGE, err, len, "%s: needs a value (see --help)", argv[optind - 1]);
        default:
            return msc_fail(MSC_ERR_USAGE, err, len, "%s: unknown option (see --help)", argv[optind - 1]);
        }
        if (st != MSC_OK) return st;
    }
    o->files = argv + optind;
    o->n_files = argc - optind;
    if (o->settle != NULL) {
        if (o->n_files > 0)
            return msc_fail(MSC_ERR_USAGE, err, len, "--settle: '%s': no input files with --settle", o->files[0]);
        return MSC_OK;
    }
    if (o->launcher_exit >= 0 || o->launcher_log != NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "--launcher-exit and --launcher-log: only with --settle");
    if (o->n_files == 0)
        return msc_fail(MSC_ERR_USAGE, err, len, "no input file: give the JSON Lines files of mpiscale "
                                                 "runs (mpiscale --json FILE), or '-' for stdin");
    int stdin_seen = 0;
    for (int i = 0; i < o->n_files; i++) {
        stdin_seen += strcmp(o->files[i], "-") == 0;
        for (int j = 0; j < i; j++)
            if (strcmp(o->files[i], "-") != 0 && msc_output_same(o->files[i], o->files[j]))
                return msc_fail(MSC_ERR_USAGE, err, len,
                                "'%s' is given twice (as '%s'): its runs would count twice",
                                o->files[i], o->files[j]);
    }
    if (stdin_seen > 1) return msc_fail(MSC_ERR_USAGE, err, len, "'-' (stdin) is given twice");
    const char *outs[] = {o->csv, o->markdown, o->extrap, o->html};
    const char *names[] = {"--csv", "--markdown", "--extrap", "--html"};
    for (int i = 0; i < 4; i++)
        for (int j = 0; outs[i] != NULL && j < o->n_files; j++)
            if (strcmp(o->files[j], "-") != 0 && msc_output_same(outs[i], o->files[j]))
                return msc_fail(MSC_ERR_USAGE, err, len, "%s: '%s' is an input file: it would be overwritten",
                                names[i], outs[i]);
    return MSC_OK;
}

/* Reads every file into the set. Malformed lines go to stderr as FILE:LINE: reason; they stop the
 * run (MSC_ERR_USAGE) after the whole input was checked, unless skipped. */
static msc_status read_inputs(const report_opts *o, msc_study_set *set, char *err, size_t len)
{
    char *line = NULL;
    size_t cap = 0;
    msc_status st = MSC_OK;
    for (int i = 0; i < o->n_files && st == MSC_OK; i++) {
        const int is_stdin = strcmp(o->files[i], "-") == 0;
        FILE *f = is_stdin ? stdin : fopen(o->files[i], "r");
        if (f == NULL) {
            st = msc_fail(MSC_ERR_USAGE, err, len, "'%s': %s", o->files[i], strerror(errno));
            break;
        }
        const char *name = is_stdin ? "(stdin)" : o->files[i];
        int64_t no = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) >= 0) {
            no++;
            if ((size_t)n != strlen(line)) { /* a NUL byte: a damaged or binary file */
                if (set->malformed++ < MAX_SHOWN_BAD)
                    fprintf(stderr, "%s: %s:%lld: a NUL byte: not a text line\n", PROG, name, (long long)no);
                continue;
            }
            char why[512];
            const int64_t bad_before = set->malformed;
            /* a UTF-8 byte-order mark, which some editors put first, is not part of the JSON */
            const char *text = no == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line;
            msc_status ls = msc_study_add_line(set, text, name, no, why, sizeof why);
            for (char *c = why; *c; c++) /* a damaged line's bytes quoted back: no terminal controls */
                if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
            if (ls == MSC_ERR_USAGE && set->malformed == bad_before) {
                st = msc_fail(ls, err, len, "%s", why); /* incompatible or repeated runs: never skipped */
                break;
            }
            if (ls == MSC_ERR_USAGE) {
                if (set->malformed <= MAX_SHOWN_BAD) fprintf(stderr, "%s: %s\n", PROG, why);
                continue;
            }
            if (ls != MSC_OK) {
                st = msc_fail(ls, err, len, "%s", why);
                break;
            }
        }
        if (st == MSC_OK && ferror(f))
            st = msc_fail(MSC_ERR_USAGE, err, len, "'%s': read error: %s", name, strerror(errno));
        if (!is_stdin) fclose(f);
    }
    free(line);
    if (st != MSC_OK) return st;
    if (set->malformed > MAX_SHOWN_BAD)
        fprintf(stderr, "%s: ... %lld malformed lines in all\n", PROG, (long long)set->malformed);
    if (set->malformed > 0 && !o->skip_malformed)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "%lld line%s above %s: fix or remove %s, or pass --skip-malformed to "
                        "analyse the rest",
                        (long long)set->malformed, set->malformed == 1 ? "" : "s",
                        set->malformed == 1 ? "is not a run record" : "are not run records",
                        set->malformed == 1 ? "it" : "them");
    if (set->records == 0)
        return msc_fail(MSC_ERR_USAGE, err, len, "no run record in the input: write some with "
                                                 "mpiscale --json FILE");
    return MSC_OK;
}

/* ---- outputs ---------------------------------------------------------------------------------- */

/* Writes n bytes to f and flushes; 1 when all went. */
static int write_all(FILE *f, const char *data, size_t n)
{
    return fwrite(data, 1, n, f) == n && fflush(f) == 0;
}

/* Writes `data` to path whole or not at all: msc_atomic_write (atomic.h) puts it in a temporary
 * file in the same directory, fsynced and renamed over path, so a reader sees the old file or the
 * new one, never a part; it follows a symbolic link (the file it names is replaced, the link stays)
 * and writes a pipe or a device directly. "-" is stdout. */
static msc_status write_whole(const char *given, const char *data, size_t n, char *err, size_t len)
{
    if (strcmp(given, "-") == 0)
        return write_all(stdout, data, n) ? MSC_OK
                                          : msc_fail(MSC_ERR_IO, err, len, "stdout: %s", strerror(errno));
    return msc_atomic_write(given, data, n, err, len);
}

/* What one renderer writes, captured in memory. */
typedef struct capture {
    char *data;
    size_t n;
    FILE *f;
} capture;

static msc_status capture_open(capture *c, char *err, size_t len)
{
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->data, &c->n);
    return c->f != NULL ? MSC_OK : msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
}

/* Closes the stream; the text stays in c->data (free it). */
static msc_status capture_close(capture *c, char *err, size_t len)
{
    const int bad_write = ferror(c->f);
    if (fclose(c->f) != 0 || bad_write) {
        free(c->data);
        c->data = NULL;
        return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    }
    return MSC_OK;
}

static msc_status write_table(const char *path, const msc_study_set *set, int kind, char *err, size_t len)
{
    capture c;
    msc_status st = capture_open(&c, err, len);
    if (st != MSC_OK) return st;
    if (kind == 0) msc_study_csv(c.f, set);
    if (kind == 1) msc_study_markdown(c.f, set);
    msc_status w = kind == 2 ? msc_study_extrap(c.f, set, err, len) : MSC_OK;
    st = capture_close(&c, err, len);
    if (st == MSC_OK) st = w;
    if (st == MSC_OK) st = write_whole(path, c.data, c.n, err, len);
    free(c.data);
    return st;
}

/* The plot prefix of study s under `base`: base + slug + "-". */
static msc_status plot_prefix(const char *base, const msc_study *s, char *out, size_t size, char *err,
                              size_t len)
{
    if (snprintf(out, size, "%s%s-", base, s->slug) >= (int)size)
        return msc_fail(MSC_ERR_IO, err, len, "--plots: '%s': path too long", base);
    return MSC_OK;
}

/* Makes the directory of a prefix ending in '/', and its parents (as mkdir -p), so --plots
 * plots/ just works. */
static msc_status prefix_dir(const char *prefix, char *err, size_t len)
{
    const size_t n = strlen(prefix);
    if (n == 0 || prefix[n - 1] != '/') return MSC_OK;
    char dir[4096];
    if (n >= sizeof dir) return msc_fail(MSC_ERR_IO, err, len, "--plots: '%s': path too long", prefix);
    memcpy(dir, prefix, n);
    dir[n] = '\0';
    for (size_t i = 1; i < n; i++) { /* each '/' ends a directory to make */
        if (dir[i] != '/') continue;
        dir[i] = '\0';
        struct stat sb;
        if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0 && errno != EEXIST)
            return msc_fail(MSC_ERR_IO, err, len, "--plots: cannot make '%s': %s", dir, strerror(errno));
        dir[i] = '/';
    }
    return MSC_OK;
}

static msc_status write_plots(const char *base, const msc_study_set *set, char *err, size_t len)
{
    msc_status st = prefix_dir(base, err, len);
    for (int i = 0; i < set->n && st == MSC_OK; i++) {
        if (!set->v[i].summarised) continue;
        char prefix[4096], why[512];
        if ((st = plot_prefix(base, &set->v[i], prefix, sizeof prefix, err, len)) != MSC_OK) break;
        if ((st = msc_plot_write(&set->v[i].sum, set->v[i].title, prefix, why, sizeof why)) != MSC_OK)
            msc_fail(st, err, len, "--plots: %s", why);
    }
    return st;
}

/* Removes the plots a temporary directory holds, then the directory. */
static void remove_plots(const char *dir, const msc_study_set *set)
{
    for (int i = 0; i < set->n; i++)
        for (int k = 0; k < MSC_PLOT_COUNT; k++) {
            char path[4096];
            const char *kind = msc_plot_name((msc_plot_kind)k);
            if (snprintf(path, sizeof path, "%s/%s-%s.png", dir, set->v[i].slug, kind) < (int)sizeof path)
                remove(path);
            if (snprintf(path, sizeof path, "%s/%s-%s.svg", dir, set->v[i].slug, kind) < (int)sizeof path)
                remove(path);
        }
    rmdir(dir);
}

static msc_status write_html(const report_opts *o, const msc_study_set *set, char *err, size_t len)
{
    /* The page inlines the SVGs: from --plots when given, else drawn into a temporary directory. */
    char tmpdir[4096] = "", base[4096];
    msc_status st = MSC_OK;
    if (o->plots != NULL) {
        snprintf(base, sizeof base, "%s", o->plots);
    } else {
        const char *t = getenv("TMPDIR");
        if (snprintf(tmpdir, sizeof tmpdir - 1, "%s/mpiscale-report.XXXXXX", t != NULL && *t ? t : "/tmp") >=
                (int)sizeof tmpdir - 1 ||
            mkdtemp(tmpdir) == NULL)
            return msc_fail(MSC_ERR_IO, err, len, "--html: cannot make a temporary directory: %s",
                            strerror(errno));
        const size_t n = strlen(tmpdir); /* at most sizeof tmpdir - 2: room for the '/' */
        memcpy(base, tmpdir, n);
        base[n] = '/';
        base[n + 1] = '\0';
        st = write_plots(base, set, err, len);
    }
    msc_html_section *sec = (msc_html_section *)calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *sec);
    char **texts = (char **)calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *texts);
    char (*paths)[MSC_PLOT_COUNT][4096] =
        (char (*)[MSC_PLOT_COUNT][4096])calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *paths);
    if (sec == NULL || texts == NULL || paths == NULL) st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    int n = 0;
    for (int i = 0; i < set->n && st == MSC_OK; i++) {
        const msc_study *s = &set->v[i];
        capture c;
        if ((st = capture_open(&c, err, len)) != MSC_OK) break;
        msc_study_text(c.f, s, i, set->n);
        if ((st = capture_close(&c, err, len)) != MSC_OK) break;
        texts[i] = c.data;
        sec[n].title = s->title;
        sec[n].sum = s->summarised ? &s->sum : NULL;
        sec[n].report_text = texts[i];
        char prefix[4096];
        if (s->summarised && (st = plot_prefix(base, s, prefix, sizeof prefix, err, len)) == MSC_OK)
            for (int k = 0; k < MSC_PLOT_COUNT && st == MSC_OK; k++) {
                if (snprintf(paths[i][k], sizeof paths[i][k], "%s%s.svg", prefix,
                             msc_plot_name((msc_plot_kind)k)) >= (int)sizeof paths[i][k])
                    st = msc_fail(MSC_ERR_IO, err, len, "--html: '%s': path too long", prefix);
                sec[n].plot_svg[k] = paths[i][k];
            }
        n++;
    }
    if (st == MSC_OK) {
        capture c;
        char why[512];
        if ((st = capture_open(&c, err, len)) == MSC_OK) {
            msc_status w = msc_html_write(c.f, "mpiscale scaling report", sec, n, why, sizeof why);
            st = capture_close(&c, err, len);
            if (st == MSC_OK && w != MSC_OK) st = msc_fail(w, err, len, "--html: %s", why);
            if (st == MSC_OK) st = write_whole(o->html, c.data, c.n, err, len);
            free(c.data);
        }
    }
    for (int i = 0; texts != NULL && i < set->n; i++) free(texts[i]);
    free(texts);
    free(sec);
    free(paths);
    if (tmpdir[0]) remove_plots(tmpdir, set);
    return st;
}

/* ---- --settle ---------------------------------------------------------------------------------- */

/* srun's word for how a task ended ("srun: error: HOST: task 1: Killed", "tasks 0-3: Exited
 * with exit code 2"), from ": task" on. Fills the rank (the first of a range), its signal or exit
 * code and why; returns 0 for an exit with 75 (a graceful stop) or anything else it does not know. */
static int srun_task_died(const char *at, int *rank, int *sig, int *code, char *why, size_t len)
{
    static const struct {
        const char *word;
        int sig;
    } deaths[] = {{"Killed", 9}, {"Segmentation fault", 11}, {"Aborted", 6}, {"Terminated", 15},
                  {"Bus error", 7}, {"Floating point exception", 8}, {"Hangup", 1}, {"Interrupt", 2}};
    const char *p = at + strlen(": task");
    if (*p == 's') p++;
    while (*p == ' ') p++;
    if (*p < '0' || *p > '9') return 0;
    const int r = atoi(p);
    const char *what = strstr(p, ": ");
    if (what == NULL) return 0;
    what += 2;
    int c = 0;
    if (sscanf(what, "Exited with exit code %d", &c) == 1) {
        if (c == 0 || c == MSC_EXIT_RESUMABLE) return 0;
        *rank = r;
        *code = c;
        snprintf(why, len, "rank %d exited with code %d without finishing", r, c);
        return 1;
    }
    for (size_t i = 0; i < sizeof deaths / sizeof deaths[0]; i++) {
        if (strncmp(what, deaths[i].word, strlen(deaths[i].word)) == 0) {
            *rank = r;
            *sig = deaths[i].sig;
            snprintf(why, len, "rank %d was killed by signal %d (%s)", r, deaths[i].sig, deaths[i].word);
            return 1;
        }
    }
    return 0;
}

/* Searches mpirun's stderr for the rank that died: Open MPI 4.1 writes "mpirun noticed that process
 * rank R with PID N on node H exited on signal S (Name)." or, for an exit code, "Process name:
 * [[J,1],R]" followed by "Exit code: C"; srun writes "srun: error: HOST: task R: Killed"; a node
 * whose daemon died or whose network went away is "ORTE has lost communication with a remote
 * daemon" with "Remote daemon: [[J,0],D] on node H". Returns 1 and fills what it found. */
static int rank_that_died(const char *log, int *rank, int *sig, int *code, char *why, size_t len)
{
    FILE *f = fopen(log, "r");
    char *line = NULL;
    size_t cap = 0;
    int found = 0, pending_rank = -1, garbled = 0, lost_daemon = 0;
    if (f == NULL) return 0;
    while (!found && getline(&line, &cap, f) >= 0) {
        const char *at = NULL;
        char name[64] = "";
        int r = -1, s = 0;
        long pid = 0;
        if ((at = strstr(line, "MPI_ABORT was invoked on rank ")) != NULL &&
            sscanf(at, "MPI_ABORT was invoked on rank %d", &r) == 1) {
            *rank = r;
            snprintf(why, len, "rank %d called MPI_Abort", r);
            found = 1;
        } else if (strstr(line, "ORTE_ERROR_LOG") != NULL && strstr(line, "show_help.c") != NULL) {
            /* mpirun tried to print its report of a failure (an abort, a rank that died) and
             * failed to: Open MPI 4.1 does this now and then. Which rank is lost with it. */
            garbled = 1; /* unless a later line names the rank */
        } else if ((at = strstr(line, "time limit for job execution has been reached")) != NULL) {
            *rank = -1;
            snprintf(why, len, "mpirun's --timeout ended the job (a rank hung, or the job ran out of time)");
            found = 1;
        } else if ((at = strstr(line, "noticed that process rank ")) != NULL &&
            sscanf(at, "noticed that process rank %d with PID %ld on node %*s exited on signal %d (%63[^)])", &r,
                   &pid, &s, name) >= 3) {
            *rank = r;
            *sig = s;
            snprintf(why, len, "rank %d was killed by signal %d%s%s%s", r, s, name[0] ? " (" : "", name,
                     name[0] ? ")" : "");
            found = 1;
        } else if (strstr(line, "lost communication with a remote daemon") != NULL) {
            lost_daemon = 1; /* the next lines name it: "Remote daemon: [[J,0],D] on node H" */
        } else if (lost_daemon && (at = strstr(line, "Remote daemon:")) != NULL &&
                   (at = strstr(at, " on node ")) != NULL) {
            char node[128] = "";
            if (sscanf(at, " on node %127s", node) == 1) {
                *rank = -1;
                snprintf(why, len,
                         "mpirun lost its daemon on node %s: the daemon died, or the node or its "
                         "network went away",
                         node);
                found = 1;
            }
        } else if ((at = strstr(line, "srun: error: ")) != NULL && (at = strstr(at, ": task")) != NULL &&
                   srun_task_died(at, rank, sig, code, why, len)) {
            found = 1;
        } else if ((at = strstr(line, "Process name: [[")) != NULL) {
            const char *close = strstr(at, "],");
            if (close != NULL) pending_rank = atoi(close + 2);
        } else if ((at = strstr(line, "Exit code:")) != NULL && pending_rank >= 0) {
            const int c = atoi(at + 10);
            if (c != MSC_EXIT_RESUMABLE) {
                *rank = pending_rank;
                *code = c;
                snprintf(why, len, "rank %d exited with code %d without finishing", pending_rank, c);
                found = 1;
            }
            pending_rank = -1;
        }
    }
    free(line);
    fclose(f);
    if (!found && garbled) {
        *rank = -1;
        snprintf(why, len, "a rank died or called MPI_Abort (mpirun's report of it was garbled: "
                           "ORTE_ERROR_LOG in show_help.c)");
        found = 1;
    }
    return found;
}

static int settle(const report_opts *o)
{
    msc_outcome oc;
    char err[1024] = "", launcher[64] = "";
    if (o->launcher_exit >= 0) snprintf(launcher, sizeof launcher, " (the launcher exited with %d)", o->launcher_exit);
    msc_status st = msc_outcome_read(o->settle, &oc, err, sizeof err);
    if (st == MSC_ERR_USAGE) {
        fprintf(stderr, "%s: --settle: %s\n", PROG, err);
        return MSC_EXIT_USAGE;
    }
    if (st != MSC_OK) { /* no verdict at all: mpiscale did not get as far as writing one */
        msc_outcome_init(&oc);
        oc.state = MSC_RUN_FAILED;
        oc.exit_code = MSC_EXIT_INTERNAL;
        snprintf(oc.message, sizeof oc.message,
                 "no status file: mpiscale did not start, or died before writing one%s", launcher);
    } else if (oc.state == MSC_RUN_RUNNING) {
        int rank = -1, sig = 0, code = 0;
        char why[256] = "";
        const int died = o->launcher_log != NULL && rank_that_died(o->launcher_log, &rank, &sig, &code, why, sizeof why);
        /* what the checkpoint holds now (not what it held when the run began) */
        char saved[400] = "";
        if (oc.checkpoint[0] != '\0' && oc.inputs[0] != '\0' && oc.segments > 0) {
            msc_journal_entry *e = (msc_journal_entry *)malloc((size_t)oc.segments * sizeof *e);
            unsigned char *have = (unsigned char *)malloc((size_t)oc.segments);
            msc_journal_scan scan;
            char jerr[512];
            if (e != NULL && have != NULL &&
                msc_journal_load(oc.checkpoint, oc.inputs, oc.segments, e, have, &scan, jerr, sizeof jerr) == MSC_OK) {
                oc.done = scan.entries;
                snprintf(saved, sizeof saved,
                         "; %lld of %lld segments are in the checkpoint '%.200s': run the same command again to resume",
                         (long long)oc.done, (long long)oc.segments, oc.checkpoint);
            }
            free(e);
            free(have);
        }
        if (died) {
            oc.state = MSC_RUN_FAILED;
            oc.failed_rank = rank;
            oc.signal = sig;
            oc.exit_code = code > 0 ? code : o->launcher_exit > 0 && o->launcher_exit != MSC_EXIT_RESUMABLE
                                                  ? o->launcher_exit
                                                  : MSC_EXIT_INTERNAL;
            snprintf(oc.message, sizeof oc.message, "%.200s%s%.400s", why, launcher, saved);
        } else if (oc.signal != 0 || oc.deadline) { /* a stop was asked for, and the launcher did not wait */
            oc.state = saved[0] != '\0' ? MSC_RUN_INTERRUPTED : MSC_RUN_FAILED;
            oc.exit_code = oc.state == MSC_RUN_INTERRUPTED ? MSC_EXIT_RESUMABLE : MSC_EXIT_INTERNAL;
            snprintf(oc.message, sizeof oc.message,
                     "interrupted: a stop was asked for (%s), and the ranks were killed before they "
                     "had saved and written the verdict%s%.400s",
                     oc.deadline ? "the deadline" : "a signal", launcher,
                     saved[0] != '\0' ? saved : "; no checkpoint: a rerun starts over");
        } else if (o->launcher_exit > 0 && o->launcher_exit < 128 && o->launcher_exit != MSC_EXIT_RESUMABLE &&
                   o->launcher_exit != 110) {
            /* mpirun ended on its own with a failure (not killed: that is > 128; not its
             * --timeout: 110), and mpiscale said nothing: a rank died or aborted, and mpirun's
             * own report of it was lost (Open MPI 4.1 sometimes fails to print it) */
            oc.state = MSC_RUN_FAILED;
            oc.exit_code = o->launcher_exit;
            snprintf(oc.message, sizeof oc.message,
                     "mpirun failed%s and mpiscale wrote no verdict: a rank died or called MPI_Abort%.400s",
                     launcher, saved);
        } else {
            oc.state = saved[0] != '\0' ? MSC_RUN_INTERRUPTED : MSC_RUN_FAILED;
            oc.exit_code = oc.state == MSC_RUN_INTERRUPTED ? MSC_EXIT_RESUMABLE : MSC_EXIT_INTERNAL;
            snprintf(oc.message, sizeof oc.message,
                     "killed before mpiscale wrote its verdict%s: a signal, a timeout, or mpirun "
                     "itself%s%.400s",
                     launcher, saved[0] != '\0' ? "" : "; no checkpoint: a rerun starts over", saved);
        }
    } else {
        printf("%s: %s\n", msc_run_state_name(oc.state), oc.message);
        return msc_outcome_exit_code(&oc);
    }
    if ((st = msc_outcome_write(o->settle, &oc, err, sizeof err)) != MSC_OK) {
        fprintf(stderr, "%s: --settle: %s\n", PROG, err);
        return MSC_EXIT_IO;
    }
    printf("%s: %s\n", msc_run_state_name(oc.state), oc.message);
    return msc_outcome_exit_code(&oc);
}

int main(int argc, char **argv)
{
    char err[1024] = "";
    report_opts o;
    int done = 0;
    msc_status st = parse_args(argc, argv, &o, &done, err, sizeof err);
    if (st != MSC_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err);
        return msc_exit_code(st);
    }
    if (done) return 0;
    if (o.settle != NULL) return settle(&o);

    msc_study_set set;
    memset(&set, 0, sizeof set);
    st = read_inputs(&o, &set, err, sizeof err);
    if (st == MSC_OK) st = msc_study_finish(&set, o.target_speedup, o.min_efficiency, err, sizeof err);
    const int nothing = st == MSC_OK && set.summarised == 0;
    if (st == MSC_OK && !o.quiet) {
        for (int i = 0; i < set.n; i++) {
            if (i) printf("\n");
            msc_study_text(stdout, &set.v[i], i, set.n);
        }
        if (set.malformed > 0)
            printf("\n%lld malformed line%s left out (--skip-malformed); see stderr\n",
                   (long long)set.malformed, set.malformed == 1 ? "" : "s");
        fflush(stdout);
    }
    if (nothing) /* every study says why; the outputs would hold nothing */
        st = msc_fail(MSC_ERR_USAGE, err, sizeof err, "nothing to analyse: no study has a run to "
                                                      "analyse (see the reasons above), no output written");
    /* Each output is independent: one that fails does not stop the others, and the first failure
     * sets the exit code. */
    struct { const char *path, *opt; int kind; } tables[] = {
        {o.csv, "--csv", 0}, {o.markdown, "--markdown", 1}, {o.extrap, "--extrap", 2}};
    msc_status out = MSC_OK;
    for (int i = 0; i < 3 && st == MSC_OK; i++) {
        char why[512];
        if (tables[i].path == NULL) continue;
        msc_status w = write_table(tables[i].path, &set, tables[i].kind, why, sizeof why);
        if (w != MSC_OK) {
            fprintf(stderr, "%s: %s: %s\n", PROG, tables[i].opt, why);
            if (out == MSC_OK) out = w;
        }
    }
    if (st == MSC_OK && o.plots != NULL) {
        char why[1024];
        msc_status w = write_plots(o.plots, &set, why, sizeof why);
        if (w != MSC_OK) {
            fprintf(stderr, "%s: %s\n", PROG, why);
            if (out == MSC_OK) out = w;
        }
    }
    if (st == MSC_OK && o.html != NULL) {
        char why[1024];
        msc_status w = write_html(&o, &set, why, sizeof why);
        if (w != MSC_OK) {
            fprintf(stderr, "%s: %s\n", PROG, why);
            if (out == MSC_OK) out = w;
        }
    }
    if (st != MSC_OK) fprintf(stderr, "%s: %s\n", PROG, err);
    if ((fflush(stdout) != 0 || ferror(stdout)) && out == MSC_OK) { /* a full disk under > report.txt */
        fprintf(stderr, "%s: writing the report to stdout failed: %s\n", PROG, strerror(errno));
        out = MSC_ERR_IO;
    }
    msc_study_set_free(&set);
    return msc_exit_code(st != MSC_OK ? st : out);
}
