/* gen_journal_corpus.c — writes the seed corpus of the journal fuzz target into DIR: journals for
 * the fuzz target's fixed inputs made by the real formatter (and msc_journal_rewrite), with entries
 * computed by the real kernel, plus damaged variants (torn, flipped, CRLF, other inputs, sealed
 * lines with impossible values). Run once by hand (see run.sh's header); the files are committed.
 *
 *   gen_journal_corpus tests/fuzz/corpus/journal */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "mpiscale/journal.h"

#include "fuzz_common.h"

#define SEG MSC_FUZZ_SEGMENTS

static const char *dir;
static char inputs[MSC_JOURNAL_LINE_MAX];
static msc_range whole;
static msc_journal_entry all[SEG];

/* A growing text buffer. */
typedef struct text {
    char data[1 << 16];
    size_t n;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->n + n > sizeof t->data) abort();
    memcpy(t->data + t->n, s, n);
    t->n += n;
}

static void add_header(text *t, const char *in)
{
    char line[MSC_JOURNAL_LINE_MAX];
    const size_t w = msc_journal_format_header(in, line, sizeof line);
    if (w == 0) abort();
    add(t, line, w);
}

static void add_entry(text *t, const msc_journal_entry *e)
{
    char line[MSC_JOURNAL_LINE_MAX];
    const size_t w = msc_journal_format_entry(e, line, sizeof line);
    if (w == 0) abort();
    add(t, line, w);
}

/* A line sealed like the real ones (body, " crc=", CRC-32 of the body in hex, newline). */
static void add_sealed(text *t, const char *body)
{
    char line[MSC_JOURNAL_LINE_MAX + 32];
    const size_t n = strlen(body);
    const unsigned long crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)body, (uInt)n) & 0xffffffffUL;
    const int w = snprintf(line, sizeof line, "%s crc=%08lx\n", body, crc);
    if (w < 0 || (size_t)w >= sizeof line) abort();
    add(t, line, (size_t)w);
}

static void save(const char *name, const text *t, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(t->data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    char err[512], path[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    if (!msc_fuzz_journal_inputs(inputs, sizeof inputs, &whole)) return 1;
    const msc_kernel *k = msc_kernel_find("amdahl");
    msc_params p;
    memset(&p, 0, sizeof p);
    p.count = k->n_params;
    for (int i = 0; i < k->n_params; i++) p.value[i] = k->params[i].def;
    for (int s = 0; s < SEG; s++) {
        const msc_range g = msc_segment(whole, SEG, s);
        memset(&all[s], 0, sizeof all[s]);
        all[s].segment = s;
        all[s].lo = g.lo;
        all[s].hi = g.hi;
        all[s].rank = s % 4;
        all[s].compute_s = 1e-4 * (1 + s % 7);
        k->run(whole, g.lo, g.hi, &p, &all[s].part);
    }

    /* complete, through the durable writer itself */
    snprintf(path, sizeof path, "%s/valid-full", dir);
    if (msc_journal_rewrite(path, inputs, all, SEG, err, sizeof err) != MSC_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    static text t;
    t.n = 0;
    add_header(&t, inputs);
    save("valid-header-only", &t, t.n);

    /* a dozen segments in the order a dynamic schedule might finish them */
    static const int order[12] = {5, 0, 9, 15, 1, 12, 6, 10, 2, 13, 14, 3};
    for (int i = 0; i < 12; i++) add_entry(&t, &all[order[i]]);
    save("valid-partial", &t, t.n);

    /* the same again, one line torn: the tail of a killed run */
    save("torn-tail", &t, t.n - 37);
    save("torn-no-newline", &t, t.n - 1);

    /* a duplicate (same result, other rank and time) and a conflict (another result) */
    msc_journal_entry e = all[9];
    e.rank = 3;
    e.compute_s = 0.5;
    add_entry(&t, &e);
    e = all[12];
    e.part.exact_lo ^= 1;
    add_entry(&t, &e);
    save("duplicate-and-conflict", &t, t.n);

    /* one flipped byte in an entry, one in the checksum */
    text f = t;
    char *second = strchr(f.data, '\n') + 1;
    second[5] ^= 0x01;
    char *third = strchr(second, '\n') + 1;
    strchr(third, '\n')[-2] ^= 0x02;
    save("flipped-bytes", &f, f.n);

    /* CRLF line endings: every line's checksum covers the '\r' too, so all fail */
    text crlf;
    crlf.n = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.data[i] == '\n') add(&crlf, "\r", 1);
        add(&crlf, &t.data[i], 1);
    }
    save("crlf", &crlf, crlf.n);

    /* sealed lines with values a segment cannot have, and a segment past the end */
    t.n = 0;
    add_header(&t, inputs);
    add_entry(&t, &all[4]);
    e = all[5];
    e.segment = SEG + 6;
    add_entry(&t, &e);
    e = all[6];
    e.hi = e.lo; /* empty */
    e.part.n_items = 0;
    add_entry(&t, &e);
    e = all[7];
    e.part.n_items += 1; /* count disagrees with the bounds */
    add_entry(&t, &e);
    e = all[8];
    e.compute_s = -1.0;
    add_entry(&t, &e);
    e = all[9];
    e.part.real = INFINITY;
    add_entry(&t, &e);
    e = all[10];
    e.lo = -5; /* negative bounds are fine */
    e.hi = 27;
    e.part.n_items = 32;
    add_entry(&t, &e);
    e = all[11];
    e.lo = INT64_MIN;
    e.hi = INT64_MAX; /* hi - lo overflows */
    e.part.n_items = -1;
    add_entry(&t, &e);
    add_sealed(&t, "seg=13 lo=1625 hi=1750 rank=0 t=0x1p-10 x=0000000000000000:0000000000000001 r=0x0p+0 n=125 junk");
    add_sealed(&t, "seg=14 lo=1750 hi=1875 rank=0 t=1e-3 x=0:ff r=0 n=125");
    add_sealed(&t, "mpiscale-journal 1 kernel=amdahl a second header");
    add_sealed(&t, "");
    save("impossible-values", &t, t.n);

    /* headers that must be refused */
    t.n = 0;
    add_header(&t, "kernel=do_math version=1 params= range=0:30000000 segments=1024");
    add_entry(&t, &all[0]);
    save("other-inputs", &t, t.n);
    t.n = 0;
    {
        char body[MSC_JOURNAL_LINE_MAX];
        snprintf(body, sizeof body, "mpiscale-journal 2 %s", inputs);
        add_sealed(&t, body);
    }
    add_entry(&t, &all[0]);
    save("bad-version", &t, t.n);
    t.n = 0;
    add(&t, "segments done: 0 1 2\n", 21);
    save("not-a-journal", &t, t.n);

    /* a header as long as a line may be */
    {
        char longer[MSC_JOURNAL_LINE_MAX];
        memset(longer, 'x', sizeof longer);
        memcpy(longer, "kernel=", 7);
        longer[MSC_JOURNAL_LINE_MAX - 19 - 14 - 1] = '\0';
        t.n = 0;
        add_header(&t, longer);
        save("long-header", &t, t.n);
    }
    return 0;
}
