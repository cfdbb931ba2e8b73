/* claim_cost.c — benchmark behind --schedule dynamic's design: what it costs a rank to get its next
 * chunk from (a) a counter in an MPI window on rank 0, claimed with MPI_Fetch_and_op (what the
 * driver does), or (b) a queue that rank 0 serves between its own work units (rank 0 computes
 * too). Every unit is a busy wait of --work-us microseconds without MPI calls, like a segment;
 * like the driver, rank 0 lets MPI progress after each of its units. Both modes run alternately in
 * one launch, --repeat times; medians are printed, so the ratio is taken in the same run.
 *   mpirun -np 2 msc_bench_claims --work-us 1000 --units 2000 --repeat 5
 * Add `--mca osc pt2pt` to see a window without shared-memory or network atomics (as over TCP
 * between nodes): the counter then waits for rank 0 just as the queue does. */
#include <getopt.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TAG_ASK 1
#define TAG_GIVE 2

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void busy(double us)
{
    const double end = now_s() + 1e-6 * us;
    while (now_s() < end) {
    }
}

typedef struct result {
    double wall_s;      /* first claim to last unit done, slowest rank */
    double claim_us;    /* mean time a rank other than 0 waited for a claim */
    double share0;      /* fraction of the units rank 0 did */
} result;

static void progress(MPI_Comm comm)
{
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, MPI_STATUS_IGNORE);
}

static void summarise(double wall, double wait_s, int64_t claims, int64_t mine, int64_t units,
                      int rank, MPI_Comm comm, result *out)
{
    double w = 0.0, sums[2] = {rank == 0 ? 0.0 : wait_s, rank == 0 ? 0.0 : (double)claims}, tot[2];
    MPI_Reduce(&wall, &w, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    MPI_Reduce(sums, tot, 2, MPI_DOUBLE, MPI_SUM, 0, comm);
    if (rank == 0) {
        out->wall_s = w;
        out->claim_us = tot[1] > 0 ? 1e6 * tot[0] / tot[1] : 0.0;
        out->share0 = (double)mine / (double)units;
    }
}

static void run_counter(double work_us, int64_t units, int rank, MPI_Comm comm, result *out)
{
    int64_t *base = NULL, one = 1, got = 0, mine = 0, claims = 0;
    double wait_s = 0.0;
    MPI_Win win;
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0, (int)sizeof(int64_t), MPI_INFO_NULL,
                     comm, &base, &win);
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    if (rank == 0) *base = 0;
    MPI_Win_sync(win);
    MPI_Barrier(comm);
    const double t0 = now_s();
    for (;;) {
        const double a = now_s();
        MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, win);
        MPI_Win_flush(0, win);
        wait_s += now_s() - a;
        claims++;
        if (got >= units) break;
        busy(work_us);
        mine++;
        if (rank == 0) progress(comm);
    }
    const double wall = now_s() - t0;
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    summarise(wall, wait_s, claims, mine, units, rank, comm, out);
}

static void run_queue(double work_us, int64_t units, int rank, int size, MPI_Comm comm, result *out)
{
    int64_t next = 0, mine = 0, claims = 0, got = 0;
    double wait_s = 0.0;
    MPI_Barrier(comm);
    const double t0 = now_s();
    if (rank == 0) {
        int done_workers = 0, dummy = 0;
        MPI_Request req;
        MPI_Status status;
        MPI_Irecv(&dummy, 1, MPI_INT, MPI_ANY_SOURCE, TAG_ASK, comm, &req);
        while (done_workers < size - 1 || next < units) {
            int flag = 1;
            while (done_workers < size - 1 && flag) { /* answer every waiting worker */
                MPI_Test(&req, &flag, &status);
                if (!flag) break;
                int64_t give = next < units ? next++ : -1;
                if (give < 0) done_workers++;
                MPI_Send(&give, 1, MPI_INT64_T, status.MPI_SOURCE, TAG_GIVE, comm);
                if (done_workers < size - 1)
                    MPI_Irecv(&dummy, 1, MPI_INT, MPI_ANY_SOURCE, TAG_ASK, comm, &req);
            }
            if (next < units) {
                next++;
                busy(work_us);
                mine++;
            }
        }
    } else {
        const int ask = 0;
        for (;;) {
            const double a = now_s();
            MPI_Send(&ask, 1, MPI_INT, 0, TAG_ASK, comm);
            MPI_Recv(&got, 1, MPI_INT64_T, 0, TAG_GIVE, comm, MPI_STATUS_IGNORE);
            wait_s += now_s() - a;
            claims++;
            if (got < 0) break;
            busy(work_us);
            mine++;
        }
    }
    summarise(now_s() - t0, wait_s, claims, mine, units, rank, comm, out);
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    double work_us = 1000.0;
    int64_t units = 2000;
    int repeat = 5;
    static const struct option opts[] = {{"work-us", required_argument, NULL, 'w'},
                                         {"units", required_argument, NULL, 'u'},
                                         {"repeat", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    for (int c; (c = getopt_long(argc, argv, "w:u:r:", opts, NULL)) != -1;) {
        if (c == 'w') work_us = strtod(optarg, NULL);
        else if (c == 'u') units = strtoll(optarg, NULL, 10);
        else if (c == 'r') repeat = atoi(optarg);
        else {
            if (rank == 0) fprintf(stderr, "usage: msc_bench_claims [--work-us US] [--units N] [--repeat R]\n");
            MPI_Finalize();
            return 2;
        }
    }
    if (size < 2 || work_us < 0 || units < 1 || repeat < 1 || repeat > 100) {
        if (rank == 0) fprintf(stderr, "msc_bench_claims: needs >= 2 ranks, --units >= 1, --repeat 1..100\n");
        MPI_Finalize();
        return 2;
    }
    double wall[2][100], claim[2][100], share[2][100];
    for (int r = 0; r < repeat; r++)
        for (int m = 0; m < 2; m++) {
            result res = {0, 0, 0};
            if (m == 0)
                run_counter(work_us, units, rank, MPI_COMM_WORLD, &res);
            else
                run_queue(work_us, units, rank, size, MPI_COMM_WORLD, &res);
            wall[m][r] = res.wall_s;
            claim[m][r] = res.claim_us;
            share[m][r] = res.share0;
        }
    if (rank == 0) {
        const double ideal = 1e-6 * work_us * (double)units / size;
        printf("# %d ranks, %lld units of %.0f us, medians of %d; ideal wall %.4f s\n", size,
               (long long)units, work_us, repeat, ideal);
        printf("%-8s %10s %12s %14s %12s\n", "mode", "wall_s", "wall/ideal", "claim_us(r>0)", "rank0_share");
        const char *names[2] = {"counter", "queue"};
        double mw[2];
        for (int m = 0; m < 2; m++) {
            mw[m] = median(wall[m], repeat);
            printf("%-8s %10.4f %12.3f %14.2f %12.3f\n", names[m], mw[m], mw[m] / ideal,
                   median(claim[m], repeat), median(share[m], repeat));
        }
        printf("queue/counter wall ratio %.3f\n", mw[1] / mw[0]);
    }
    MPI_Finalize();
    return 0;
}
