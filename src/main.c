/* main.c — the mpirun-launched program: init, parse, check outputs, run, report, finalize. The
 * only place that prints errors and chooses the exit code. User errors leave through
 * MPI_Finalize on every rank (never MPI_Abort: Open MPI 4.1's teardown after an abort is
 * unreliable), with one line on stderr from rank 0. */
#include <stdio.h>

#include <mpi.h>

#include "mpiscale/cli.h"
#include "mpiscale/driver.h"
#include "mpiscale/report.h"
#include "mpiscale/timing.h"

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
