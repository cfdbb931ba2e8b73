/* fuzz_journal.c — libFuzzer target for the checkpoint journal reader. Each line of the input goes
 * to msc_journal_parse_line (in an allocation of exactly its length), and the input is loaded as a
 * journal file with msc_journal_load (a memfd, read back through /proc/self/fd/N): as it is, behind
 * a valid header for the fixed inputs, and with every line's checksum fixed up, so that the fuzzer
 * gets past the header and the per-line CRC to the syntax behind them. Checks: what parses reads
 * back the same after formatting, a line is accepted only under a correct seal, and the loader's
 * result equals a model built line by line from msc_journal_parse_line (counts, have[] only 0/1,
 * trusted entries with their own segment index, everything else cleared). */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "mpiscale/journal.h"

#include "fuzz_common.h"

#define ERR_LEN 512
#define SEG MSC_FUZZ_SEGMENTS

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char inputs[MSC_JOURNAL_LINE_MAX];  /* the fixed inputs every load is for */
static char header[MSC_JOURNAL_LINE_MAX];  /* their header line, newline included */
static size_t header_len;
static int scratch_fd = -1;                /* the journal file, rewritten for every load */
static char scratch_path[4096];

static void remove_scratch(void)
{
    unlink(scratch_path);
}

/* A memfd named through /proc/self/fd, else a file in /dev/shm or $TMPDIR removed at exit. */
static void open_scratch(void)
{
    scratch_fd = memfd_create("msc-fuzz-journal", 0);
    if (scratch_fd >= 0) {
        snprintf(scratch_path, sizeof scratch_path, "/proc/self/fd/%d", scratch_fd);
        if (access(scratch_path, R_OK) == 0) return;
        close(scratch_fd);
    }
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(scratch_path, sizeof scratch_path, "%s/msc-fuzz-journal-XXXXXX", dir ? dir : "/tmp");
    scratch_fd = mkstemp(scratch_path);
    if (scratch_fd < 0) {
        perror("fuzz_journal: scratch file");
        abort();
    }
    atexit(remove_scratch);
}

static void write_scratch(const char *buf, size_t n)
{
    if (ftruncate(scratch_fd, 0) != 0) abort();
    for (size_t done = 0; done < n;) {
        const ssize_t w = pwrite(scratch_fd, buf + done, n - done, (off_t)done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) abort();
        done += (size_t)w;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!msc_fuzz_journal_inputs(inputs, sizeof inputs, NULL)) abort();
    header_len = msc_journal_format_header(inputs, header, sizeof header);
    if (header_len == 0) abort();
    open_scratch();
    return 0;
}

static unsigned long crc_of(const char *s, size_t n)
{
    return crc32(crc32(0L, Z_NULL, 0), (const Bytef *)s, (uInt)n) & 0xffffffffUL;
}

/* What parse_line promises of an entry it accepts. */
static void check_entry(const msc_journal_entry *e)
{
    MSC_FUZZ_CHECK(e->segment >= 0 && e->rank >= 0);
    MSC_FUZZ_CHECK(e->lo < e->hi && e->part.n_items == e->hi - e->lo);
    MSC_FUZZ_CHECK(isfinite(e->compute_s) && e->compute_s >= 0.0 && isfinite(e->part.real));
}

static int same_entry(const msc_journal_entry *a, const msc_journal_entry *b)
{
    return a->segment == b->segment && a->lo == b->lo && a->hi == b->hi && a->rank == b->rank &&
           memcmp(&a->compute_s, &b->compute_s, sizeof a->compute_s) == 0 &&
           a->part.exact_lo == b->part.exact_lo && a->part.exact_hi == b->part.exact_hi &&
           memcmp(&a->part.real, &b->part.real, sizeof a->part.real) == 0 &&
           a->part.n_items == b->part.n_items;
}

/* The loader's own rule: the same segment and result; rank and time may differ. */
static int same_result(const msc_journal_entry *a, const msc_journal_entry *b)
{
    return a->lo == b->lo && a->hi == b->hi && a->part.exact_lo == b->part.exact_lo &&
           a->part.exact_hi == b->part.exact_hi && a->part.n_items == b->part.n_items &&
           memcmp(&a->part.real, &b->part.real, sizeof a->part.real) == 0;
}

/* msc_journal_parse_line on one line (no newline), given in an allocation of exactly n bytes, and
 * the checks of what it returns: 1 (a header, its inputs into found[MSC_JOURNAL_LINE_MAX]),
 * 2 (an entry, into *e) or 0. */
static int parse_checked(const char *text, size_t n, msc_journal_entry *e, char *found)
{
    char *line = (char *)malloc(n ? n : 1);
    char buf[MSC_JOURNAL_LINE_MAX], back_inputs[MSC_JOURNAL_LINE_MAX];
    msc_journal_entry back;
    if (line == NULL) abort();
    memcpy(line, text, n);
    memset(e, 0, sizeof *e);
    memset(found, 0xA5, MSC_JOURNAL_LINE_MAX);
    const int kind = msc_journal_parse_line(line, n, e, found, MSC_JOURNAL_LINE_MAX);
    MSC_FUZZ_CHECK(kind >= 0 && kind <= 2);
    if (kind != 0) { /* only under a correct seal: " crc=" and 8 lower-case hex digits of the rest */
        char hex[9];
        MSC_FUZZ_CHECK(n >= 14 && n < MSC_JOURNAL_LINE_MAX);
        MSC_FUZZ_CHECK(memcmp(line + n - 13, " crc=", 5) == 0);
        snprintf(hex, sizeof hex, "%08lx", crc_of(line, n - 13));
        MSC_FUZZ_CHECK(memcmp(line + n - 8, hex, 8) == 0);
        MSC_FUZZ_CHECK(memchr(line, '\0', n - 13) == NULL);
    }
    if (kind == 2) { /* an entry: valid values, and formatting it gives a line that reads back */
        check_entry(e);
        const size_t w = msc_journal_format_entry(e, buf, sizeof buf);
        MSC_FUZZ_CHECK(w > 0 && w < sizeof buf && buf[w - 1] == '\n');
        memset(&back, 0, sizeof back);
        MSC_FUZZ_CHECK(msc_journal_parse_line(buf, w - 1, &back, NULL, 0) == 2);
        MSC_FUZZ_CHECK(same_entry(e, &back));
    } else if (kind == 1) { /* a header: its inputs, and a header made of them says the same */
        MSC_FUZZ_CHECK(msc_fuzz_terminated(found, MSC_JOURNAL_LINE_MAX));
        MSC_FUZZ_CHECK(strlen(found) < n);
        const size_t w = msc_journal_format_header(found, buf, sizeof buf);
        if (w > 0) { /* 0 only at the very limit: the header's own spacing may have been shorter */
            MSC_FUZZ_CHECK(w < sizeof buf && buf[w - 1] == '\n');
            MSC_FUZZ_CHECK(msc_journal_parse_line(buf, w - 1, NULL, back_inputs, sizeof back_inputs) == 1);
            MSC_FUZZ_CHECK(strcmp(back_inputs, found) == 0);
        } else {
            MSC_FUZZ_CHECK(strlen(found) + 19 + 14 >= sizeof buf);
        }
    }
    free(line);
    return kind;
}

/* Every line of data[0..n) under a correct seal: a line that ends in " crc=" and 8 characters gets
 * those 8 replaced by its checksum, any other line gets " crc=XXXXXXXX" appended. The fuzzer could
 * hardly ever forge a CRC-32 itself. The result is malloc'd; *out_n its length. */
static char *reseal(const char *data, size_t n, size_t *out_n)
{
    size_t lines = 1, used = 0;
    for (size_t i = 0; i < n; i++) lines += data[i] == '\n';
    char *out = (char *)malloc(n + 13 * lines + 1);
    if (out == NULL) abort();
    for (size_t at = 0; at < n;) {
        const char *nl = (const char *)memchr(data + at, '\n', n - at);
        const size_t len = nl != NULL ? (size_t)(nl - (data + at)) : n - at;
        size_t body = len;
        if (len >= 13 && memcmp(data + at + len - 13, " crc=", 5) == 0) body = len - 13;
        memcpy(out + used, data + at, body);
        snprintf(out + used + body, 14, " crc=%08lx", crc_of(out + used, body));
        used += body + 13;
        if (nl != NULL) out[used++] = '\n';
        at += len + 1;
    }
    *out_n = used;
    return out;
}

/* What msc_journal_load should find in buf[0..n), built line by line with parse_checked. */
typedef struct model {
    msc_status st;
    msc_journal_scan scan;
    unsigned char have[SEG];
    msc_journal_entry by[SEG];
} model;

static void build_model(const char *buf, size_t n, model *m)
{
    int64_t no = 0;
    memset(m, 0, sizeof *m);
    m->st = MSC_OK;
    m->scan.exists = 1;
    for (size_t at = 0; at < n;) {
        const char *line = buf + at;
        const char *nl = (const char *)memchr(line, '\n', n - at);
        const int whole = nl != NULL;
        const size_t len = whole ? (size_t)(nl - line) : n - at;
        at += len + (size_t)whole;
        /* every line is parsed, torn or not, for parse_checked's checks */
        char found[MSC_JOURNAL_LINE_MAX];
        msc_journal_entry e;
        const int kind = parse_checked(line, len, &e, found);
        if (no++ == 0) {
            if (!whole || kind != 1 || strcmp(found, inputs) != 0) {
                m->st = MSC_ERR_USAGE;
                break;
            }
            continue;
        }
        m->scan.lines++;
        if (!whole || kind != 2) {
            m->scan.bad++;
            continue;
        }
        if (e.segment >= SEG) {
            m->scan.out_of_range++;
            continue;
        }
        if (m->have[e.segment] == 0) {
            m->have[e.segment] = 1;
            m->by[e.segment] = e;
        } else if (m->have[e.segment] == 1 && same_result(&m->by[e.segment], &e)) {
            m->scan.duplicates++;
        } else if (m->have[e.segment] == 1) {
            m->have[e.segment] = 2;
            m->scan.conflicts++;
        }
    }
    if (m->st == MSC_OK && no == 0) m->st = MSC_ERR_USAGE; /* an empty file is not a journal */
    for (int s = 0; s < SEG; s++) {
        if (m->have[s] == 2) m->have[s] = 0;
        m->scan.entries += m->have[s];
    }
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0) return 0;
    return 1;
}

static void check_load(const char *buf, size_t n)
{
    msc_journal_entry *by = (msc_journal_entry *)malloc(SEG * sizeof *by);
    unsigned char *have = (unsigned char *)malloc(SEG);
    char *err = (char *)malloc(ERR_LEN);
    model *m = (model *)malloc(sizeof *m);
    msc_journal_scan scan;
    if (by == NULL || have == NULL || err == NULL || m == NULL) abort();
    /* garbage the loader must clear */
    memset(by, 0x5A, SEG * sizeof *by);
    memset(have, 0x5A, SEG);
    memset(&scan, 0x5A, sizeof scan);
    memset(err, 0xA5, ERR_LEN);

    write_scratch(buf, n);
    const msc_status st = msc_journal_load(scratch_path, inputs, SEG, by, have, &scan, err, ERR_LEN);
    build_model(buf, n, m);

    MSC_FUZZ_CHECK(st == m->st);
    if (st != MSC_OK) MSC_FUZZ_CHECK(msc_fuzz_terminated(err, ERR_LEN) && err[0] != '\0');
    MSC_FUZZ_CHECK(scan.exists == 1);
    MSC_FUZZ_CHECK(scan.entries >= 0 && scan.entries <= SEG);
    MSC_FUZZ_CHECK(scan.bad >= 0 && scan.duplicates >= 0 && scan.conflicts >= 0 && scan.out_of_range >= 0);
    MSC_FUZZ_CHECK(scan.entries + scan.bad + scan.duplicates + scan.conflicts + scan.out_of_range <=
                   scan.lines);
    MSC_FUZZ_CHECK(scan.lines == m->scan.lines && scan.entries == m->scan.entries &&
                   scan.bad == m->scan.bad && scan.duplicates == m->scan.duplicates &&
                   scan.conflicts == m->scan.conflicts && scan.out_of_range == m->scan.out_of_range);
    int64_t trusted = 0;
    for (int s = 0; s < SEG; s++) {
        MSC_FUZZ_CHECK(have[s] == 0 || have[s] == 1);
        MSC_FUZZ_CHECK(have[s] == m->have[s]);
        trusted += have[s];
        if (have[s]) {
            MSC_FUZZ_CHECK(by[s].segment == s);
            check_entry(&by[s]);
            MSC_FUZZ_CHECK(same_entry(&by[s], &m->by[s]));
        } else {
            MSC_FUZZ_CHECK(all_zero(&by[s], sizeof by[s]));
        }
    }
    MSC_FUZZ_CHECK(trusted == scan.entries);
    free(by);
    free(have);
    free(err);
    free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t sealed_n = 0;
    char *sealed = reseal(text, size, &sealed_n);
    char *joined = (char *)malloc(header_len + sealed_n + size + 1);
    if (joined == NULL) abort();

    /* Behind the header, every line of the input is parsed (and checked) as it is and sealed. */
    check_load(text, size);
    memcpy(joined, header, header_len);
    memcpy(joined + header_len, text, size);
    check_load(joined, header_len + size);
    memcpy(joined + header_len, sealed, sealed_n);
    check_load(joined, header_len + sealed_n);

    free(joined);
    free(sealed);
    return 0;
}
