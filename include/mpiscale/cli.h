/* cli.h — the command line: getopt_long parsing into validated options, --help and
 * --list-kernels text. Parsing is pure and identical on every rank; it never prints or exits. */
#ifndef MSC_CLI_H
#define MSC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "mpiscale/kernel.h"
#include "mpiscale/range.h"
#include "mpiscale/schedule.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_VERSION "0.1.0"
#define MSC_DEFAULT_SEGMENTS 1024

typedef enum msc_action {
    MSC_ACTION_RUN = 0,
    MSC_ACTION_HELP,
    MSC_ACTION_LIST_KERNELS,
    MSC_ACTION_VERSION
} msc_action;

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
    int quiet;                   /* --quiet: one summary line instead of the full report */
    const char *json_path;       /* --json FILE, or NULL (points into argv) */
    const char *csv_path;        /* --csv FILE, or NULL (points into argv) */
} msc_options;

/* Parses argv into *out and validates every value, including the kernel's limits on the range and
 * its parameters. On bad input returns MSC_ERR_USAGE or MSC_ERR_RANGE with one line in err of the
 * form "--range: '12:5': end must be greater than start". Does not print; resets getopt itself. */
msc_status msc_cli_parse(int argc, char *const *argv, msc_options *out, char *err, size_t len);

/* Writes the --help text (options, kernels, exit codes, examples) to f. */
void msc_cli_help(FILE *f, const char *prog);

/* Writes one line per registered kernel (name, default range, parameters, summary) to f. */
void msc_cli_list_kernels(FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* MSC_CLI_H */
