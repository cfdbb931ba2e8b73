/* driver.c — the only compilation unit that calls MPI. One run, in phases:
 *   setup    placement queries and, on rank 0, the plan (segments per rank)
 *   baseline --serial-baseline: rank 0 runs the whole job alone for a measured T1
 *   serial   the kernel's declared serial share, on rank 0 alone
 *   scatter  MPI_Scatter of each rank's segment assignment
 *   compute  every rank runs its segments single-threaded, timing each
 *   gather   MPI_Gatherv of partials and segment times to rank 0, in segment order
 *   combine  rank 0 checks every segment's element count and combines in segment order
 *   verify   rank 0 checks the total against the kernel's independent reference
 * Rank-local failures are agreed collectively, so every rank returns the same status. Around
 * runs: sweeps on sub-communicators (interleaved repeats; --repeat auto's rounds, decided on
 * rank 0 and broadcast), --calibrate's empty-kernel runs, and rank 0's progress calls between
 * segments (the display itself is main's). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT: whether this rank is bound to cores */
#include "mpiscale/driver.h"

#include <ctype.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mpiscale/isa.h"
#include "mpiscale/timing.h"

#define NAME_LEN 64
/* Elements' worth of segments that verify recomputes by a kernel's independent path, when it has
 * one: about 0.05 s for random_fill, bounded whatever the range. */
#define SPOT_CHECK_ITEMS ((int64_t)1 << 22)
/* --calibrate: seconds each rank spends measuring its node's limit for the kernel (isa.h) */
#define LIMIT_S 0.2

typedef struct node_info {
    char name[NAME_LEN];
    int cores;
    int node_id; /* world rank of the node's first rank: nodes as MPI sees them, not by name */
    int affinity; /* CPUs this rank may run on (sched_getaffinity), or 0 when unknown */
    int isa;      /* the kernels' vector path on this rank (msc_isa) */
    long rss_kib; /* peak resident set size after the run, KiB (getrusage), or 0 when unknown */
} node_info;

/* Appends rank r to a list of ranges ("0-3,8"), given the last rank appended (-1: none) and where
 * the current range started; cuts with "..." when full. */
static void rank_list_add(char *buf, size_t len, int *last, int *start, int r)
{
    size_t n = strlen(buf);
    if (n + 4 >= len) return; /* already cut */
    if (*last >= 0 && r == *last + 1) { /* extends the range: rewrite its end */
        char *dash = NULL;
        if (*start != *last) dash = strrchr(buf, '-');
        if (dash != NULL) *dash = '\0';
        n = strlen(buf);
        snprintf(buf + n, len - n, "-%d", r);
    } else {
        snprintf(buf + n, len - n, "%s%d", n ? "," : "", r);
        *start = r;
    }
    if (strlen(buf) + 4 >= len) snprintf(buf + len - 4, 4, "...");
    *last = r;
}

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
static void idle_wait(MPI_Request *req)
{
    int done = 0;
    const struct timespec poll = {0, 200 * 1000}; /* 0.2 ms */
    while (MPI_Test(req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) nanosleep(&poll, NULL);
}

static void idle_barrier(MPI_Comm comm)
{
    MPI_Request req;
    if (MPI_Ibarrier(comm, &req) != MPI_SUCCESS) {
        MPI_Barrier(comm);
        return;
    }
    idle_wait(&req);
}

/* Agrees on the worst local status across comm; every rank gets the same answer. */
static msc_status agree(msc_status local, MPI_Comm comm)
{
    int in = (int)local, out = (int)MSC_ERR_MPI;
    if (MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS) return MSC_ERR_MPI;
    return (msc_status)out;
}

/* Runs the kernel over [lo, hi) into *out; the --slow-rank rank runs it slow_factor times, really
 * doing the work each time, and keeps the last result (the kernels are pure: all are equal). */
static void run_kernel(const msc_options *o, int slow, int64_t lo, int64_t hi, msc_partial *out)
{
    for (int rep = 0; rep < slow; rep++) {
        memset(out, 0, sizeof *out);
        o->kernel->run(o->range, lo, hi, &o->params, out);
    }
}

/* Runs the kernel over segments [first, first + count) of `par` in order into parts[0..count),
 * timing each segment into times (if not NULL). */
static void run_segments(const msc_options *o, int slow, msc_range par, int64_t n_seg,
                         int64_t first, int64_t count, msc_partial *parts, double *times)
{
    for (int64_t j = 0; j < count; j++) {
        const msc_range seg = msc_segment(par, n_seg, first + j);
        const double t0 = msc_now_s();
        run_kernel(o, slow, seg.lo, seg.hi, &parts[j]);
        if (times != NULL) times[j] = msc_now_s() - t0;
    }
}

/* Rank 0's progress reports for a live display: between segments, at most once an interval, and
 * no clock read at all on other ranks or without a watch. */
typedef struct ticker {
    const msc_watch *watch; /* NULL: silent */
    const char *phase;
    int claimed;
    double start_s, next_s;
} ticker;

static void tick_start(ticker *tk, const msc_watch *watch, const char *phase, int claimed)
{
    memset(tk, 0, sizeof *tk);
    if (watch == NULL || watch->fn == NULL) return;
    tk->watch = watch;
    tk->phase = phase;
    tk->claimed = claimed;
    tk->start_s = msc_now_s();
    tk->next_s = tk->start_s + watch->interval_s;
}

static void tick(ticker *tk, int64_t done, int64_t total)
{
    if (tk == NULL || tk->watch == NULL) return;
    const double now = msc_now_s();
    if (now < tk->next_s) return;
    tk->next_s = now + tk->watch->interval_s;
    msc_progress pr;
    pr.phase = tk->phase;
    pr.fraction = total > 0 ? (double)done / (double)total : 1.0;
    if (pr.fraction > 1.0) pr.fraction = 1.0;
    pr.elapsed_s = now - tk->start_s;
    pr.claimed = tk->claimed;
    tk->watch->fn(&pr, tk->watch->ctx);
}

/* ---- fault injection (tests only; see driver.h) --------------------------------------------------- */

void msc_fault_point(const char *point, int64_t n)
{
    /* read once: this runs after every segment, and getenv scans the whole environment */
    static int parsed = 0, armed = 0, rank = -1;
    static char action[16], where[32];
    int world = 0;
    if (!parsed) {
        const char *spec = getenv("MSC_FAULT");
        parsed = 1;
        armed = spec != NULL && sscanf(spec, "%15[a-z]:%d:%31s", action, &rank, where) == 3;
    }
    if (!armed) return;
    MPI_Comm_rank(MPI_COMM_WORLD, &world);
    if (rank != world) return;
    if (isdigit((unsigned char)where[0]) ? strcmp(point, "segment") != 0 || atoll(where) != n
                                         : strcmp(point, where) != 0)
        return;
    fprintf(stderr, "mpiscale: MSC_FAULT: rank %d: %s at %s %lld\n", world, action, point, (long long)n);
    fflush(stderr);
    if (strcmp(action, "exit") == 0) _exit(1);
    if (strcmp(action, "segv") == 0) raise(SIGSEGV);
    if (strcmp(action, "kill") == 0) raise(SIGKILL);
    if (strcmp(action, "abort") == 0) MPI_Abort(MPI_COMM_WORLD, 1);
    if (strcmp(action, "hang") == 0)
        for (;;) sleep(1);
}

/* ---- stop rounds and the journal stream -------------------------------------------------------

 * Rounds: every rank, at its segment boundaries, takes part in a non-blocking MPI_Iallreduce (MAX)
 * of {stop, busy, status}, starting a new one at most every ROUND_S while it has work and at once
 * when it has none. A round completes only when every rank has joined it, so all ranks see the
 * same answers in the same order: all done (busy 0), or stop (a signal, the deadline, a failure),
 * and they all leave the compute loop after the same round. Ranks without work wait in the rounds.
 *
 * Stream (with a journal): every rank sends its completed segments to rank 0 as they finish (one
 * message in flight at a time, the rest batched behind it); rank 0 appends them, with its own, to
 * the journal at its segment boundaries, at most every FLUSH_S, with one write and an fsync. After
 * the last round every rank sends a final batch, and rank 0 takes messages until it has them all.
 * So a kill loses only the segments in flight and in the last FLUSH_S. */
#define ROUND_S 0.1
#define FLUSH_S 0.05
#define STOP_DEADLINE 1000 /* the stop code for "out of time"; signals are below it */
#define STOP_LAUNCHER 1001 /* the launcher is gone: this rank's parent changed (mpirun was killed) */
enum { TAG_BATCH = 7101, TAG_FINAL = 7102 };
enum { DECIDED_NONE = 0, DECIDED_DONE, DECIDED_STOP };

typedef struct stream_rec {
    int64_t segment;
    int64_t rank;     /* the rank that computed it */
    double compute_s;
    msc_partial part;
} stream_rec;

typedef struct rec_buf {
    stream_rec *v;
    int64_t n, cap;
} rec_buf;

static int buf_push(rec_buf *b, const stream_rec *r)
{
    if (b->n == b->cap) {
        const int64_t cap = b->cap > 0 ? 2 * b->cap : 64;
        stream_rec *v = (stream_rec *)realloc(b->v, (size_t)cap * sizeof *v);
        if (v == NULL) return 0;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = *r;
    return 1;
}

typedef struct syncer {
    MPI_Comm comm;
    int rank, size;
    msc_run_ctl *ctl;
    msc_range par;
    int64_t n_seg;
    /* rounds */
    int round_on;
    MPI_Request round_req;
    int in[4], out[4]; /* {stop, busy, status, size - the lowest rank whose launcher is gone} */
    double work_s;       /* compute time since this rank last started a round */
    int decided;
    int agreed_stop;     /* the stop code the ranks agreed on */
    msc_status agreed_st;
    double seg_max_s;    /* this rank's longest segment so far */
    pid_t ppid;          /* the parent at the start: the launcher (mpirun, orted, slurmstepd) */
    int told;            /* rank 0: ctl->on_stop was called */
    /* stream */
    int stream;          /* a journal is written */
    rec_buf staged;      /* computed, not yet sent (rank 0: not yet written) */
    rec_buf flight;      /* being sent */
    int send_on;
    MPI_Request send_req;
    msc_status io;       /* rank 0: the first journal write error */
    char io_err[256];
    double last_flush_s;
    int finals;          /* rank 0: final batches received */
} syncer;

static double epoch_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* This rank's stop code: STOP_LAUNCHER when its launcher is gone, the signal asked for,
 * STOP_DEADLINE when out of time, else 0. A rank whose mpirun was killed outright lives on for a
 * second or so, computing and journaling for a job that is over; it stops instead, and rank 0
 * writes the verdict while it can. */
static int local_stop(const syncer *sy)
{
    const msc_run_ctl *c = sy->ctl;
    if (c == NULL) return 0;
    if (getppid() != sy->ppid) return STOP_LAUNCHER;
    if (c->stop != NULL && *c->stop != 0) return (int)*c->stop;
    if (c->deadline_s > 0.0 && epoch_s() + c->output_s + 2.0 * sy->seg_max_s >= c->deadline_s)
        return STOP_DEADLINE;
    return 0;
}

/* Rank 0: appends the staged records to the journal (when force, or FLUSH_S after the last). */
static void flush_journal(syncer *sy, int force)
{
    if (!sy->stream || sy->rank != 0 || sy->staged.n == 0 || sy->io != MSC_OK) return;
    const double now = msc_now_s();
    if (!force && now - sy->last_flush_s < FLUSH_S) return;
    msc_journal_entry *e = (msc_journal_entry *)malloc((size_t)sy->staged.n * sizeof *e);
    if (e == NULL) {
        sy->io = msc_fail(MSC_ERR_NOMEM, sy->io_err, sizeof sy->io_err, "out of memory for the journal");
        return;
    }
    for (int64_t i = 0; i < sy->staged.n; i++) {
        const stream_rec *r = &sy->staged.v[i];
        const msc_range seg = msc_segment(sy->par, sy->n_seg, r->segment);
        e[i].segment = r->segment;
        e[i].lo = seg.lo;
        e[i].hi = seg.hi;
        e[i].rank = (int)r->rank;
        e[i].compute_s = r->compute_s;
        e[i].part = r->part;
    }
    sy->io = msc_journal_append(sy->ctl->journal_fd, e, sy->staged.n, sy->io_err, sizeof sy->io_err);
    if (sy->io == MSC_OK) sy->ctl->journaled += sy->staged.n;
    free(e);
    sy->ctl->journal_s += msc_now_s() - now;
    sy->last_flush_s = msc_now_s();
    sy->staged.n = 0;
}

/* Rank 0: takes one message if one is there (blocking: waits for one). 1 when one was taken. */
static int take_message(syncer *sy, int blocking)
{
    MPI_Status status;
    MPI_Message msg;
    int flag = 0, bytes = 0;
    if (blocking) {
        if (MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, sy->comm, &msg, &status) != MPI_SUCCESS) return 0;
        flag = 1;
    } else if (MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, sy->comm, &flag, &msg, &status) != MPI_SUCCESS) {
        return 0;
    }
    if (!flag) return 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    const int64_t n = bytes / (int64_t)sizeof(stream_rec);
    stream_rec *v = (stream_rec *)malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (v == NULL) {
        sy->io = msc_fail(MSC_ERR_NOMEM, sy->io_err, sizeof sy->io_err, "out of memory for the journal");
        MPI_Mrecv(NULL, 0, MPI_BYTE, &msg, MPI_STATUS_IGNORE); /* cannot be taken: truncates */
        return 1;
    }
    MPI_Mrecv(v, bytes, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
    for (int64_t i = 0; i < n; i++)
        if (!buf_push(&sy->staged, &v[i]))
            sy->io = msc_fail(MSC_ERR_NOMEM, sy->io_err, sizeof sy->io_err, "out of memory for the journal");
    free(v);
    if (status.MPI_TAG == TAG_FINAL) sy->finals++;
    return 1;
}

/* Other ranks: sends the staged records when nothing is in flight. */
static void pump_send(syncer *sy)
{
    if (!sy->stream || sy->rank == 0) return;
    if (sy->send_on) {
        int done = 0;
        MPI_Test(&sy->send_req, &done, MPI_STATUS_IGNORE);
        if (!done) return;
        sy->send_on = 0;
    }
    if (sy->staged.n == 0) return;
    rec_buf t = sy->flight;
    sy->flight = sy->staged;
    sy->staged = t;
    sy->staged.n = 0;
    if (MPI_Isend(sy->flight.v, (int)(sy->flight.n * (int64_t)sizeof(stream_rec)), MPI_BYTE, 0, TAG_BATCH,
                  sy->comm, &sy->send_req) == MPI_SUCCESS)
        sy->send_on = 1;
}

/* A completed segment: staged for the journal (rank 0) or for sending. */
static void sync_segment(syncer *sy, int64_t segment, double compute_s, const msc_partial *part)
{
    if (compute_s > sy->seg_max_s) sy->seg_max_s = compute_s;
    sy->work_s += compute_s;
    if (!sy->stream) return;
    const stream_rec r = {segment, sy->rank, compute_s, *part};
    if (!buf_push(&sy->staged, &r)) {
        sy->io = msc_fail(MSC_ERR_NOMEM, sy->io_err, sizeof sy->io_err, "out of memory for the journal");
        return;
    }
}

/* At a segment boundary: moves the stream along, and the rounds; returns sy->decided. busy: this
 * rank still has work; st: its status so far. */
static int sync_poll(syncer *sy, int busy, msc_status st)
{
    if (sy->stream) {
        if (sy->rank == 0) {
            while (take_message(sy, 0)) {}
            flush_journal(sy, 0);
        } else {
            pump_send(sy);
        }
    }
    if (sy->decided != DECIDED_NONE) return sy->decided;
    if (sy->size == 1 && sy->ctl == NULL) { /* nothing to agree on */
        if (!busy || st != MSC_OK) sy->decided = st != MSC_OK ? DECIDED_STOP : DECIDED_DONE;
        sy->agreed_st = st;
        return sy->decided;
    }
    /* a busy rank joins a round once per ROUND_S of its own work, timed by the segment times it
     * has anyway: no clock read, no MPI call, between the rounds */
    if (busy && st == MSC_OK && !sy->round_on && sy->work_s < ROUND_S) return DECIDED_NONE;
    if (sy->round_on) {
        int done = 0;
        if (MPI_Test(&sy->round_req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            sy->decided = DECIDED_STOP;
            sy->agreed_st = MSC_ERR_MPI;
            return sy->decided;
        }
        if (!done) return DECIDED_NONE;
        sy->round_on = 0;
        if (sy->out[0] != 0 || sy->out[2] != MSC_OK) {
            sy->decided = DECIDED_STOP;
            sy->agreed_stop = sy->out[0];
            sy->agreed_st = sy->out[2] != MSC_OK ? (msc_status)sy->out[2] : MSC_INTERRUPTED;
            return sy->decided;
        }
        if (sy->out[1] == 0) {
            sy->decided = DECIDED_DONE;
            sy->agreed_st = MSC_OK;
            return sy->decided;
        }
    }
    if (busy && st == MSC_OK && sy->work_s < ROUND_S) return DECIDED_NONE;
    msc_status mine = st;
    if (mine == MSC_OK && sy->io != MSC_OK) mine = sy->io;
    sy->in[0] = local_stop(sy);
    if (sy->in[0] != 0 && sy->rank == 0 && !sy->told && sy->ctl != NULL && sy->ctl->on_stop != NULL) {
        sy->told = 1; /* say so at once: the launcher may kill the ranks before they agree */
        sy->ctl->on_stop(sy->in[0] == STOP_DEADLINE ? 0 : sy->in[0] == STOP_LAUNCHER ? -1 : sy->in[0],
                         sy->ctl->on_stop_ctx);
    }
    sy->in[1] = busy && st == MSC_OK;
    sy->in[2] = (int)mine;
    /* MAX of size - rank is the lowest rank whose launcher is gone: rank 0's is mpirun itself,
     * another node's ranks have that node's Open MPI daemon */
    sy->in[3] = sy->in[0] == STOP_LAUNCHER ? sy->size - sy->rank : 0;
    sy->work_s = 0.0;
    if (MPI_Iallreduce(sy->in, sy->out, 4, MPI_INT, MPI_MAX, sy->comm, &sy->round_req) != MPI_SUCCESS) {
        sy->decided = DECIDED_STOP;
        sy->agreed_st = MSC_ERR_MPI;
        return sy->decided;
    }
    sy->round_on = 1;
    return DECIDED_NONE;
}

/* After the compute loop: waits in the rounds until they decide (rank 0 reporting "waiting" on
 * tk), then completes the stream: every other rank sends its final batch, rank 0 takes them all
 * and appends them. Returns the agreed status: MSC_OK, MSC_INTERRUPTED or a failure. */
static msc_status sync_finish(syncer *sy, msc_status st, ticker *tk)
{
    const double wait_start_s = msc_now_s();
    const struct timespec poll = {0, 200 * 1000}; /* 0.2 ms */
    while (sync_poll(sy, 0, st) == DECIDED_NONE) {
        if (tk != NULL && tk->watch != NULL) {
            const double now = msc_now_s();
            if (now >= tk->next_s) {
                tk->next_s = now + tk->watch->interval_s;
                msc_progress pr;
                pr.phase = "waiting";
                pr.fraction = 1.0;
                pr.elapsed_s = now - wait_start_s;
                pr.claimed = tk->claimed;
                tk->watch->fn(&pr, tk->watch->ctx);
            }
        }
        nanosleep(&poll, NULL);
    }
    if (sy->stream) {
        if (sy->rank != 0) {
            if (sy->send_on) MPI_Wait(&sy->send_req, MPI_STATUS_IGNORE);
            sy->send_on = 0;
            MPI_Send(sy->staged.v, (int)(sy->staged.n * (int64_t)sizeof(stream_rec)), MPI_BYTE, 0,
                     TAG_FINAL, sy->comm);
            sy->staged.n = 0;
        } else {
            while (sy->finals < sy->size - 1) take_message(sy, 1);
            flush_journal(sy, 1);
        }
    }
    msc_status agreed = sy->agreed_st;
    if (sy->ctl != NULL && sy->decided == DECIDED_STOP && agreed == MSC_INTERRUPTED) {
        sy->ctl->stop_signal = sy->agreed_stop < STOP_DEADLINE ? sy->agreed_stop : 0;
        sy->ctl->stopped_by_deadline = sy->agreed_stop == STOP_DEADLINE;
        sy->ctl->launcher_gone = sy->agreed_stop == STOP_LAUNCHER;
        sy->ctl->launcher_gone_rank = sy->agreed_stop == STOP_LAUNCHER && sy->out[3] > 0 ? sy->size - sy->out[3] : -1;
    }
    /* a journal that could not be written fails the run on rank 0: the others are told below */
    if (sy->rank == 0 && sy->io != MSC_OK && (agreed == MSC_OK || agreed == MSC_INTERRUPTED)) agreed = sy->io;
    return agreed;
}

static void sync_free(syncer *sy)
{
    free(sy->staged.v);
    free(sy->flight.v);
    memset(sy, 0, sizeof *sy);
}

/* Per-rank scheduling figures, gathered to rank 0. */
enum { STAT_CLAIMS, STAT_CLAIMS_S, STAT_CLAIM_MAX_S, STAT_SPEED, STAT_COUNT };

/* What one rank computed: runs of consecutive segments, their partials and times back to back in
 * run order, and its scheduling costs. */
typedef struct rank_work {
    msc_assignment *runs;
    int64_t n_runs, cap_runs;
    msc_partial *parts;
    double *times;
    int64_t n_segs, cap_segs;
    double stats[STAT_COUNT];
} rank_work;

static void work_free(rank_work *w)
{
    free(w->runs);
    free(w->parts);
    free(w->times);
    memset(w, 0, sizeof *w);
}

/* Makes room for one more run of `count` segments. MSC_ERR_NOMEM when out of memory. */
static msc_status work_reserve(rank_work *w, int64_t count)
{
    if (w->n_runs + 1 > w->cap_runs) {
        const int64_t cap = w->cap_runs > 0 ? 2 * w->cap_runs : 16;
        msc_assignment *r = (msc_assignment *)realloc(w->runs, (size_t)cap * sizeof *r);
        if (r == NULL) return MSC_ERR_NOMEM;
        w->runs = r;
        w->cap_runs = cap;
    }
    if (w->n_segs + count > w->cap_segs) {
        int64_t cap = w->cap_segs > 0 ? 2 * w->cap_segs : 64;
        if (cap < w->n_segs + count) cap = w->n_segs + count;
        msc_partial *p = (msc_partial *)realloc(w->parts, (size_t)cap * sizeof *p);
        if (p != NULL) w->parts = p;
        double *t = (double *)realloc(w->times, (size_t)cap * sizeof *t);
        if (t != NULL) w->times = t;
        if (p == NULL || t == NULL) return MSC_ERR_NOMEM;
        w->cap_segs = cap;
    }
    return MSC_OK;
}

/* Computes one chunk and records it as a run; tk (rank 0's, or NULL) hears of each segment as
 * base + its index in the chunk + 1 done out of total. The chunk's indices are into todo (the
 * segments to compute; NULL: all of them, in order). Between segments the syncer moves the stream
 * and the stop rounds along; a decided stop ends the chunk early (*stopped = 1), recording the
 * segments done as a shorter run. */
static msc_status work_chunk(rank_work *w, const msc_options *o, int slow, msc_range par,
                             int64_t n_seg, const int64_t *todo, msc_assignment a, int poll,
                             MPI_Comm comm, ticker *tk, int64_t base, int64_t total, syncer *sy,
                             int *stopped)
{
    if (work_reserve(w, a.count) != MSC_OK) return MSC_ERR_NOMEM;
    int64_t j = 0;
    *stopped = 0;
    while (j < a.count) {
        const int64_t v = a.first + j, segment = todo != NULL ? todo[v] : v;
        msc_partial *part = w->parts + w->n_segs + j;
        double *t_s = w->times + w->n_segs + j;
        run_segments(o, slow, par, n_seg, segment, 1, part, t_s);
        j++;
        sync_segment(sy, segment, *t_s, part);
        msc_fault_point("segment", w->n_segs + j);
        tick(tk, base + j, total);
        /* The counter's host lets MPI progress between segments: where the window has no
         * hardware or shared-memory atomics (osc pt2pt, e.g. TCP between nodes), other ranks'
         * claims complete only when the host enters MPI. */
        if (poll) {
            int flag = 0;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, MPI_STATUS_IGNORE);
        }
        if (sync_poll(sy, 1, MSC_OK) == DECIDED_STOP) {
            *stopped = 1;
            break;
        }
    }
    a.count = j;
    if (j > 0) w->runs[w->n_runs++] = a;
    w->n_segs += j;
    return MSC_OK;
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
    /* The transport, as the launcher asked for it: mpirun --mca X V reaches the ranks as
     * OMPI_MCA_X. Open MPI does not report which transport it picked when left to choose. */
    static const struct {
        const char *var, *label;
    } asked[] = {{"OMPI_MCA_pml", "pml"},
                 {"OMPI_MCA_btl", "btl"},
                 {"OMPI_MCA_btl_tcp_if_include", "TCP on"},
                 {"OMPI_MCA_mtl", "mtl"}};
    size_t used = 0;
    rec->transport[0] = '\0';
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        const char *v = getenv(asked[i].var);
        if (v == NULL || v[0] == '\0' || used + 4 >= sizeof rec->transport) continue;
        used += (size_t)snprintf(rec->transport + used, sizeof rec->transport - used, "%s%s %.60s",
                                 used ? ", " : "", asked[i].label, v);
    }
    if (used >= sizeof rec->transport) rec->transport[sizeof rec->transport - 1] = '\0';
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

/* The kernels' vector path: with --isa auto each rank takes the widest its node has (nodes may
 * differ); a path asked for by name must exist on every node, or no rank runs. Collective. */
static msc_status select_isa(msc_isa want, MPI_Comm comm, node_info *me, char *err, size_t len)
{
    int best = (int)msc_isa_best(), common = best;
    if (MPI_Allreduce(&best, &common, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
        return msc_fail(MSC_ERR_MPI, err, len, "MPI_Allreduce of the nodes' vector paths failed");
    if (want != MSC_ISA_AUTO && (int)want > common)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--isa %s: not every node has it (the widest path all ranks have is %s)",
                        msc_isa_name(want), msc_isa_name((msc_isa)common));
    msc_isa_select(want);
    me->isa = (int)msc_isa_active();
    return MSC_OK;
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
    int *last = (int *)malloc((size_t)n_ranks * 2 * sizeof *last);
    if (last == NULL) {
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
            copy_text(rec->hosts[h].isa, sizeof rec->hosts[h].isa, msc_isa_name((msc_isa)info[r].isa));
            rec->hosts[h].cores = info[r].cores;
            last[2 * h] = last[2 * h + 1] = -1;
            rec->nodes++;
        }
        msc_host *x = &rec->hosts[h];
        x->ranks++;
        rank_list_add(x->rank_list, sizeof x->rank_list, &last[2 * h], &last[2 * h + 1], r);
        if (info[r].affinity > 0 && info[r].affinity < info[r].cores) {
            x->bound_ranks++;
            if (info[r].affinity > x->bound_cpus) x->bound_cpus = info[r].affinity;
        }
    }
    free(last);
    free(ids);
    rec->peak_rss_min_kib = rec->peak_rss_max_kib = 0;
    rec->peak_rss_max_rank = -1;
    for (int r = 0; r < n_ranks; r++) {
        if (info[r].rss_kib <= 0) continue;
        if (rec->peak_rss_max_rank < 0 || info[r].rss_kib < rec->peak_rss_min_kib)
            rec->peak_rss_min_kib = info[r].rss_kib;
        if (rec->peak_rss_max_rank < 0 || info[r].rss_kib > rec->peak_rss_max_kib) {
            rec->peak_rss_max_kib = info[r].rss_kib;
            rec->peak_rss_max_rank = r;
        }
    }
    rec->oversubscribed_nodes = 0;
    for (int h = 0; h < rec->nodes; h++)
        rec->oversubscribed_nodes += rec->hosts[h].ranks > rec->hosts[h].cores;
    return MSC_OK;
}

/* --schedule weighted: every rank times the same probe, [par.lo, par.lo + n), three times, all at
 * once (so that ranks sharing a node also share its memory bandwidth, as they will in compute),
 * and speeds[r] gets rank r's elements per second from its fastest repetition. Rank 0 sizes the
 * probe first, doubling n until one run takes PROBE_S. */
#define PROBE_S 0.005
static msc_status calibrate(const msc_options *o, int slow, msc_range par, int rank,
                            MPI_Comm comm, double *speeds)
{
    const int64_t avail = msc_range_count(par);
    int64_t n = 0;
    msc_partial tmp;
    MPI_Request req;
    if (rank == 0 && avail > 0) {
        for (n = 1;; n = 2 * n < avail ? 2 * n : avail) {
            const double t0 = msc_now_s();
            run_kernel(o, slow, par.lo, par.lo + n, &tmp);
            if (msc_now_s() - t0 >= PROBE_S || n == avail) break;
        }
    }
    if (MPI_Ibcast(&n, 1, MPI_INT64_T, 0, comm, &req) != MPI_SUCCESS) return MSC_ERR_MPI;
    idle_wait(&req);
    if (MPI_Barrier(comm) != MPI_SUCCESS) return MSC_ERR_MPI;
    double best = 0.0;
    for (int rep = 0; rep < 3 && n > 0; rep++) {
        const double t0 = msc_now_s();
        run_kernel(o, slow, par.lo, par.lo + n, &tmp);
        const double dt = msc_now_s() - t0;
        if (rep == 0 || dt < best) best = dt;
    }
    double speed = n > 0 && best > 0.0 ? (double)n / best : 0.0;
    if (MPI_Allgather(&speed, 1, MPI_DOUBLE, speeds, 1, MPI_DOUBLE, comm) != MPI_SUCCESS)
        return MSC_ERR_MPI;
    return MSC_OK;
}

/* Dynamic kinds: a chunk counter in an MPI window on rank 0, claimed with MPI_Fetch_and_op. On
 * one node Open MPI serves it from shared memory (osc sm: ~0.3-2 us a claim measured here, and
 * rank 0's CPU is not involved), which is why it beats a rank-0 queue, whose answers wait until
 * rank 0 finishes the segment it is computing. */
typedef struct counter {
    MPI_Win win;
    int64_t *base;
    int open;
} counter;

static msc_status counter_open(counter *c, int rank, MPI_Comm comm)
{
    memset(c, 0, sizeof *c);
    if (MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0, (int)sizeof(int64_t),
                         MPI_INFO_NULL, comm, &c->base, &c->win) != MPI_SUCCESS)
        return MSC_ERR_MPI;
    c->open = 1;
    if (MPI_Win_lock_all(MPI_MODE_NOCHECK, c->win) != MPI_SUCCESS) return MSC_ERR_MPI;
    if (rank == 0) *c->base = 0;
    /* the store above is made visible to the other ranks' atomics before any of them claims */
    if (MPI_Win_sync(c->win) != MPI_SUCCESS || MPI_Barrier(comm) != MPI_SUCCESS) return MSC_ERR_MPI;
    return MSC_OK;
}

/* Claims the next chunk index (may be past the last chunk: then there is no work left). */
static msc_status counter_claim(counter *c, int64_t *index, double *stats)
{
    const int64_t one = 1;
    const double t0 = msc_now_s();
    if (MPI_Fetch_and_op(&one, index, MPI_INT64_T, 0, 0, MPI_SUM, c->win) != MPI_SUCCESS ||
        MPI_Win_flush(0, c->win) != MPI_SUCCESS)
        return MSC_ERR_MPI;
    const double dt = msc_now_s() - t0;
    stats[STAT_CLAIMS] += 1.0;
    stats[STAT_CLAIMS_S] += dt;
    if (dt > stats[STAT_CLAIM_MAX_S]) stats[STAT_CLAIM_MAX_S] = dt;
    return MSC_OK;
}

static void counter_close(counter *c)
{
    if (!c->open) return;
    MPI_Win_unlock_all(c->win);
    MPI_Win_free(&c->win);
    c->open = 0;
}

/* Rank 0: receives every rank's runs, partials and times and puts each partial at its segment
 * index in all_parts (times likewise), checking that every one of the n_seg segments to compute
 * was computed exactly once. The runs index todo[0..n_seg), the segments this run computes (NULL:
 * all, 0..n_seg). Other ranks only send. Collective. */
static msc_status gather_work(const rank_work *w, int rank, int size, int64_t n_seg,
                              const int64_t *todo, msc_partial *all_parts, double *all_times,
                              int *seg_rank, MPI_Comm comm, char *err, size_t len)
{
    int64_t mine[2] = {w->n_runs, w->n_segs}, *counts64 = NULL;
    int *cnt = NULL, *dsp = NULL;
    msc_assignment *runs = NULL;
    msc_partial *stage_p = NULL;
    double *stage_t = NULL;
    unsigned char *seen = NULL;
    msc_status st = MSC_OK;
    int64_t total_runs = 0, total_segs = 0, in_order = 1;

    if (rank == 0) {
        counts64 = (int64_t *)malloc((size_t)size * 2 * sizeof *counts64);
        cnt = (int *)malloc((size_t)size * sizeof *cnt);
        dsp = (int *)malloc((size_t)size * sizeof *dsp);
        if (counts64 == NULL || cnt == NULL || dsp == NULL) st = MSC_ERR_NOMEM;
    }
    if (MPI_Gather(mine, 2, MPI_INT64_T, counts64, 2, MPI_INT64_T, 0, comm) != MPI_SUCCESS) {
        st = MSC_ERR_MPI;
        goto out;
    }
    if (rank == 0 && st == MSC_OK) {
        for (int r = 0; r < size; r++) {
            total_runs += counts64[2 * r];
            total_segs += counts64[2 * r + 1];
        }
        if (total_segs != n_seg)
            st = msc_fail(MSC_ERR_INTERNAL, err, len, "the ranks computed %lld segments, expected %lld",
                          (long long)total_segs, (long long)n_seg);
        runs = (msc_assignment *)malloc((size_t)(total_runs > 0 ? total_runs : 1) * sizeof *runs);
        if (runs == NULL) st = MSC_ERR_NOMEM;
    }
    if ((st = agree(st, comm)) != MSC_OK) goto out;
    if (rank == 0) {
        int64_t at = 0;
        for (int r = 0; r < size; r++) {
            cnt[r] = (int)(counts64[2 * r] * 2);
            dsp[r] = (int)at;
            at += cnt[r];
        }
    }
    if (MPI_Gatherv(w->runs, (int)(w->n_runs * 2), MPI_INT64_T, runs, cnt, dsp, MPI_INT64_T, 0,
                    comm) != MPI_SUCCESS) {
        st = MSC_ERR_MPI;
        goto out;
    }
    /* The runs arrive in rank order; when they also tile [0, n_seg) in order (block, weighted),
     * partials can land straight at their segment index. */
    if (rank == 0) {
        int64_t next = 0;
        in_order = todo == NULL;
        for (int64_t i = 0; i < total_runs && in_order; i++) {
            in_order = runs[i].first == next;
            next += runs[i].count;
        }
        if (!in_order) {
            stage_p = (msc_partial *)malloc((size_t)(n_seg > 0 ? n_seg : 1) * sizeof *stage_p);
            stage_t = (double *)malloc((size_t)(n_seg > 0 ? n_seg : 1) * sizeof *stage_t);
            if (stage_p == NULL || stage_t == NULL) st = MSC_ERR_NOMEM;
        }
    }
    if ((st = agree(st, comm)) != MSC_OK) goto out;
    if (rank == 0) {
        int64_t at = 0;
        for (int r = 0; r < size; r++) {
            const int64_t n = counts64[2 * r + 1];
            cnt[r] = (int)(n * (int64_t)sizeof(msc_partial));
            dsp[r] = (int)(at * (int64_t)sizeof(msc_partial));
            at += n;
        }
    }
    if (MPI_Gatherv(w->parts, (int)(w->n_segs * (int64_t)sizeof(msc_partial)), MPI_BYTE,
                    in_order ? all_parts : stage_p, cnt, dsp, MPI_BYTE, 0, comm) != MPI_SUCCESS) {
        st = MSC_ERR_MPI;
        goto out;
    }
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            cnt[r] /= (int)sizeof(msc_partial);
            dsp[r] /= (int)sizeof(msc_partial);
        }
    if (MPI_Gatherv(w->times, (int)w->n_segs, MPI_DOUBLE, in_order ? all_times : stage_t, cnt, dsp,
                    MPI_DOUBLE, 0, comm) != MPI_SUCCESS) {
        st = MSC_ERR_MPI;
        goto out;
    }
    if (rank != 0) goto out;

    /* Place, and check that the runs tile the segments exactly once. */
    seen = (unsigned char *)calloc((size_t)(n_seg > 0 ? n_seg : 1), 1);
    if (seen == NULL) {
        st = MSC_ERR_NOMEM;
        goto out;
    }
    int64_t src = 0, i = 0;
    for (int r = 0; r < size && st == MSC_OK; r++)
        for (int64_t k = 0; k < counts64[2 * r] && st == MSC_OK; k++, i++) {
            const msc_assignment a = runs[i];
            if (a.first < 0 || a.count < 0 || a.first + a.count > n_seg) {
                st = msc_fail(MSC_ERR_INTERNAL, err, len, "rank %d reported segments [%lld, %lld) "
                              "outside [0, %lld)", r, (long long)a.first,
                              (long long)(a.first + a.count), (long long)n_seg);
                break;
            }
            for (int64_t v = a.first; v < a.first + a.count; v++, src++) {
                const int64_t s = todo != NULL ? todo[v] : v;
                if (seen[v]) {
                    st = msc_fail(MSC_ERR_INTERNAL, err, len, "segment %lld was computed twice",
                                  (long long)s);
                    break;
                }
                seen[v] = 1;
                seg_rank[s] = r;
                if (!in_order) {
                    all_parts[s] = stage_p[src];
                    all_times[s] = stage_t[src];
                }
            }
        }
    for (int64_t v = 0; v < n_seg && st == MSC_OK; v++)
        if (!seen[v]) st = msc_fail(MSC_ERR_INTERNAL, err, len, "segment %lld was never computed",
                                    (long long)(todo != NULL ? todo[v] : v));
out:
    if (st == MSC_ERR_NOMEM) msc_fail(st, err, len, "out of memory gathering %lld segments", (long long)n_seg);
    if (st == MSC_ERR_MPI) msc_fail(st, err, len, "MPI_Gatherv of the computed segments failed");
    free(counts64);
    free(cnt);
    free(dsp);
    free(runs);
    free(stage_p);
    free(stage_t);
    free(seen);
    return st;
}

msc_status msc_driver_run(const msc_options *o, MPI_Comm comm, double t_init_s,
                          msc_run_record *rec, char *err, size_t len)
{
    return msc_driver_run_watched(o, comm, t_init_s, NULL, rec, err, len);
}

msc_status msc_driver_run_watched(const msc_options *o, MPI_Comm comm, double t_init_s,
                                  const msc_watch *watch, msc_run_record *rec, char *err,
                                  size_t len)
{
    return msc_driver_run_ctl(o, comm, t_init_s, watch, NULL, rec, err, len);
}

msc_status msc_driver_run_ctl(const msc_options *o, MPI_Comm comm, double t_init_s,
                              const msc_watch *watch, msc_run_ctl *ctl, msc_run_record *rec,
                              char *err, size_t len)
{
    ticker tk;
    syncer sy;
    int64_t n_todo = 0, *todo = NULL;
    unsigned char *have = NULL;
    int flags[2] = {0, 0}; /* resuming, streaming: rank 0's say */
    int rank = 0, size = 1, name_len = 0;
    double t[MSC_PHASE_COUNT] = {0};
    msc_status st = MSC_OK;
    msc_plan plan;
    counter ctr;
    rank_work w;
    msc_partial *all_parts = NULL, serial_part, total;
    double *all_times = NULL, *all_t = NULL, *all_stats = NULL, *speeds = NULL;
    int64_t *plan_counts = NULL, my_count = -1;
    int *seg_rank = NULL;
    node_info me, *all_info = NULL;
    uint64_t digest = 0, baseline_digest = 0;
    double baseline_s = -1.0, baseline_compute_s = 0.0, job_start = 0.0, job_end = 0.0;

    memset(&plan, 0, sizeof plan);
    memset(&sy, 0, sizeof sy);
    memset(&tk, 0, sizeof tk);
    memset(&ctr, 0, sizeof ctr);
    memset(&w, 0, sizeof w);
    memset(&serial_part, 0, sizeof serial_part);
    memset(&total, 0, sizeof total);
    memset(&me, 0, sizeof me);
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return msc_fail(MSC_ERR_MPI, err, len, "MPI_Comm_rank/size failed");
    t[MSC_PHASE_INIT] = t_init_s;
    if (o->slow_rank >= size)
        return msc_fail(MSC_ERR_USAGE, err, len, "--slow-rank: '%d:%d': rank %d does not exist (%d rank%s)",
                        o->slow_rank, o->slow_factor, o->slow_rank, size, size == 1 ? "" : "s");
    const int slow = rank == o->slow_rank ? o->slow_factor : 1;
    const msc_schedule_kind kind = o->schedule.kind;
    const int dynamic = msc_schedule_is_dynamic(kind);

    /* ---- setup ---- */
    MPI_Barrier(comm);
    double t0 = msc_now_s();
    char pname[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(pname, &name_len);
    copy_text(me.name, sizeof me.name, pname);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    me.cores = cores > 0 ? (int)cores : 1;
    cpu_set_t mask;
    me.affinity = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 0;
    st = node_identity(comm, rank, &me);
    {
        const msc_status isa_st = select_isa(o->isa, comm, &me, err, len);
        if (st == MSC_OK) st = isa_st;
    }

    const int64_t n_items = msc_range_count(o->range);
    msc_range par;
    int64_t n_seg = 0;
    msc_job_split(o->kernel, &o->params, o->range, o->segments_requested, &par, &n_seg);
    const int64_t n_serial = par.lo - o->range.lo;
    const int has_serial = n_serial > 0;

    speeds = (double *)calloc((size_t)size, sizeof *speeds);
    if (speeds == NULL) st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    if (rank == 0 && st == MSC_OK) {
        all_parts = (msc_partial *)malloc((size_t)(n_seg + 1) * sizeof *all_parts);
        all_times = (double *)malloc((size_t)(n_seg > 0 ? n_seg : 1) * sizeof *all_times);
        seg_rank = (int *)malloc((size_t)(n_seg > 0 ? n_seg : 1) * sizeof *seg_rank);
        all_t = (double *)malloc((size_t)size * MSC_PHASE_COUNT * sizeof *all_t);
        all_stats = (double *)malloc((size_t)size * STAT_COUNT * sizeof *all_stats);
        all_info = (node_info *)malloc((size_t)size * sizeof *all_info);
        plan_counts = (int64_t *)malloc((size_t)size * sizeof *plan_counts);
        if (!all_parts || !all_times || !seg_rank || !all_t || !all_stats || !all_info || !plan_counts)
            st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for %lld segments", (long long)n_seg);
    }
    if ((st = agree(st, comm)) != MSC_OK) goto out;

    /* Resume: the segments rank 0's journal holds are not computed again; todo lists the others,
     * and the plan schedules only those, over however many ranks this run has. */
    if (rank == 0 && ctl != NULL) {
        flags[0] = ctl->have != NULL;
        flags[1] = ctl->journal_fd >= 0;
        ctl->segments = n_seg;
    }
    if (MPI_Bcast(flags, 2, MPI_INT, 0, comm) != MPI_SUCCESS) {
        st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Bcast of the checkpoint flags failed");
        goto out;
    }
    n_todo = n_seg;
    if (flags[0]) {
        have = (unsigned char *)malloc((size_t)(n_seg > 0 ? n_seg : 1));
        if (have == NULL) st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for %lld segments", (long long)n_seg);
        else if (rank == 0 && ctl->n_segments != n_seg)
            st = msc_fail(MSC_ERR_INTERNAL, err, len, "the journal was loaded for %lld segments, the job has %lld",
                          (long long)ctl->n_segments, (long long)n_seg);
        else if (rank == 0)
            memcpy(have, ctl->have, (size_t)n_seg);
        if ((st = agree(st, comm)) != MSC_OK) goto out;
        if (MPI_Bcast(have, (int)n_seg, MPI_UNSIGNED_CHAR, 0, comm) != MPI_SUCCESS) {
            st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Bcast of the journal's segments failed");
            goto out;
        }
        n_todo = 0;
        for (int64_t s = 0; s < n_seg; s++) n_todo += !have[s];
        todo = (int64_t *)malloc((size_t)(n_todo > 0 ? n_todo : 1) * sizeof *todo);
        if (todo == NULL) st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory for %lld segments", (long long)n_todo);
        for (int64_t s = 0, k = 0; todo != NULL && s < n_seg; s++)
            if (!have[s]) todo[k++] = s;
        if ((st = agree(st, comm)) != MSC_OK) goto out;
    }
    sy.comm = comm;
    sy.rank = rank;
    sy.size = size;
    sy.ctl = ctl;
    sy.par = par;
    sy.n_seg = n_seg;
    sy.stream = flags[1];
    sy.agreed_st = MSC_OK;
    sy.ppid = getppid();

    if (dynamic && (st = agree(counter_open(&ctr, rank, comm), comm)) != MSC_OK) {
        msc_fail(st, err, len, "could not create the MPI window for the chunk counter");
        goto out;
    }
    t[MSC_PHASE_SETUP] = msc_now_s() - t0;

    /* ---- baseline: the whole job on rank 0 alone, combined the same way ---- */
    if (o->serial_baseline) {
        t0 = msc_now_s();
        if (rank == 0) {
            msc_partial *seq = all_parts + 1, first, bt;
            memset(&first, 0, sizeof first);
            if (has_serial) run_kernel(o, slow, o->range.lo, par.lo, &first);
            const double tc = msc_now_s();
            tick_start(&tk, watch, "baseline", 0);
            for (int64_t k = 0; k < n_seg; k++) {
                run_segments(o, slow, par, n_seg, k, 1, seq + k, NULL);
                tick(&tk, k + 1, n_seg);
            }
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
        if (rank == 0) run_kernel(o, slow, o->range.lo, par.lo, &serial_part);
        idle_barrier(comm);
        t[MSC_PHASE_SERIAL] = msc_now_s() - t0;
    }

    /* ---- calibrate (weighted): every rank's speed on the same probe ---- */
    if (kind == MSC_SCHED_WEIGHTED && size > 1) { /* one rank takes everything anyway */
        t0 = msc_now_s();
        if ((st = agree(calibrate(o, slow, par, rank, comm, speeds), comm)) != MSC_OK) {
            msc_fail(st, err, len, "calibration for --schedule weighted failed");
            goto out;
        }
        t[MSC_PHASE_CALIBRATE] = msc_now_s() - t0;
    }

    /* ---- scatter: every rank derives the plan from the same inputs; rank 0 sends each rank the
     * segment count its plan gives it, and a rank whose own plan disagrees stops the run ---- */
    t0 = msc_now_s();
    st = msc_plan_init(&plan, &o->schedule, n_todo, size, kind == MSC_SCHED_WEIGHTED ? speeds : NULL,
                       err, len);
    if (rank == 0 && st == MSC_OK)
        for (int r = 0; r < size; r++) plan_counts[r] = msc_plan_rank_segments(&plan, r);
    if (MPI_Scatter(plan_counts, 1, MPI_INT64_T, &my_count, 1, MPI_INT64_T, 0, comm) != MPI_SUCCESS)
        st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Scatter of the plan failed");
    else if (st == MSC_OK && my_count != msc_plan_rank_segments(&plan, rank))
        st = msc_fail(MSC_ERR_INTERNAL, err, len, "rank %d's plan gives it %lld segments, rank 0's %lld",
                      rank, (long long)msc_plan_rank_segments(&plan, rank), (long long)my_count);
    if (st == MSC_OK && !dynamic && (st = work_reserve(&w, my_count)) != MSC_OK)
        msc_fail(st, err, len, "out of memory for %lld segments", (long long)my_count);
    t[MSC_PHASE_SCATTER] = msc_now_s() - t0;
    if ((st = agree(st, comm)) != MSC_OK) goto out;

    /* ---- compute ---- */
    t0 = msc_now_s();
    tick_start(&tk, rank == 0 ? watch : NULL, "compute", dynamic);
    {
        int stopped = 0;
        if (!dynamic) { /* rank 0 knows its own share only: its segments done of my_count */
            for (int64_t c = rank; c < plan.n_chunks && st == MSC_OK && !stopped; c += size)
                st = work_chunk(&w, o, slow, par, n_seg, todo, msc_plan_chunk(&plan, c), 0, comm, &tk,
                                w.n_segs, my_count, &sy, &stopped);
        } else { /* the segments before the chunk just claimed have all been handed out */
            while (!stopped) {
                int64_t c = 0;
                if ((st = counter_claim(&ctr, &c, w.stats)) != MSC_OK || c >= plan.n_chunks) break;
                const msc_assignment a = msc_plan_chunk(&plan, c);
                if ((st = work_chunk(&w, o, slow, par, n_seg, todo, a, rank == 0, comm, &tk, a.first, n_todo,
                                     &sy, &stopped)) != MSC_OK)
                    break;
            }
        }
    }
    t[MSC_PHASE_COMPUTE] = msc_now_s() - t0;
    w.stats[STAT_SPEED] = speeds[rank];
    {
        const msc_status mine = st;
        st = sync_finish(&sy, st, &tk);
        if (st == MSC_ERR_MPI) {
            msc_fail(st, err, len, "the MPI calls that agree on stopping failed");
        } else if (st == MSC_ERR_IO || (st == MSC_ERR_NOMEM && sy.io != MSC_OK)) {
            msc_fail(st, err, len, "--checkpoint: %s", sy.io_err[0] != '\0' ? sy.io_err : "a journal write failed");
        } else if (st != MSC_OK && st != MSC_INTERRUPTED) {
            msc_fail(st, err, len, st == MSC_ERR_NOMEM ? "out of memory for computed segments"
                                   : mine == MSC_ERR_MPI ? "claiming a chunk failed"
                                                         : "a rank failed while computing");
        }
    }
    /* every rank has the same status here; the journal's error is rank 0's alone: agree on it */
    if ((st = agree(st, comm)) != MSC_OK) {
        if (st == MSC_INTERRUPTED)
            msc_fail(st, err, len, "stopped by %s",
                     ctl != NULL && ctl->launcher_gone ? "the loss of the launcher"
                     : ctl != NULL && ctl->stopped_by_deadline ? "the deadline" : "a signal");
        goto out;
    }

    /* ---- gather: partials and times to rank 0, each at its segment index ---- */
    t0 = msc_now_s();
    msc_fault_point("gather", 0);
    st = gather_work(&w, rank, size, n_todo, todo, rank == 0 ? all_parts + 1 : NULL, all_times,
                     seg_rank, comm, err, len);
    t[MSC_PHASE_GATHER] = msc_now_s() - t0;
    /* the journal's segments take their places beside the computed ones */
    if (rank == 0 && st == MSC_OK && have != NULL)
        for (int64_t s = 0; s < n_seg; s++)
            if (have[s]) {
                all_parts[1 + s] = ctl->reused[s].part;
                all_times[s] = ctl->reused[s].compute_s;
                seg_rank[s] = -1;
            }
    if (rank == 0 && ctl != NULL) {
        ctl->reused_count = n_seg - n_todo;
        ctl->computed = st == MSC_OK ? n_todo : 0;
    }

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

    /* ---- timings, scheduling costs and placement to rank 0, then one agreed status ---- */
    {
        struct rusage ru;
        me.rss_kib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0; /* KiB on Linux */
    }
    if (MPI_Gather(t, MSC_PHASE_COUNT, MPI_DOUBLE, all_t, MSC_PHASE_COUNT, MPI_DOUBLE, 0, comm) !=
            MPI_SUCCESS ||
        MPI_Gather(w.stats, STAT_COUNT, MPI_DOUBLE, all_stats, STAT_COUNT, MPI_DOUBLE, 0, comm) !=
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
            rec->schedule = plan.sched;
            rec->serial_baseline = o->serial_baseline;
            rec->slow_rank = o->slow_rank;
            rec->slow_factor = o->slow_factor;
            if (o->isa != MSC_ISA_AUTO)
                copy_text(rec->isa_requested, sizeof rec->isa_requested, msc_isa_name(o->isa));
            rec->reused_segments = n_seg - n_todo;
            rec->ranks = size;
            rec->idle_ranks = 0;
            {
                /* a rank with no segment: from the plan, or (dynamic) from who claimed what */
                int *worked = (int *)calloc((size_t)size, sizeof *worked);
                for (int64_t s = 0; worked != NULL && s < n_seg; s++)
                    if (seg_rank[s] >= 0) worked[seg_rank[s]] = 1;
                for (int r = 0; worked != NULL && r < size; r++) rec->idle_ranks += !worked[r];
                free(worked);
            }
            rec->status = st;
            msc_result_format(o->kernel, &total, rec->result, sizeof rec->result);
            snprintf(rec->digest, sizeof rec->digest, "%016llx", (unsigned long long)digest);
            msc_phase_reduce(all_t, size, rec->phases);
            for (int r = 0; r < size; r++) compute[r] = all_t[(size_t)r * MSC_PHASE_COUNT + MSC_PHASE_COMPUTE];
            rec->imbalance = msc_imbalance(compute, size);

            msc_balance *b = &rec->balance;
            memset(b, 0, sizeof *b);
            b->chunks = plan.n_chunks;
            for (int r = 0; r < size; r++) {
                const double *x = all_stats + (size_t)r * STAT_COUNT;
                b->claims += (int64_t)x[STAT_CLAIMS];
                b->claims_s += x[STAT_CLAIMS_S];
                if (x[STAT_CLAIM_MAX_S] > b->claim_max_s) b->claim_max_s = x[STAT_CLAIM_MAX_S];
                if (kind == MSC_SCHED_WEIGHTED) {
                    if (r == 0 || x[STAT_SPEED] < b->speed_min) b->speed_min = x[STAT_SPEED];
                    if (r == 0 || x[STAT_SPEED] > b->speed_max) b->speed_max = x[STAT_SPEED];
                }
            }
            if (have == NULL) {
                msc_balance_analyse(kind, n_seg, all_times, seg_rank, size, compute, rec->imbalance, b);
            } else { /* resumed: this run's segments only, compacted in segment order */
                int64_t k = 0;
                for (int64_t s = 0; s < n_seg; s++)
                    if (!have[s]) {
                        all_times[k] = all_times[s];
                        seg_rank[k++] = seg_rank[s];
                    }
                msc_balance_analyse(kind, k, all_times, seg_rank, size, compute, rec->imbalance, b);
            }
            for (int h = 0; h < rec->nodes; h++)
                if (rec->hosts[h].ranks > rec->hosts[h].cores) {
                    /* every time above includes waiting for a core: no schedule fixes that */
                    snprintf(b->advice, sizeof b->advice,
                             "node %s runs %d ranks on %d cores, so ranks wait for a core and these "
                             "times say little about the schedule: run at most one rank per core",
                             rec->hosts[h].name, rec->hosts[h].ranks, rec->hosts[h].cores);
                    break;
                }
            fill_provenance(rec);

            msc_measure *m = &rec->measure;
            m->ranks = size;
            m->setup_s = t[MSC_PHASE_SETUP];
            m->wall_s = t[MSC_PHASE_SETUP] + (job_end - job_start);
            m->serial_s = t[MSC_PHASE_SETUP] + t[MSC_PHASE_SERIAL] + t[MSC_PHASE_COMBINE];
            m->compute_sum_s = 0.0;
            /* (resumed: all_times holds this run's n_todo segments, compacted above) */
            for (int64_t s = 0; s < n_todo; s++) m->compute_sum_s += all_times[s];
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
    counter_close(&ctr);
    msc_plan_free(&plan);
    work_free(&w);
    free(all_parts);
    free(all_times);
    free(all_t);
    free(all_stats);
    free(all_info);
    free(plan_counts);
    free(seg_rank);
    free(speeds);
    free(todo);
    free(have);
    sync_free(&sy);
    return st;
}

/* The job at point p: with --weak, p times the 1-rank range and segments. */
static msc_options point_options(const msc_options *o, int p)
{
    msc_options op = *o;
    if (o->weak) {
        op.range.hi = o->range.lo + (int64_t)p * msc_range_count(o->range);
        op.segments_requested = o->segments_requested * p > MSC_MAX_SEGMENTS
                                    ? MSC_MAX_SEGMENTS
                                    : o->segments_requested * p;
    }
    return op;
}

/* subs[i]: the first points[i] ranks of world, MPI_COMM_NULL on the others; *made of them were
 * created (free them with free_points even on failure). */
static msc_status split_points(MPI_Comm world, int rank, const int *points, int n_points,
                               MPI_Comm *subs, int *made, char *err, size_t len)
{
    for (*made = 0; *made < n_points; (*made)++)
        if (MPI_Comm_split(world, rank < points[*made] ? 0 : MPI_UNDEFINED, rank, &subs[*made]) !=
            MPI_SUCCESS)
            return msc_fail(MSC_ERR_MPI, err, len, "MPI_Comm_split for %d ranks failed", points[*made]);
    return MSC_OK;
}

static void free_points(MPI_Comm *subs, int made)
{
    for (int i = 0; i < made; i++)
        if (subs[i] != MPI_COMM_NULL) MPI_Comm_free(&subs[i]);
}

/* --repeat auto, on rank 0 after a round: a point stays active while its `n` job times
 * (wall[0..n)) are not yet precise. A summary that cannot be made keeps the point running. */
static int still_imprecise(const double *wall, int n, double precision)
{
    msc_sample smp;
    return msc_sample_stats(wall, n, &smp, NULL) != MSC_OK || !msc_sample_precise(&smp, precision);
}

msc_status msc_driver_sweep(const msc_options *o, MPI_Comm world, double t_init_s,
                            const int *points, int n_points, const msc_sweep_hooks *hooks,
                            char *err, size_t len)
{
    int rank = 0, made = 0, done = 0;
    msc_status st = MSC_OK;
    const int rounds = o->repeat_auto ? o->repeat_cap : o->repeat; /* the most measured runs */
    const size_t np = (size_t)(n_points > 0 ? n_points : 1);
    MPI_Comm *subs = (MPI_Comm *)malloc(np * sizeof *subs);
    int *active = (int *)malloc(np * sizeof *active), *left = (int *)calloc(np, sizeof *left);
    double *wall = NULL; /* rank 0: wall[i * rounds + r], point i's measured runs */
    if (MPI_Comm_rank(world, &rank) != MPI_SUCCESS) st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Comm_rank failed");
    if (rank == 0 && o->repeat_auto) wall = (double *)malloc(np * (size_t)rounds * sizeof *wall);
    if (subs == NULL || active == NULL || left == NULL || (rank == 0 && o->repeat_auto && wall == NULL))
        st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    if ((st = agree(st, world)) == MSC_OK)
        st = agree(split_points(world, rank, points, n_points, subs, &made, err, len), world);
    for (int i = 0; i < n_points && active != NULL; i++) active[i] = 1;
    /* Repeats are interleaved across the points (p = 1, 2, 4, 1, 2, 4, ...), so that a drift in
     * the machine's speed, common on shared nodes, hits every point alike instead of biasing the
     * points measured last. */
    for (int r = -o->warmup; r < rounds && st == MSC_OK; r++) {
        if (o->repeat_auto && r >= o->repeat) {
            /* Rank 0 alone has the times: it decides, and every rank follows its broadcast, so
             * all of them run the same points and none waits for a run that never comes. */
            int n_active = 0;
            if (rank == 0)
                for (int i = 0; i < n_points; i++)
                    if (active[i]) active[i] = still_imprecise(wall + (size_t)i * rounds, r, o->precision);
            if (MPI_Bcast(active, n_points, MPI_INT, 0, world) != MPI_SUCCESS) {
                st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Bcast of the points to repeat failed");
                break;
            }
            for (int i = 0; i < n_points; i++) n_active += active[i];
            if (n_active == 0) break;
        }
        for (int i = 0; i < n_points && st == MSC_OK; i++) {
            if (!active[i]) continue;
            const int p = points[i];
            const msc_options op = point_options(o, p);
            msc_sweep_pos pos;
            memset(&pos, 0, sizeof pos);
            if (rank == 0) {
                pos.point = i;
                pos.p = p;
                pos.run = r;
                pos.done = done;
                pos.total = done;
                pos.exact = !o->repeat_auto;
                for (int j = 0; j < n_points; j++) {
                    left[j] = active[j] ? rounds - r - (j < i) : 0;
                    pos.total += left[j];
                }
                pos.left = left;
                pos.n_points = n_points;
                if (hooks != NULL && hooks->start != NULL) hooks->start(&pos, hooks->ctx);
            }
            if (subs[i] != MPI_COMM_NULL) {
                msc_run_record rec;
                msc_watch watch = {NULL, NULL, 0.0};
                if (hooks != NULL) {
                    watch.fn = hooks->progress;
                    watch.ctx = hooks->ctx;
                    watch.interval_s = hooks->interval_s;
                }
                memset(&rec, 0, sizeof rec);
                st = msc_driver_run_ctl(&op, subs[i], t_init_s, &watch, hooks != NULL ? hooks->ctl : NULL,
                                        &rec, err, len);
                if (rank == 0 && rec.kernel != NULL) {
                    if (wall != NULL && r >= 0) wall[(size_t)i * rounds + r] = rec.measure.wall_s;
                    if (hooks != NULL && hooks->done != NULL) hooks->done(&rec, &pos, hooks->ctx);
                }
                msc_record_free(&rec);
            }
            done++;
            idle_barrier(world); /* the ranks outside this point sleep meanwhile */
            st = agree(st, world);
        }
    }
    if (subs != NULL) free_points(subs, made);
    free(subs);
    free(active);
    free(left);
    free(wall);
    return st;
}

/* The median of x[0..n), NAN when it cannot be had. */
static double median_of(const double *x, int n)
{
    msc_sample smp;
    return n > 0 && msc_sample_stats(x, n, &smp, NULL) == MSC_OK ? smp.median : NAN;
}

msc_status msc_driver_calibrate(const msc_options *o, MPI_Comm world, double t_init_s,
                                const int *points, int n_points, int runs, msc_calibration *out,
                                char *err, size_t len)
{
    enum { JOB, SCATTER, GATHER, COMBINE, N_TIMES };
    int rank = 0, size = 1, made = 0;
    msc_status st = MSC_OK;
    const msc_kernel *empty = msc_kernel_find("empty");
    const size_t np = (size_t)(n_points > 0 ? n_points : 1), nr = (size_t)(runs > 0 ? runs : 1);
    MPI_Comm *subs = (MPI_Comm *)malloc(np * sizeof *subs);
    double *inits = NULL, *times = NULL; /* rank 0: times[((i * N_TIMES) + what) * runs + r] */
    memset(out, 0, sizeof *out);
    if (MPI_Comm_rank(world, &rank) != MPI_SUCCESS || MPI_Comm_size(world, &size) != MPI_SUCCESS)
        return msc_fail(MSC_ERR_MPI, err, len, "MPI_Comm_rank/size failed");
    if (rank == 0) {
        inits = (double *)malloc((size_t)size * sizeof *inits);
        times = (double *)malloc(np * N_TIMES * nr * sizeof *times);
    }
    if (subs == NULL || (rank == 0 && (inits == NULL || times == NULL)))
        st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    if (empty == NULL || runs < 1 || n_points < 1 || n_points > MSC_SWEEP_ROWS)
        st = msc_fail(MSC_ERR_INTERNAL, err, len, "calibration: no kernel 'empty', or %d runs at %d points",
                      runs, n_points);
    if ((st = agree(st, world)) == MSC_OK &&
        MPI_Gather(&t_init_s, 1, MPI_DOUBLE, inits, 1, MPI_DOUBLE, 0, world) != MPI_SUCCESS)
        st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Gather of the MPI_Init times failed");
    if ((st = agree(st, world)) == MSC_OK)
        st = agree(split_points(world, rank, points, n_points, subs, &made, err, len), world);
    for (int r = 0; r < runs && st == MSC_OK; r++)
        for (int i = 0; i < n_points && st == MSC_OK; i++) {
            msc_options op = point_options(o, points[i]);
            op.kernel = empty;
            memset(&op.params, 0, sizeof op.params);
            op.serial_baseline = 0;
            op.slow_rank = -1; /* nothing to slow down, and it may not exist at this p */
            op.slow_factor = 1;
            if (subs[i] != MPI_COMM_NULL) {
                msc_run_record rec;
                memset(&rec, 0, sizeof rec);
                st = msc_driver_run(&op, subs[i], t_init_s, &rec, err, len);
                if (rank == 0 && rec.kernel != NULL) {
                    double *t = times + (size_t)i * N_TIMES * nr + (size_t)r;
                    t[JOB * nr] = rec.measure.wall_s;
                    t[SCATTER * nr] = rec.phases[MSC_PHASE_SCATTER].max_s;
                    t[GATHER * nr] = rec.phases[MSC_PHASE_GATHER].max_s;
                    t[COMBINE * nr] = rec.phases[MSC_PHASE_COMBINE].max_s;
                }
                msc_record_free(&rec);
            }
            idle_barrier(world);
            st = agree(st, world);
        }
    /* the node's limit for the instruction and path the kernel ran on, every rank at once, as it
     * computed */
    double limits[2] = {0.0, 0.0}, *all_limits = NULL;
    if (st == MSC_OK && o->kernel->per_item_op != MSC_OP_NONE) {
        if (rank == 0 && (all_limits = (double *)malloc((size_t)size * 2 * sizeof *all_limits)) == NULL)
            st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        if ((st = agree(st, world)) == MSC_OK) {
            MPI_Barrier(world);
            limits[0] = msc_isa_limit_ns(msc_isa_active(), o->kernel->per_item_op, LIMIT_S);
            limits[1] = msc_isa_add_latency_ns(LIMIT_S / 2);
            if (MPI_Gather(limits, 2, MPI_DOUBLE, all_limits, 2, MPI_DOUBLE, 0, world) != MPI_SUCCESS)
                st = msc_fail(MSC_ERR_MPI, err, len, "MPI_Gather of the nodes' limits failed");
            st = agree(st, world);
        }
    }
    if (rank == 0 && st == MSC_OK) {
        out->ranks = size;
        out->kernel_ns = NAN;
        if (all_limits != NULL) {
            double *lim = (double *)malloc((size_t)size * sizeof *lim), *add = (double *)malloc((size_t)size * sizeof *add);
            if (lim != NULL && add != NULL) {
                out->limit_max_ns = 0.0;
                for (int r = 0; r < size; r++) {
                    lim[r] = all_limits[2 * r];
                    add[r] = all_limits[2 * r + 1];
                    if (lim[r] > out->limit_max_ns) out->limit_max_ns = lim[r];
                }
                out->limit_ns = median_of(lim, size);
                out->op = o->kernel->per_item_op;
                out->add_latency_ns = median_of(add, size);
                copy_text(out->isa, sizeof out->isa, msc_isa_name(msc_isa_active()));
            }
            free(lim);
            free(add);
        }
        if (msc_sample_stats(inits, size, &out->init, NULL) != MSC_OK)
            st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        out->n_rows = n_points;
        for (int i = 0; i < n_points; i++) {
            const double *t = times + (size_t)i * N_TIMES * nr;
            msc_calibration_row *row = &out->rows[i];
            row->p = points[i];
            row->runs = runs;
            row->job_s = median_of(t + JOB * nr, runs);
            row->scatter_s = median_of(t + SCATTER * nr, runs);
            row->gather_s = median_of(t + GATHER * nr, runs);
            row->combine_s = median_of(t + COMBINE * nr, runs);
        }
    }
    {
        int code = (int)st;
        if (MPI_Bcast(&code, 1, MPI_INT, 0, world) != MPI_SUCCESS) code = (int)MSC_ERR_MPI;
        st = (msc_status)code;
    }
    if (subs != NULL) free_points(subs, made);
    free(subs);
    free(inits);
    free(times);
    free(all_limits);
    return st;
}
