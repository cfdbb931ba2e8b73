/* atomic.c — whole-or-nothing result files: temporary file in the target's directory, write,
 * chmod, fsync, rename over the target, fsync of the directory; and the JSON Lines / CSV append as
 * "old content + new line" through that, appenders taking turns on a flock of the directory
 * (msc_atomic_write alone does not lock: the last rename wins). Files that cannot be replaced (pipes, devices) are written
 * directly, as a plain append or overwrite would. */
#include "mpiscale/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINK_HOPS 40         /* as Linux's limit for one lookup (ELOOP) */
#define MAX_TMP_BASE 200         /* of the base name inside the temporary's name, within NAME_MAX */
#define TMP_SUFFIX ".tmp.XXXXXX" /* mkstemp's template */

/* Writes all n bytes of data to fd, through short writes and signals; 0 with errno set if not. */
static int write_all(int fd, const void *data, size_t n)
{
    const char *p = (const char *)data;
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return 0;
        if (w == 0) {
            errno = EIO; /* no progress and no reason: do not spin */
            return 0;
        }
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* Splits path into a malloc'd directory ("." for a bare name) and a pointer to its last
 * component inside path; NULL when out of memory. */
static char *split_dir(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL) {
        dir = strdup(".");
        *base = path;
    } else {
        const size_t n = slash == path ? 1 : (size_t)(slash - path); /* "/x": the root */
        dir = (char *)malloc(n + 1);
        if (dir != NULL) {
            memcpy(dir, path, n);
            dir[n] = '\0';
        }
        *base = slash + 1;
    }
    return dir;
}

/* The file that path names once symbolic links are followed, malloc'd into *out. Unlike
 * realpath(), a dangling link resolves to the name it points at, which will then be created.
 * Links are followed in the last component only: a rename works through linked directories. */
static msc_status resolve_links(const char *path, char **out, char *err, size_t len)
{
    char *cur = strdup(path);
    if (cur == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    for (int hops = 0;; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) break; /* any error shows up later */
        if (hops == MAX_LINK_HOPS) {
            free(cur);
            return msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(ELOOP));
        }
        size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 256; /* st_size is 0 on some FS */
        char *target = NULL;
        ssize_t got;
        for (;;) {
            char *grown = (char *)realloc(target, cap);
            if (grown == NULL) {
                free(target);
                free(cur);
                return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
            }
            target = grown;
            got = readlink(cur, target, cap);
            if (got < 0 || (size_t)got < cap) break;
            cap *= 2; /* the link grew since lstat, or st_size was 0 */
        }
        if (got < 0) {
            const int e = errno;
            free(target);
            free(cur);
            return msc_fail(MSC_ERR_IO, err, len, "'%s': readlink: %s", path, strerror(e));
        }
        target[got] = '\0';
        const char *slash = strrchr(cur, '/');
        if (target[0] != '/' && slash != NULL) { /* relative to the link's own directory */
            const size_t n_dir = (size_t)(slash - cur) + 1;
            char *joined = (char *)malloc(n_dir + (size_t)got + 1);
            if (joined == NULL) {
                free(target);
                free(cur);
                return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
            }
            memcpy(joined, cur, n_dir);
            memcpy(joined + n_dir, target, (size_t)got + 1);
            free(target);
            target = joined;
        }
        free(cur);
        cur = target;
    }
    *out = cur;
    return MSC_OK;
}

/* The process's umask, read without changing it where /proc says it (Linux 4.7 on); else with
 * umask() itself, restrictive (077) for the instant it is changed. */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f != NULL) {
        char line[256];
        while (fgets(line, sizeof line, f) != NULL) {
            if (strncmp(line, "Umask:", 6) != 0) continue;
            char *end;
            const unsigned long m = strtoul(line + 6, &end, 8);
            fclose(f);
            if (end != line + 6 && m <= 0777) return (mode_t)m;
            f = NULL;
            break;
        }
        if (f != NULL) fclose(f);
    }
    const mode_t m = umask(077);
    umask(m);
    return m;
}

/* fsyncs directory dir, making a rename in it durable. A directory this process may write but not
 * read cannot be opened: nothing more can be done there, so that is not an error. */
static msc_status sync_dir(const char *given, const char *dir, char *err, size_t len)
{
    const int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return errno == EACCES ? MSC_OK
                               : msc_fail(MSC_ERR_IO, err, len, "'%s': directory fsync: %s", given,
                                          strerror(errno));
    int ok = fsync(fd) == 0 || errno == EINVAL; /* EINVAL: this filesystem cannot sync a directory */
    const int e = errno;
    close(fd);
    return ok ? MSC_OK : msc_fail(MSC_ERR_IO, err, len, "'%s': directory fsync: %s", given, strerror(e));
}

/* Writes data to target, which exists and is not a regular file, in place (open flags `flags`
 * added to O_WRONLY); no fsync, which pipes and terminals refuse. */
static msc_status write_direct(const char *given, const char *target, int flags, const void *data,
                               size_t n, char *err, size_t len)
{
    const int fd = open(target, O_WRONLY | flags);
    if (fd < 0) return msc_fail(MSC_ERR_IO, err, len, "'%s': %s", given, strerror(errno));
    int ok = write_all(fd, data, n);
    const int e = errno;
    if (close(fd) != 0 && ok) return msc_fail(MSC_ERR_IO, err, len, "'%s': close: %s", given, strerror(errno));
    return ok ? MSC_OK : msc_fail(MSC_ERR_IO, err, len, "'%s': write: %s", given, strerror(e));
}

/* Replaces the regular file target (old: its stat, NULL when absent) through a temporary file. */
static msc_status replace(const char *given, const char *target, const struct stat *old,
                          const void *data, size_t n, char *err, size_t len)
{
    const char *base;
    char *dir = split_dir(target, &base);
    if (dir == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    const size_t n_base = strlen(base) < MAX_TMP_BASE ? strlen(base) : MAX_TMP_BASE;
    const size_t n_tmp = strlen(dir) + 2 + n_base + sizeof TMP_SUFFIX;
    char *tmp = (char *)malloc(n_tmp);
    if (tmp == NULL) {
        free(dir);
        return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    }
    snprintf(tmp, n_tmp, "%s/.%.*s%s", dir, (int)n_base, base, TMP_SUFFIX);
    const int fd = mkstemp(tmp);
    if (fd < 0) {
        /* "'x/y.csv': No such file or directory" first, as a plain open would have said */
        const msc_status st = msc_fail(MSC_ERR_IO, err, len,
                                       "'%s': %s (creating a temporary file in '%s')", given,
                                       strerror(errno), dir);
        free(tmp);
        free(dir);
        return st;
    }
    /* mkstemp's 0600 becomes the old file's mode, or what open(O_CREAT, 0666) would have given */
    const mode_t mode = old != NULL ? old->st_mode & 07777 : 0666 & ~current_umask();
    const char *step = NULL;
    int e = 0;
    if (!write_all(fd, data, n))
        step = "write";
    else if (fchmod(fd, mode) != 0)
        step = "chmod";
    else if (fsync(fd) != 0 && errno != EINVAL)
        step = "fsync";
    if (step != NULL) e = errno;
    if (close(fd) != 0 && step == NULL) step = "close", e = errno;
    if (step == NULL && rename(tmp, target) != 0) step = "rename", e = errno;
    msc_status st;
    if (step != NULL) {
        unlink(tmp);
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': %s: %s", given, step, strerror(e));
    } else {
        st = sync_dir(given, dir, err, len);
    }
    free(tmp);
    free(dir);
    return st;
}

msc_status msc_atomic_write(const char *path, const void *data, size_t n, char *err, size_t len)
{
    if (path == NULL || path[0] == '\0') return msc_fail(MSC_ERR_IO, err, len, "empty file name");
    char *target = NULL;
    msc_status st = resolve_links(path, &target, err, len);
    if (st != MSC_OK) return st;
    struct stat sb;
    const int exists = stat(target, &sb) == 0;
    if (target[strlen(target) - 1] == '/') /* "dir/", or a link to one: never a file name */
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': names a directory", path);
    else if (!exists && errno != ENOENT)
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(errno));
    else if (exists && S_ISDIR(sb.st_mode))
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': is a directory", path);
    else if (exists && !S_ISREG(sb.st_mode))
        st = write_direct(path, target, O_TRUNC, data, n, err, len);
    else
        st = replace(path, target, exists ? &sb : NULL, data, n, err, len);
    free(target);
    return st;
}

/* Grows *buf (capacity *cap) to hold at least need bytes; 0 when out of memory. */
static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 1;
    size_t c = *cap > 0 ? *cap : 256;
    while (c < need) c *= 2;
    char *grown = (char *)realloc(*buf, c);
    if (grown == NULL) return 0;
    *buf = grown;
    *cap = c;
    return 1;
}

/* Reads the whole file at path into *buf (malloc'd, capacity *cap, *n bytes used, extra bytes
 * spare). An absent file is empty. *regular = 0, and nothing read, for a file that is not regular. */
static msc_status read_old(const char *path, size_t extra, char **buf, size_t *cap, size_t *n,
                           int *regular, char *err, size_t len)
{
    *buf = NULL;
    *cap = *n = 0;
    *regular = 1;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) { /* never open a FIFO to read it */
        *regular = 0;
        return S_ISDIR(sb.st_mode) ? msc_fail(MSC_ERR_IO, err, len, "'%s': is a directory", path) : MSC_OK;
    }
    const int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT) {
        if (!reserve(buf, cap, extra)) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        return MSC_OK;
    }
    if (fd < 0) return msc_fail(MSC_ERR_IO, err, len, "'%s': read: %s", path, strerror(errno));
    msc_status st = MSC_OK;
    if (fstat(fd, &sb) != 0) {
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': read: %s", path, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) { /* replaced by one since the stat above */
        *regular = 0;
    } else if (!reserve(buf, cap, (size_t)sb.st_size + extra + 1)) {
        st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    } else {
        for (;;) {
            if (*cap - *n < extra + 1 && !reserve(buf, cap, *n + extra + 4096)) {
                st = msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
                break;
            }
            const ssize_t r = read(fd, *buf + *n, *cap - *n - extra);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) st = msc_fail(MSC_ERR_IO, err, len, "'%s': read: %s", path, strerror(errno));
            if (r <= 0) break;
            *n += (size_t)r;
        }
    }
    close(fd);
    if (st != MSC_OK) {
        free(*buf);
        *buf = NULL;
    }
    return st;
}

/* Appenders of files in one directory take turns: an exclusive flock on the directory itself,
 * which, unlike the file, is never replaced while they wait. So jobs appending to one results
 * file at once each keep their record. Returns the directory's descriptor (close it to unlock),
 * or -1 when it cannot be had (the append then goes on unlocked and fails on its own if the
 * directory is not there). */
static int lock_dir(const char *path)
{
    const char *base;
    char *dir = split_dir(path, &base);
    if (dir == NULL) return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) { /* a filesystem without locks: go on unlocked */
            close(fd);
            return -1;
        }
    }
    return fd;
}

static msc_status append_locked(const char *path, const char *head, const char *line, char *err,
                                size_t len);

msc_status msc_atomic_append(const char *path, const char *head, const char *line, char *err,
                             size_t len)
{
    if (path == NULL || path[0] == '\0') return msc_fail(MSC_ERR_IO, err, len, "empty file name");
    const int lock = lock_dir(path);
    const msc_status st = append_locked(path, head, line, err, len);
    if (lock >= 0) close(lock); /* releases the lock */
    return st;
}

static msc_status append_locked(const char *path, const char *head, const char *line, char *err,
                                size_t len)
{
    const size_t n_head = head != NULL ? strlen(head) + 1 : 0, n_line = strlen(line) + 1;
    const size_t extra = 1 + n_head + n_line; /* a newline to end a torn line, head, line */
    char *buf;
    size_t cap, n;
    int regular;
    msc_status st = read_old(path, extra, &buf, &cap, &n, &regular, err, len);
    if (st != MSC_OK) return st;
    if (!regular) { /* a pipe or a device: nothing to read back, nothing to replace */
        free(buf);
        buf = (char *)malloc(extra);
        if (buf == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        n = 0;
    } else if (n > 0 && buf[n - 1] != '\n') {
        buf[n++] = '\n';
    }
    if (n == 0 && head != NULL) {
        memcpy(buf + n, head, n_head - 1);
        n += n_head;
        buf[n - 1] = '\n';
    }
    memcpy(buf + n, line, n_line - 1);
    n += n_line;
    buf[n - 1] = '\n';
    st = regular ? msc_atomic_write(path, buf, n, err, len)
                 : write_direct(path, path, O_APPEND, buf, n, err, len);
    free(buf);
    return st;
}

msc_status msc_atomic_sync_file(const char *path, char *err, size_t len)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return msc_fail(MSC_ERR_IO, err, len, "'%s': fsync: %s", path, strerror(errno));
    const int ok = fsync(fd) == 0 || errno == EINVAL;
    const int e = errno;
    close(fd);
    return ok ? MSC_OK : msc_fail(MSC_ERR_IO, err, len, "'%s': fsync: %s", path, strerror(e));
}

msc_status msc_atomic_sync_dir(const char *path, char *err, size_t len)
{
    const char *base;
    char *dir = split_dir(path, &base);
    if (dir == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    const msc_status st = sync_dir(path, dir, err, len);
    free(dir);
    return st;
}
