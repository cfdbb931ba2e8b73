/* report.h — everything one run produced, and its three renderings: the human report on a FILE*,
 * one JSON Lines object (jansson), and a CSV row. Output files are appended whole or not at all. */
#ifndef MSC_REPORT_H
#define MSC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/range.h"
#include "mpiscale/schedule.h"
#include "mpiscale/status.h"
#include "mpiscale/timing.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_SCHEMA_VERSION 2

typedef struct msc_host {
    char name[64]; /* hostname as MPI_Get_processor_name reports it */
    int ranks;     /* ranks placed on it */
    int cores;     /* online cores it reports */
} msc_host;

typedef struct msc_run_record {
    /* inputs */
    const msc_kernel *kernel;
    msc_params params;
    msc_range range;
    int64_t segments;
    msc_schedule schedule;    /* as run: the chunk resolved by the default rule when not given */
    int serial_baseline;
    int slow_rank;            /* --slow-rank R:F: R, or -1 */
    int slow_factor;          /* F, 1 when not given */
    /* placement */
    int ranks;
    int nodes;
    int idle_ranks;           /* ranks that were given no segment */
    int oversubscribed_nodes; /* nodes running more ranks than they have cores */
    msc_host *hosts;          /* nodes entries, owned (msc_record_free) */
    /* outcome */
    msc_status status;
    char result[64];
    char digest[17];          /* 16 hex digits */
    msc_verdict verdict;
    /* timings (seconds) */
    msc_phase_stats phases[MSC_PHASE_COUNT];
    double imbalance;         /* max / mean compute - 1 */
    msc_balance balance;      /* how the schedule did: idle time, claims, advice */
    msc_measure measure;
    msc_analysis analysis;
    /* provenance */
    char mpi_library[160];
    char compiler[64];
    char start_time[32];      /* ISO 8601, UTC */
} msc_run_record;

/* Releases what *rec owns and zeroes it. Safe on a zeroed record. */
void msc_record_free(msc_run_record *rec);

/* Name of a run status as stored in JSON and CSV: "complete", "invalid_input", "io_error",
 * "verification_failed", "internal_error". */
const char *msc_status_label(msc_status st);

/* Writes the full human report to f. */
void msc_report_text(FILE *f, const msc_run_record *rec);

/* Writes a one-line summary (kernel, ranks, result, verification, wall, speedup) to f. */
void msc_report_summary(FILE *f, const msc_run_record *rec);

/* Returns the run as one compact JSON object without a newline (malloc'd; caller frees), or NULL
 * when out of memory. */
char *msc_report_json(const msc_run_record *rec);

/* The CSV header line and one row for rec, each without newline, into buf. Returns MSC_ERR_NOMEM
 * if buf is too small. */
const char *msc_report_csv_header(void);
msc_status msc_report_csv_row(const msc_run_record *rec, char *buf, size_t len);

/* Checks, without creating anything, that `path` could be appended to: the file is writable or
 * absent in a writable directory. MSC_ERR_IO with the reason otherwise. */
msc_status msc_output_check(const char *path, char *err, size_t len);

/* 1 when paths a and b name the same file (same inode when both exist; the same directory and
 * file name otherwise), 0 when not. */
int msc_output_same(const char *a, const char *b);

/* Appends one JSON line / one CSV row (with the header first when the file is new or empty) with a
 * single write and an fsync. MSC_ERR_IO with the reason on any failure. */
msc_status msc_report_json_append(const char *path, const msc_run_record *rec, char *err,
                                  size_t len);
msc_status msc_report_csv_append(const char *path, const msc_run_record *rec, char *err,
                                 size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_REPORT_H */
