/* outcome.c — the status file, as one JSON object (jansson), written through msc_atomic_write. */
#include "mpiscale/outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "mpiscale/atomic.h"

static const char *state_names[] = {"running", "complete", "interrupted", "failed", "invalid-input"};

void msc_outcome_init(msc_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->state = MSC_RUN_RUNNING;
    o->exit_code = -1;
    o->segments = o->done = o->reused = -1;
    o->verified = -1;
    o->failed_rank = -1;
    o->failed_segment = -1;
}

const char *msc_run_state_name(msc_run_state s)
{
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "failed";
}

msc_run_state msc_run_state_of(msc_status st)
{
    switch (st) {
    case MSC_OK: return MSC_RUN_COMPLETE;
    case MSC_INTERRUPTED: return MSC_RUN_INTERRUPTED;
    case MSC_ERR_USAGE:
    case MSC_ERR_RANGE: return MSC_RUN_INVALID;
    default: return MSC_RUN_FAILED;
    }
}

int msc_outcome_exit_code(const msc_outcome *o)
{
    switch (o->state) {
    case MSC_RUN_COMPLETE: return MSC_EXIT_OK;
    case MSC_RUN_INTERRUPTED: return MSC_EXIT_RESUMABLE;
    case MSC_RUN_INVALID: return MSC_EXIT_USAGE;
    case MSC_RUN_FAILED: return o->exit_code > 0 && o->exit_code != MSC_EXIT_RESUMABLE ? o->exit_code
                                                                                        : MSC_EXIT_INTERNAL;
    case MSC_RUN_RUNNING: break;
    }
    return MSC_EXIT_INTERNAL;
}

/* An integer, or null for the unknown value `none`. */
static json_t *int_or_null(int64_t v, int64_t none)
{
    return v == none ? json_null() : json_integer((json_int_t)v);
}

static json_t *text_or_null(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

msc_status msc_outcome_write(const char *path, const msc_outcome *o, char *err, size_t len)
{
    char when[32];
    const time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    json_t *j = json_object();
    if (j == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    const int64_t remaining = o->segments >= 0 && o->done >= 0 ? o->segments - o->done : -1;
    json_object_set_new(j, "schema", json_integer(MSC_OUTCOME_SCHEMA));
    json_object_set_new(j, "state", json_string(msc_run_state_name(o->state)));
    json_object_set_new(j, "exit_code",
                        o->state == MSC_RUN_RUNNING ? json_null() : json_integer(msc_outcome_exit_code(o)));
    json_object_set_new(j, "message", json_string(o->message));
    json_object_set_new(j, "resumable", json_boolean(o->state == MSC_RUN_INTERRUPTED ||
                                                     (o->state == MSC_RUN_FAILED && o->checkpoint[0] != '\0')));
    json_object_set_new(j, "kernel", text_or_null(o->kernel));
    json_object_set_new(j, "ranks", int_or_null(o->ranks, 0));
    json_object_set_new(j, "segments", int_or_null(o->segments, -1));
    json_object_set_new(j, "segments_done", int_or_null(o->done, -1));
    json_object_set_new(j, "segments_remaining", int_or_null(remaining, -1));
    json_object_set_new(j, "segments_reused", int_or_null(o->reused, -1));
    json_object_set_new(j, "resumed", json_boolean(o->reused > 0));
    json_object_set_new(j, "digest", text_or_null(o->digest));
    json_object_set_new(j, "result", text_or_null(o->result));
    json_object_set_new(j, "verified", o->verified < 0 ? json_null() : json_boolean(o->verified));
    json_object_set_new(j, "signal", int_or_null(o->signal, 0));
    json_object_set_new(j, "deadline", json_boolean(o->deadline));
    json_object_set_new(j, "failed_rank", int_or_null(o->failed_rank, -1));
    json_object_set_new(j, "failed_segment", int_or_null(o->failed_segment, -1));
    json_object_set_new(j, "checkpoint", text_or_null(o->checkpoint));
    json_object_set_new(j, "inputs", text_or_null(o->inputs));
    json_object_set_new(j, "updated", json_string(when));
    json_object_set_new(j, "pid", json_integer((json_int_t)getpid()));
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(j);
    if (text == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    const size_t n = strlen(text);
    char *line = (char *)malloc(n + 2);
    msc_status st = MSC_ERR_NOMEM;
    if (line != NULL) {
        memcpy(line, text, n);
        line[n] = '\n';
        st = msc_atomic_write(path, line, n + 1, err, len);
        free(line);
    } else {
        msc_fail(st, err, len, "out of memory");
    }
    free(text);
    return st;
}

static void copy_str(json_t *j, const char *key, char *dst, size_t size)
{
    const char *s = json_string_value(json_object_get(j, key));
    snprintf(dst, size, "%s", s != NULL ? s : "");
}

static int64_t get_int(json_t *j, const char *key, int64_t none)
{
    json_t *v = json_object_get(j, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : none;
}

msc_status msc_outcome_read(const char *path, msc_outcome *o, char *err, size_t len)
{
    json_error_t je;
    msc_outcome_init(o);
    FILE *f = fopen(path, "r");
    if (f == NULL) return msc_fail(MSC_ERR_IO, err, len, "'%s': cannot be read", path);
    json_t *j = json_loadf(f, 0, &je);
    fclose(f);
    if (j == NULL || !json_is_object(j) || get_int(j, "schema", 0) != MSC_OUTCOME_SCHEMA) {
        json_decref(j);
        return msc_fail(MSC_ERR_USAGE, err, len, "'%s': not an mpiscale status file (schema %d)", path,
                        MSC_OUTCOME_SCHEMA);
    }
    const char *state = json_string_value(json_object_get(j, "state"));
    int found = 0;
    for (size_t i = 0; state != NULL && i < sizeof state_names / sizeof state_names[0]; i++)
        if (strcmp(state, state_names[i]) == 0) {
            o->state = (msc_run_state)i;
            found = 1;
        }
    if (!found) {
        json_decref(j);
        return msc_fail(MSC_ERR_USAGE, err, len, "'%s': unknown state", path);
    }
    o->exit_code = (int)get_int(j, "exit_code", -1);
    copy_str(j, "message", o->message, sizeof o->message);
    copy_str(j, "kernel", o->kernel, sizeof o->kernel);
    copy_str(j, "inputs", o->inputs, sizeof o->inputs);
    copy_str(j, "checkpoint", o->checkpoint, sizeof o->checkpoint);
    copy_str(j, "digest", o->digest, sizeof o->digest);
    copy_str(j, "result", o->result, sizeof o->result);
    o->ranks = (int)get_int(j, "ranks", 0);
    o->segments = get_int(j, "segments", -1);
    o->done = get_int(j, "segments_done", -1);
    o->reused = get_int(j, "segments_reused", -1);
    json_t *v = json_object_get(j, "verified");
    o->verified = json_is_boolean(v) ? json_is_true(v) : -1;
    o->signal = (int)get_int(j, "signal", 0);
    o->deadline = json_is_true(json_object_get(j, "deadline"));
    o->failed_rank = (int)get_int(j, "failed_rank", -1);
    o->failed_segment = get_int(j, "failed_segment", -1);
    json_decref(j);
    return MSC_OK;
}
