/* atomic.h — result files written whole or not at all: the new content goes to a temporary file in
 * the target's directory, is fsynced, and is renamed over the target, and then the directory is
 * fsynced, so a reader (or a crash) sees the old file or the new one, never a part. Also the JSON
 * Lines / CSV append built on it, and the two fsyncs for callers whose files another program
 * wrote (the plots). Plain POSIX file I/O: no MPI, nothing printed. */
#ifndef MSC_ATOMIC_H
#define MSC_ATOMIC_H

#include <stddef.h>

#include "mpiscale/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Replaces path with exactly data[0..n): a temporary ".<basename>.tmp.XXXXXX" in path's directory,
 * written, given the existing file's mode (else 0666 & ~umask), fsynced, renamed over path; then
 * the directory is fsynced. A symbolic link is followed (its target is replaced, the link stays).
 * A path that exists and is not a regular file (a pipe, a terminal, /dev/null) cannot be replaced:
 * it is written directly, without that guarantee. MSC_ERR_IO with one line naming path, e.g.
 * "'runs.jsonl': write: No space left on device", on any failure, which leaves path untouched and
 * no temporary file (a failed directory fsync, after the rename, is reported too); MSC_ERR_NOMEM. */
msc_status msc_atomic_write(const char *path, const void *data, size_t n, char *err, size_t len);

/* Appends line and "\n" to path through msc_atomic_write, with head and "\n" first when the file
 * is absent or empty and head != NULL. Old content that does not end in a newline (a torn last
 * line) is kept as it is, and a "\n" is put before the new line so that it stays a line of its
 * own. A path that is not a regular file (a pipe, /dev/full) is appended to directly, head
 * included. MSC_ERR_IO when the old content cannot be read or the file written; MSC_ERR_NOMEM.
 * Appends to files of one directory are serialised (a flock on the directory), so processes
 * appending to one file at once each keep their record. */
msc_status msc_atomic_append(const char *path, const char *head, const char *line, char *err,
                             size_t len);

/* fsyncs the regular file at path (one another program wrote, before it is renamed into place).
 * MSC_ERR_IO "'path': fsync: reason". */
msc_status msc_atomic_sync_file(const char *path, char *err, size_t len);

/* fsyncs the directory that holds path, so that a rename into it survives a crash (EINVAL, a
 * filesystem that cannot sync directories, counts as done). MSC_ERR_IO
 * "'path': directory fsync: reason"; MSC_ERR_NOMEM. */
msc_status msc_atomic_sync_dir(const char *path, char *err, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MSC_ATOMIC_H */
