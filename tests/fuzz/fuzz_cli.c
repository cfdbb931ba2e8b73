/* fuzz_cli.c — libFuzzer target for the command line: the input is split into argv words (on NUL
 * and newline bytes; argv[0] is "mpiscale") and given to msc_cli_parse; every word also goes to
 * the number, range and schedule parsers on their own. Checks what the parsers promise: a
 * successful parse holds only validated values, a failure leaves a non-empty NUL-terminated
 * message, the answer does not depend on the error buffer, plain integers read as strtoll reads
 * them, and what is accepted can be printed and read back to the same value. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpiscale/cli.h"
#include "mpiscale/journal.h"
#include "mpiscale/model.h"
#include "mpiscale/range.h"
#include "mpiscale/schedule.h"

#include "fuzz_common.h"

#define MAX_WORDS 64  /* argv words after argv[0]; the rest of a longer input is ignored */
#define ERR_LEN 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* err[0..len) filled with a byte that is not NUL, so that a missing terminator shows. */
static char *err_buffer(size_t len)
{
    char *err = (char *)malloc(len);
    if (err == NULL) abort();
    memset(err, 0xA5, len);
    return err;
}

/* A failure's message: NUL-terminated within the buffer and, with room for one, not empty. */
static void check_message(const char *err, size_t len)
{
    MSC_FUZZ_CHECK(msc_fuzz_terminated(err, len));
    MSC_FUZZ_CHECK(len == 1 || err[0] != '\0');
}

/* A reference for msc_parse_i64 on its plain forms: [+-]digits, '_' only between two digits, an
 * optional K/M/G/T/P suffix (any case). -1 when w is not of that form, 0 when its value does not
 * fit in int64, 1 and *v otherwise (read with strtoll). */
static int plain_value(const char *w, int64_t *v)
{
    static const char suffixes[] = "KMGTP";
    char digits[160];
    size_t n = 0;
    int exp3 = 0;
    const char *p = w;
    if (*p == '+' || *p == '-') digits[n++] = *p++;
    if (!isdigit((unsigned char)*p)) return -1;
    for (; isdigit((unsigned char)*p) || *p == '_'; p++) {
        if (*p == '_') {
            if (!isdigit((unsigned char)p[-1]) || !isdigit((unsigned char)p[1])) return -1;
            continue;
        }
        if (n + 1 >= sizeof digits) return -1;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    if (*p != '\0') {
        const char *hit = strchr(suffixes, toupper((unsigned char)*p));
        if (hit == NULL || p[1] != '\0') return -1;
        exp3 = (int)(hit - suffixes) + 1;
    }
    errno = 0;
    long long x = strtoll(digits, NULL, 10);
    if (errno == ERANGE) return 0;
    for (int k = 0; k < exp3; k++)
        if (__builtin_mul_overflow(x, 1000LL, &x)) return 0;
    *v = (int64_t)x;
    return 1;
}

static void check_i64_text(const char *w)
{
    char *err = err_buffer(ERR_LEN);
    int64_t v = 0, again = 0, ref = 0;
    const msc_status st = msc_parse_i64(w, &v, err, ERR_LEN);
    MSC_FUZZ_CHECK(st == MSC_OK || st == MSC_ERR_USAGE);
    const int plain = plain_value(w, &ref);
    if (plain >= 0) MSC_FUZZ_CHECK((st == MSC_OK) == (plain == 1));
    if (st == MSC_OK) {
        char text[32];
        if (plain == 1) MSC_FUZZ_CHECK(v == ref);
        snprintf(text, sizeof text, "%" PRId64, v);
        MSC_FUZZ_CHECK(msc_parse_i64(text, &again, NULL, 0) == MSC_OK && again == v);
    } else {
        check_message(err, ERR_LEN);
    }
    free(err);
}

/* msc_range_parse against its definition: "START:END" or "END" (START 0), each side a
 * msc_parse_i64 number, END > START, END-START within int64. The START text is copied into a
 * buffer of 128 bytes, so a longer one is refused whatever it says. */
static void check_range_text(const char *w)
{
    char *err = err_buffer(ERR_LEN);
    msc_range r = {0, 0};
    const msc_status st = msc_range_parse(w, &r, err, ERR_LEN);
    const char *colon = strchr(w, ':');
    int64_t lo = 0, hi = 0, n = 0;
    int ok;
    if (colon != NULL) {
        const size_t k = (size_t)(colon - w);
        char start[128];
        ok = k >= 1 && k < sizeof start;
        if (ok) {
            memcpy(start, w, k);
            start[k] = '\0';
            ok = msc_parse_i64(start, &lo, NULL, 0) == MSC_OK &&
                 msc_parse_i64(colon + 1, &hi, NULL, 0) == MSC_OK;
        }
    } else {
        ok = msc_parse_i64(w, &hi, NULL, 0) == MSC_OK;
    }
    ok = ok && hi > lo && !__builtin_sub_overflow(hi, lo, &n);
    MSC_FUZZ_CHECK(st == MSC_OK || st == MSC_ERR_USAGE || st == MSC_ERR_RANGE);
    MSC_FUZZ_CHECK((st == MSC_OK) == ok);
    if (st == MSC_OK) {
        char text[64];
        msc_range back = {0, 0};
        MSC_FUZZ_CHECK(r.lo == lo && r.hi == hi && r.lo < r.hi);
        MSC_FUZZ_CHECK(msc_range_count(r) == n && n > 0);
        snprintf(text, sizeof text, "%" PRId64 ":%" PRId64, r.lo, r.hi);
        MSC_FUZZ_CHECK(msc_range_parse(text, &back, NULL, 0) == MSC_OK);
        MSC_FUZZ_CHECK(back.lo == r.lo && back.hi == r.hi);
    } else {
        check_message(err, ERR_LEN);
    }
    free(err);
}

static void check_schedule_text(const char *w)
{
    char *err = err_buffer(ERR_LEN);
    msc_schedule s, back;
    memset(&s, 0, sizeof s);
    memset(&back, 0, sizeof back);
    const msc_status st = msc_schedule_parse(w, &s, err, ERR_LEN);
    if (st == MSC_OK) {
        char text[64];
        MSC_FUZZ_CHECK((unsigned)s.kind < MSC_SCHED_COUNT && s.chunk >= 0);
        msc_schedule_format(&s, text, sizeof text);
        MSC_FUZZ_CHECK(msc_schedule_parse(text, &back, NULL, 0) == MSC_OK);
        MSC_FUZZ_CHECK(back.kind == s.kind && back.chunk == s.chunk);
    } else {
        MSC_FUZZ_CHECK(st == MSC_ERR_USAGE);
        check_message(err, ERR_LEN);
    }
    free(err);
}

/* 1 when p points into one of the argv words (a path option's value is a word or its tail). */
static int points_into_argv(const char *p, int argc, char *const *argv)
{
    const uintptr_t x = (uintptr_t)p;
    for (int i = 0; i < argc; i++) {
        const uintptr_t a = (uintptr_t)argv[i];
        if (x >= a && x <= a + strlen(argv[i])) return 1;
    }
    return 0;
}

static void check_segments(const msc_options *o, int64_t count)
{
    const int64_t s = o->segments;
    const int64_t ks[5] = {0, 1, s / 2, s - 2, s - 1};
    MSC_FUZZ_CHECK(o->segments_requested >= 1 && o->segments_requested <= MSC_MAX_SEGMENTS);
    MSC_FUZZ_CHECK(s == msc_segments_clip(count, o->segments_requested));
    MSC_FUZZ_CHECK(s >= 1 && s <= o->segments_requested && s <= count);
    /* Segments tile the range in order, sizes differing by at most one. */
    const int64_t base = count / s;
    MSC_FUZZ_CHECK(msc_segment(o->range, s, 0).lo == o->range.lo);
    MSC_FUZZ_CHECK(msc_segment(o->range, s, s - 1).hi == o->range.hi);
    for (int i = 0; i < 5; i++) {
        if (ks[i] < 0 || ks[i] >= s) continue;
        const msc_range g = msc_segment(o->range, s, ks[i]);
        MSC_FUZZ_CHECK(g.lo >= o->range.lo && g.hi <= o->range.hi);
        MSC_FUZZ_CHECK(g.hi - g.lo == base || g.hi - g.lo == base + 1);
        if (ks[i] + 1 < s) MSC_FUZZ_CHECK(msc_segment(o->range, s, ks[i] + 1).lo == g.hi);
    }
}

static void check_sweep(const msc_options *o)
{
    static const int worlds[4] = {1, 3, 64, 1000000};
    MSC_FUZZ_CHECK(o->sweep >= MSC_SWEEP_NONE && o->sweep <= MSC_SWEEP_ALL);
    MSC_FUZZ_CHECK(o->sweep_len >= 0 && o->sweep_len <= MSC_MAX_SWEEP);
    MSC_FUZZ_CHECK(o->sweep == MSC_SWEEP_LIST || o->sweep_len == 0);
    for (int i = 0; i < o->sweep_len; i++) {
        MSC_FUZZ_CHECK(o->sweep_list[i] >= 1 && o->sweep_list[i] <= 1000000);
        MSC_FUZZ_CHECK(i == 0 || o->sweep_list[i - 1] < o->sweep_list[i]);
    }
    for (int w = 0; w < 4; w++) {
        int points[MSC_MAX_SWEEP], n = -1;
        char *err = err_buffer(ERR_LEN);
        const msc_status st = msc_sweep_points(o, worlds[w], points, &n, err, ERR_LEN);
        if (st == MSC_OK) {
            MSC_FUZZ_CHECK(n >= 1 && n <= MSC_MAX_SWEEP);
            for (int i = 0; i < n; i++) {
                MSC_FUZZ_CHECK(points[i] >= 1 && points[i] <= worlds[w]);
                MSC_FUZZ_CHECK(i == 0 || points[i - 1] < points[i]);
            }
            if (o->sweep == MSC_SWEEP_NONE) MSC_FUZZ_CHECK(n == 1 && points[0] == worlds[w]);
        } else {
            MSC_FUZZ_CHECK(st == MSC_ERR_USAGE);
            check_message(err, ERR_LEN);
        }
        free(err);
    }
}

/* The options of a run as the checkpoint journal names them: what the header holds reads back. */
static void check_journal_inputs(const msc_options *o)
{
    char inputs[MSC_JOURNAL_LINE_MAX], line[MSC_JOURNAL_LINE_MAX], found[MSC_JOURNAL_LINE_MAX];
    msc_journal_inputs(o->kernel, &o->params, o->range, o->segments, inputs, sizeof inputs);
    MSC_FUZZ_CHECK(msc_fuzz_terminated(inputs, sizeof inputs));
    const size_t w = msc_journal_format_header(inputs, line, sizeof line);
    if (w == 0) return;
    MSC_FUZZ_CHECK(w < sizeof line && line[w - 1] == '\n' && line[w] == '\0');
    MSC_FUZZ_CHECK(msc_journal_parse_line(line, w - 1, NULL, found, sizeof found) == 1);
    MSC_FUZZ_CHECK(strcmp(found, inputs) == 0);
}

/* The files a run writes: each named by a non-empty word of argv (or the status file beside the
 * journal, CHECKPOINT.status), no two the same; --fresh and --force only with what they act on. */
static void check_files(const msc_options *o, int argc, char *const *argv)
{
    const char *status = msc_options_status(o);
    const char *files[5] = {o->json_path, o->csv_path, o->report_path, o->checkpoint_path, o->status_path};
    MSC_FUZZ_CHECK(msc_fuzz_terminated(o->status_default, sizeof o->status_default));
    for (int i = 0; i < 5; i++) {
        if (files[i] == NULL) continue;
        MSC_FUZZ_CHECK(files[i][0] != '\0');
        MSC_FUZZ_CHECK(points_into_argv(files[i], argc, argv));
        for (int j = 0; j < i; j++) MSC_FUZZ_CHECK(files[j] == NULL || strcmp(files[i], files[j]) != 0);
    }
    /* the status file: --status's word, else the journal's name + ".status", else none */
    MSC_FUZZ_CHECK(o->status_path != NULL ? status == o->status_path
                                          : status == (o->status_default[0] ? o->status_default : NULL));
    if (status != NULL && status == o->status_default) {
        const size_t n = strlen(o->checkpoint_path);
        MSC_FUZZ_CHECK(strncmp(status, o->checkpoint_path, n) == 0 && strcmp(status + n, ".status") == 0);
    }
    MSC_FUZZ_CHECK(o->checkpoint_path == NULL || status != NULL);
    MSC_FUZZ_CHECK(o->checkpoint_path == NULL || o->sweep == MSC_SWEEP_NONE);
    MSC_FUZZ_CHECK((o->fresh | o->force) <= 1);
    MSC_FUZZ_CHECK(!o->fresh || o->checkpoint_path != NULL);
    MSC_FUZZ_CHECK(!o->force || o->report_path != NULL);
}

/* What msc_cli_parse promises about options it accepts. */
static void check_options(const msc_options *o, int argc, char *const *argv)
{
    MSC_FUZZ_CHECK(o->kernel != NULL);
    MSC_FUZZ_CHECK(o->action >= MSC_ACTION_RUN && o->action <= MSC_ACTION_VERSION);
    if (o->action != MSC_ACTION_RUN) return; /* --help and friends: nothing else is validated */

    const msc_kernel *k = o->kernel;
    MSC_FUZZ_CHECK(msc_kernel_find(k->name) == k);
    MSC_FUZZ_CHECK(o->range.lo < o->range.hi);
    const int64_t count = msc_range_count(o->range);
    MSC_FUZZ_CHECK(count > 0);
    if (k->check != NULL) MSC_FUZZ_CHECK(k->check(o->range, &o->params, NULL, 0) == MSC_OK);
    check_segments(o, count);

    MSC_FUZZ_CHECK(o->params.count == k->n_params);
    for (int i = 0; i < k->n_params; i++) {
        const double v = o->params.value[i];
        MSC_FUZZ_CHECK(isfinite(v) && v >= k->params[i].min && v <= k->params[i].max);
        if (k->params[i].type == MSC_PARAM_INT) MSC_FUZZ_CHECK(v == floor(v));
    }

    MSC_FUZZ_CHECK((unsigned)o->schedule.kind < MSC_SCHED_COUNT && o->schedule.chunk >= 0);
    MSC_FUZZ_CHECK((o->slow_rank == -1 && o->slow_factor == 1) ||
                   (o->slow_rank >= 0 && o->slow_rank <= 1000000 && o->slow_factor >= 1 &&
                    o->slow_factor <= 100));

    if (o->repeat_auto) {
        MSC_FUZZ_CHECK(o->repeat_auto == 1 && o->repeat == MSC_SAMPLE_MIN_CI);
        MSC_FUZZ_CHECK(o->repeat_cap >= MSC_SAMPLE_MIN_CI && o->repeat_cap <= MSC_MAX_REPEAT);
        MSC_FUZZ_CHECK(o->precision > 0.0 && o->precision <= MSC_MAX_PRECISION);
    } else {
        MSC_FUZZ_CHECK(o->repeat >= 1 && o->repeat <= MSC_MAX_REPEAT);
        MSC_FUZZ_CHECK(o->repeat_cap == 0 && o->precision == 0.0);
    }
    MSC_FUZZ_CHECK(o->warmup >= 0 && o->warmup <= MSC_MAX_REPEAT);
    MSC_FUZZ_CHECK(o->calibrate_runs >= 1 && o->calibrate_runs <= MSC_MAX_REPEAT);
    MSC_FUZZ_CHECK(o->target_speedup == 0.0 || (isfinite(o->target_speedup) && o->target_speedup > 1.0));
    MSC_FUZZ_CHECK(o->min_efficiency == 0.0 || (o->min_efficiency > 0.0 && o->min_efficiency <= 1.0));
    MSC_FUZZ_CHECK(o->progress >= MSC_PROGRESS_AUTO && o->progress <= MSC_PROGRESS_OFF);
    MSC_FUZZ_CHECK((o->serial_baseline | o->weak | o->calibrate | o->quiet) <= 1);
    MSC_FUZZ_CHECK(!o->serial_baseline || o->sweep == MSC_SWEEP_NONE);
    check_files(o, argc, argv);
    MSC_FUZZ_CHECK(o->deadline_s == 0.0 ||
                   (isfinite(o->deadline_s) && o->deadline_s > 0.0 && o->deadline_s <= 1e11));
    MSC_FUZZ_CHECK(o->time_limit_s == 0.0 ||
                   (isfinite(o->time_limit_s) && o->time_limit_s > 0.0 && o->time_limit_s <= 366.0 * 86400.0));

    check_sweep(o);
    check_journal_inputs(o);
}

/* Both NULL, or the same text (the default status file lives in each msc_options itself). */
static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The same command line must give the same options, whatever error buffer comes with it. */
static int same_options(const msc_options *a, const msc_options *b)
{
    return a->action == b->action && a->kernel == b->kernel && a->range.lo == b->range.lo &&
           a->range.hi == b->range.hi && a->segments_requested == b->segments_requested &&
           a->segments == b->segments && a->schedule.kind == b->schedule.kind &&
           a->schedule.chunk == b->schedule.chunk && a->slow_rank == b->slow_rank &&
           a->slow_factor == b->slow_factor && a->params.count == b->params.count &&
           memcmp(a->params.value, b->params.value, sizeof a->params.value) == 0 &&
           a->serial_baseline == b->serial_baseline && a->sweep == b->sweep &&
           a->sweep_len == b->sweep_len &&
           memcmp(a->sweep_list, b->sweep_list, (size_t)a->sweep_len * sizeof a->sweep_list[0]) == 0 &&
           a->repeat == b->repeat && a->repeat_auto == b->repeat_auto &&
           a->repeat_cap == b->repeat_cap && a->precision == b->precision && a->warmup == b->warmup &&
           a->weak == b->weak && a->target_speedup == b->target_speedup &&
           a->min_efficiency == b->min_efficiency && a->calibrate == b->calibrate &&
           a->calibrate_runs == b->calibrate_runs && a->progress == b->progress &&
           a->quiet == b->quiet && a->json_path == b->json_path && a->csv_path == b->csv_path &&
           a->report_path == b->report_path && a->force == b->force &&
           a->checkpoint_path == b->checkpoint_path && a->fresh == b->fresh &&
           same_text(a->status_path, b->status_path) && a->deadline_s == b->deadline_s &&
           a->time_limit_s == b->time_limit_s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Words, each in its own allocation so that reading past a word's end is caught. */
    char *words[MAX_WORDS + 2];
    int argc = 0;
    static char prog[] = "mpiscale";
    words[argc++] = prog;
    for (size_t at = 0; at < size && argc <= MAX_WORDS;) {
        size_t n = 0;
        while (at + n < size && data[at + n] != '\0' && data[at + n] != '\n') n++;
        char *w = (char *)malloc(n + 1);
        if (w == NULL) abort();
        memcpy(w, data + at, n);
        w[n] = '\0';
        words[argc++] = w;
        at += n + 1; /* a separator at the very end starts no empty word */
    }
    words[argc] = NULL;

    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(words[i], '=');
        check_i64_text(words[i]);
        check_range_text(words[i]);
        check_schedule_text(words[i]);
        if (eq != NULL) {
            check_i64_text(eq + 1);
            check_range_text(eq + 1);
        }
    }

    /* getopt_long permutes the argv array it is given: each parse gets a fresh copy of it. */
    char *argv[MAX_WORDS + 2];
    msc_options first, again;
    memset(&first, 0, sizeof first);
    memset(&again, 0, sizeof again);

    memcpy(argv, words, ((size_t)argc + 1) * sizeof argv[0]);
    char *err = err_buffer(ERR_LEN);
    const msc_status st = msc_cli_parse(argc, argv, &first, err, ERR_LEN);
    MSC_FUZZ_CHECK(st == MSC_OK || st == MSC_ERR_USAGE || st == MSC_ERR_RANGE);
    if (st == MSC_OK)
        check_options(&first, argc, words);
    else
        check_message(err, ERR_LEN);
    free(err);

    /* A tiny error buffer, then none: the same status and options, a terminated prefix. */
    const size_t small = 1 + size % 8;
    memcpy(argv, words, ((size_t)argc + 1) * sizeof argv[0]);
    err = err_buffer(small);
    MSC_FUZZ_CHECK(msc_cli_parse(argc, argv, &again, err, small) == st);
    if (st == MSC_OK)
        MSC_FUZZ_CHECK(same_options(&first, &again));
    else
        check_message(err, small);
    free(err);
    memcpy(argv, words, ((size_t)argc + 1) * sizeof argv[0]);
    memset(&again, 0, sizeof again);
    MSC_FUZZ_CHECK(msc_cli_parse(argc, argv, &again, NULL, 0) == st);
    if (st == MSC_OK) MSC_FUZZ_CHECK(same_options(&first, &again));

    for (int i = 1; i < argc; i++) free(words[i]);
    return 0;
}
