/* main.c — the mpirun-launched program: init, parse, check outputs, run, report, finalize. The
 * only place that prints errors and chooses the exit code. User errors leave through
 * MPI_Finalize on every rank (never MPI_Abort: Open MPI 4.1's teardown after an abort is
 * unreliable), with one line on stderr from rank 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "mpiscale/cli.h"
#include "mpiscale/driver.h"
#include "mpiscale/report.h"
#include "mpiscale/timing.h"

/* What rank 0 keeps while a sweep runs. */
typedef struct sweep_ctx {
    const msc_options *opt;
    msc_sweep_run *runs;
    int n_runs, cap_runs;
    msc_status io;       /* the first output error; later runs are not written */
    char io_err[512];
} sweep_ctx;

/* Rank 0, after every run of a sweep: a progress line, the output files, the table's inputs. */
static void on_sweep_run(const msc_run_record *rec, int p, int run, void *arg)
{
    sweep_ctx *c = (sweep_ctx *)arg;
    if (run < 0) {
        printf("warm-up p=%d wall_s=%.6f (not measured)\n", p, rec->measure.wall_s);
        fflush(stdout);
        return;
    }
    msc_run_record r = *rec;
    r.sweep_mode = c->opt->weak ? 2 : 1;
    r.sweep_run = run;
    msc_report_summary(stdout, &r);
    fflush(stdout);
    if (c->io == MSC_OK && c->opt->json_path != NULL)
        c->io = msc_report_json_append(c->opt->json_path, &r, c->io_err, sizeof c->io_err);
    if (c->io == MSC_OK && c->opt->csv_path != NULL)
        c->io = msc_report_csv_append(c->opt->csv_path, &r, c->io_err, sizeof c->io_err);
    if (c->n_runs == c->cap_runs) return; /* sized for every run up front */
    msc_sweep_run *x = &c->runs[c->n_runs++];
    x->p = p;
    x->wall_s = rec->measure.wall_s;
    x->t1_est_s = rec->measure.serial_s + rec->measure.compute_sum_s;
    x->serial_s = rec->measure.serial_s;
    x->imbalance = rec->imbalance;
    x->nodes = rec->nodes;
    x->oversubscribed = rec->oversubscribed_nodes;
    x->verified = rec->verdict.pass;
    snprintf(x->digest, sizeof x->digest, "%s", rec->digest);
}

/* The whole sweep: points, runs, then on rank 0 the table and the fits. */
static msc_status run_sweep(const msc_options *opt, int rank, double t_init_s, char *err, size_t len)
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
    c.opt = opt;
    c.cap_runs = n_points * opt->repeat;
    if (rank == 0) {
        c.runs = (msc_sweep_run *)calloc((size_t)c.cap_runs, sizeof *c.runs);
        if (c.runs == NULL) c.cap_runs = 0;
    }
    st = msc_driver_sweep(opt, MPI_COMM_WORLD, t_init_s, points, n_points, on_sweep_run, &c, err, len);
    if (rank == 0 && c.n_runs > 0) {
        msc_sweep_summary sum;
        if (msc_sweep_summarise(c.runs, c.n_runs, opt->weak, &sum) == MSC_OK) {
            sum.target_speedup = opt->target_speedup;
            sum.min_efficiency = opt->min_efficiency;
            msc_report_sweep_text(stdout, &sum);
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

    if (opt.sweep != MSC_SWEEP_NONE) {
        st = run_sweep(&opt, rank, t_init_s, err, sizeof err);
        if (rank == 0 && st != MSC_OK && st != MSC_ERR_IO)
            fprintf(stderr, "mpiscale: %s%s%s\n", st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : msc_strerror(st),
                    st == MSC_ERR_USAGE || st == MSC_ERR_RANGE ? "" : ": ", err);
        return finish(st);
    }
    st = msc_driver_run(&opt, MPI_COMM_WORLD, t_init_s, &rec, err, sizeof err);
    if (rank == 0) {
        if (rec.kernel != NULL) {
            const double t_output = msc_now_s();
            if (opt.quiet)
                msc_report_summary(stdout, &rec);
            else
                msc_report_text(stdout, &rec);
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
