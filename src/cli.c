/* cli.c — getopt_long parsing of the command line into validated msc_options, and the --help
 * and --list-kernels texts (both built from the kernel registry). Every check happens here, before
 * any work, and gives the same answer on every rank because it depends on argv alone. */
#include "mpiscale/cli.h"
#include "mpiscale/report.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS_GIVEN 32

enum { OPT_SCHEDULE = 1000, OPT_BASELINE, OPT_JSON, OPT_CSV, OPT_SLOW_RANK, OPT_SWEEP, OPT_REPEAT,
       OPT_WARMUP, OPT_WEAK, OPT_TARGET, OPT_MIN_EFF, OPT_PRECISION, OPT_CALIBRATE, OPT_PROGRESS,
       OPT_NO_PROGRESS, OPT_CHECKPOINT, OPT_FRESH, OPT_STATUS, OPT_REPORT, OPT_FORCE, OPT_DEADLINE,
       OPT_TIME_LIMIT, OPT_ISA };

static const struct option long_options[] = {
    {"kernel", required_argument, NULL, 'k'},
    {"range", required_argument, NULL, 'r'},
    {"segments", required_argument, NULL, 's'},
    {"schedule", required_argument, NULL, OPT_SCHEDULE},
    {"param", required_argument, NULL, 'p'},
    {"serial-baseline", no_argument, NULL, OPT_BASELINE},
    {"slow-rank", required_argument, NULL, OPT_SLOW_RANK},
    {"sweep", required_argument, NULL, OPT_SWEEP},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"weak", no_argument, NULL, OPT_WEAK},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"calibrate", no_argument, NULL, OPT_CALIBRATE},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"target-speedup", required_argument, NULL, OPT_TARGET},
    {"min-efficiency", required_argument, NULL, OPT_MIN_EFF},
    {"json", required_argument, NULL, OPT_JSON},
    {"csv", required_argument, NULL, OPT_CSV},
    {"report", required_argument, NULL, OPT_REPORT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
    {"fresh", no_argument, NULL, OPT_FRESH},
    {"status", required_argument, NULL, OPT_STATUS},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
    {"isa", required_argument, NULL, OPT_ISA},
    {"quiet", no_argument, NULL, 'q'},
    {"list-kernels", no_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The option as the user wrote it, for messages: "--range" for -r too, so errors read the same. */
static const char *option_name(int c)
{
    for (const struct option *o = long_options; o->name != NULL; o++)
        if (o->val == c) return o->name;
    return "?";
}

static int cmp_int(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "pow2", "all" or a comma list of rank counts (sorted, duplicates dropped). */
static msc_status parse_sweep(const char *text, msc_options *o, char *err, size_t len)
{
    if (strcmp(text, "pow2") == 0 || strcmp(text, "all") == 0) {
        o->sweep = text[0] == 'p' ? MSC_SWEEP_POW2 : MSC_SWEEP_ALL;
        return MSC_OK;
    }
    int n = 0;
    const char *at = text;
    for (;;) {
        char item[32], why[128];
        const size_t k = strcspn(at, ",");
        int64_t v = 0;
        if (k == 0 || k >= sizeof item)
            return msc_fail(MSC_ERR_USAGE, err, len, "expected pow2, all or a list like 1,2,4");
        memcpy(item, at, k);
        item[k] = '\0';
        if (msc_parse_i64(item, &v, why, sizeof why) != MSC_OK || v < 1 || v > 1000000)
            return msc_fail(MSC_ERR_USAGE, err, len, "'%s': a rank count must be an integer from 1 to 1000000",
                            item);
        if (n == MSC_MAX_SWEEP)
            return msc_fail(MSC_ERR_USAGE, err, len, "more than %d rank counts", MSC_MAX_SWEEP);
        o->sweep_list[n++] = (int)v;
        if (at[k] == '\0') break;
        at += k + 1;
    }
    qsort(o->sweep_list, (size_t)n, sizeof o->sweep_list[0], cmp_int);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || o->sweep_list[m - 1] != o->sweep_list[i]) o->sweep_list[m++] = o->sweep_list[i];
    o->sweep = MSC_SWEEP_LIST;
    o->sweep_len = m;
    return MSC_OK;
}

/* --repeat: N, or auto[:CAP]. Numbers keep the message they always had. */
static msc_status parse_repeat(const char *text, msc_options *o, char *err, size_t len)
{
    char why[128];
    int64_t v = 0;
    if (strncmp(text, "auto", 4) == 0 && (text[4] == '\0' || text[4] == ':')) {
        o->repeat_auto = 1;
        o->repeat = MSC_SAMPLE_MIN_CI;
        o->repeat_cap = MSC_AUTO_CAP;
        if (text[4] == '\0') return MSC_OK;
        if (msc_parse_i64(text + 5, &v, why, sizeof why) != MSC_OK || v < MSC_SAMPLE_MIN_CI ||
            v > MSC_MAX_REPEAT)
            return msc_fail(MSC_ERR_USAGE, err, len,
                            "--repeat: '%s': CAP must be an integer from %d (the fewest runs with a "
                            "95%% interval of the median) to %d",
                            text, MSC_SAMPLE_MIN_CI, MSC_MAX_REPEAT);
        o->repeat_cap = (int)v;
        return MSC_OK;
    }
    if (msc_parse_i64(text, &v, why, sizeof why) != MSC_OK || v < 1 || v > MSC_MAX_REPEAT)
        return msc_fail(MSC_ERR_USAGE, err, len, "--repeat: '%s': must be an integer from 1 to %d",
                        text, MSC_MAX_REPEAT);
    o->repeat = (int)v;
    return MSC_OK;
}

/* --precision: "2%" or "0.02", above 0 and at most MSC_MAX_PRECISION. */
static msc_status parse_precision(const char *text, double *out, char *err, size_t len)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    const int percent = end != text && *end == '%';
    if (percent) {
        v /= 100.0;
        end++;
    }
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || !(v > 0.0) ||
        !(v <= MSC_MAX_PRECISION) || isspace((unsigned char)text[0]))
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--precision: '%s': must be a percentage like 2%% or a fraction like 0.02, "
                        "above 0 and at most 50%%",
                        text);
    *out = v;
    return MSC_OK;
}

/* --time-limit: seconds, or a number with a unit s, m or h ("90", "1.5h"), or Slurm's
 * [[D-]HH:]MM:SS ("2:00:00", "1-00:00:00"); above 0 and at most a year. */
static msc_status parse_time_limit(const char *text, double *out, char *err, size_t len)
{
    static const char *why = "must be seconds (90), a number with a unit (30m, 1.5h) or [[D-]HH:]MM:SS, "
                             "above 0 and at most a year";
    char *end = NULL;
    double v = 0.0;
    if (strchr(text, ':') != NULL) { /* [[D-]HH:]MM:SS, whole numbers */
        long parts[4] = {0, 0, 0, 0}, days = 0;
        int n = 0;
        const char *at = text;
        const char *dash = strchr(text, '-');
        if (dash != NULL) {
            errno = 0;
            days = strtol(text, &end, 10);
            if (errno != 0 || end != dash || end == text || !isdigit((unsigned char)text[0]) || days < 0 ||
                days > 366)
                return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
            at = dash + 1;
        }
        for (;;) {
            if (n == 3 || !isdigit((unsigned char)*at))
                return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
            errno = 0;
            parts[n++] = strtol(at, &end, 10);
            if (errno != 0 || parts[n - 1] > 100000)
                return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
            if (*end == '\0') break;
            if (*end != ':') return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
            at = end + 1;
        }
        if (n < 2 || (dash != NULL && n != 3))
            return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
        v = n == 3 ? (double)days * 86400.0 + parts[0] * 3600.0 + parts[1] * 60.0 + parts[2]
                   : parts[0] * 60.0 + parts[1];
    } else {
        errno = 0;
        v = strtod(text, &end);
        double unit = 1.0;
        if (end != text && (*end == 's' || *end == 'm' || *end == 'h') && end[1] == '\0') {
            unit = *end == 'h' ? 3600.0 : *end == 'm' ? 60.0 : 1.0;
            end++;
        }
        if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || isspace((unsigned char)text[0]) ||
            text[0] == '-' || text[0] == '+')
            return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
        v *= unit;
    }
    if (!(v > 0.0) || v > 366.0 * 86400.0)
        return msc_fail(MSC_ERR_USAGE, err, len, "--time-limit: '%s': %s", text, why);
    *out = v;
    return MSC_OK;
}

/* --deadline: seconds since the Epoch (`date -d '+2 hours' +%s`), a plain decimal number. */
static msc_status parse_deadline(const char *text, double *out, char *err, size_t len)
{
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || !isdigit((unsigned char)text[0]) ||
        strpbrk(text, "xXeEpP") != NULL || !(v > 0.0) || v > 1e11)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--deadline: '%s': must be a time in seconds since the Epoch, as `date +%%s` "
                        "prints it",
                        text);
    *out = v;
    return MSC_OK;
}

const char *msc_options_status(const msc_options *o)
{
    if (o->status_path != NULL) return o->status_path;
    return o->status_default[0] != '\0' ? o->status_default : NULL;
}

msc_status msc_sweep_points(const msc_options *o, int world_size, int points[MSC_MAX_SWEEP], int *n,
                            char *err, size_t len)
{
    *n = 0;
    if (o->sweep == MSC_SWEEP_NONE || (o->sweep == MSC_SWEEP_LIST && o->sweep_len == 0)) {
        points[(*n)++] = world_size;
    } else if (o->sweep == MSC_SWEEP_LIST) {
        for (int i = 0; i < o->sweep_len; i++) {
            if (o->sweep_list[i] > world_size)
                return msc_fail(MSC_ERR_USAGE, err, len,
                                "--sweep: %d is more than the %d rank%s of this launch (mpirun -np)",
                                o->sweep_list[i], world_size, world_size == 1 ? "" : "s");
            points[(*n)++] = o->sweep_list[i];
        }
    } else {
        for (int p = 1; p <= world_size && *n < MSC_MAX_SWEEP;
             p = o->sweep == MSC_SWEEP_POW2 ? 2 * p : p + 1)
            points[(*n)++] = p;
        if (o->sweep == MSC_SWEEP_ALL && world_size > MSC_MAX_SWEEP)
            return msc_fail(MSC_ERR_USAGE, err, len, "--sweep all: more than %d rank counts; use a list or pow2",
                            MSC_MAX_SWEEP);
    }
    return MSC_OK;
}

msc_status msc_cli_parse(int argc, char *const *argv, msc_options *out, char *err, size_t len)
{
    msc_options o;
    const char *range_text = NULL, *segments_text = NULL, *kernel_name = "do_math";
    const char *slow_text = NULL, *sweep_text = NULL, *repeat_text = NULL, *warmup_text = NULL;
    const char *precision_text = NULL, *deadline_text = NULL, *time_limit_text = NULL;
    unsigned char given[OPT_ISA + 1];
    const char *params_given[MAX_PARAMS_GIVEN];
    int n_params_given = 0;
    char why[256];
    int64_t count = 0;
    msc_status st;

    memset(&o, 0, sizeof o);
    o.action = MSC_ACTION_RUN;
    o.schedule.kind = MSC_SCHED_BLOCK;
    o.schedule.chunk = 0;
    o.slow_rank = -1;
    o.slow_factor = 1;
    o.repeat = 1;
    o.isa = MSC_ISA_AUTO;
    o.segments_requested = MSC_DEFAULT_SEGMENTS;

    memset(given, 0, sizeof given);
    optind = 0; /* glibc: a full re-initialisation, so parsing can be repeated */
    opterr = 0;
    for (;;) {
        const int c = getopt_long(argc, argv, ":k:r:s:p:qlhV", long_options, NULL);
        if (c == -1) break;
        /* An option given twice is a mistake in a job script (an edited copy of a line), not a
         * choice: refused, except --param (repeatable) and --progress/--no-progress (last wins). */
        if (c > 0 && c < (int)sizeof given && c != 'p' && c != OPT_PROGRESS && c != OPT_NO_PROGRESS &&
            c != ':' && c != '?') {
            if (given[c])
                return msc_fail(MSC_ERR_USAGE, err, len, "--%s: given more than once", option_name(c));
            given[c] = 1;
        }
        switch (c) {
        case 'k': kernel_name = optarg; break;
        case 'r': range_text = optarg; break;
        case 's': segments_text = optarg; break;
        case 'p':
            if (n_params_given == MAX_PARAMS_GIVEN)
                return msc_fail(MSC_ERR_USAGE, err, len, "--param: more than %d given", MAX_PARAMS_GIVEN);
            params_given[n_params_given++] = optarg;
            break;
        case OPT_SCHEDULE:
            if ((st = msc_schedule_parse(optarg, &o.schedule, why, sizeof why)) != MSC_OK)
                return msc_fail(st, err, len, "--schedule: '%s': %s", optarg, why);
            break;
        case OPT_BASELINE: o.serial_baseline = 1; break;
        case OPT_SLOW_RANK: slow_text = optarg; break;
        case OPT_SWEEP: sweep_text = optarg; break;
        case OPT_REPEAT: repeat_text = optarg; break;
        case OPT_WARMUP: warmup_text = optarg; break;
        case OPT_WEAK: o.weak = 1; break;
        case OPT_PRECISION: precision_text = optarg; break;
        case OPT_CALIBRATE: o.calibrate = 1; break;
        case OPT_ISA:
            if (msc_isa_parse(optarg, &o.isa) != 0)
                return msc_fail(MSC_ERR_USAGE, err, len,
                                "--isa: '%s': must be auto, avx512, avx2 or scalar", optarg);
            break;
        case OPT_PROGRESS: o.progress = MSC_PROGRESS_ON; break;
        case OPT_NO_PROGRESS: o.progress = MSC_PROGRESS_OFF; break;
        case OPT_TARGET:
        case OPT_MIN_EFF: {
            char *end = NULL;
            errno = 0;
            const double v = strtod(optarg, &end);
            const int target = c == OPT_TARGET;
            if (errno != 0 || end == optarg || *end != '\0' || !isfinite(v) ||
                (target ? !(v > 1.0) : !(v > 0.0 && v <= 1.0)))
                return msc_fail(MSC_ERR_USAGE, err, len, target
                                    ? "--target-speedup: '%s': must be a number above 1"
                                    : "--min-efficiency: '%s': must be a number above 0 and at most 1",
                                optarg);
            if (target)
                o.target_speedup = v;
            else
                o.min_efficiency = v;
            break;
        }
        case OPT_JSON: o.json_path = optarg; break;
        case OPT_CSV: o.csv_path = optarg; break;
        case OPT_REPORT: o.report_path = optarg; break;
        case OPT_FORCE: o.force = 1; break;
        case OPT_CHECKPOINT: o.checkpoint_path = optarg; break;
        case OPT_FRESH: o.fresh = 1; break;
        case OPT_STATUS: o.status_path = optarg; break;
        case OPT_DEADLINE: deadline_text = optarg; break;
        case OPT_TIME_LIMIT: time_limit_text = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'l': o.action = MSC_ACTION_LIST_KERNELS; break;
        case 'h': o.action = MSC_ACTION_HELP; break;
        case 'V': o.action = MSC_ACTION_VERSION; break;
        case ':':
            if (optopt != 0)
                return msc_fail(MSC_ERR_USAGE, err, len, "--%s: missing value", option_name(optopt));
            return msc_fail(MSC_ERR_USAGE, err, len, "%s: missing value", argv[optind - 1]);
        default: {
            /* A long option is named as written (up to any '='); a short one by its letter. */
            const char *arg = argv[optind - 1];
            if (strncmp(arg, "--", 2) == 0) {
                const int n = (int)strcspn(arg, "=");
                /* optopt names a long option given a value only when it is that option's code;
                 * otherwise the bad letter came from a later cluster such as -zq. */
                if (optopt == 0)
                    return msc_fail(MSC_ERR_USAGE, err, len, "%.*s: unknown option (see --help)", n, arg);
                if (strncmp(option_name(optopt), arg + 2, (size_t)n - 2) == 0 &&
                    option_name(optopt)[n - 2] == '\0')
                    return msc_fail(MSC_ERR_USAGE, err, len, "%.*s: takes no value", n, arg);
            }
            return msc_fail(MSC_ERR_USAGE, err, len, "-%c: unknown option (see --help)", optopt);
        }
        }
    }
    if (optind < argc)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "'%s': unexpected argument (options take the form --name VALUE)", argv[optind]);
    if (o.action != MSC_ACTION_RUN) {
        o.kernel = msc_kernel_find("do_math");
        *out = o;
        return MSC_OK;
    }

    o.kernel = msc_kernel_find(kernel_name);
    if (o.kernel == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "--kernel: '%s': unknown kernel (see --list-kernels)",
                        kernel_name);
    if ((st = msc_params_parse(o.kernel, params_given, n_params_given, &o.params, err, len)) != MSC_OK)
        return st;

    const char *rtext = range_text != NULL ? range_text : o.kernel->default_range;
    const char *rname = range_text != NULL ? "--range" : "--range (kernel default)";
    if ((st = msc_range_parse(rtext, &o.range, why, sizeof why)) != MSC_OK)
        return msc_fail(st, err, len, "%s: '%s': %s", rname, rtext, why);
    if (o.kernel->check != NULL &&
        (st = o.kernel->check(o.range, &o.params, why, sizeof why)) != MSC_OK)
        return msc_fail(st, err, len, "%s: '%s': %s: %s", rname, rtext, o.kernel->name, why);

    if (segments_text != NULL) {
        if ((st = msc_parse_i64(segments_text, &o.segments_requested, why, sizeof why)) != MSC_OK)
            return msc_fail(st, err, len, "--segments: '%s': %s", segments_text, why);
        if (o.segments_requested < 1 || o.segments_requested > MSC_MAX_SEGMENTS)
            return msc_fail(MSC_ERR_USAGE, err, len, "--segments: '%s': must be between 1 and %lld",
                            segments_text, (long long)MSC_MAX_SEGMENTS);
    }
    o.segments = msc_segments_clip(msc_range_count(o.range), o.segments_requested);

    if (slow_text != NULL) {
        /* RANK:FACTOR; whether RANK exists is known only under mpirun (the driver checks). */
        const char *colon = strchr(slow_text, ':');
        char head[32];
        int64_t r = -1, f = 0;
        if (colon == NULL || (size_t)(colon - slow_text) >= sizeof head)
            return msc_fail(MSC_ERR_USAGE, err, len, "--slow-rank: '%s': expected RANK:FACTOR", slow_text);
        memcpy(head, slow_text, (size_t)(colon - slow_text));
        head[colon - slow_text] = '\0';
        if (msc_parse_i64(head, &r, why, sizeof why) != MSC_OK || r < 0 || r > 1000000)
            return msc_fail(MSC_ERR_USAGE, err, len, "--slow-rank: '%s': RANK must be an integer from 0 to 1000000",
                            slow_text);
        if (msc_parse_i64(colon + 1, &f, why, sizeof why) != MSC_OK || f < 1 || f > 100)
            return msc_fail(MSC_ERR_USAGE, err, len, "--slow-rank: '%s': FACTOR must be an integer from 1 to 100",
                            slow_text);
        o.slow_rank = (int)r;
        o.slow_factor = (int)f;
    }

    if (repeat_text != NULL && (st = parse_repeat(repeat_text, &o, err, len)) != MSC_OK) return st;
    if (precision_text != NULL && !o.repeat_auto)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--precision: '%s': only with --repeat auto (it says when to stop repeating)",
                        precision_text);
    if (o.repeat_auto) {
        o.precision = MSC_AUTO_PRECISION;
        if (precision_text != NULL && (st = parse_precision(precision_text, &o.precision, err, len)) != MSC_OK)
            return st;
    }
    o.calibrate_runs = repeat_text != NULL && !o.repeat_auto ? o.repeat : MSC_CALIBRATE_RUNS;
    if (warmup_text != NULL && (msc_parse_i64(warmup_text, &count, why, sizeof why) != MSC_OK ||
                                count < 0 || count > MSC_MAX_REPEAT))
        return msc_fail(MSC_ERR_USAGE, err, len, "--warmup: '%s': must be an integer from 0 to %d",
                        warmup_text, MSC_MAX_REPEAT);
    if (warmup_text != NULL) o.warmup = (int)count;
    if (sweep_text != NULL && (st = parse_sweep(sweep_text, &o, why, sizeof why)) != MSC_OK)
        return msc_fail(st, err, len, "--sweep: '%s': %s", sweep_text, why);
    if (sweep_text == NULL && (repeat_text != NULL || warmup_text != NULL || o.weak))
        o.sweep = MSC_SWEEP_LIST; /* sweep_len 0: the launch's own rank count */
    if (o.sweep != MSC_SWEEP_NONE && o.serial_baseline)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--serial-baseline: not in a sweep (--sweep, --repeat, --warmup or "
                        "--weak), which measures T1 at p = 1 itself: add 1 to --sweep instead");
    if (o.json_path != NULL && o.json_path[0] == '\0')
        return msc_fail(MSC_ERR_USAGE, err, len, "--json: '': empty file name");
    if (o.csv_path != NULL && o.csv_path[0] == '\0')
        return msc_fail(MSC_ERR_USAGE, err, len, "--csv: '': empty file name");
    if (o.json_path != NULL && o.csv_path != NULL && strcmp(o.json_path, o.csv_path) == 0)
        return msc_fail(MSC_ERR_USAGE, err, len, "--csv: '%s': same file as --json", o.csv_path);
    {
        /* every file the run writes, for empty names and for two options naming one file */
        const char *files[5] = {o.json_path, o.csv_path, o.report_path, o.checkpoint_path, o.status_path};
        static const char *names[5] = {"--json", "--csv", "--report", "--checkpoint", "--status"};
        for (int i = 2; i < 5; i++) {
            if (files[i] == NULL) continue;
            if (files[i][0] == '\0') return msc_fail(MSC_ERR_USAGE, err, len, "%s: '': empty file name", names[i]);
            for (int j = 0; j < i; j++)
                if (files[j] != NULL && strcmp(files[i], files[j]) == 0)
                    return msc_fail(MSC_ERR_USAGE, err, len, "%s: '%s': the same file as %s", names[i],
                                    files[i], names[j]);
        }
    }
    if (o.fresh && o.checkpoint_path == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "--fresh: only with --checkpoint FILE (it discards that journal)");
    if (o.force && o.report_path == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "--force: only with --report FILE (it replaces that file)");
    if (o.checkpoint_path != NULL && o.sweep != MSC_SWEEP_NONE)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "--checkpoint: not with a sweep (--sweep, --repeat, --warmup or --weak): a "
                        "resumed run measures only part of the job, so its times cannot be a point of "
                        "a study; checkpoint single runs");
    if (deadline_text != NULL && (st = parse_deadline(deadline_text, &o.deadline_s, err, len)) != MSC_OK)
        return st;
    if (time_limit_text != NULL && (st = parse_time_limit(time_limit_text, &o.time_limit_s, err, len)) != MSC_OK)
        return st;
    if (o.status_path == NULL && o.checkpoint_path != NULL) {
        /* the verdict beside the journal by default: FILE.status */
        const size_t n = strlen(o.checkpoint_path);
        if (n + sizeof ".status" > sizeof o.status_default)
            return msc_fail(MSC_ERR_USAGE, err, len, "--checkpoint: '%.40s...': name too long", o.checkpoint_path);
        memcpy(o.status_default, o.checkpoint_path, n);
        memcpy(o.status_default + n, ".status", sizeof ".status");
    }
    *out = o;
    return MSC_OK;
}

/* "name=default (min to max)", integers printed exactly so that the bounds can be typed back. */
static void param_bounds(const msc_param_spec *s, char *buf, size_t len)
{
    if (s->type == MSC_PARAM_INT)
        snprintf(buf, len, "%s=%lld (%lld to %lld)", s->name, (long long)s->def, (long long)s->min,
                 (long long)s->max);
    else
        snprintf(buf, len, "%s=%g (%g to %g)", s->name, s->def, s->min, s->max);
}

void msc_cli_help(FILE *f, const char *prog)
{
    fprintf(f,
"Usage: mpirun -np P %s [options]\n"
"\n"
"Cuts the half-open range [START, END) into segments, gives each of the P ranks a share, runs\n"
"the kernel single-threaded on every rank, gathers the partial results to rank 0 in segment\n"
"order, verifies them against the kernel's reference, and reports per-phase timings, speedup,\n"
"efficiency, load imbalance and Amdahl's-Law estimates.\n"
"\n"
"Options:\n"
"  -k, --kernel NAME       kernel to run (default do_math; see below and --list-kernels)\n"
"  -r, --range START:END   half-open, signed 64-bit; END alone means 0:END. Digits may carry '_'\n"
"                          separators; exact forms like 3e7, 2.5e3 and 30M are accepted\n"
"                          (K, M, G, T, P = powers of 1000). Default: the kernel's own range.\n"
"  -s, --segments S        cut the range into S segments (default %d, clipped to the element\n"
"                          count, at most %lld). Boundaries depend only on the range and S, never\n"
"                          on P: keep S fixed across a scaling study and digests stay equal.\n"
"      --schedule NAME     how segments are dealt to ranks (P ranks; K, MIN in segments):\n"
"                            block           default: rank r gets one contiguous run\n"
"                            cyclic          segment s to rank s mod P\n"
"                            block-cyclic:K  runs of K dealt round-robin (default K = S/16P)\n"
"                            dynamic:K       ranks claim K segments at a time from an MPI atomic\n"
"                                            counter until none are left (default K = S/64P)\n"
"                            guided:MIN      claimed like dynamic; each claim takes\n"
"                                            max(MIN, remaining/2P) (default MIN = 1)\n"
"                            weighted        every rank times a short probe of the kernel, then\n"
"                                            gets one contiguous run sized to its speed\n"
"                          Defaults are at least 1. Use dynamic or guided when segment costs vary\n"
"                          (primes), weighted for nodes of different speeds; the report measures\n"
"                          the imbalance and says when another schedule would likely do better.\n"
"  -p, --param KEY=VALUE   kernel parameter (repeatable; validated per kernel)\n"
"      --serial-baseline   rank 0 first runs the whole range alone, timed, and that time is T1;\n"
"                          without it T1 is estimated from the segment times plus serial phases\n"
"      --sweep LIST        run the job on the first p ranks for each p in LIST (1,2,4), pow2\n"
"                          (1, 2, 4, ... up to P) or all (1 to P), in this one launch, and fit\n"
"                          Amdahl's Law and the Universal Scalability Law to the times\n",
            prog, MSC_DEFAULT_SEGMENTS, (long long)MSC_MAX_SEGMENTS);
    /* in two parts: C99 compilers need only take string literals of 4095 characters */
    fprintf(f,
"      --repeat R          measured runs per point (default 1); the table shows the median\n"
"      --repeat auto[:CAP] repeat each point until the 95%% interval of its median lies within\n"
"                          +-precision: at least %d runs, at most CAP (default %d, up to %d);\n"
"                          only the points still short run again, interleaved; points that reach\n"
"                          CAP first are flagged with the precision they got\n"
"      --precision X       with --repeat auto: 2%% or 0.02 (default 2%%; above 0, at most 50%%)\n"
"      --warmup W          unmeasured runs before them (default 0)\n"
"      --target-speedup X  with a sweep: the ranks Amdahl's fitted f needs to reach speedup X\n"
"      --min-efficiency E  with a sweep: the most ranks that keep efficiency >= E (0 < E <= 1)\n"
"      --weak              weak scaling: the range is the 1-rank size and grows with p\n"
"                          (segments too); fits Gustafson's scaled speedup\n"
"      --calibrate         also time the runtime's own overhead: MPI_Init on every rank, and at\n"
"                          each p the same job with the kernel 'empty' (--repeat N runs, else %d;\n"
"                          medians): job time, scatter, gather, combine, as a share of T1 and of\n"
"                          the fitted f. Not written to --json/--csv, not counted as runs\n"
"      --isa PATH          the vector path of do_math, amdahl and pi: auto (default: the widest\n"
"                          each node has, chosen at run time), avx512, avx2 or scalar (vector\n"
"                          paths off); a node without the path asked for stops the run. Results\n"
"                          and digests are the same on every path; the report says which ran\n"
"      --progress          show progress on stderr from rank 0 even when stderr is not a\n"
"                          terminal: one line per sweep run, or per second in a single run\n"
"      --no-progress       never show it. Default: shown, updated in place, only when stderr\n"
"                          is a terminal, so logs stay clean\n"
"      --slow-rank R:F     rank R runs every kernel call F times (keeping one result): emulates a\n"
"                          node F times slower, to try schedules on uneven hardware\n"
"      --json FILE         append one JSON object for this run (JSON Lines, schema %d)\n"
"      --csv FILE          append one CSV row (a header is written to a new file)\n"
"      --report FILE       also write the text report to FILE (an existing one: --force)\n"
"      --checkpoint FILE   journal every completed segment in FILE; the same command again\n"
"                          computes only the missing ones (any rank count or schedule, same\n"
"                          digest). Not with a sweep. --fresh discards the journal\n"
"      --status FILE       the verdict as JSON: running, then complete, interrupted, failed or\n"
"                          invalid-input (default CHECKPOINT.status with --checkpoint)\n"
"      --time-limit T      stop early enough to save: T seconds (90, 30m, 1.5h, HH:MM:SS)\n"
"      --deadline EPOCH    the same, at an absolute time: seconds since 1970 (Unix time)\n"
"                          SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 stop the run the same\n"
"                          way at a segment boundary (a second Ctrl-C kills at once)\n"
"  -q, --quiet             print a one-line summary instead of the full report\n"
"  -l, --list-kernels      list the kernels, their default ranges and parameters\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"Kernels:\n",
            MSC_SAMPLE_MIN_CI, MSC_AUTO_CAP, MSC_MAX_REPEAT, MSC_CALIBRATE_RUNS, MSC_SCHEMA_VERSION);
    for (size_t i = 0; i < msc_kernel_count(); i++) {
        const msc_kernel *k = msc_kernel_at(i);
        fprintf(f, "  %-12s %s\n", k->name, k->summary);
        for (int j = 0; j < k->n_params; j++) {
            char spec[96];
            param_bounds(&k->params[j], spec, sizeof spec);
            fprintf(f, "  %-12s   --param %s: %s\n", "", spec, k->params[j].help);
        }
    }
    fprintf(f,
"\n"
"Timings: phases init, setup, baseline, serial, calibrate, scatter, compute, gather, combine, verify, each\n"
"as min/mean/max over ranks with the slowest rank. Job time = setup through combine on rank 0\n"
"(MPI_Init, verification and output excluded); speedup = T1 / job time; load imbalance =\n"
"max/mean compute - 1; Karp-Flatt e = (1/S - 1/P) / (1 - 1/P).\n"
"\n"
"Exit status:\n"
"  0   complete and verified\n"
"  2   invalid input (one line on stderr from rank 0; nothing is computed or written)\n"
"  3   output I/O error (an output cannot be written; the old file is left whole)\n"
"  4   verification failed (the report and output files say so)\n"
"  75  interrupted (signal, --time-limit, --deadline): run the same command to resume\n"
"  70  internal error\n"
"\n"
"Examples:\n"
"  mpirun -np 4 %s --kernel do_math --range 30M\n"
"  mpirun -np 2 %s --kernel amdahl --param serial=0.3 --range 0:2G --serial-baseline\n"
"  mpirun -np 8 --hostfile hosts %s --kernel primes --range 0:50M --json runs.jsonl\n"
"  mpirun -np 4 %s --sweep 1,2,4 --repeat auto:20 --precision 1%% --calibrate\n"
"As root, Open MPI needs OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; more ranks\n"
"than cores need mpirun --oversubscribe.\n",
            prog, prog, prog, prog);
}

void msc_cli_list_kernels(FILE *f)
{
    for (size_t i = 0; i < msc_kernel_count(); i++) {
        const msc_kernel *k = msc_kernel_at(i);
        fprintf(f, "%-12s  range %-7s  params:", k->name, k->default_range);
        if (k->n_params == 0) fprintf(f, " none");
        for (int j = 0; j < k->n_params; j++) {
            char spec[96];
            param_bounds(&k->params[j], spec, sizeof spec);
            fprintf(f, " %s", spec);
        }
        fprintf(f, "  %s\n", k->summary);
    }
}
