/* journal.h — the checkpoint journal (issue 5): an append-only text file of completed segments, so
 * that a killed run loses at most the segments in flight and a rerun recomputes only the rest.
 *
 * One record a line, each line carrying the CRC-32 (zlib) of its own text, so that a torn write, a
 * truncated tail or a flipped byte is detected line by line and that segment is recomputed, never
 * trusted. The first line names the normalised inputs (kernel, its version, parameters, range,
 * segments); a journal of other inputs is refused. Pure file I/O: no MPI. */
#ifndef MSC_JOURNAL_H
#define MSC_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mpiscale/kernel.h"
#include "mpiscale/range.h"
#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSC_JOURNAL_VERSION 1
#define MSC_JOURNAL_LINE_MAX 640 /* bytes in the longest line, newline included */

/* One completed segment. */
typedef struct msc_journal_entry {
    int64_t segment;   /* its index in [0, segments) */
    int64_t lo, hi;    /* its bounds, [lo, hi) */
    int rank;          /* the rank that computed it */
    double compute_s;  /* its compute time, seconds */
    msc_partial part;  /* its partial result, exactly */
} msc_journal_entry;

/* What reading a journal found. */
typedef struct msc_journal_scan {
    int exists;            /* 1 when the file was there */
    int64_t lines;         /* lines after the header, the torn last one included */
    int64_t entries;       /* distinct segments trusted */
    int64_t bad;           /* lines whose checksum or syntax failed (a torn last line included) */
    int64_t duplicates;    /* the same segment again with the same values (ignored) */
    int64_t conflicts;     /* segments recorded twice with different values: neither is trusted */
    int64_t out_of_range;  /* a segment index outside [0, segments) */
} msc_journal_scan;

/* The normalised inputs as one line of text, e.g. "kernel=amdahl version=1 params=serial:0.3
 * range=0:2000 segments=1024" (parameter values with 17 significant digits), into buf. */
void msc_journal_inputs(const msc_kernel *k, const msc_params *p, msc_range r, int64_t segments,
                        char *buf, size_t len);

/* The header line for `inputs` and one entry's line, each with its newline, into buf; the length
 * written, or 0 when buf is too small. */
size_t msc_journal_format_header(const char *inputs, char *buf, size_t len);
size_t msc_journal_format_entry(const msc_journal_entry *e, char *buf, size_t len);

/* Parses line[0..n) (no newline): 1 for a header (its inputs into inputs[0..inputs_len)), 2 for an
 * entry (into *e), 0 when the line is damaged: wrong checksum, syntax or values. */
int msc_journal_parse_line(const char *line, size_t n, msc_journal_entry *e, char *inputs,
                           size_t inputs_len);

/* Reads the journal at path for `inputs` and `segments`: have[s] = 1 and by_segment[s] filled for
 * every segment it can trust (both arrays hold `segments` elements and are cleared first). An
 * absent file is an empty journal. MSC_ERR_USAGE when the file is not a journal, or is one of other
 * inputs ("... was written for kernel=... ; these are ...; --fresh starts over"), MSC_ERR_IO on a
 * read error, MSC_ERR_NOMEM. */
msc_status msc_journal_load(const char *path, const char *inputs, int64_t segments,
                            msc_journal_entry *by_segment, unsigned char *have,
                            msc_journal_scan *scan, char *err, size_t len);

/* Writes a new journal at path holding the header and entries[0..n), durably: a temporary file
 * in the same directory, fsync, rename over path, fsync of the directory. So a journal that was
 * damaged is replaced by its trusted part, whole. */
msc_status msc_journal_rewrite(const char *path, const char *inputs, const msc_journal_entry *entries,
                               int64_t n, char *err, size_t len);

/* Opens the journal at path for appending (after msc_journal_rewrite); *fd is its descriptor. */
msc_status msc_journal_open_append(const char *path, int *fd, char *err, size_t len);

/* Appends entries[0..n) with one write and an fsync: they are durable when it returns MSC_OK. */
msc_status msc_journal_append(int fd, const msc_journal_entry *entries, int64_t n, char *err,
                              size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_JOURNAL_H */
