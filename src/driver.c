/* driver.c — the only compilation unit that calls MPI. One run, in phases:
 *   setup    placement queries and, on rank 0, the plan (segments per rank)
 *   baseline --serial-baseline: rank 0 runs the whole job alone for a measured T1
 *   serial   the kernel's declared serial share, on rank 0 alone
 *   scatter  MPI_Scatter of each rank's segment assignment
 *   compute  every rank runs its segments single-threaded, timing each
 *   gather   MPI_Gatherv of partials and segment times to rank 0, in segment order
 *   combine  rank 0 checks every segment's element count and combines in segment order
 *   verify   rank 0 checks the total against the kernel's independent reference
 * Rank-local failures are agreed collectively, so every rank returns the same status. */
#include "mpiscale/driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mpiscale/timing.h"

#define NAME_LEN 64
/* Elements' worth of segments that verify recomputes by a kernel's independent path, when it has
 * one: about 0.05 s for random_fill, bounded whatever the range. */
#define SPOT_CHECK_ITEMS ((int64_t)1 << 22)

typedef struct node_info {
    char name[NAME_LEN];
    int cores;
    int node_id; /* world rank of the node's first rank: nodes as MPI sees them, not by name */
} node_info;

/* Copies src into dst[size], truncating, always NUL-terminated. */
static void copy_text(char *dst, size_t size, const char *src)
{
    const size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A barrier for ranks that wait while rank 0 works alone (baseline, serial share): they sleep
 * between tests instead of spinning in MPI_Barrier, which took CPU from rank 0 on the same node
 * and slowed the very phase being timed (a 2-rank do_math baseline ran ~2% slower, enough for a
 * "superlinear" speedup of 2.03). Costs at most one poll interval, for phases of seconds. */
static void idle_barrier(MPI_Comm comm)
{
    MPI_Request req;
    int done = 0;
    const struct timespec poll = {0, 200 * 1000}; /* 0.2 ms */
    if (MPI_Ibarrier(comm, &req) != MPI_SUCCESS) {
        MPI_Barrier(comm);
        return;
    }
    while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) nanosleep(&poll, NULL);
}

/* Agrees on the worst local status across comm; every rank gets the same answer. */
static msc_status agree(msc_status local, MPI_Comm comm)
{
    int in = (int)local, out = (int)MSC_ERR_MPI;
    if (MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS) return MSC_ERR_MPI;
    return (msc_status)out;
}

/* Runs kernel k over every segment of `par` in order into parts[0..n_seg), timing each segment
 * into times (if not NULL). */
static void run_segments(const msc_options *o, msc_range par, int64_t n_seg, int64_t first,
                         int64_t count, msc_partial *parts, double *times)
{
    for (int64_t j = 0; j < count; j++) {
        const msc_range seg = msc_segment(par, n_seg, first + j);
        const double t0 = msc_now_s();
        memset(&parts[j], 0, sizeof parts[j]);
        o->kernel->run(o->range, seg.lo, seg.hi, &o->params, &parts[j]);
        if (times != NULL) times[j] = msc_now_s() - t0;
    }
}

static void fill_provenance(msc_run_record *rec)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int n = 0;
    time_t now = time(NULL);
    struct tm utc;
    if (MPI_Get_library_version(lib, &n) != MPI_SUCCESS) snprintf(lib, sizeof lib, "unknown");
    lib[strcspn(lib, "\n")] = '\0'; /* the first line names the library and version */
    copy_text(rec->mpi_library, sizeof rec->mpi_library, lib);
#if defined(__clang__)
    snprintf(rec->compiler, sizeof rec->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(rec->compiler, sizeof rec->compiler, "gcc %s", __VERSION__);
#else
    snprintf(rec->compiler, sizeof rec->compiler, "unknown");
#endif
    gmtime_r(&now, &utc);
    strftime(rec->start_time, sizeof rec->start_time, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* Finds which ranks share this rank's node (MPI_Comm_split_type, shared memory) and names the node
 * by the comm rank of its first rank, so two nodes with the same hostname still count as two. */
static msc_status node_identity(MPI_Comm comm, int rank, node_info *me)
{
    MPI_Comm node;
    int id = rank;
    if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return MSC_ERR_MPI;
    const int rc = MPI_Bcast(&id, 1, MPI_INT, 0, node);
    MPI_Comm_free(&node);
    me->node_id = id;
    return rc == MPI_SUCCESS ? MSC_OK : MSC_ERR_MPI;
}

/* Folds the per-rank node identities into distinct hosts, in order of first appearance. */
static msc_status fill_hosts(msc_run_record *rec, const node_info *info, int n_ranks)
{
    int *ids = (int *)malloc((size_t)n_ranks * sizeof *ids);
    rec->hosts = (msc_host *)calloc((size_t)n_ranks, sizeof *rec->hosts);
    if (rec->hosts == NULL || ids == NULL) {
        free(ids);
        return MSC_ERR_NOMEM;
    }
    rec->nodes = 0;
    for (int r = 0; r < n_ranks; r++) {
        int h = 0;
        while (h < rec->nodes && ids[h] != info[r].node_id) h++;
        if (h == rec->nodes) {
            ids[h] = info[r].node_id;
            copy_text(rec->hosts[h].name, sizeof rec->hosts[h].name, info[r].name);
            rec->hosts[h].cores = info[r].cores;
            rec->nodes++;
        }
        rec->hosts[h].ranks++;
    }
    free(ids);
    rec->oversubscribed_nodes = 0;
    for (int h = 0; h < rec->nodes; h++)
        rec->oversubscribed_nodes += rec->hosts[h].ranks > rec->hosts[h].cores;
    return MSC_OK;
}

msc_status msc_driver_run(const msc_options *o, MPI_Comm comm, double t_init_s,
                          msc_run_record *rec, char *err, size_t len)
{
    int rank = 0, size = 1, name_len = 0;
    double t[MSC_PHASE_COUNT] = {0};
    msc_status st = MSC_OK;
    msc_assignment mine = {0, 0}, *plan = NULL;
    msc_partial *parts = NULL, *all_parts = NULL, serial_part, total;
    double *times = NULL, *all_times = NULL, *all_t = NULL;
    int *counts = NULL, *displs = NULL;
    node_info me, *all_info = NULL;
    uint64_t digest = 0, baseline_digest = 0;
    double baseline_s = -1.0, baseline_compute_s = 0.0, job_start = 0.0, job_end = 0.0;

    memset(&serial_part, 0, sizeof serial_part);
    memset(&total, 0, sizeof total);
    memset(&me, 0, sizeof me);
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return msc_fail(MSC_ERR_MPI, err, len, "MPI_Comm_rank/size failed");
    t[MSC_PHASE_INIT] = t_init_s;

    /* ---- setup ---- */
    MPI_Barrier(comm);
    double t0 = msc_now_s();
    char pname[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(pname, &name_len);
    copy_text(me.name, sizeof me.name, pname);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    me.cores = cores > 0 ? (int)cores : 1;
    st = node_identity(comm, rank, &me);

    const int64_t n_items = msc_range_count(o->range);
    const int64_t n_serial = (int64_t)(msc_kernel_serial_share(o->kernel, &o->params) * (double)n_items);
    const msc_range par = {o->range.lo + n_serial, o->range.hi};
    const int64_t n_seg = msc_segments_clip(n_items - n_serial, o->segments_requested);
    const int has_serial = n_serial > 0;

    if (rank == 0 && st == MSC_OK) {
        plan = (msc_assignment *)malloc((size_t)size * sizeof *plan);
        all_parts = (msc_partial *)malloc((size_t)(n_seg + 1) * sizeof *all_parts);
        all_times = (double *)malloc((size_t)n_seg * sizeof *all_times);
        all_t = (double *)malloc((size_t)size * MSC_PHASE_COUNT * sizeof *all_t);
        all_info = (node_info *)malloc((size_t)size * sizeof *all_info);
        counts = (int *)malloc((size_t)size * sizeof *counts);
        displs = (int *)malloc((size_t)size * sizeof *displs);
        if (!plan || !all_parts || !all_times || !all_t || !all_info || !counts || !displs)
            st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory planning %lld segments",
                          (long long)n_seg);
        else
            st = msc_schedule_plan(o->schedule, n_seg, size, plan, err, len);
    }
    if ((st = agree(st, comm)) != MSC_OK) goto out;
    t[MSC_PHASE_SETUP] = msc_now_s() - t0;

    /* ---- baseline: the whole job on rank 0 alone, combined the same way ---- */
    if (o->serial_baseline) {
        t0 = msc_now_s();
        if (rank == 0) {
            msc_partial *seq = all_parts + 1, first, bt;
            memset(&first, 0, sizeof first);
            if (has_serial) o->kernel->run(o->range, o->range.lo, par.lo, &o->params, &first);
            const double tc = msc_now_s();
            run_segments(o, par, n_seg, 0, n_seg, seq, NULL);
            baseline_compute_s = msc_now_s() - tc;
            all_parts[0] = first;
            baseline_digest = msc_partials_combine(has_serial ? all_parts : seq,
                                                   n_seg + has_serial, &bt);
            baseline_s = msc_now_s() - t0;
        }
        idle_barrier(comm);
        t[MSC_PHASE_BASELINE] = msc_now_s() - t0;
    }

    /* ---- serial share: rank 0 alone, the others wait ---- */
    MPI_Barrier(comm);
    job_start = t0 = msc_now_s();
    if (has_serial) {
        if (rank == 0) o->kernel->run(o->range, o->range.lo, par.lo, &o->params, &serial_part);
        idle_barrier(comm);
        t[MSC_PHASE_SERIAL] = msc_now_s() - t0;
    }

    /* ---- scatter ---- */
    t0 = msc_now_s();
    if (MPI_Scatter(plan, 2, MPI_INT64_T, &mine, 2, MPI_INT64_T, 0, comm) != MPI_SUCCESS)
        st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Scatter of the plan failed");
    t[MSC_PHASE_SCATTER] = msc_now_s() - t0;
    if ((st = agree(st, comm)) != MSC_OK) goto out;

    /* ---- compute ---- */
    parts = (msc_partial *)malloc((size_t)(mine.count > 0 ? mine.count : 1) * sizeof *parts);
    times = (double *)malloc((size_t)(mine.count > 0 ? mine.count : 1) * sizeof *times);
    if (parts == NULL || times == NULL)
        st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for %lld segments",
                      (long long)mine.count);
    if ((st = agree(st, comm)) != MSC_OK) goto out;
    t0 = msc_now_s();
    run_segments(o, par, n_seg, mine.first, mine.count, parts, times);
    t[MSC_PHASE_COMPUTE] = msc_now_s() - t0;

    /* ---- gather: a block plan's runs are in rank order, so displacements put every partial at
     * its segment index ---- */
    t0 = msc_now_s();
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            counts[r] = (int)(plan[r].count * (int64_t)sizeof(msc_partial));
            displs[r] = (int)(plan[r].first * (int64_t)sizeof(msc_partial));
        }
    int my_bytes = (int)(mine.count * (int64_t)sizeof(msc_partial));
    int rc = MPI_Gatherv(parts, my_bytes, MPI_BYTE, rank == 0 ? all_parts + 1 : NULL, counts,
                         displs, MPI_BYTE, 0, comm);
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            counts[r] = (int)plan[r].count;
            displs[r] = (int)plan[r].first;
        }
    if (rc == MPI_SUCCESS)
        rc = MPI_Gatherv(times, (int)mine.count, MPI_DOUBLE, all_times, counts, displs, MPI_DOUBLE,
                         0, comm);
    if (rc != MPI_SUCCESS) st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Gatherv of partials failed");
    t[MSC_PHASE_GATHER] = msc_now_s() - t0;

    /* ---- combine: every element exactly once, then the fixed segment order ---- */
    if (rank == 0 && st == MSC_OK) {
        t0 = msc_now_s();
        all_parts[0] = serial_part;
        for (int64_t s = 0; s < n_seg && st == MSC_OK; s++) {
            const msc_range seg = msc_segment(par, n_seg, s);
            if (all_parts[1 + s].n_items != seg.hi - seg.lo)
                st = msc_fail(MSC_ERR_INTERNAL, err, len,
                              "segment %lld reported %lld elements, expected %lld", (long long)s,
                              (long long)all_parts[1 + s].n_items, (long long)(seg.hi - seg.lo));
        }
        if (st == MSC_OK && serial_part.n_items != n_serial)
            st = msc_fail(MSC_ERR_INTERNAL, err, len, "serial share reported %lld elements, expected %lld",
                          (long long)serial_part.n_items, (long long)n_serial);
        digest = msc_partials_combine(all_parts + 1 - has_serial, n_seg + has_serial, &total);
        if (st == MSC_OK && total.n_items != n_items)
            st = msc_fail(MSC_ERR_INTERNAL, err, len, "combined %lld elements, expected %lld",
                          (long long)total.n_items, (long long)n_items);
        job_end = msc_now_s();
        t[MSC_PHASE_COMBINE] = job_end - t0;

        /* ---- verify ---- */
        t0 = msc_now_s();
        if (st == MSC_OK)
            st = o->kernel->verify(o->range, &o->params, &total, &rec->verdict, err, len);
        /* Segments are spot-checked only where verify could not check the total exactly: for an
         * exact check they would be recomputed a second time for nothing. */
        if (st == MSC_OK && rec->verdict.pass && !rec->verdict.exact) {
            int64_t bad = -1;
            const int64_t n_checked = msc_spot_check(o->kernel, o->range, par, n_seg, all_parts + 1,
                                                     &o->params, SPOT_CHECK_ITEMS, &bad);
            const size_t used = strlen(rec->verdict.method);
            if (bad >= 0) {
                rec->verdict.pass = 0;
                snprintf(rec->verdict.method + used, sizeof rec->verdict.method - used,
                         "; segment %lld differs from its independent recompute", (long long)bad);
            } else if (n_checked > 0) {
                snprintf(rec->verdict.method + used, sizeof rec->verdict.method - used,
                         "; %lld of %lld segments recomputed independently: equal",
                         (long long)n_checked, (long long)n_seg);
            }
        }
        if (st == MSC_OK && o->serial_baseline && baseline_digest != digest) {
            rec->verdict.pass = 0;
            snprintf(rec->verdict.method, sizeof rec->verdict.method,
                     "the --serial-baseline digest %016llx differs from the parallel digest",
                     (unsigned long long)baseline_digest);
        }
        if (st == MSC_OK && !rec->verdict.pass) st = MSC_ERR_VERIFY; /* detail once formatted */
        t[MSC_PHASE_VERIFY] = msc_now_s() - t0;
    }

    /* ---- timings and placement to rank 0, then one agreed status ---- */
    if (MPI_Gather(t, MSC_PHASE_COUNT, MPI_DOUBLE, all_t, MSC_PHASE_COUNT, MPI_DOUBLE, 0, comm) !=
            MPI_SUCCESS ||
        MPI_Gather(&me, (int)sizeof me, MPI_BYTE, all_info, (int)sizeof me, MPI_BYTE, 0, comm) !=
            MPI_SUCCESS)
        st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Gather of timings failed");

    if (rank == 0 && (st == MSC_OK || st == MSC_ERR_VERIFY)) {
        double *compute = (double *)malloc((size_t)size * sizeof *compute);
        msc_status fill = compute != NULL ? fill_hosts(rec, all_info, size) : MSC_ERR_NOMEM;
        if (fill != MSC_OK) {
            st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for the report");
        } else {
            rec->kernel = o->kernel;
            rec->params = o->params;
            rec->range = o->range;
            rec->segments = n_seg;
            rec->schedule = o->schedule;
            rec->serial_baseline = o->serial_baseline;
            rec->ranks = size;
            rec->idle_ranks = 0;
            for (int r = 0; r < size; r++) rec->idle_ranks += plan[r].count == 0;
            rec->status = st;
            msc_result_format(o->kernel, &total, rec->result, sizeof rec->result);
            snprintf(rec->digest, sizeof rec->digest, "%016llx", (unsigned long long)digest);
            msc_phase_reduce(all_t, size, rec->phases);
            for (int r = 0; r < size; r++) compute[r] = all_t[(size_t)r * MSC_PHASE_COUNT + MSC_PHASE_COMPUTE];
            rec->imbalance = msc_imbalance(compute, size);
            fill_provenance(rec);

            msc_measure *m = &rec->measure;
            m->ranks = size;
            m->setup_s = t[MSC_PHASE_SETUP];
            m->wall_s = t[MSC_PHASE_SETUP] + (job_end - job_start);
            m->serial_s = t[MSC_PHASE_SETUP] + t[MSC_PHASE_SERIAL] + t[MSC_PHASE_COMBINE];
            m->compute_sum_s = 0.0;
            for (int64_t s = 0; s < n_seg; s++) m->compute_sum_s += all_times[s];
            m->compute_max_s = rec->phases[MSC_PHASE_COMPUTE].max_s;
            m->baseline_s = baseline_s;
            m->baseline_compute_s = baseline_compute_s;
            msc_model_analyse(m, &rec->analysis);
            if (st == MSC_ERR_VERIFY)
                msc_fail(MSC_ERR_VERIFY, err, len, "result %s, reference %s (%s)", rec->result,
                         rec->verdict.expected, rec->verdict.method);
        }
        free(compute);
    }
    {
        int s = (int)st;
        if (MPI_Bcast(&s, 1, MPI_INT, 0, comm) != MPI_SUCCESS) s = (int)MSC_ERR_MPI;
        st = (msc_status)s;
    }
out:
    free(plan);
    free(all_parts);
    free(all_times);
    free(all_t);
    free(all_info);
    free(counts);
    free(displs);
    free(parts);
    free(times);
    return st;
}
