/* main.c — the mpirun-launched program: init, parse, check outputs, run, report, finalize. The
 * only place that prints errors and chooses the exit code, and the home of rank 0's progress
 * display on stderr. User errors leave through MPI_Finalize on every rank (never MPI_Abort: Open
 * MPI 4.1's teardown after an abort is unreliable), with one line on stderr from rank 0. */
#define _XOPEN_SOURCE 700 /* isatty, readlink, getppid with -std=c11 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mpi.h>

#include "mpiscale/cli.h"
#include "mpiscale/driver.h"
#include "mpiscale/report.h"
#include "mpiscale/timing.h"

/* ---- progress on stderr (rank 0) ---------------------------------------------------------------- */

#define PROGRESS_INTERVAL_S 0.5 /* the driver's calls, between segments */
#define PLAIN_INTERVAL_S 1.0    /* plain lines into a file or pipe (--progress), single runs */

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

/* The whole sweep: points, runs, then on rank 0 the table and the fits. */
static msc_status run_sweep(const msc_options *opt, int rank, double t_init_s, progress_ui *ui,
                            char *err, size_t len)
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
            msc_report_sweep_text(stdout, &sum);
            if (cal_st == MSC_OK)
                msc_report_calibration_text(stdout, &cal, sum.t1_s, msc_sweep_t1_source(&sum), &sum);
        }
    }
    if (rank == 0 && c.io != MSC_OK) {
        fprintf(stderr, "mpiscale: %s: %s\n", opt->json_path != NULL ? "--json/--csv" : "--csv", c.io_err);
        if (st == MSC_OK) st = c.io;
    }
    free(c.runs);
    return st;
}

/* Every rank leaves the same way with the same code. */
static int finish(msc_status st)
{
    fflush(stdout);
    MPI_Finalize();
    return msc_exit_code(st);
}

int main(int argc, char **argv)
{
    const double t0 = msc_now_s();
    MPI_Init(&argc, &argv);
    const double t_init_s = msc_now_s() - t0;

    int rank = 0;
    char err[512] = "";
    msc_options opt;
    msc_run_record rec = {0};
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    msc_status st = msc_cli_parse(argc, argv, &opt, err, sizeof err);
    if (st != MSC_OK) {
        if (rank == 0) fprintf(stderr, "mpiscale: %s\n", err);
        return finish(st);
    }
    if (opt.action != MSC_ACTION_RUN) {
        if (rank == 0 && opt.action == MSC_ACTION_HELP) msc_cli_help(stdout, "mpiscale");
        if (rank == 0 && opt.action == MSC_ACTION_LIST_KERNELS) msc_cli_list_kernels(stdout);
        if (rank == 0 && opt.action == MSC_ACTION_VERSION) printf("mpiscale %s\n", MSC_VERSION);
        return finish(MSC_OK);
    }

    /* Output files are checked before any work, on rank 0 only (no rank writes but rank 0). */
    int code = MSC_OK;
    if (rank == 0) {
        if (opt.json_path != NULL && (st = msc_output_check(opt.json_path, err, sizeof err)) != MSC_OK)
            fprintf(stderr, "mpiscale: --json: %s\n", err);
        else if (opt.csv_path != NULL && (st = msc_output_check(opt.csv_path, err, sizeof err)) != MSC_OK)
            fprintf(stderr, "mpiscale: --csv: %s\n", err);
        else if (opt.json_path != NULL && opt.csv_path != NULL &&
                 msc_output_same(opt.json_path, opt.csv_path)) {
            st = MSC_ERR_USAGE;
            fprintf(stderr, "mpiscale: --csv: '%s': the same file as --json '%s'\n", opt.csv_path,
                    opt.json_path);
        }
        code = (int)st;
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (code != MSC_OK) return finish((msc_status)code);

    progress_ui ui;
    ui_init(&ui, &opt, rank);
    if (opt.sweep != MSC_SWEEP_NONE) {
        st = run_sweep(&opt, rank, t_init_s, &ui, err, sizeof err);
        if (rank == 0 && st != MSC_OK && st != MSC_ERR_IO)
            fprintf(stderr, "mpiscale: %s%s%s\n", st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : msc_strerror(st),
                    st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : ": ", err);
        return finish(st);
    }
    sweep_ctx watched;
    memset(&watched, 0, sizeof watched);
    watched.ui = &ui;
    const msc_watch watch = {ui.on ? ui_progress : NULL, &watched, PROGRESS_INTERVAL_S};
    st = msc_driver_run_watched(&opt, MPI_COMM_WORLD, t_init_s, &watch, &rec, err, sizeof err);
    ui_clear(&ui);
    /* --calibrate after the measured run (every rank has its status: it is agreed) */
    msc_calibration cal;
    int calibrated = 0;
    if (st == MSC_OK && opt.calibrate) {
        char cal_err[400] = "";
        int size = 1;
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        st = msc_driver_calibrate(&opt, MPI_COMM_WORLD, t_init_s, &size, 1, opt.calibrate_runs, &cal,
                                  cal_err, sizeof cal_err);
        calibrated = st == MSC_OK;
        if (!calibrated) snprintf(err, sizeof err, "--calibrate: %s", cal_err);
    }
    if (rank == 0) {
        if (rec.kernel != NULL) {
            const double t_output = msc_now_s();
            if (opt.quiet)
                msc_report_summary(stdout, &rec);
            else
                msc_report_text(stdout, &rec);
            if (calibrated)
                msc_report_calibration_text(stdout, &cal, rec.analysis.t1_s,
                                            rec.analysis.t1_source == MSC_T1_BASELINE
                                                ? "measured: --serial-baseline"
                                                : "estimated: segment times + serial phases",
                                            NULL);
            fflush(stdout);
            /* The record is written even when verification failed: it says so itself. */
            char io_err[512] = "";
            msc_status out = MSC_OK;
            const char *failed = NULL;
            if (opt.json_path != NULL &&
                (out = msc_report_json_append(opt.json_path, &rec, io_err, sizeof io_err)) != MSC_OK)
                failed = "--json";
            else if (opt.csv_path != NULL &&
                     (out = msc_report_csv_append(opt.csv_path, &rec, io_err, sizeof io_err)) != MSC_OK)
                failed = "--csv";
            if (failed != NULL) {
                fprintf(stderr, "mpiscale: %s: %s\n", failed, io_err);
                if (st == MSC_OK) st = out;
            }
            /* The output phase ends after the files are written, so it can only be reported here,
             * after the record it is not part of. */
            if (!opt.quiet)
                printf("Output phase: %.6f s on rank 0 (this report and the --json/--csv files; "
                       "not in those files)\n", msc_now_s() - t_output);
        }
        if (st == MSC_ERR_VERIFY)
            fprintf(stderr, "mpiscale: verification FAILED: %s\n", err);
        else if (st == MSC_ERR_USAGE) /* an option only checkable under mpirun, e.g. --slow-rank */
            fprintf(stderr, "mpiscale: %s\n", err);
        else if (st != MSC_OK && !(st == MSC_ERR_IO && rec.kernel != NULL))
            fprintf(stderr, "mpiscale: %s: %s\n", msc_strerror(st), err);
    }
    code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    msc_record_free(&rec);
    return finish((msc_status)code);
}
