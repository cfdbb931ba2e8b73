/* study.c — reads run records (JSON Lines, jansson) into studies and exports their tables. A
 * record is checked field by field, so a damaged or foreign line is reported with its file and line
 * instead of being half-read; runs that cannot be compared (another segment count, schedule, kernel
 * version or MPI library) are refused rather than silently fitted together. */
#include "mpiscale/study.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mpiscale/model.h"

/* ---- reading ----------------------------------------------------------------------------------- */

/* One record, as far as a study needs it. */
typedef struct record {
    msc_study_key key;
    msc_study_setup setup;
    msc_sweep_run run;
    int kept;        /* complete and verified */
    double precision; /* --repeat auto's precision and cap, or 0 */
    int repeat_cap;
    uint64_t id;     /* identifies the run, to catch one read twice */
} record;

/* FNV-1a, 64 bits, over n bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *c = (const unsigned char *)data;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * UINT64_C(1099511628211);
    return h;
}

#define MAX_RANKS 1000000 /* as --sweep's largest rank count */
#define MAX_TIME_S 1e9    /* about 30 years: anything longer is a damaged record */

/* A "file:line: what" refusal of a record, what formatted from fmt. */
static msc_status bad(char *err, size_t len, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static msc_status bad(char *err, size_t len, const char *where, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return msc_fail(MSC_ERR_USAGE, err, len, "%s: %s", where, what);
}

static msc_status get_string(json_t *o, const char *name, const char **out, const char *where,
                             char *err, size_t len)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL) return bad(err, len, where, "no \"%s\" field: not an mpiscale run record", name);
    if (!json_is_string(v)) return bad(err, len, where, "\"%s\" is not a string", name);
    *out = json_string_value(v);
    return MSC_OK;
}

static msc_status get_int(json_t *o, const char *name, int64_t lo, int64_t *out, const char *where,
                          char *err, size_t len)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL) return bad(err, len, where, "no \"%s\" field: not an mpiscale run record", name);
    if (!json_is_integer(v)) return bad(err, len, where, "\"%s\" is not an integer", name);
    *out = (int64_t)json_integer_value(v);
    if (*out < lo) return bad(err, len, where, "\"%s\" is out of range", name);
    return MSC_OK;
}

/* A number, or NAN for null when null_ok (the writer stores non-finite values as null). */
static msc_status get_real(json_t *o, const char *name, int null_ok, double *out, const char *where,
                           char *err, size_t len)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL) return bad(err, len, where, "no \"%s\" field: not an mpiscale run record", name);
    if (json_is_null(v) && null_ok) {
        *out = NAN;
        return MSC_OK;
    }
    if (!json_is_number(v)) return bad(err, len, where, "\"%s\" is not a number", name);
    *out = json_number_value(v);
    return MSC_OK;
}

/* Copies src into a fixed buffer, refusing what does not fit rather than cutting it. */
static msc_status copy_field(char *dst, size_t size, const char *src, const char *name,
                             const char *where, char *err, size_t len)
{
    if (strlen(src) >= size) return bad(err, len, where, "\"%s\" is too long", name);
    memcpy(dst, src, strlen(src) + 1);
    return MSC_OK;
}

static msc_status parse_record(const char *line, const char *where, record *r, char *err, size_t len)
{
    memset(r, 0, sizeof *r);
    json_error_t jerr;
    json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL)
        return msc_fail(MSC_ERR_USAGE, err, len, "%s: not valid JSON: %s (column %d)", where, jerr.text,
                        jerr.column);
    msc_status st = MSC_OK;
    const char *kernel = NULL, *status = NULL, *digest = NULL, *sched = "block", *mpi = "",
               *compiler = "", *started = "", *t1_source = "estimated";
    int64_t schema = 0, kv = 0, start = 0, end = 0, segments = 0, ranks = 0, nodes = 0;
    double wall = 0, t1 = 0, serial_fraction = 0, imbalance = 0;
    json_t *params = NULL, *range = NULL, *sweep = NULL, *hosts = NULL, *verified = NULL;
    char *params_text = NULL;
    if (!json_is_object(o)) {
        st = msc_fail(MSC_ERR_USAGE, err, len, "%s: not a JSON object", where);
        goto done;
    }
    if ((st = get_int(o, "schema", 1, &schema, where, err, len)) != MSC_OK) goto done;
    if (schema > MSC_SCHEMA_VERSION) {
        st = msc_fail(MSC_ERR_USAGE, err, len,
                      "%s: schema %lld is newer than this mpiscale-report reads (up to %d): update it",
                      where, (long long)schema, MSC_SCHEMA_VERSION);
        goto done;
    }
    if ((st = get_string(o, "kernel", &kernel, where, err, len)) != MSC_OK ||
        (st = get_int(o, "kernel_version", 0, &kv, where, err, len)) != MSC_OK ||
        (st = get_int(o, "segments", 1, &segments, where, err, len)) != MSC_OK ||
        (st = get_int(o, "ranks", 1, &ranks, where, err, len)) != MSC_OK ||
        (st = get_int(o, "nodes", 1, &nodes, where, err, len)) != MSC_OK ||
        (st = get_string(o, "status", &status, where, err, len)) != MSC_OK ||
        (st = get_string(o, "digest", &digest, where, err, len)) != MSC_OK ||
        (st = get_real(o, "wall_s", 0, &wall, where, err, len)) != MSC_OK ||
        (st = get_real(o, "t1_s", 1, &t1, where, err, len)) != MSC_OK ||
        (st = get_real(o, "serial_fraction", 1, &serial_fraction, where, err, len)) != MSC_OK ||
        (st = get_real(o, "imbalance", 1, &imbalance, where, err, len)) != MSC_OK)
        goto done;
    if (json_object_get(o, "schedule") != NULL &&
        (st = get_string(o, "schedule", &sched, where, err, len)) != MSC_OK)
        goto done;
    if (json_object_get(o, "mpi_library") != NULL &&
        (st = get_string(o, "mpi_library", &mpi, where, err, len)) != MSC_OK)
        goto done;
    if ((json_object_get(o, "compiler") != NULL &&
         (st = get_string(o, "compiler", &compiler, where, err, len)) != MSC_OK) ||
        (json_object_get(o, "start_time") != NULL &&
         (st = get_string(o, "start_time", &started, where, err, len)) != MSC_OK) ||
        (json_object_get(o, "t1_source") != NULL &&
         (st = get_string(o, "t1_source", &t1_source, where, err, len)) != MSC_OK))
        goto done;
    /* values a real run cannot have: a damaged or hand-edited record */
    if (ranks > MAX_RANKS || nodes > ranks) {
        st = bad(err, len, where, "\"%s\" is out of range", ranks > MAX_RANKS ? "ranks" : "nodes");
        goto done;
    }
    if (wall > MAX_TIME_S || (isfinite(t1) && !(t1 > 0.0 && t1 <= MAX_TIME_S))) {
        st = bad(err, len, where, "\"%s\" is not a plausible time", wall > MAX_TIME_S ? "wall_s" : "t1_s");
        goto done;
    }
    if ((isfinite(serial_fraction) && !(serial_fraction >= 0.0 && serial_fraction <= 1.0)) ||
        (isfinite(imbalance) && !(imbalance >= 0.0))) {
        st = bad(err, len, where, "\"%s\" is out of range",
                 isfinite(imbalance) && !(imbalance >= 0.0) ? "imbalance" : "serial_fraction");
        goto done;
    }
    if (strlen(digest) != 16 || strspn(digest, "0123456789abcdef") != 16) {
        st = bad(err, len, where, "\"%s\" is not 16 hexadecimal digits", "digest");
        goto done;
    }
    {
        json_t *slow = json_object_get(o, "slow_rank");
        json_t *sr = json_is_object(slow) ? json_object_get(slow, "rank") : NULL;
        json_t *sf = json_is_object(slow) ? json_object_get(slow, "factor") : NULL;
        if (slow == NULL || json_is_null(slow))
            snprintf(r->setup.slow_rank, sizeof r->setup.slow_rank, "none");
        else if (json_is_integer(sr) && json_is_integer(sf))
            snprintf(r->setup.slow_rank, sizeof r->setup.slow_rank, "%lld:%lld",
                     (long long)json_integer_value(sr), (long long)json_integer_value(sf));
        else {
            st = bad(err, len, where, "\"%s\" is not null or {\"rank\": R, \"factor\": F}", "slow_rank");
            goto done;
        }
    }
    params = json_object_get(o, "params");
    range = json_object_get(o, "range");
    verified = json_object_get(o, "verified");
    if (!json_is_object(params)) {
        st = bad(err, len, where, "\"%s\" is missing or not an object", "params");
        goto done;
    }
    if (!json_is_object(range) || (st = get_int(range, "start", INT64_MIN, &start, where, err, len)) != MSC_OK ||
        (st = get_int(range, "end", INT64_MIN, &end, where, err, len)) != MSC_OK || end <= start) {
        if (st == MSC_OK) st = bad(err, len, where, "\"%s\" is not {\"start\": S, \"end\": E} with E > S", "range");
        goto done;
    }
    if (!json_is_boolean(verified)) {
        st = bad(err, len, where, "\"%s\" is missing or not true/false", "verified");
        goto done;
    }
    if (!(wall > 0.0) || !isfinite(wall)) {
        st = bad(err, len, where, "\"%s\" is not a positive time", "wall_s");
        goto done;
    }
    sweep = json_object_get(o, "sweep");
    if (sweep != NULL && !json_is_null(sweep)) {
        const char *mode = NULL;
        if (!json_is_object(sweep) || (st = get_string(sweep, "mode", &mode, where, err, len)) != MSC_OK) {
            if (st == MSC_OK) st = bad(err, len, where, "\"%s\" is not null or an object", "sweep");
            goto done;
        }
        json_t *prec = json_object_get(sweep, "precision"), *cap = json_object_get(sweep, "cap");
        if (json_is_number(prec) && json_is_integer(cap) && json_number_value(prec) > 0.0 &&
            json_number_value(prec) <= 0.5 && json_integer_value(cap) > 0 &&
            json_integer_value(cap) <= 1000) { /* --repeat auto: its precision and cap */
            r->precision = json_number_value(prec);
            r->repeat_cap = (int)json_integer_value(cap);
        }
        if (strcmp(mode, "weak") == 0)
            r->key.weak = 1;
        else if (strcmp(mode, "strong") != 0) {
            st = bad(err, len, where, "\"sweep\": unknown mode \"%s\"", mode);
            goto done;
        }
    }
    if (r->key.weak) { /* the record holds the range and segments grown p times */
        const int64_t n = end - start;
        if (n % ranks != 0 || segments % ranks != 0) {
            st = bad(err, len, where, "a weak-scaling record whose %s is not a multiple of its ranks",
                     n % ranks != 0 ? "range" : "segment count");
            goto done;
        }
        end = start + n / ranks;
        segments /= ranks;
    }
    /* the phase breakdown: each phase's slowest rank, when the record has it */
    r->run.scatter_s = r->run.compute_s = r->run.gather_s = r->run.probe_s = r->run.ns_per_item = NAN;
    {
        json_t *ns = json_object_get(o, "ns_per_item"); /* records from 0.1.0 on, after issue 8 */
        if (json_is_number(ns) && isfinite(json_number_value(ns))) r->run.ns_per_item = json_number_value(ns);
    }
    json_t *phases = json_object_get(o, "phases");
    if (json_is_object(phases)) {
        const char *names[4] = {"scatter", "compute", "gather", "calibrate"};
        double *dst[4] = {&r->run.scatter_s, &r->run.compute_s, &r->run.gather_s, &r->run.probe_s};
        for (int k = 0; k < 4; k++) {
            json_t *ph = json_object_get(phases, names[k]);
            json_t *mx = json_is_object(ph) ? json_object_get(ph, "max") : NULL;
            if (json_is_number(mx) && isfinite(json_number_value(mx)) && json_number_value(mx) >= 0.0)
                *dst[k] = json_number_value(mx);
        }
    }
    hosts = json_object_get(o, "hosts");
    if (hosts != NULL && json_is_array(hosts)) {
        size_t i;
        json_t *h;
        json_array_foreach(hosts, i, h) {
            json_t *hr = json_object_get(h, "ranks"), *hc = json_object_get(h, "cores");
            if (json_is_integer(hr) && json_is_integer(hc) && json_integer_value(hc) > 0 &&
                json_integer_value(hr) > json_integer_value(hc))
                r->run.oversubscribed++;
        }
    }
    params_text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
    if (params_text == NULL) {
        st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        goto done;
    }
    if ((st = copy_field(r->key.kernel, sizeof r->key.kernel, kernel, "kernel", where, err, len)) != MSC_OK ||
        (st = copy_field(r->key.params, sizeof r->key.params, params_text, "params", where, err, len)) != MSC_OK ||
        (st = copy_field(r->setup.schedule, sizeof r->setup.schedule, sched, "schedule", where, err, len)) != MSC_OK ||
        (st = copy_field(r->setup.compiler, sizeof r->setup.compiler, compiler, "compiler", where, err, len)) != MSC_OK ||
        (st = copy_field(r->setup.mpi_library, sizeof r->setup.mpi_library, mpi, "mpi_library", where, err, len)) != MSC_OK ||
        (st = copy_field(r->run.digest, sizeof r->run.digest, digest, "digest", where, err, len)) != MSC_OK)
        goto done;
    if (ranks > INT32_MAX || nodes > INT32_MAX || kv > INT32_MAX) {
        st = bad(err, len, where, "%s", "a count out of range");
        goto done;
    }
    r->key.start = start;
    r->key.end = end;
    r->setup.kernel_version = (int)kv;
    r->setup.segments = segments;
    r->run.p = (int)ranks;
    r->run.nodes = (int)nodes;
    r->run.wall_s = wall;
    r->run.t1_est_s = t1;
    /* serial_fraction is the timed serial phases over T1 (both from the same run) */
    r->run.serial_s = serial_fraction * t1;
    r->run.imbalance = isfinite(imbalance) ? imbalance : 0.0;
    r->run.verified = json_is_true(verified);
    r->run.t1_baseline = strcmp(t1_source, "baseline") == 0;
    /* a resumed run timed only part of the job: no point of a study */
    r->kept = r->run.verified && strcmp(status, "complete") == 0 && isfinite(t1) &&
              !json_is_true(json_object_get(o, "resumed"));
    r->setup.schedule[strcspn(r->setup.schedule, ":")] = '\0'; /* the kind: default chunks scale with p */
    {
        const int64_t run_no = json_is_integer(json_object_get(sweep, "run"))
                                   ? (int64_t)json_integer_value(json_object_get(sweep, "run"))
                                   : -1;
        uint64_t h = fnv1a(UINT64_C(14695981039346656037), started, strlen(started) + 1);
        h = fnv1a(h, &ranks, sizeof ranks);
        h = fnv1a(h, &wall, sizeof wall);
        h = fnv1a(h, &run_no, sizeof run_no);
        r->id = fnv1a(h, digest, strlen(digest));
    }
done:
    free(params_text);
    json_decref(o);
    return st;
}

/* The params object {"a":1,"b":0.5} as "a=1 b=0.5" ("" for {}). */
static void params_words(const char *json, char *out, size_t size)
{
    out[0] = '\0';
    json_t *o = json_loads(json, 0, NULL);
    if (o == NULL) return;
    const char *k;
    json_t *v;
    size_t used = 0;
    json_object_foreach(o, k, v) {
        char val[64];
        if (json_is_integer(v))
            snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
        else if (json_is_number(v))
            snprintf(val, sizeof val, "%.15g", json_number_value(v));
        else if (json_is_string(v))
            snprintf(val, sizeof val, "%s", json_string_value(v));
        else
            snprintf(val, sizeof val, "?");
        int w = snprintf(out + used, size - used, "%s%s=%s", used ? " " : "", k, val);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
    }
    json_decref(o);
}

/* The title, and a slug no other study of the set has. */
static void make_title(msc_study *s, const msc_study_set *set)
{
    char words[200];
    params_words(s->key.params, words, sizeof words);
    snprintf(s->title, sizeof s->title, "%s%s%s, [%lld, %lld), %s", s->key.kernel, words[0] ? " " : "",
             words, (long long)s->key.start, (long long)s->key.end, s->key.weak ? "weak" : "strong");
    /* slug: letters, digits and dots kept, a minus sign before a digit becomes 'm' (so that
     * [-5, 9) and [5, 9) differ), runs of anything else become one '-'; room is left for a
     * "-N" that tells apart studies whose slugs would still be equal */
    const size_t room = sizeof s->slug - 8;
    size_t n = 0;
    for (const char *c = s->title; *c && n + 1 < room; c++) {
        const int minus = *c == '-' && isdigit((unsigned char)c[1]) && (c == s->title || !isalnum((unsigned char)c[-1]));
        if (minus) {
            if (n > 0 && s->slug[n - 1] != '-') s->slug[n++] = '-';
            if (n + 1 < room) s->slug[n++] = 'm';
        } else if (isalnum((unsigned char)*c) || *c == '.') {
            s->slug[n++] = (char)tolower((unsigned char)*c);
        } else if (n > 0 && s->slug[n - 1] != '-') {
            s->slug[n++] = '-';
        }
    }
    while (n > 0 && s->slug[n - 1] == '-') n--;
    s->slug[n] = '\0';
    for (int k = 2;; k++) {
        int taken = 0;
        for (int i = 0; i < set->n && !taken; i++) taken = &set->v[i] != s && strcmp(set->v[i].slug, s->slug) == 0;
        if (!taken) break;
        snprintf(s->slug + n, sizeof s->slug - n, "-%d", k);
    }
}

static int same_key(const msc_study_key *a, const msc_study_key *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->params, b->params) == 0 &&
           a->start == b->start && a->end == b->end && a->weak == b->weak;
}

/* The first difference between a study's setup and a run's, or NULL; values as text. */
static const char *setup_differs(const msc_study_setup *a, const msc_study_setup *b, char *va, char *vb,
                                 size_t size)
{
    if (a->kernel_version != b->kernel_version) {
        snprintf(va, size, "%d", a->kernel_version);
        snprintf(vb, size, "%d", b->kernel_version);
        return "kernel version";
    }
    if (a->segments != b->segments) {
        snprintf(va, size, "%lld", (long long)a->segments);
        snprintf(vb, size, "%lld", (long long)b->segments);
        return "segments";
    }
    if (strcmp(a->schedule, b->schedule) != 0) {
        snprintf(va, size, "%s", a->schedule);
        snprintf(vb, size, "%s", b->schedule);
        return "schedule";
    }
    if (strcmp(a->slow_rank, b->slow_rank) != 0) {
        snprintf(va, size, "%s", a->slow_rank);
        snprintf(vb, size, "%s", b->slow_rank);
        return "--slow-rank";
    }
    if (strcmp(a->compiler, b->compiler) != 0) {
        snprintf(va, size, "\"%s\"", a->compiler);
        snprintf(vb, size, "\"%s\"", b->compiler);
        return "compiler";
    }
    if (strcmp(a->mpi_library, b->mpi_library) != 0) {
        snprintf(va, size, "\"%s\"", a->mpi_library);
        snprintf(vb, size, "\"%s\"", b->mpi_library);
        return "MPI library";
    }
    return NULL;
}

msc_status msc_study_add_line(msc_study_set *set, const char *line, const char *file, int64_t line_no,
                              char *err, size_t len)
{
    const char *c = line;
    while (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n') c++;
    if (*c == '\0') return MSC_OK;
    char where[288];
    snprintf(where, sizeof where, "%s:%lld", file, (long long)line_no);
    record r;
    msc_status st = parse_record(line, where, &r, err, len);
    if (st != MSC_OK) {
        set->malformed += st == MSC_ERR_USAGE;
        return st;
    }
    for (int64_t k = 0; k < set->n_seen; k++)
        if (set->seen[k].hash == r.id)
            return msc_fail(MSC_ERR_USAGE, err, len,
                            "%s: the same run as %s (same start time, ranks, job time and digest): "
                            "a file given twice, or runs copied into two files? Give each run once",
                            where, set->seen[k].where);
    if (set->n_seen == set->cap_seen) {
        const int64_t cap = set->cap_seen ? 2 * set->cap_seen : 64;
        msc_seen_run *v = (msc_seen_run *)realloc(set->seen, (size_t)cap * sizeof *v);
        if (v == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        set->seen = v;
        set->cap_seen = cap;
    }
    set->seen[set->n_seen].hash = r.id;
    snprintf(set->seen[set->n_seen++].where, sizeof set->seen[0].where, "%s", where);
    set->records++;
    int i = 0;
    while (i < set->n && !same_key(&set->v[i].key, &r.key)) i++;
    if (i == set->n) {
        if (set->n == set->cap) {
            const int cap = set->cap ? 2 * set->cap : 4;
            msc_study *v = (msc_study *)realloc(set->v, (size_t)cap * sizeof *v);
            if (v == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
            set->v = v;
            set->cap = cap;
        }
        msc_study *s = &set->v[set->n++];
        memset(s, 0, sizeof *s);
        s->key = r.key;
        s->setup = r.setup;
        snprintf(s->first, sizeof s->first, "%s", where);
        make_title(s, set);
    }
    msc_study *s = &set->v[i];
    char va[176], vb[176];
    const char *what = setup_differs(&s->setup, &r.setup, va, vb, sizeof va);
    if (what != NULL)
        return msc_fail(MSC_ERR_USAGE, err, len,
                        "%s: cannot join the study \"%s\": its runs differ in %s: %s at %s, %s here "
                        "(analyse them in separate calls, or rerun with the same settings)",
                        where, s->title, what, va, s->first, vb);
    if (s->last_file != file) { /* runs of one file come together; a file may feed several studies */
        s->files++;
        s->last_file = file;
    }
    if (!r.kept) {
        s->left_out++;
        return MSC_OK;
    }
    if (s->n_runs == s->cap_runs) {
        const int cap = s->cap_runs ? 2 * s->cap_runs : 16;
        msc_sweep_run *v = (msc_sweep_run *)realloc(s->runs, (size_t)cap * sizeof *v);
        if (v == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        s->runs = v;
        s->cap_runs = cap;
    }
    s->runs[s->n_runs++] = r.run;
    if (r.repeat_cap > s->repeat_cap) { /* a study of --repeat auto runs: the report says how far */
        s->repeat_cap = r.repeat_cap;
        s->precision = r.precision;
    }
    return MSC_OK;
}

msc_status msc_study_finish(msc_study_set *set, double target_speedup, double min_efficiency,
                            char *err, size_t len)
{
    set->summarised = 0;
    for (int i = 0; i < set->n; i++) {
        msc_study *s = &set->v[i];
        s->summarised = 0;
        if (s->n_runs == 0) {
            snprintf(s->why, sizeof s->why, "every run was left out (not complete, not verified, or "
                                            "without a T1)");
            continue;
        }
        msc_status st = msc_sweep_summarise(s->runs, s->n_runs, s->key.weak, &s->sum);
        if (st == MSC_ERR_NOMEM) return msc_fail(st, err, len, "out of memory");
        if (st != MSC_OK) {
            snprintf(s->why, sizeof s->why, "more than %d distinct rank counts: analyse fewer at a time",
                     MSC_SWEEP_ROWS);
            continue;
        }
        s->sum.target_speedup = target_speedup;
        s->sum.min_efficiency = min_efficiency;
        s->sum.precision = s->precision;
        s->sum.repeat_cap = s->repeat_cap;
        s->summarised = 1;
        set->summarised++;
    }
    return MSC_OK;
}

void msc_study_set_free(msc_study_set *set)
{
    for (int i = 0; i < set->n; i++) free(set->v[i].runs);
    free(set->v);
    free(set->seen);
    memset(set, 0, sizeof *set);
}

/* ---- text ------------------------------------------------------------------------------------- */

void msc_study_text(FILE *f, const msc_study *s, int index, int count)
{
    fprintf(f, "== Study %d of %d: %s ==\n", index + 1, count, s->title);
    fprintf(f, "%d run%s from %d file%s (first at %s); %lld segments%s, schedule %s, kernel version %d\n",
            s->n_runs, s->n_runs == 1 ? "" : "s", s->files, s->files == 1 ? "" : "s", s->first,
            (long long)s->setup.segments, s->key.weak ? " per rank" : "", s->setup.schedule,
            s->setup.kernel_version);
    if (s->left_out > 0)
        fprintf(f, "warning: %d run%s left out: not complete, not verified, resumed from a checkpoint, or without a T1\n",
                s->left_out, s->left_out == 1 ? "" : "s");
    if (!s->summarised) {
        fprintf(f, "Not analysed: %s.\n", s->why[0] ? s->why : "no run");
        return;
    }
    msc_report_sweep_text(f, &s->sum);
}

/* ---- CSV -------------------------------------------------------------------------------------- */

/* A CSV field: quoted when it holds a comma, quote or newline. */
static void csv_str(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A number with full precision, or an empty field when not finite. */
static void csv_num(FILE *f, double v)
{
    fputc(',', f);
    if (isfinite(v)) fprintf(f, "%.10g", v);
}

void msc_study_csv(FILE *f, const msc_study_set *set)
{
    fputs("study,kernel,params,range_start,range_end,mode,segments,schedule,p,nodes,oversubscribed,"
          "runs,outliers,wall_median_s,wall_min_s,wall_max_s,wall_ci_lo_s,wall_ci_hi_s,t1_s,"
          "t1_measured,speedup,efficiency,karp_flatt,imbalance,verified,digest,model_speedup,"
          "amdahl_f,amdahl_f_lo,amdahl_f_hi,usl_sigma,usl_kappa,gustafson_alpha,serial_s,scatter_s,"
          "compute_s,gather_s\n", f);
    for (int i = 0; i < set->n; i++) {
        const msc_study *s = &set->v[i];
        if (!s->summarised) continue;
        const msc_sweep_summary *m = &s->sum;
        for (int k = 0; k < m->n_rows; k++) {
            const msc_sweep_row *r = &m->rows[k];
            csv_str(f, s->slug);
            fputc(',', f);
            csv_str(f, s->key.kernel);
            fputc(',', f);
            csv_str(f, s->key.params);
            fprintf(f, ",%lld,%lld,%s,%lld,", (long long)s->key.start, (long long)s->key.end,
                    s->key.weak ? "weak" : "strong", (long long)s->setup.segments);
            csv_str(f, s->setup.schedule);
            fprintf(f, ",%d,%d,%d,%d,%d", r->p, r->nodes, r->oversubscribed, r->wall.n, r->wall.outliers);
            csv_num(f, r->wall.median);
            csv_num(f, r->wall.min);
            csv_num(f, r->wall.max);
            csv_num(f, r->wall.ci_lo);
            csv_num(f, r->wall.ci_hi);
            csv_num(f, m->t1_s);
            fprintf(f, ",%d", m->t1_measured);
            csv_num(f, r->speedup);
            csv_num(f, r->efficiency);
            csv_num(f, r->karp_flatt);
            csv_num(f, r->imbalance);
            fprintf(f, ",%d,", r->verified);
            csv_str(f, r->digest);
            /* the model's prediction at this p: Amdahl (strong) or Gustafson (weak) */
            double model = NAN;
            if (!m->weak && m->amdahl.fit.ok) model = msc_amdahl_speedup(m->amdahl.f, r->p);
            if (m->weak && m->gustafson.fit.ok) model = r->p - m->gustafson.alpha * (r->p - 1);
            csv_num(f, model);
            const int a = !m->weak && m->amdahl.fit.ok, u = !m->weak && m->usl.fit.ok,
                      g = m->weak && m->gustafson.fit.ok;
            csv_num(f, a ? m->amdahl.f : NAN);
            csv_num(f, a ? m->amdahl.f_lo : NAN);
            csv_num(f, a ? m->amdahl.f_hi : NAN);
            csv_num(f, u ? m->usl.sigma : NAN);
            csv_num(f, u ? m->usl.kappa : NAN);
            csv_num(f, g ? m->gustafson.alpha : NAN);
            csv_num(f, r->serial_s);
            csv_num(f, r->scatter_s);
            csv_num(f, r->compute_s);
            csv_num(f, r->gather_s);
            fputc('\n', f);
        }
    }
}

/* ---- Markdown --------------------------------------------------------------------------------- */

/* Markdown table cell text: '|' escaped. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') /* Markdown renders raw HTML: a parameter must not become markup */
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else {
            if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_') fputc('\\', f);
            fputc(*s, f);
        }
    }
}

static void md_interval(FILE *f, double lo, double hi, int digits)
{
    if (isfinite(lo) && isfinite(hi)) fprintf(f, " (95%% interval %.*f to %.*f)", digits, lo, digits, hi);
}

void msc_study_markdown(FILE *f, const msc_study_set *set)
{
    for (int i = 0; i < set->n; i++) {
        const msc_study *s = &set->v[i];
        fprintf(f, "%s### ", i ? "\n" : "");
        md_text(f, s->title);
        fprintf(f, "\n\n%d runs, %lld segments%s, schedule %s", s->n_runs, (long long)s->setup.segments,
                s->key.weak ? " per rank" : "", s->setup.schedule);
        if (s->left_out > 0)
            fprintf(f, "; %d runs left out (not complete, not verified, resumed, or without a T1)", s->left_out);
        fprintf(f, ".\n\n");
        if (!s->summarised) {
            fprintf(f, "Not analysed: %s.\n", s->why[0] ? s->why : "no run");
            continue;
        }
        const msc_sweep_summary *m = &s->sum;
        fprintf(f, "| p | nodes | runs | median s | min s | max s | %s | efficiency | Karp–Flatt e(p) | "
                   "imbalance | digest |\n",
                m->weak ? "scaled speedup" : "speedup");
        fprintf(f, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n");
        for (int k = 0; k < m->n_rows; k++) {
            const msc_sweep_row *r = &m->rows[k];
            fprintf(f, "| %d | %d | %d | %.6f | %.6f | %.6f | %.3f | %.1f%% | ", r->p, r->nodes, r->wall.n,
                    r->wall.median, r->wall.min, r->wall.max, r->speedup, 100.0 * r->efficiency);
            if (isfinite(r->karp_flatt))
                fprintf(f, "%.4f", r->karp_flatt);
            else
                fprintf(f, "–");
            fprintf(f, " | %.2f%% | `%s`%s%s |\n", 100.0 * r->imbalance, r->digest,
                    r->oversubscribed ? " (ranks share cores)" : "", r->verified ? "" : " **not verified**");
        }
        fprintf(f, "\nT1 = %.6f s, %s.\n", m->t1_s, msc_sweep_t1_source(m));
        /* the warnings of the text report that bear on the table */
        for (int k = 0; k < m->n_rows; k++)
            if (m->rows[k].oversubscribed > 0)
                fprintf(f, "\n- **warning**: at p = %d ranks share cores: time-sharing, not scaling", m->rows[k].p);
        if (m->fit_skipped_rows > 0 || m->fit_skipped_runs > 0)
            fprintf(f, "\n- the fits leave out %d point%s whose ranks share cores and %d outlier run%s",
                    m->fit_skipped_rows, m->fit_skipped_rows == 1 ? "" : "s", m->fit_skipped_runs,
                    m->fit_skipped_runs == 1 ? "" : "s");
        if (!m->weak && !m->digests_agree) fprintf(f, "\n- **warning**: the digests differ between points");
        fprintf(f, "\n");
        if (m->weak) {
            if (m->gustafson.fit.ok) {
                fprintf(f, "\n- Gustafson: serial fraction α = %.4f", m->gustafson.alpha);
                md_interval(f, m->gustafson.alpha_lo, m->gustafson.alpha_hi, 4);
                fprintf(f, " from %d runs\n", m->gustafson.fit.n);
            } else {
                fprintf(f, "\n- Gustafson: not fitted: %s\n", m->gustafson.fit.why);
            }
            continue;
        }
        if (m->amdahl.fit.ok) {
            fprintf(f, "\n- Amdahl: serial fraction f = %.4f", m->amdahl.f);
            md_interval(f, m->amdahl.f_lo, m->amdahl.f_hi, 4);
            if (isfinite(m->amdahl.ceiling))
                fprintf(f, " from %d runs; ceiling 1/f = %.1f×\n", m->amdahl.fit.n, m->amdahl.ceiling);
            else
                fprintf(f, " from %d runs; no ceiling\n", m->amdahl.fit.n);
        } else {
            fprintf(f, "\n- Amdahl: not fitted: %s\n", m->amdahl.fit.why);
        }
        if (m->usl.fit.ok) {
            fprintf(f, "- USL: contention σ = %.4f", m->usl.sigma);
            md_interval(f, m->usl.sigma_lo, m->usl.sigma_hi, 4);
            fprintf(f, ", coherency κ = %.6f", m->usl.kappa);
            md_interval(f, m->usl.kappa_lo, m->usl.kappa_hi, 6);
            if (m->usl.kappa_significant)
                fprintf(f, "; retrograde: speedup peaks at p = %.0f\n", m->usl.p_peak);
            else
                fprintf(f, "; no retrograde scaling detected\n");
        } else {
            fprintf(f, "- USL: not fitted: %s\n", m->usl.fit.why);
        }
    }
}

/* ---- Extra-P ---------------------------------------------------------------------------------- */

/* 1 when study s ran at p. */
static int has_p(const msc_study *s, int p)
{
    for (int j = 0; j < s->n_runs; j++)
        if (s->runs[j].p == p) return 1;
    return 0;
}

msc_status msc_study_extrap(FILE *f, const msc_study_set *set, char *err, size_t len)
{
    /* Extra-P needs every call path measured at the same coordinates */
    const msc_study *first = NULL;
    for (int i = 0; i < set->n; i++) {
        const msc_study *s = &set->v[i];
        if (s->n_runs == 0) continue;
        if (first == NULL) {
            first = s;
            continue;
        }
        for (int pass = 0; pass < 2; pass++) {
            const msc_study *a = pass ? s : first, *b = pass ? first : s;
            for (int j = 0; j < a->n_runs; j++)
                if (!has_p(b, a->runs[j].p))
                    return msc_fail(MSC_ERR_USAGE, err, len,
                                    "Extra-P needs every study measured at the same rank counts, but "
                                    "\"%s\" has p = %d and \"%s\" has not: write one study at a "
                                    "time (give only its files)",
                                    a->title, a->runs[j].p, b->title);
        }
    }
    for (int i = 0; i < set->n; i++) {
        const msc_study *s = &set->v[i];
        for (int j = 0; j < s->n_runs; j++) {
            json_t *o = json_object(), *params = json_object();
            if (o == NULL || params == NULL) {
                json_decref(o);
                json_decref(params);
                return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
            }
            json_object_set_new(params, "p", json_integer(s->runs[j].p));
            json_object_set_new(o, "params", params);
            json_object_set_new(o, "callpath", json_string(s->slug));
            json_object_set_new(o, "metric", json_string("time"));
            json_object_set_new(o, "value", json_real(s->runs[j].wall_s));
            char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            json_decref(o);
            if (text == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
            fprintf(f, "%s\n", text);
            free(text);
        }
    }
    return MSC_OK;
}
