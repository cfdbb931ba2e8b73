/* cli.h — the command line: getopt_long parsing into validated options, --help and
 * --list-kernels text. Parsing is pure and identical on every rank; it never prints or exits. */
#ifndef MSC_CLI_H
#define MSC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "mpiscale/isa.h"
#include "mpiscale/kernel.h"
#include "mpiscale/range.h"
#include "mpiscale/schedule.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_VERSION "0.1.0"
#define MSC_DEFAULT_SEGMENTS 1024
#define MSC_MAX_SWEEP 64      /* points in one --sweep */
#define MSC_MAX_REPEAT 1000   /* --repeat and --warmup */
#define MSC_AUTO_CAP 30       /* --repeat auto: the default CAP of runs per point */
#define MSC_AUTO_PRECISION 0.02 /* --repeat auto: the default --precision (2%) */
#define MSC_MAX_PRECISION 0.5 /* --precision: the largest accepted (50%) */
#define MSC_CALIBRATE_RUNS 5  /* --calibrate: empty-kernel runs per point without --repeat N */

typedef enum msc_action {
    MSC_ACTION_RUN = 0,
    MSC_ACTION_HELP,
    MSC_ACTION_LIST_KERNELS,
    MSC_ACTION_VERSION
} msc_action;

typedef enum msc_sweep_kind {
    MSC_SWEEP_NONE = 0, /* one run on all ranks */
    MSC_SWEEP_LIST,     /* --sweep 1,2,4 */
    MSC_SWEEP_POW2,     /* --sweep pow2: 1, 2, 4, ... up to the launch's rank count */
    MSC_SWEEP_ALL       /* --sweep all: 1, 2, ..., the launch's rank count */
} msc_sweep_kind;

/* --progress / --no-progress: the live display on stderr from rank 0. */
typedef enum msc_progress_mode {
    MSC_PROGRESS_AUTO = 0, /* shown when stderr ends up on a terminal */
    MSC_PROGRESS_ON,       /* --progress: shown even into a file or pipe, as plain lines */
    MSC_PROGRESS_OFF       /* --no-progress */
} msc_progress_mode;

typedef struct msc_options {
    msc_action action;
    const msc_kernel *kernel;    /* never NULL after a successful parse */
    msc_range range;             /* validated against the kernel's limits */
    int64_t segments_requested;  /* --segments, or MSC_DEFAULT_SEGMENTS */
    int64_t segments;            /* segments_requested clipped to the element count */
    msc_schedule schedule;       /* --schedule; chunk 0 = the default rule */
    int slow_rank;               /* --slow-rank R:F: R, or -1 */
    int slow_factor;             /* F (1 when not given) */
    msc_params params;
    int serial_baseline;         /* --serial-baseline */
    msc_sweep_kind sweep;        /* --sweep; MSC_SWEEP_LIST also when only --repeat/--warmup/--weak
                                    are given (a sweep of the one rank count P) */
    int sweep_list[MSC_MAX_SWEEP]; /* MSC_SWEEP_LIST: ascending, distinct rank counts; */
    int sweep_len;               /*   sweep_len 0 means "P, the launch's rank count" */
    int repeat;                  /* --repeat: measured runs per point (default 1); with
                                    repeat_auto, the fewest, MSC_SAMPLE_MIN_CI */
    int repeat_auto;             /* --repeat auto[:CAP]: repeat each point until the 95% interval
                                    of its median is within +-precision, or CAP runs */
    int repeat_cap;              /* CAP (default MSC_AUTO_CAP); 0 without repeat_auto */
    double precision;            /* --precision as a fraction (0.02 for 2%); 0 without repeat_auto */
    int warmup;                  /* --warmup: unmeasured runs before them (default 0) */
    int weak;                    /* --weak: the range is the 1-rank size and grows with p */
    double target_speedup;       /* --target-speedup X (> 1), or 0: plan the ranks to reach it */
    double min_efficiency;       /* --min-efficiency E (0 < E <= 1), or 0 */
    int calibrate;               /* --calibrate: time the runtime's own overhead too */
    msc_isa isa;                 /* --isa: the kernels' vector path (default MSC_ISA_AUTO) */
    int calibrate_runs;          /* empty-kernel runs per point: --repeat N, else
                                    MSC_CALIBRATE_RUNS */
    msc_progress_mode progress;  /* --progress / --no-progress (the last given wins) */
    int quiet;                   /* --quiet: one summary line instead of the full report */
    const char *json_path;       /* --json FILE, or NULL (points into argv) */
    const char *csv_path;        /* --csv FILE, or NULL (points into argv) */
    const char *report_path;     /* --report FILE: the text report, written whole, or NULL */
    int force;                   /* --force: --report may replace an existing file */
    const char *checkpoint_path; /* --checkpoint FILE: the journal of completed segments, or NULL */
    int fresh;                   /* --fresh: discard that journal and start over */
    const char *status_path;     /* --status FILE, or NULL (points into argv); the file to use is
                                    msc_options_status(), which falls back on status_default */
    char status_default[4096];   /* CHECKPOINT.status with --checkpoint, else "" */
    double deadline_s;           /* --deadline: seconds since the Epoch, or 0 */
    double time_limit_s;         /* --time-limit: seconds from the start, or 0 */
} msc_options;

/* Parses argv into *out and validates every value, including the kernel's limits on the range and
 * its parameters. On bad input returns MSC_ERR_USAGE or MSC_ERR_RANGE with one line in err of the
 * form "--range: '12:5': end must be greater than start". Does not print; resets getopt itself. */
msc_status msc_cli_parse(int argc, char *const *argv, msc_options *out, char *err, size_t len);

/* The status file of o: --status FILE, else CHECKPOINT.status with --checkpoint, else NULL. (A
 * function, not a pointer into o itself, so that copies of the options stay right.) */
const char *msc_options_status(const msc_options *o);

/* The rank counts a sweep runs on a launch of world_size ranks, ascending, into points[0..*n).
 * MSC_ERR_USAGE with the reason ("--sweep: 8 is more than the 4 ranks of this launch") when a
 * listed count exceeds the launch. For MSC_SWEEP_NONE, the one point world_size. */
msc_status msc_sweep_points(const msc_options *o, int world_size, int points[MSC_MAX_SWEEP], int *n,
                            char *err, size_t len);

/* Writes the --help text (options, kernels, exit codes, examples) to f. */
void msc_cli_help(FILE *f, const char *prog);

/* Writes one line per registered kernel (name, default range, parameters, summary) to f. */
void msc_cli_list_kernels(FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* MSC_CLI_H */
