/* outcome.h — the status file: the run's verdict, written by rank 0 (whole, through
 * msc_atomic_write) as "running" before any work and as its final state last of all, after every
 * other output. Job scripts and tests decide from it, not from mpirun's exit code, which Open MPI
 * 4.1 sometimes replaces (a segfault in its own teardown) or never returns (a hang). A file still
 * saying "running" after mpirun has exited means the run was killed: `mpiscale-report --settle`
 * turns it into the truth (failed or interrupted, with what the checkpoint holds). Pure: no MPI. */
#ifndef MSC_OUTCOME_H
#define MSC_OUTCOME_H

#include <stddef.h>
#include <stdint.h>

#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_OUTCOME_SCHEMA 1

typedef enum msc_run_state {
    MSC_RUN_RUNNING = 0, /* written before the work: still there after mpirun = killed */
    MSC_RUN_COMPLETE,    /* finished and verified; every output written */
    MSC_RUN_INTERRUPTED, /* stopped early on request; resumable from the checkpoint (exit 75) */
    MSC_RUN_FAILED,      /* why, and where when known */
    MSC_RUN_INVALID      /* invalid input: nothing was computed (exit 2) */
} msc_run_state;

typedef struct msc_outcome {
    msc_run_state state;
    int exit_code;            /* the exit code that goes with it; -1 while running */
    char message[768];        /* one line: what happened, and what to do */
    char kernel[32];          /* "" when unknown */
    char inputs[512];         /* the checkpoint journal's inputs line, "" without one */
    char checkpoint[1024];    /* the journal's path, "" without one */
    int ranks;                /* 0 when unknown */
    int64_t segments;         /* of the job; -1 when unknown */
    int64_t done;             /* segments durable in the checkpoint, or computed (complete runs) */
    int64_t reused;           /* of those, taken from the checkpoint at the start of this run */
    char digest[17];          /* complete runs; "" otherwise */
    char result[64];
    int verified;             /* 1 pass, 0 fail, -1 unknown */
    int signal;               /* the signal that stopped the run, or 0 */
    int deadline;             /* 1: stopped to meet --deadline / --time-limit */
    int failed_rank;          /* -1 when unknown or not a failure */
    int64_t failed_segment;   /* -1 when unknown or not a failure */
} msc_outcome;

/* Unknowns everywhere: state running, exit_code -1, counts -1, ranks and signal 0. */
void msc_outcome_init(msc_outcome *o);

/* "running", "complete", "interrupted", "failed", "invalid-input". */
const char *msc_run_state_name(msc_run_state s);

/* The state a finished run's status gives: complete, interrupted, invalid-input or failed. */
msc_run_state msc_run_state_of(msc_status st);

/* The exit code a state stands for: complete 0, interrupted 75, invalid-input 2, failed: the
 * outcome's own exit_code when it has one above 0, else 70. */
int msc_outcome_exit_code(const msc_outcome *o);

/* Writes o as one JSON object (with "schema", "updated" and "pid") to path, whole or not at all. */
msc_status msc_outcome_write(const char *path, const msc_outcome *o, char *err, size_t len);

/* Reads a status file back; MSC_ERR_IO when it cannot be read, MSC_ERR_USAGE when it is not one. */
msc_status msc_outcome_read(const char *path, msc_outcome *o, char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_OUTCOME_H */
