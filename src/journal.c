/* journal.c — the checkpoint journal: self-checksummed text lines, read back line by line so that
 * damage costs only the damaged segments, and written durably (one write and an fsync per batch;
 * a rewrite goes through msc_atomic_write: temp, fsync, rename and a directory fsync). */
#include "mpiscale/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "mpiscale/atomic.h"

#define MAGIC "mpiscale-journal"

static unsigned long line_crc(const char *s, size_t n)
{
    return crc32(crc32(0L, Z_NULL, 0), (const Bytef *)s, (uInt)n) & 0xffffffffUL;
}

void msc_journal_inputs(const msc_kernel *k, const msc_params *p, msc_range r, int64_t segments,
                        char *buf, size_t len)
{
    size_t used = 0;
    int w = snprintf(buf, len, "kernel=%s version=%d params=", k->name, k->version);
    used = w > 0 ? (size_t)w : 0;
    for (int i = 0; i < k->n_params && i < p->count && used < len; i++) {
        w = snprintf(buf + used, len - used, "%s%s:%.17g", i ? "," : "", k->params[i].name, p->value[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < len)
        snprintf(buf + used, len - used, " range=%" PRId64 ":%" PRId64 " segments=%" PRId64, r.lo, r.hi,
                 segments);
}

/* Appends " crc=XXXXXXXX\n" for the n bytes already in buf; the total length, or 0. */
static size_t seal(char *buf, size_t n, size_t len)
{
    const int w = snprintf(buf + n, len - n, " crc=%08lx\n", line_crc(buf, n));
    return w > 0 && (size_t)w < len - n ? n + (size_t)w : 0;
}

size_t msc_journal_format_header(const char *inputs, char *buf, size_t len)
{
    const int w = snprintf(buf, len, "%s %d %s", MAGIC, MSC_JOURNAL_VERSION, inputs);
    if (w < 0 || (size_t)w >= len || strchr(inputs, '\n') != NULL) return 0;
    return seal(buf, (size_t)w, len);
}

size_t msc_journal_format_entry(const msc_journal_entry *e, char *buf, size_t len)
{
    const int w = snprintf(buf, len,
                           "seg=%" PRId64 " lo=%" PRId64 " hi=%" PRId64 " rank=%d t=%a x=%016" PRIx64
                           ":%016" PRIx64 " r=%a n=%" PRId64,
                           e->segment, e->lo, e->hi, e->rank, e->compute_s, e->part.exact_hi,
                           e->part.exact_lo, e->part.real, e->part.n_items);
    if (w < 0 || (size_t)w >= len) return 0;
    return seal(buf, (size_t)w, len);
}

int msc_journal_parse_line(const char *line, size_t n, msc_journal_entry *e, char *inputs,
                           size_t inputs_len)
{
    /* the seal: " crc=" and 8 lower-case hex digits at the very end, over everything before */
    if (n < 14 || n >= MSC_JOURNAL_LINE_MAX || memcmp(line + n - 13, " crc=", 5) != 0) return 0;
    char body[MSC_JOURNAL_LINE_MAX], hex[9];
    memcpy(hex, line + n - 8, 8);
    hex[8] = '\0';
    if (strspn(hex, "0123456789abcdef") != 8) return 0;
    const size_t m = n - 13;
    if (strtoul(hex, NULL, 16) != line_crc(line, m) || memchr(line, '\0', m) != NULL) return 0;
    memcpy(body, line, m);
    body[m] = '\0';

    const size_t magic = strlen(MAGIC);
    if (strncmp(body, MAGIC " ", magic + 1) == 0) { /* header: magic, version, inputs */
        int version = 0, used = 0;
        if (sscanf(body + magic + 1, "%d %n", &version, &used) != 1 || version != MSC_JOURNAL_VERSION ||
            used == 0)
            return 0;
        const char *in = body + magic + 1 + used;
        if (inputs != NULL && inputs_len > 0) snprintf(inputs, inputs_len, "%s", in);
        return 1;
    }
    msc_journal_entry x;
    memset(&x, 0, sizeof x);
    int used = -1;
    if (sscanf(body,
               "seg=%" SCNd64 " lo=%" SCNd64 " hi=%" SCNd64 " rank=%d t=%la x=%16" SCNx64 ":%16" SCNx64
               " r=%la n=%" SCNd64 "%n",
               &x.segment, &x.lo, &x.hi, &x.rank, &x.compute_s, &x.part.exact_hi, &x.part.exact_lo,
               &x.part.real, &x.part.n_items, &used) != 9 ||
        used != (int)m)
        return 0;
    /* values a segment cannot have; hi - lo cannot overflow when both hold */
    if (x.segment < 0 || x.rank < 0 || !(x.lo < x.hi) || (x.lo < 0 && x.hi > INT64_MAX + x.lo) ||
        x.part.n_items != x.hi - x.lo || !isfinite(x.compute_s) || x.compute_s < 0.0 ||
        !isfinite(x.part.real))
        return 0;
    if (e != NULL) *e = x;
    return 2;
}

/* The same segment and result (rank and time may differ: a segment computed twice agrees). */
static int same_result(const msc_journal_entry *a, const msc_journal_entry *b)
{
    return a->lo == b->lo && a->hi == b->hi && a->part.exact_lo == b->part.exact_lo &&
           a->part.exact_hi == b->part.exact_hi && a->part.n_items == b->part.n_items &&
           memcmp(&a->part.real, &b->part.real, sizeof a->part.real) == 0;
}

msc_status msc_journal_load(const char *path, const char *inputs, int64_t segments,
                            msc_journal_entry *by_segment, unsigned char *have,
                            msc_journal_scan *scan, char *err, size_t len)
{
    memset(scan, 0, sizeof *scan);
    memset(have, 0, (size_t)segments);
    memset(by_segment, 0, (size_t)segments * sizeof *by_segment);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (errno == ENOENT) return MSC_OK;
        return msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(errno));
    }
    scan->exists = 1;
    char *line = NULL, found[MSC_JOURNAL_LINE_MAX];
    size_t cap = 0;
    ssize_t n;
    msc_status st = MSC_OK;
    int64_t no = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        const int whole = n > 0 && line[n - 1] == '\n';
        const size_t body = (size_t)n - (whole ? 1 : 0);
        if (no++ == 0) { /* the header decides whether anything else is read */
            if (!whole || msc_journal_parse_line(line, body, NULL, found, sizeof found) != 1) {
                st = msc_fail(MSC_ERR_USAGE, err, len,
                              "'%s': not an mpiscale journal, or its first line is damaged: "
                              "--fresh starts a new one", path);
                break;
            }
            if (strcmp(found, inputs) != 0) {
                st = msc_fail(MSC_ERR_USAGE, err, len,
                              "'%s' was written for %s; this run is %s: --fresh starts over, or give "
                              "another --checkpoint file", path, found, inputs);
                break;
            }
            continue;
        }
        scan->lines++;
        msc_journal_entry e;
        if (!whole || msc_journal_parse_line(line, body, &e, NULL, 0) != 2) {
            scan->bad++;
            continue;
        }
        if (e.segment >= segments) {
            scan->out_of_range++;
            continue;
        }
        unsigned char *h = &have[e.segment];
        if (*h == 0) {
            *h = 1;
            by_segment[e.segment] = e;
        } else if (*h == 1 && same_result(&by_segment[e.segment], &e)) {
            scan->duplicates++;
        } else if (*h == 1) {
            *h = 2; /* two answers for one segment: trust neither, recompute it */
            scan->conflicts++;
        }
    }
    if (st == MSC_OK && ferror(f)) st = msc_fail(MSC_ERR_IO, err, len, "'%s': read error", path);
    if (st == MSC_OK && no == 0)
        st = msc_fail(MSC_ERR_USAGE, err, len, "'%s': an empty file is not a journal: --fresh starts one",
                      path);
    free(line);
    fclose(f);
    for (int64_t s = 0; s < segments; s++) {
        if (have[s] == 2) {
            have[s] = 0;
            memset(&by_segment[s], 0, sizeof by_segment[s]);
        }
        scan->entries += have[s];
    }
    return st;
}

/* Writes all n bytes of buf to fd, through short writes and signals. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 0;
        buf += w;
        n -= (size_t)w;
    }
    return 1;
}

/* The lines of entries[0..n) (after an optional header) in one malloc'd buffer; NULL when out of
 * memory or a line does not fit. */
static char *format_all(const char *inputs, const msc_journal_entry *entries, int64_t n, size_t *size)
{
    char *buf = (char *)malloc(((size_t)n + 1) * MSC_JOURNAL_LINE_MAX);
    size_t used = 0, w;
    if (buf == NULL) return NULL;
    if (inputs != NULL) {
        if ((w = msc_journal_format_header(inputs, buf, MSC_JOURNAL_LINE_MAX)) == 0) {
            free(buf);
            return NULL;
        }
        used = w;
    }
    for (int64_t i = 0; i < n; i++) {
        if ((w = msc_journal_format_entry(&entries[i], buf + used, MSC_JOURNAL_LINE_MAX)) == 0) {
            free(buf);
            return NULL;
        }
        used += w;
    }
    *size = used;
    return buf;
}

msc_status msc_journal_rewrite(const char *path, const char *inputs, const msc_journal_entry *entries,
                               int64_t n, char *err, size_t len)
{
    size_t size = 0;
    char *buf = format_all(inputs, entries, n, &size);
    if (buf == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "journal: out of memory, or inputs too long");
    const msc_status st = msc_atomic_write(path, buf, size, err, len);
    free(buf);
    return st;
}

msc_status msc_journal_open_append(const char *path, int *fd, char *err, size_t len)
{
    *fd = open(path, O_WRONLY | O_APPEND);
    return *fd >= 0 ? MSC_OK : msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(errno));
}

msc_status msc_journal_append(int fd, const msc_journal_entry *entries, int64_t n, char *err,
                              size_t len)
{
    if (n <= 0) return MSC_OK;
    size_t size = 0;
    char *buf = format_all(NULL, entries, n, &size);
    if (buf == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "journal: out of memory");
    const int ok = write_all(fd, buf, size) && fsync(fd) == 0;
    const int e = errno;
    free(buf);
    return ok ? MSC_OK : msc_fail(MSC_ERR_IO, err, len, "journal: %s", strerror(e));
}
