/* study.h — scaling studies from result files: reads the JSON Lines records that mpiscale writes
 * (one per run, from any number of files and jobs), groups them into studies — the same kernel,
 * parameters, range and mode — checks that the runs of a study are comparable, and summarises each
 * with the sweep code (msc_sweep_summarise), so mpiscale-report and an in-launch sweep print the
 * same table and fits. Exports the tables as CSV and Markdown and the measurements in Extra-P's
 * JSON Lines input format. Pure C: no MPI. */
#ifndef MSC_STUDY_H
#define MSC_STUDY_H

#include <stdint.h>
#include <stdio.h>

#include "mpiscale/report.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What makes runs one study. For weak studies the range is the 1-rank range (the records hold the
 * range grown p times). */
typedef struct msc_study_key {
    char kernel[32];
    char params[256];   /* the record's params object as compact JSON with sorted keys */
    int64_t start, end; /* [start, end) */
    int weak;           /* 0 strong (single runs and strong sweeps), 1 weak sweeps */
} msc_study_key;

/* What the runs of one study must share besides the key; the first run sets it. */
typedef struct msc_study_setup {
    int kernel_version;
    int64_t segments;        /* per rank for weak studies (the records hold p times as many) */
    char schedule[48];       /* the kind only: a default chunk ("dynamic:16") scales with p */
    char slow_rank[48];      /* --slow-rank "R:F", or "none" */
    char mpi_library[160];
    char compiler[64];
} msc_study_setup;

typedef struct msc_study {
    msc_study_key key;
    msc_study_setup setup;
    char first[288];          /* "file:line" of the study's first run, for messages */
    char title[352];          /* "amdahl serial=0.3, [0, 2000000), strong" */
    char slug[128];           /* the title as a file-name part: "amdahl-serial-0.3-0-2000000-strong" */
    msc_sweep_run *runs;      /* the runs it keeps (complete and verified), owned */
    int n_runs, cap_runs;
    int left_out;             /* runs left out: not complete, or failed verification */
    int files;                /* distinct input files its runs came from */
    const char *last_file;    /* the file that last added a run (points into the caller's name) */
    msc_sweep_summary sum;    /* filled by msc_study_finish */
    int summarised;           /* 1 when sum holds the table (0: see why) */
    double precision;         /* --repeat auto: the precision and CAP its runs were made with */
    int repeat_cap;           /*   (the largest CAP seen), else 0 */
    char why[160];            /* why a study has no table: "every run was left out", ... */
} msc_study;

/* What identifies one record, to catch the same run read twice (a file copied or concatenated). */
typedef struct msc_seen_run {
    uint64_t hash;            /* of start time, ranks, job time, sweep run and digest */
    char where[288];          /* "file:line" where it was first read */
} msc_seen_run;

typedef struct msc_study_set {
    msc_study *v;             /* in order of first appearance, owned */
    int n, cap;
    int64_t records;          /* records read */
    int64_t malformed;        /* lines that were not a valid record */
    msc_seen_run *seen;       /* every record read, owned */
    int64_t n_seen, cap_seen;
    int summarised;           /* studies with a table, after msc_study_finish */
} msc_study_set;

/* Adds the run in `line` (one JSON Lines record, without or with its newline) to its study, making
 * the study when it is new. `file` and `line_no` name it in messages; `file` must outlive the set.
 * Returns MSC_ERR_USAGE with "file:line: reason" in err when the line is not a valid mpiscale record
 * (bad JSON, missing, mistyped or implausible field, unknown schema; set->malformed counts these),
 * and when the run cannot join its study — it differs from the study's runs in kernel version,
 * segments, schedule kind, --slow-rank, MPI library or compiler ("... differ in segments: 1024 at
 * a.jsonl:1, 512 here"), or it is a run already read (the same start time, ranks, job time, sweep
 * run and digest). Blank lines are not records: MSC_OK, nothing added. MSC_ERR_NOMEM. */
msc_status msc_study_add_line(msc_study_set *set, const char *line, const char *file, int64_t line_no,
                              char *err, size_t len);

/* Summarises every study (msc_sweep_summarise over its kept runs); the planner inputs are copied
 * into each summary. A study that cannot be summarised (no kept run, more distinct rank counts
 * than a summary holds) gets the reason in its `why` and the others go on. MSC_ERR_NOMEM. */
msc_status msc_study_finish(msc_study_set *set, double target_speedup, double min_efficiency,
                            char *err, size_t len);

/* Releases what the set owns and zeroes it. Safe on a zeroed set. */
void msc_study_set_free(msc_study_set *set);

/* The text report of one study: a heading with the title, where its runs came from and what was
 * left out, then the sweep table, warnings, fits and planner of msc_report_sweep_text. */
void msc_study_text(FILE *f, const msc_study *s, int index, int count);

/* The tables of every study as CSV: a header, then one row per study and rank count with the
 * study's key, the measured medians and spreads, speedup, efficiency, Karp–Flatt, the predictions
 * of the fitted models and the fitted parameters with their 95% intervals (empty when not fitted). */
void msc_study_csv(FILE *f, const msc_study_set *set);

/* The same as Markdown: per study a heading, a table and the fitted models. */
void msc_study_markdown(FILE *f, const msc_study_set *set);

/* Every kept run as Extra-P's JSON Lines input: {"params":{"p":P},"callpath":SLUG,"metric":"time",
 * "value":WALL_S} — one line per run, repetitions as repeated lines, one call path per study.
 * Extra-P needs every call path at the same coordinates: MSC_ERR_USAGE, saying which study has
 * which p, when the studies' rank counts differ. */
msc_status msc_study_extrap(FILE *f, const msc_study_set *set, char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_STUDY_H */
