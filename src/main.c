/* main.c — the mpirun-launched program: init, parse, check outputs, run, report, finalize. The
 * only place that prints errors and chooses the exit code, and the home of rank 0's progress
 * display on stderr. User errors leave through MPI_Finalize on every rank (never MPI_Abort: Open
 * MPI 4.1's teardown after an abort is unreliable), with one line on stderr from rank 0. */
#define _XOPEN_SOURCE 700 /* isatty, readlink, getppid, sigaction, open_memstream with -std=c11 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "mpiscale/atomic.h"
#include "mpiscale/cli.h"
#include "mpiscale/driver.h"
#include "mpiscale/journal.h"
#include "mpiscale/outcome.h"
#include "mpiscale/report.h"
#include "mpiscale/timing.h"

/* ---- progress on stderr (rank 0) ---------------------------------------------------------------- */

#define PROGRESS_INTERVAL_S 0.5 /* the driver's calls, between segments */
#define PLAIN_INTERVAL_S 1.0    /* plain lines into a file or pipe (--progress), single runs */
#define OUTPUT_MARGIN_S 2.0     /* kept before --deadline for the report, outputs, status, exit */

/* Whether what rank 0 writes to fd (1 or 2) ends up on a terminal. Under a launcher a rank's
 * output goes through it: Open MPI 4.1 hands each rank a pipe for stderr and a pseudo-terminal of
 * its own for stdout, whatever mpirun writes to (measured: isatty(2) is 0 and isatty(1) is 1 in
 * every rank, with mpirun on a terminal, a file or a pipe). So, when a launcher's variables are
 * set, the launcher's own fd is asked instead, through /proc (Linux; elsewhere: no terminal). */
/* What rank 0's fd (1 or 2) finally writes to, as the link /proc shows for it: the launcher's
 * own fd when launched (see fd_on_terminal), this process's otherwise; "" when unknown. */
static void fd_target(int fd, char *target, size_t size)
{
    char path[64];
    const int launched = getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_RANK") != NULL ||
                         getenv("PMIX_RANK") != NULL;
    snprintf(path, sizeof path, "/proc/%ld/fd/%d", launched ? (long)getppid() : (long)getpid(), fd);
    const ssize_t n = readlink(path, target, size - 1);
    target[n > 0 ? n : 0] = '\0';
}

/* 1 when fd ends in a pipe or socket (`| tee log`): where its lines land, and when, is unknown. */
static int fd_to_pipe(int fd)
{
    char target[256];
    fd_target(fd, target, sizeof target);
    return strncmp(target, "pipe:", 5) == 0 || strncmp(target, "socket:", 7) == 0;
}

static int fd_on_terminal(int fd)
{
    char path[64], target[256];
    const int launched = getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_RANK") != NULL ||
                         getenv("PMIX_RANK") != NULL;
    if (!launched) return isatty(fd);
    if (fd == STDERR_FILENO && isatty(fd)) return 1; /* a launcher that passes the terminal on */
    snprintf(path, sizeof path, "/proc/%ld/fd/%d", (long)getppid(), fd);
    const ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0) return 0;
    target[n] = '\0';
    return strncmp(target, "/dev/pts/", 9) == 0 || strncmp(target, "/dev/tty", 8) == 0;
}

typedef struct progress_ui {
    int on;             /* shown at all (rank 0 only) */
    int live;           /* stderr is a terminal: one line redrawn in place */
    int stdout_tty;     /* stdout is a terminal too (the same one, most likely) */
    int drawn;          /* a live line may be on the screen */
    double last_plain_s; /* when the last plain line was written */
    /* a sweep: where it stands, and how long each point's runs took so far */
    int sweep;
    msc_sweep_pos pos;
    int left[MSC_MAX_SWEEP];
    double run_start_s;
    double point_s[MSC_MAX_SWEEP];
    int point_runs[MSC_MAX_SWEEP];
    double all_s;
    int all_runs;
} progress_ui;

static void ui_init(progress_ui *u, const msc_options *o, int rank)
{
    memset(u, 0, sizeof *u);
    if (rank != 0 || o->progress == MSC_PROGRESS_OFF) return;
    const int err_tty = fd_on_terminal(STDERR_FILENO);
    u->stdout_tty = err_tty && fd_on_terminal(STDOUT_FILENO);
    /* Redrawn in place only when stdout cannot land on the same screen later than the redraw:
     * stdout on the terminal too (its lines carry the wipe) or in a file. Through a pipe
     * (`| tee log`) its lines reach the screen whenever the reader passes them on, and would be
     * glued to a live line: plain lines then. */
    u->live = err_tty && (u->stdout_tty || !fd_to_pipe(STDOUT_FILENO));
    u->on = o->progress == MSC_PROGRESS_ON || err_tty;
    u->last_plain_s = -1e300;
}

/* "~12 s", "~3 min", "~1.5 h" */
static void format_left(double s, char *buf, size_t len)
{
    if (s < 99.5)
        snprintf(buf, len, "~%.0f s", s < 0.0 ? 0.0 : s);
    else if (s < 5940.0)
        snprintf(buf, len, "~%.0f min", s / 60.0);
    else
        snprintf(buf, len, "~%.1f h", s / 3600.0);
}

static void ui_show(progress_ui *u, const char *text)
{
    fflush(stdout);
    if (u->live) {
        fprintf(stderr, "\r%s\033[K", text); /* clear whatever a longer line left */
        u->drawn = 1;
    } else {
        fprintf(stderr, "%s\n", text);
    }
    fflush(stderr);
}

/* Wipes the live line before anything is printed on stdout. stdout and stderr reach the terminal
 * through the launcher by separate channels, in either order, so the wipe goes on both: on
 * stderr for a line already shown, and at the head of what stdout prints next for a line that
 * arrives just after it. */
static void ui_clear(progress_ui *u)
{
    if (!u->drawn) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    if (u->stdout_tty) fputs("\r\033[K", stdout);
    u->drawn = 0;
}

/* The sweep's line, `frac` of the current run done: "run 7/24, p=4, 29%, ~12 s left". The time
 * left adds up the runs still to come at each point's mean time so far (the mean over all points
 * for a point not yet run). */
static void sweep_line(const progress_ui *u, double frac, char *buf, size_t len)
{
    const msc_sweep_pos *pos = &u->pos;
    const double done = pos->done + frac;
    double left_s = 0.0;
    int known = 1;
    for (int j = 0; j < pos->n_points && j < MSC_MAX_SWEEP; j++) {
        if (u->left[j] == 0) continue;
        const double est = u->point_runs[j] > 0 ? u->point_s[j] / u->point_runs[j]
                           : u->all_runs > 0    ? u->all_s / u->all_runs
                                                : NAN;
        if (!isfinite(est)) known = 0;
        left_s += (u->left[j] - (j == pos->point ? frac : 0.0)) * est;
    }
    char eta[48] = "";
    if (known) {
        format_left(left_s, eta + 2, sizeof eta - 2);
        memcpy(eta, ", ", 2);
        strcat(eta, pos->exact ? " left" : " left at most");
    }
    const double pct = pos->total > 0 ? 100.0 * done / pos->total : 100.0;
    if (pos->exact)
        snprintf(buf, len, "run %d/%d%s, p=%d, %.0f%%%s", pos->done + 1, pos->total,
                 pos->run < 0 ? " (warm-up)" : "", pos->p, pct, eta);
    else
        snprintf(buf, len, "run %d of at most %d%s, p=%d, %.0f%% of those%s", pos->done + 1,
                 pos->total, pos->run < 0 ? " (warm-up)" : "", pos->p, pct, eta);
}

/* What rank 0 keeps while a sweep runs. */
typedef struct sweep_ctx {
    progress_ui *ui;
    const msc_options *opt;
    msc_sweep_run *runs;
    int n_runs, cap_runs;
    msc_status io;       /* the first output error; later runs are not written */
    char io_err[512];
    const char *io_what; /* the output that failed, when not --json/--csv */
    int reported;        /* the --report file was written */
} sweep_ctx;

/* The driver, between segments: live, the sweep's line with this run's share, or the run's own. */
static void ui_progress(const msc_progress *pr, void *arg)
{
    progress_ui *u = ((sweep_ctx *)arg)->ui;
    char line[200];
    if (!u->on) return;
    if (u->sweep) {
        if (!u->live) return; /* into a file: one line per sweep run is enough */
        sweep_line(u, pr->fraction, line, sizeof line);
        ui_show(u, line);
        return;
    }
    const double now = msc_now_s();
    if (!u->live && now - u->last_plain_s < PLAIN_INTERVAL_S) return;
    u->last_plain_s = now;
    if (strcmp(pr->phase, "waiting") == 0) { /* no estimate: rank 0 cannot see the others' work */
        snprintf(line, sizeof line, "compute: %s, waiting for the other ranks (%.0f s)",
                 pr->claimed ? "every segment handed out" : "rank 0's share done", pr->elapsed_s);
        ui_show(u, line);
        return;
    }
    char eta[48] = "";
    if (pr->fraction > 0.0) {
        format_left(pr->elapsed_s * (1.0 - pr->fraction) / pr->fraction, eta + 2, sizeof eta - 2);
        memcpy(eta, ", ", 2);
        strcat(eta, " left");
    }
    if (strcmp(pr->phase, "baseline") == 0)
        snprintf(line, sizeof line, "baseline (rank 0 alone, --serial-baseline): %.0f%%%s",
                 100.0 * pr->fraction, eta);
    else
        snprintf(line, sizeof line, "compute: %.0f%% of %s%s", 100.0 * pr->fraction,
                 pr->claimed ? "the segments handed out" : "rank 0's share", eta);
    ui_show(u, line);
}

/* Rank 0, before every run of a sweep: the display learns where the sweep stands. */
static void on_sweep_start(const msc_sweep_pos *pos, void *arg)
{
    progress_ui *u = ((sweep_ctx *)arg)->ui;
    char line[200];
    u->pos = *pos;
    for (int j = 0; j < pos->n_points && j < MSC_MAX_SWEEP; j++) u->left[j] = pos->left[j];
    u->pos.left = u->left;
    u->run_start_s = msc_now_s();
    if (u->on && u->live) {
        sweep_line(u, 0.0, line, sizeof line);
        ui_show(u, line);
    }
}

/* Rank 0, after every run of a sweep: a line on stdout, the output files, the table's inputs,
 * then the progress line with this run done. */
static void on_sweep_run(const msc_run_record *rec, const msc_sweep_pos *pos, void *arg)
{
    sweep_ctx *c = (sweep_ctx *)arg;
    progress_ui *u = c->ui;
    const int p = pos->p, run = pos->run;
    char line[200];
    if (pos->point < MSC_MAX_SWEEP) {
        const double took = msc_now_s() - u->run_start_s;
        u->point_s[pos->point] += took;
        u->point_runs[pos->point]++;
        u->all_s += took;
        u->all_runs++;
    }
    ui_clear(u);
    if (run < 0) {
        printf("warm-up p=%d wall_s=%.6f (not measured)\n", p, rec->measure.wall_s);
        fflush(stdout);
    } else {
        msc_run_record r = *rec;
        r.sweep_mode = c->opt->weak ? 2 : 1;
        r.sweep_run = run;
        r.sweep_precision = c->opt->repeat_auto ? c->opt->precision : 0.0;
        r.sweep_cap = c->opt->repeat_auto ? c->opt->repeat_cap : 0;
        msc_report_summary(stdout, &r);
        fflush(stdout);
        if (c->io == MSC_OK && c->opt->json_path != NULL)
            c->io = msc_report_json_append(c->opt->json_path, &r, c->io_err, sizeof c->io_err);
        if (c->io == MSC_OK && c->opt->csv_path != NULL)
            c->io = msc_report_csv_append(c->opt->csv_path, &r, c->io_err, sizeof c->io_err);
        if (c->n_runs < c->cap_runs) { /* sized for every run up front */
            msc_sweep_run *x = &c->runs[c->n_runs++];
            x->p = p;
            x->wall_s = rec->measure.wall_s;
            x->t1_est_s = rec->measure.serial_s + rec->measure.compute_sum_s;
            x->serial_s = rec->measure.serial_s;
            x->scatter_s = rec->phases[MSC_PHASE_SCATTER].max_s;
            x->compute_s = rec->phases[MSC_PHASE_COMPUTE].max_s;
            x->gather_s = rec->phases[MSC_PHASE_GATHER].max_s;
            x->probe_s = rec->phases[MSC_PHASE_CALIBRATE].max_s;
            x->imbalance = rec->imbalance;
            x->ns_per_item = msc_record_ns_per_item(rec);
            x->nodes = rec->nodes;
            x->oversubscribed = rec->oversubscribed_nodes;
            x->verified = rec->verdict.pass;
            snprintf(x->digest, sizeof x->digest, "%s", rec->digest);
        }
    }
    if (u->on) { /* this run done: one plain line per run into a file, or the live line */
        sweep_line(u, 1.0, line, sizeof line);
        ui_show(u, line);
    }
}

/* The kernel's time per element in a sweep, to hold against the node's limit measured by every
 * rank at once: the median over the runs at the sweep's largest p, whose ranks shared their nodes
 * as the ranks measuring the limit did. NAN when none has it. */
static double sweep_ns_per_item(const msc_sweep_run *runs, int n)
{
    int top = 0, k = 0;
    double v[MSC_SWEEP_ROWS * 8];
    for (int i = 0; i < n; i++)
        if (runs[i].p > top) top = runs[i].p;
    for (int i = 0; i < n && k < (int)(sizeof v / sizeof v[0]); i++)
        if (runs[i].p == top && isfinite(runs[i].ns_per_item)) v[k++] = runs[i].ns_per_item;
    msc_sample smp;
    return k > 0 && msc_sample_stats(v, k, &smp, NULL) == MSC_OK ? smp.median : NAN;
}

/* The whole sweep: points, runs, then on rank 0 the table and the fits. */
static msc_status run_sweep(const msc_options *opt, int rank, double t_init_s, progress_ui *ui,
                            msc_run_ctl *ctl, char *err, size_t len)
{
    int size = 1, points[MSC_MAX_SWEEP], n_points = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    msc_status st = msc_sweep_points(opt, size, points, &n_points, err, len);
    if (st == MSC_OK && opt->weak) { /* the largest point's range must be valid for the kernel */
        const int64_t n = msc_range_count(opt->range), pmax = points[n_points - 1];
        char why[256];
        msc_range big = opt->range;
        if (n > (INT64_MAX - opt->range.lo) / pmax)
            st = msc_fail(MSC_ERR_RANGE, err, len, "--weak: the range for p = %lld overflows 64 bits",
                          (long long)pmax);
        else if ((big.hi = opt->range.lo + pmax * n), opt->kernel->check != NULL &&
                 opt->kernel->check(big, &opt->params, why, sizeof why) != MSC_OK)
            st = msc_fail(MSC_ERR_RANGE, err, len, "--weak: the range [%lld, %lld) for p = %lld: %s: %s",
                          (long long)big.lo, (long long)big.hi, (long long)pmax, opt->kernel->name, why);
    }
    if (st != MSC_OK) return st;
    sweep_ctx c;
    memset(&c, 0, sizeof c);
    c.ui = ui;
    c.opt = opt;
    c.cap_runs = n_points * (opt->repeat_auto ? opt->repeat_cap : opt->repeat);
    if (rank == 0) {
        c.runs = (msc_sweep_run *)calloc((size_t)c.cap_runs, sizeof *c.runs);
        if (c.runs == NULL) c.cap_runs = 0;
    }
    ui->sweep = 1;
    msc_sweep_hooks hooks;
    memset(&hooks, 0, sizeof hooks);
    hooks.start = on_sweep_start;
    hooks.done = on_sweep_run;
    hooks.progress = ui->on && ui->live ? ui_progress : NULL;
    hooks.interval_s = PROGRESS_INTERVAL_S;
    hooks.ctx = &c;
    hooks.ctl = ctl;
    st = msc_driver_sweep(opt, MPI_COMM_WORLD, t_init_s, points, n_points, &hooks, err, len);
    ui_clear(ui);
    /* --calibrate after the measured runs, which it must not disturb */
    msc_calibration cal;
    msc_status cal_st = MSC_ERR_USAGE; /* not run */
    if (st == MSC_OK && opt->calibrate) {
        char cal_err[400] = "";
        cal_st = msc_driver_calibrate(opt, MPI_COMM_WORLD, t_init_s, points, n_points,
                                      opt->calibrate_runs, &cal, cal_err, sizeof cal_err);
        if (cal_st != MSC_OK) {
            st = cal_st;
            snprintf(err, len, "--calibrate: %s", cal_err);
        }
    }
    if (rank == 0 && c.n_runs > 0) {
        msc_sweep_summary sum;
        if (msc_sweep_summarise(c.runs, c.n_runs, opt->weak, &sum) == MSC_OK) {
            sum.target_speedup = opt->target_speedup;
            sum.min_efficiency = opt->min_efficiency;
            sum.precision = opt->repeat_auto ? opt->precision : 0.0;
            sum.repeat_cap = opt->repeat_auto ? opt->repeat_cap : 0;
            /* the table and fits, on stdout and, for a completed sweep, as --report */
            char *text = NULL;
            size_t text_len = 0;
            FILE *mem = open_memstream(&text, &text_len);
            FILE *out = mem != NULL ? mem : stdout;
            msc_report_sweep_text(out, &sum);
            if (cal_st == MSC_OK) {
                cal.kernel_ns = sweep_ns_per_item(c.runs, c.n_runs);
                msc_report_calibration_text(out, &cal, sum.t1_s, msc_sweep_t1_source(&sum), &sum);
            }
            if (mem != NULL) {
                fclose(mem);
                fwrite(text, 1, text_len, stdout);
            }
            fflush(stdout);
            if (st == MSC_OK && c.io == MSC_OK && opt->report_path != NULL) {
                if (text == NULL)
                    c.io = msc_fail(MSC_ERR_NOMEM, c.io_err, sizeof c.io_err, "out of memory");
                else
                    c.io = msc_atomic_write(opt->report_path, text, text_len, c.io_err, sizeof c.io_err);
                c.io_what = "--report";
                c.reported = c.io == MSC_OK;
            }
            free(text);
        }
    }
    if (rank == 0 && st == MSC_OK && c.io == MSC_OK && opt->report_path != NULL && !c.reported) {
        c.io = msc_fail(MSC_ERR_IO, c.io_err, sizeof c.io_err, "'%s': no table to write (no measured run)",
                        opt->report_path);
        c.io_what = "--report";
    }
    if (rank == 0 && c.io != MSC_OK) {
        fprintf(stderr, "mpiscale: %s: %s\n",
                c.io_what != NULL ? c.io_what : opt->json_path != NULL ? "--json/--csv" : "--csv", c.io_err);
        if (st == MSC_OK) st = c.io;
    }
    free(c.runs);
    return st;
}

/* ---- stop requests ------------------------------------------------------------------------------ */

/* The signal that asked for a graceful stop (0: none). The handlers only set it; the driver reads
 * it at segment boundaries. A second SIGINT (Ctrl-C again) is the user insisting: the default
 * action, at once. Other signals repeat without meaning it (a terminal's hangup, a scheduler's
 * warning and then its SIGTERM), so they never cut the stop short. */
static volatile sig_atomic_t stop_signal = 0;

static void on_stop_signal(int sig)
{
    if (stop_signal != 0 && sig == SIGINT) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (stop_signal == 0) stop_signal = sig;
}

static void install_stop_handlers(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
    /* A file size limit (ulimit -f) makes a write fail with EFBIG instead of killing rank 0
     * half-way through an output: the error is reported, and the old file stays whole. */
    signal(SIGXFSZ, SIG_IGN);
    /* Neither does a closed stdout or stderr (mpirun killed, `| head`): the write fails, and the
     * journal, the outputs and the status file are still written. */
    signal(SIGPIPE, SIG_IGN);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "a signal";
    }
}

/* What stopped a run early, for messages. */
static const char *stop_cause(const msc_run_ctl *c)
{
    static char lost[200];
    if (c->launcher_gone && c->launcher_gone_rank > 0) {
        snprintf(lost, sizeof lost,
                 "the loss of rank %d's launcher (the Open MPI daemon on its node died, or the node "
                 "was lost)",
                 c->launcher_gone_rank);
        return lost;
    }
    if (c->launcher_gone) return "the loss of the launcher (mpirun was killed)";
    if (c->stopped_by_deadline) return "the deadline";
    return signal_name(c->stop_signal);
}

/* ---- the status file and the checkpoint (rank 0) ------------------------------------------------ */

/* Whether a verdict may be written to path: the file is absent or already a status file. A
 * refusal must never overwrite what it refused to touch (a journal, results named twice). */
static int status_writable(const char *path)
{
    msc_outcome old;
    char err[256];
    return access(path, F_OK) != 0 ? errno == ENOENT : msc_outcome_read(path, &old, err, sizeof err) == MSC_OK;
}

/* The status file a command line names, for when parsing it failed part way: the last
 * --status FILE, else --checkpoint FILE's FILE.status; NULL when neither is there, or when it is
 * the file of another output option too (the refusal may be about exactly that). */
static const char *status_path_of(int argc, char **argv, char *buf, size_t size)
{
    static const char *outputs[] = {"--json", "--csv", "--report", "--checkpoint"};
    const char *status = NULL, *ck = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) break;
        if (strcmp(a, "--status") == 0 && i + 1 < argc) status = argv[++i];
        else if (strncmp(a, "--status=", 9) == 0) status = a + 9;
        else if (strcmp(a, "--checkpoint") == 0 && i + 1 < argc) ck = argv[++i];
        else if (strncmp(a, "--checkpoint=", 13) == 0) ck = a + 13;
    }
    if (status != NULL && status[0] != '\0') {
        path = status;
    } else if (ck != NULL && ck[0] != '\0' && (size_t)snprintf(buf, size, "%s.status", ck) < size) {
        path = buf;
    }
    if (path == NULL) return NULL;
    for (int i = 1; i + 1 < argc; i++)
        for (size_t k = 0; k < sizeof outputs / sizeof outputs[0]; k++) {
            const size_t n = strlen(outputs[k]);
            const char *v = strcmp(argv[i], outputs[k]) == 0 ? argv[i + 1]
                            : strncmp(argv[i], outputs[k], n) == 0 && argv[i][n] == '=' ? argv[i] + n + 1
                                                                                         : NULL;
            if (v != NULL && v[0] != '\0' && msc_output_same(v, path)) return NULL;
        }
    return status_writable(path) ? path : NULL;
}

/* Writes the status file when there is one; an error is reported on stderr (one line) and
 * returned, so that a run whose verdict cannot be written does not claim success. */
static msc_status write_status(const char *path, const msc_outcome *oc)
{
    char err[512];
    if (path == NULL) return MSC_OK;
    const msc_status st = msc_outcome_write(path, oc, err, sizeof err);
    if (st != MSC_OK) fprintf(stderr, "mpiscale: --status: %s\n", err);
    return st;
}

/* Rank 0, from the driver, the moment it sees a stop asked for: the status says so while the run
 * is still "running", so that a launcher that kills the ranks before they have saved (mpirun gives
 * them a second) leaves a status that `mpiscale-report --settle` reads as interrupted. */
typedef struct stop_note {
    const char *path;
    msc_outcome *oc;
} stop_note;

static void on_stop(int code, void *arg)
{
    stop_note *n = (stop_note *)arg;
    if (n->path == NULL) return;
    n->oc->signal = code > 0 ? code : 0;
    n->oc->deadline = code == 0;
    snprintf(n->oc->message, sizeof n->oc->message, "stopping: %s; saving",
             code == 0 ? "the deadline is near" : code < 0 ? "the launcher (mpirun) is gone" : signal_name(code));
    char err[512];
    msc_outcome_write(n->path, n->oc, err, sizeof err);
}

typedef struct checkpoint {
    char inputs[512];
    int64_t n_seg;
    msc_range par;
    msc_journal_entry *entries; /* by segment */
    unsigned char *have;
    msc_journal_scan scan;
    int64_t trusted;            /* segments taken from the journal */
    int64_t mismatched;         /* entries whose bounds or counts are not their segment's */
    int fd;
} checkpoint;

static void checkpoint_close(checkpoint *ck)
{
    if (ck->fd >= 0) close(ck->fd);
    free(ck->entries);
    free(ck->have);
    memset(ck, 0, sizeof *ck);
    ck->fd = -1;
}

/* Rank 0: loads the journal (after --fresh removed it), keeps the segments it can trust, writes
 * those back whole (dropping damaged lines) and opens it for appending. */
static msc_status checkpoint_open(const msc_options *opt, checkpoint *ck, char *err, size_t len)
{
    memset(ck, 0, sizeof *ck);
    ck->fd = -1;
    msc_job_split(opt->kernel, &opt->params, opt->range, opt->segments_requested, &ck->par, &ck->n_seg);
    msc_journal_inputs(opt->kernel, &opt->params, opt->range, ck->n_seg, ck->inputs, sizeof ck->inputs);
    if (opt->fresh && unlink(opt->checkpoint_path) != 0 && errno != ENOENT)
        return msc_fail(MSC_ERR_IO, err, len, "--checkpoint: '%s': --fresh cannot remove it: %s",
                        opt->checkpoint_path, strerror(errno));
    const size_t n = (size_t)(ck->n_seg > 0 ? ck->n_seg : 1);
    ck->entries = (msc_journal_entry *)malloc(n * sizeof *ck->entries);
    ck->have = (unsigned char *)malloc(n);
    if (ck->entries == NULL || ck->have == NULL)
        return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for the checkpoint of %lld segments",
                        (long long)ck->n_seg);
    char why[768];
    msc_status st = msc_journal_load(opt->checkpoint_path, ck->inputs, ck->n_seg, ck->entries, ck->have,
                                     &ck->scan, why, sizeof why);
    if (st != MSC_OK) return msc_fail(st, err, len, "--checkpoint: %s", why);
    /* a record that checks out but is not its segment's (bounds, element count) is not trusted */
    int64_t kept = 0;
    for (int64_t s = 0; s < ck->n_seg; s++) {
        if (!ck->have[s]) continue;
        const msc_range seg = msc_segment(ck->par, ck->n_seg, s);
        const msc_journal_entry *e = &ck->entries[s];
        if (e->lo != seg.lo || e->hi != seg.hi || e->part.n_items != seg.hi - seg.lo) {
            ck->have[s] = 0;
            ck->mismatched++;
            continue;
        }
        ck->entries[kept++] = *e; /* compacted for the rewrite; by segment again below */
    }
    ck->trusted = kept;
    st = msc_journal_rewrite(opt->checkpoint_path, ck->inputs, ck->entries, kept, why, sizeof why);
    if (st != MSC_OK) return msc_fail(st, err, len, "--checkpoint: %s", why);
    for (int64_t i = kept - 1; i >= 0; i--) ck->entries[ck->entries[i].segment] = ck->entries[i];
    st = msc_journal_open_append(opt->checkpoint_path, &ck->fd, why, sizeof why);
    if (st != MSC_OK) return msc_fail(st, err, len, "--checkpoint: %s", why);
    return MSC_OK;
}

/* Rank 0: which output options cannot be written, or name one file twice. One line on stderr. */
static msc_status check_outputs(const msc_options *opt)
{
    char err[512];
    const struct {
        const char *name, *path;
    } outs[] = {{"--json", opt->json_path}, {"--csv", opt->csv_path}, {"--report", opt->report_path},
                {"--checkpoint", opt->checkpoint_path}, {"--status", msc_options_status(opt)}};
    const size_t n = sizeof outs / sizeof outs[0];
    for (size_t i = 0; i < n; i++) {
        if (outs[i].path == NULL) continue;
        msc_status st = msc_output_check(outs[i].path, err, sizeof err);
        if (st != MSC_OK) {
            fprintf(stderr, "mpiscale: %s: %s\n", outs[i].name, err);
            return st;
        }
        for (size_t j = 0; j < i; j++)
            if (outs[j].path != NULL && msc_output_same(outs[i].path, outs[j].path)) {
                fprintf(stderr, "mpiscale: %s: '%s': the same file as %s '%s'\n", outs[i].name,
                        outs[i].path, outs[j].name, outs[j].path);
                return MSC_ERR_USAGE;
            }
    }
    if (msc_options_status(opt) != NULL && !status_writable(msc_options_status(opt))) {
        fprintf(stderr, "mpiscale: --status: '%s': exists and is not an mpiscale status file\n",
                msc_options_status(opt));
        return MSC_ERR_USAGE;
    }
    if (opt->report_path != NULL && !opt->force && access(opt->report_path, F_OK) == 0) {
        fprintf(stderr, "mpiscale: --report: '%s': exists; --force replaces it\n", opt->report_path);
        return MSC_ERR_USAGE;
    }
    return MSC_OK;
}

/* Whether the status file is also another output's file. */
static int status_clashes(const msc_options *opt)
{
    const char *others[] = {opt->json_path, opt->csv_path, opt->report_path, opt->checkpoint_path};
    for (size_t i = 0; msc_options_status(opt) != NULL && i < sizeof others / sizeof others[0]; i++)
        if (others[i] != NULL && msc_output_same(others[i], msc_options_status(opt))) return 1;
    return 0;
}

/* Every rank leaves the same way with the same code. */
static int finish(msc_status st)
{
    fflush(stdout);
    MPI_Finalize();
    return msc_exit_code(st);
}

/* Rank 0 broadcasts its status; every rank returns it. */
static msc_status share(msc_status st)
{
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return (msc_status)code;
}

/* A sweep: the runs, then the status. */
static int main_sweep(const msc_options *opt, int rank, double t_init_s, progress_ui *ui,
                      msc_run_ctl *ctl, msc_outcome *oc)
{
    char err[512] = "";
    msc_status st = run_sweep(opt, rank, t_init_s, ui, ctl, err, sizeof err);
    if (rank == 0) {
        if (st == MSC_INTERRUPTED) {
            snprintf(oc->message, sizeof oc->message,
                     "interrupted by %s: the runs finished before it are in the output files; the "
                     "sweep was not completed",
                     stop_cause(ctl));
            fprintf(stderr, "mpiscale: %s\n", oc->message);
        } else if (st != MSC_OK && st != MSC_ERR_IO) {
            fprintf(stderr, "mpiscale: %s%s%s\n", st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : msc_strerror(st),
                    st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : ": ", err);
        }
        if (st != MSC_INTERRUPTED) snprintf(oc->message, sizeof oc->message, "%s%s%s", msc_strerror(st),
                                            err[0] != '\0' && st != MSC_OK ? ": " : "", st != MSC_OK ? err : "");
        oc->state = msc_run_state_of(st);
        oc->exit_code = msc_exit_code(st);
        oc->signal = ctl->stop_signal;
        oc->deadline = ctl->stopped_by_deadline;
        if (write_status(msc_options_status(opt), oc) != MSC_OK && st == MSC_OK) st = MSC_ERR_IO;
    }
    return finish(share(st));
}

int main(int argc, char **argv)
{
    const double t0 = msc_now_s();
    struct timespec start_epoch;
    clock_gettime(CLOCK_REALTIME, &start_epoch);
    /* Before MPI_Init too: a batch job's stop signal can reach a rank while Open MPI starts
     * (0.3 s and more), and SIGUSR1's default action would kill it instead of stopping the run
     * at its first round. Again after, in case the library set its own. */
    install_stop_handlers();
    MPI_Init(&argc, &argv);
    const double t_init_s = msc_now_s() - t0;
    install_stop_handlers();

    int rank = 0, size = 1;
    char err[768] = "";
    msc_options opt;
    msc_run_record rec = {0};
    msc_outcome oc;
    checkpoint ck;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    msc_outcome_init(&oc);
    memset(&ck, 0, sizeof ck);
    ck.fd = -1;

    msc_status st = msc_cli_parse(argc, argv, &opt, err, sizeof err);
    if (st != MSC_OK) {
        if (rank == 0) {
            char buf[4200];
            fprintf(stderr, "mpiscale: %s\n", err);
            oc.state = MSC_RUN_INVALID;
            snprintf(oc.message, sizeof oc.message, "%s", err);
            const char *path = status_path_of(argc, argv, buf, sizeof buf);
            if (path != NULL) { /* best effort: the input was bad, the file may be too */
                char why[512];
                msc_outcome_write(path, &oc, why, sizeof why);
            }
        }
        return finish(st);
    }
    if (opt.action != MSC_ACTION_RUN) {
        if (rank == 0 && opt.action == MSC_ACTION_HELP) msc_cli_help(stdout, "mpiscale");
        if (rank == 0 && opt.action == MSC_ACTION_LIST_KERNELS) msc_cli_list_kernels(stdout);
        if (rank == 0 && opt.action == MSC_ACTION_VERSION) printf("mpiscale %s\n", MSC_VERSION);
        return finish(MSC_OK);
    }

    /* Outputs and the checkpoint are checked and opened before any work, on rank 0 only (no rank
     * writes but rank 0); then the status says "running". */
    snprintf(oc.kernel, sizeof oc.kernel, "%s", opt.kernel->name);
    oc.ranks = size;
    if (rank == 0) {
        st = check_outputs(&opt);
        if (st == MSC_OK && opt.checkpoint_path != NULL) {
            st = checkpoint_open(&opt, &ck, err, sizeof err);
            if (st != MSC_OK) fprintf(stderr, "mpiscale: %s\n", err);
        }
        if (opt.checkpoint_path != NULL) {
            snprintf(oc.inputs, sizeof oc.inputs, "%s", ck.inputs);
            snprintf(oc.checkpoint, sizeof oc.checkpoint, "%s", opt.checkpoint_path);
            oc.segments = ck.n_seg;
            oc.done = oc.reused = ck.trusted;
        }
        if (st != MSC_OK) {
            oc.state = msc_run_state_of(st);
            oc.exit_code = msc_exit_code(st);
            snprintf(oc.message, sizeof oc.message, "%s", err[0] != '\0' ? err : msc_strerror(st));
            /* not when the refusal is about the status file itself, nor over another file */
            if (msc_options_status(&opt) != NULL && st != MSC_ERR_IO && status_writable(msc_options_status(&opt)) &&
                !status_clashes(&opt))
                write_status(msc_options_status(&opt), &oc);
        } else {
            snprintf(oc.message, sizeof oc.message, "running on %d rank%s", size, size == 1 ? "" : "s");
            st = write_status(msc_options_status(&opt), &oc);
        }
    }
    if ((st = share(st)) != MSC_OK) {
        checkpoint_close(&ck);
        return finish(st);
    }

    msc_run_ctl ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.stop = &stop_signal;
    ctl.journal_fd = -1;
    ctl.output_s = OUTPUT_MARGIN_S;
    stop_note note = {msc_options_status(&opt), &oc};
    if (rank == 0) {
        ctl.on_stop = on_stop;
        ctl.on_stop_ctx = &note;
    }
    {
        const double start_s = (double)start_epoch.tv_sec + 1e-9 * (double)start_epoch.tv_nsec;
        double deadline = opt.deadline_s;
        if (opt.time_limit_s > 0.0 && (deadline == 0.0 || start_s + opt.time_limit_s < deadline))
            deadline = start_s + opt.time_limit_s;
        ctl.deadline_s = deadline;
    }
    progress_ui ui;
    ui_init(&ui, &opt, rank);
    if (opt.sweep != MSC_SWEEP_NONE) return main_sweep(&opt, rank, t_init_s, &ui, &ctl, &oc);

    if (rank == 0 && opt.checkpoint_path != NULL) {
        ctl.journal_fd = ck.fd;
        ctl.have = ck.have;
        ctl.reused = ck.entries;
        ctl.n_segments = ck.n_seg;
        if (ck.scan.exists) {
            printf("Checkpoint '%s': %lld of %lld segments taken from it", opt.checkpoint_path,
                   (long long)ck.trusted, (long long)ck.n_seg);
            if (ck.scan.bad + ck.scan.conflicts + ck.mismatched > 0)
                printf(" (%lld damaged or conflicting record%s dropped: those segments are computed "
                       "again)",
                       (long long)(ck.scan.bad + ck.scan.conflicts + ck.mismatched),
                       ck.scan.bad + ck.scan.conflicts + ck.mismatched == 1 ? "" : "s");
            printf("\n");
            fflush(stdout);
        }
    }
    sweep_ctx watched;
    memset(&watched, 0, sizeof watched);
    watched.ui = &ui;
    const msc_watch watch = {ui.on ? ui_progress : NULL, &watched, PROGRESS_INTERVAL_S};
    st = msc_driver_run_ctl(&opt, MPI_COMM_WORLD, t_init_s, &watch, &ctl, &rec, err, sizeof err);
    ui_clear(&ui);
    /* --calibrate after the measured run (every rank has its status: it is agreed) */
    msc_calibration cal;
    int calibrated = 0;
    if (st == MSC_OK && opt.calibrate) {
        char cal_err[400] = "";
        st = msc_driver_calibrate(&opt, MPI_COMM_WORLD, t_init_s, &size, 1, opt.calibrate_runs, &cal,
                                  cal_err, sizeof cal_err);
        calibrated = st == MSC_OK;
        if (!calibrated) snprintf(err, sizeof err, "--calibrate: %s", cal_err);
    }
    if (rank == 0) {
        if (opt.checkpoint_path != NULL) oc.done = ck.trusted + ctl.journaled;
        if (ctl.segments > 0) oc.segments = ctl.segments;
        if (rec.kernel != NULL) {
            const double t_output = msc_now_s();
            char *text = NULL;
            size_t text_len = 0;
            FILE *mem = open_memstream(&text, &text_len);
            FILE *out = mem != NULL ? mem : stdout;
            if (opt.quiet)
                msc_report_summary(out, &rec);
            else
                msc_report_text(out, &rec);
            if (calibrated) cal.kernel_ns = msc_record_ns_per_item(&rec);
            if (calibrated)
                msc_report_calibration_text(out, &cal, rec.analysis.t1_s,
                                            rec.analysis.t1_source == MSC_T1_BASELINE
                                                ? "measured: --serial-baseline"
                                                : "estimated: segment times + serial phases",
                                            NULL);
            if (mem != NULL) {
                fclose(mem);
                fwrite(text, 1, text_len, stdout);
            }
            fflush(stdout);
            msc_fault_point("output", 0);
            /* The record is written even when verification failed: it says so itself. */
            char io_err[512] = "";
            msc_status wrote = MSC_OK;
            const char *failed = NULL;
            if (opt.report_path != NULL && text == NULL)
                wrote = msc_fail(MSC_ERR_NOMEM, io_err, sizeof io_err, "out of memory"), failed = "--report";
            else if (opt.report_path != NULL &&
                     (wrote = msc_atomic_write(opt.report_path, text, text_len, io_err, sizeof io_err)) != MSC_OK)
                failed = "--report";
            if (failed == NULL && opt.json_path != NULL &&
                (wrote = msc_report_json_append(opt.json_path, &rec, io_err, sizeof io_err)) != MSC_OK)
                failed = "--json";
            if (failed == NULL && opt.csv_path != NULL &&
                (wrote = msc_report_csv_append(opt.csv_path, &rec, io_err, sizeof io_err)) != MSC_OK)
                failed = "--csv";
            free(text);
            if (failed != NULL) {
                fprintf(stderr, "mpiscale: %s: %s\n", failed, io_err);
                snprintf(err, sizeof err, "%s: %s", failed, io_err);
                if (st == MSC_OK) st = wrote;
            }
            /* The output phase ends after the files are written, so it can only be reported here,
             * after the record it is not part of. */
            if (!opt.quiet)
                printf("Output phase: %.6f s on rank 0 (this report and the output files; "
                       "not in those files)\n", msc_now_s() - t_output);
            snprintf(oc.digest, sizeof oc.digest, "%s", rec.digest);
            snprintf(oc.result, sizeof oc.result, "%s", rec.result);
            oc.verified = rec.verdict.pass;
            oc.reused = rec.reused_segments;
            if (opt.checkpoint_path == NULL) oc.done = rec.segments;
        }
        if (st == MSC_INTERRUPTED) {
            const int64_t remaining = ctl.segments - (ck.trusted + ctl.journaled);
            if (opt.checkpoint_path != NULL)
                snprintf(oc.message, sizeof oc.message,
                         "interrupted by %s: %lld of %lld segments are saved in the checkpoint '%s', "
                         "%lld remain; run the same command again to resume",
                         stop_cause(&ctl),
                         (long long)(ck.trusted + ctl.journaled), (long long)ctl.segments,
                         opt.checkpoint_path, (long long)remaining);
            else
                snprintf(oc.message, sizeof oc.message,
                         "interrupted by %s: nothing was kept (without --checkpoint FILE a rerun "
                         "starts over)",
                         stop_cause(&ctl));
            fprintf(stderr, "mpiscale: %s\n", oc.message);
        } else if (st == MSC_ERR_VERIFY) {
            fprintf(stderr, "mpiscale: verification FAILED: %s\n", err);
            snprintf(oc.message, sizeof oc.message, "verification failed: %.700s", err);
        } else if (st == MSC_ERR_USAGE) { /* an option only checkable under mpirun, e.g. --slow-rank */
            fprintf(stderr, "mpiscale: %s\n", err);
            snprintf(oc.message, sizeof oc.message, "%s", err);
        } else if (st != MSC_OK) {
            if (!(st == MSC_ERR_IO && rec.kernel != NULL)) fprintf(stderr, "mpiscale: %s: %s\n", msc_strerror(st), err);
            snprintf(oc.message, sizeof oc.message, "%s: %.700s", msc_strerror(st), err);
        } else {
            snprintf(oc.message, sizeof oc.message, "complete and verified: %lld segments%s, digest %s",
                     (long long)rec.segments, rec.reused_segments > 0 ? " (resumed)" : "", rec.digest);
        }
        oc.state = msc_run_state_of(st);
        oc.exit_code = msc_exit_code(st);
        oc.signal = ctl.stop_signal;
        oc.deadline = ctl.stopped_by_deadline;
        /* the verdict is written last of all */
        if (write_status(msc_options_status(&opt), &oc) != MSC_OK && st == MSC_OK) st = MSC_ERR_IO;
    }
    checkpoint_close(&ck);
    st = share(st);
    msc_record_free(&rec);
    return finish(st);
}
