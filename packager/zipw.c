/* zipw: see zipw.h.
 *
 * What libarchive's zip writer (3.6) puts in each entry, and how each part
 * is pinned:
 *  - the DOS date/time, from localtime_r(mtime): TZ is "UTC0" while writing;
 *  - the "UT" extra field: mtime only (atime, ctime, birthtime never set);
 *  - the "ux" extra field: uid and gid, always 0;
 *  - the external attributes: the mode, 0100644 or 0100755;
 *  - the UTF-8 flag of non-ASCII names, which follows the locale's codeset
 *    unless hdrcharset is set: it is set to UTF-8, and names are given as
 *    UTF-8, so LC_ALL changes nothing;
 *  - deflate at level 6 (zlib's default, named so that a libarchive default
 *    changing does not change the zips), sizes known up front (no Zip64
 *    fields for entries under 4 GiB), a data descriptor after each entry;
 *  - no padding after the end of the central directory.
 * No directory entries are written, as Serverless writes none (it appends
 * files only): unzip and Lambda create the directories from the paths. */
#include "zipw.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "buf.h"
#include "crypto_dl.h"
#include "xalloc.h"
#include "banned.h"

#define ZIPW_CHUNK 65536
#define ZIPW_DEFLATE_LEVEL "6"

/* The process's TZ, saved while zip times are computed in UTC. */
struct zipw_tz {
    char *saved; /* NULL: TZ was unset */
};

static void tz_pin_utc(struct zipw_tz *tz)
{
    const char *cur = getenv("TZ");

    tz->saved = cur ? xstrdup(cur) : NULL;
    /* a POSIX TZ string: needs no zoneinfo file */
    setenv("TZ", "UTC0", 1);
    tzset();
}

static void tz_restore(struct zipw_tz *tz)
{
    if (tz->saved)
        setenv("TZ", tz->saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(tz->saved);
    tz->saved = NULL;
}

/* A name a zip may hold: relative, '/'-separated, no "." or ".." part
 * (an extractor would write outside its directory: "zip slip"). */
static bool name_ok(const char *name)
{
    const char *s = name;

    if (!*name || *name == '/')
        return false;
    for (;;) {
        const char *e = strchrnul(s, '/');
        size_t n = (size_t)(e - s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        if (!*e)
            return true;
        s = e + 1;
    }
}

static int archive_fail(struct archive *a, const char *what, const char *name,
                        struct fn_err *err)
{
    const char *msg = archive_error_string(a);
    return fn_err_set(err, "cannot write %s '%s': %s", what, name, msg ? msg : "unknown error");
}

/* Opens the file behind e->src, following symlinks that stay inside
 * real_root. Fills st with what was opened. */
static int open_source(const struct zipw_entry *e, const char *real_root, struct stat *st,
                       int *fdp, struct fn_err *err)
{
    char *real = realpath(e->src, NULL);
    size_t rn = strlen(real_root);
    struct stat lst;
    int fd = -1, rc = -1;

    if (!real)
        return fn_err_errno(err, errno, "cannot read '%s'", e->src);
    if (strncmp(real, real_root, rn) != 0 || (real[rn] != '/' && rn > 1)) {
        bool link = lstat(e->src, &lst) == 0 && S_ISLNK(lst.st_mode);
        fn_err_set(err, "%s '%s' points outside the service directory, to '%s'",
                   link ? "symlink" : "path", e->name, real);
        fn_err_hint(err, "a zip holds no links: replace the link with a copy of its target, "
                         "or leave it out with a package.patterns entry '!%s'",
                    e->name);
        goto out;
    }
    fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, st) < 0) {
        fn_err_errno(err, errno, "cannot read '%s'", e->src);
        goto out;
    }
    if (!S_ISREG(st->st_mode)) {
        fn_err_set(err, "'%s' is not a regular file", e->src);
        fn_err_hint(err, "a zip entry is a file's content; leave '%s' out with package.patterns",
                    e->name);
        goto out;
    }
    *fdp = fd;
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(real);
    return rc;
}

/* Whether a link at name with this target stays inside the zip. */
static bool link_ok(const char *name, const char *target)
{
    int depth = 0;
    if (!*target || target[0] == '/')
        return false;
    for (const char *p = name; (p = strchr(p, '/')); p++)
        depth++; /* the link's directory is this many levels down */
    for (const char *p = target; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return false;
        } else if (!(n == 1 && p[0] == '.') && n > 0) {
            depth++;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

static int add_link(struct archive *a, const struct zipw_entry *e, time_t mtime, uint64_t *size,
                    struct fn_err *err)
{
    struct archive_entry *ae;
    int rc = -1;

    if (!link_ok(e->name, e->link)) {
        fn_err_set(err, "symlink '%s' -> '%s' would point outside the zip", e->name, e->link);
        return fn_err_hint(err, "a link in a zip must stay inside it");
    }
    ae = archive_entry_new();
    archive_entry_set_pathname_utf8(ae, e->name);
    archive_entry_set_filetype(ae, AE_IFLNK);
    archive_entry_set_perm(ae, 0777);
    archive_entry_set_symlink_utf8(ae, e->link);
    archive_entry_set_mtime(ae, mtime, 0);
    if (archive_write_header(a, ae) != ARCHIVE_OK) {
        archive_fail(a, "zip entry", e->name, err);
        goto out;
    }
    *size = strlen(e->link);
    rc = 0;
out:
    archive_entry_free(ae);
    return rc;
}

static int add_entry(struct archive *a, const struct zipw_entry *e, const char *real_root,
                     time_t mtime, char *chunk, uint64_t *size, struct fn_err *err)
{
    struct archive_entry *ae = NULL;
    struct stat st;
    uint64_t total = 0;
    int fd = -1, rc = -1;

    if (!name_ok(e->name)) {
        fn_err_set(err, "'%s' cannot be a name in a zip", e->name);
        return fn_err_hint(err, "zip entry names are relative paths without '.' or '..' parts");
    }
    if (e->link)
        return add_link(a, e, mtime, size, err);
    if (open_source(e, real_root, &st, &fd, err) < 0)
        return -1;
    ae = archive_entry_new();
    archive_entry_set_pathname_utf8(ae, e->name);
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, (st.st_mode & 0111) ? 0755 : 0644);
    archive_entry_set_size(ae, st.st_size);
    archive_entry_set_mtime(ae, mtime, 0);
    if (archive_write_header(a, ae) != ARCHIVE_OK) {
        archive_fail(a, "zip entry", e->name, err);
        goto out;
    }
    for (;;) {
        ssize_t r = read(fd, chunk, ZIPW_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fn_err_errno(err, errno, "cannot read '%s'", e->src);
            goto out;
        }
        if (r == 0)
            break;
        total += (uint64_t)r;
        if (total > (uint64_t)st.st_size)
            break;
        if (archive_write_data(a, chunk, (size_t)r) != r) {
            archive_fail(a, "zip entry", e->name, err);
            goto out;
        }
    }
    if (total != (uint64_t)st.st_size) {
        fn_err_set(err, "'%s' changed while it was being packaged", e->src);
        fn_err_hint(err, "run the package again once nothing writes to the service directory");
        goto out;
    }
    *size = total;
    rc = 0;
out:
    archive_entry_free(ae);
    close(fd);
    return rc;
}

static struct archive *open_archive(int fd, struct fn_err *err)
{
    struct archive *a = archive_write_new();

    if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
        archive_write_set_format_option(a, "zip", "compression", "deflate") != ARCHIVE_OK ||
        archive_write_set_format_option(a, "zip", "compression-level", ZIPW_DEFLATE_LEVEL) !=
            ARCHIVE_OK ||
        archive_write_set_format_option(a, "zip", "hdrcharset", "UTF-8") != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open_fd(a, fd) != ARCHIVE_OK) {
        const char *msg = archive_error_string(a);
        fn_err_set(err, "libarchive cannot write a zip: %s", msg ? msg : "unknown error");
        fn_err_hint(err, "fnctl needs libarchive built with zlib (Debian's libarchive13)");
        archive_write_free(a);
        return NULL;
    }
    return a;
}

int zipw_write(const char *path, const char *root, const struct zipw_entry *entries, size_t n,
               time_t mtime, struct zipw_stats *stats, struct fn_err *err)
{
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    char *real_root = realpath(root, NULL);
    char *chunk = NULL;
    struct archive *a = NULL;
    struct zipw_tz tz = { NULL };
    bool pinned = false;
    int fd = -1, rc = -1;

    memset(stats, 0, sizeof(*stats));
    if (!real_root) {
        fn_err_errno(err, errno, "cannot open '%s'", root);
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fn_err_errno(err, errno, "cannot create '%s'", tmp);
        goto out;
    }
    if (!(a = open_archive(fd, err)))
        goto out;
    stats->sizes = xcalloc(n + 1, sizeof(*stats->sizes));
    chunk = xmalloc(ZIPW_CHUNK);
    /* libarchive turns mtime into the DOS date with localtime_r(), which
     * reads TZ only through tzset(); fnctl is single-threaded, so the
     * process's TZ can be pinned for the duration */
    tz_pin_utc(&tz);
    pinned = true;
    for (size_t i = 0; i < n; i++) {
        if (add_entry(a, &entries[i], real_root, mtime, chunk, &stats->sizes[i], err) < 0)
            goto out;
        stats->unzipped += stats->sizes[i];
    }
    stats->n_files = n;
    if (archive_write_close(a) != ARCHIVE_OK) {
        archive_fail(a, "zip", path, err);
        goto out;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        fn_err_errno(err, errno, "cannot write '%s'", tmp);
        goto out;
    }
    fd = -1;
    if (zipw_hash_file(tmp, stats, err) < 0)
        goto out;
    if (rename(tmp, path) < 0) {
        fn_err_errno(err, errno, "cannot rename '%s' to '%s'", tmp, path);
        goto out;
    }
    rc = 0;
out:
    if (pinned)
        tz_restore(&tz);
    if (a)
        archive_write_free(a);
    if (fd >= 0)
        close(fd);
    if (rc < 0) {
        unlink(tmp);
        zipw_stats_release(stats);
    }
    free(chunk);
    free(real_root);
    free(tmp);
    return rc;
}

int zipw_hash_file(const char *path, struct zipw_stats *stats, struct fn_err *err)
{
    unsigned char digest[CRYPTO_SHA256_LEN];
    struct crypto_hash *h = NULL;
    struct buf b64 = BUF_INIT;
    char *chunk = NULL;
    uint64_t total = 0;
    int fd, rc = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fn_err_errno(err, errno, "cannot read '%s'", path);
    if (!(h = crypto_hash_new(CRYPTO_SHA256, err)))
        goto out;
    chunk = xmalloc(ZIPW_CHUNK);
    for (;;) {
        ssize_t r = read(fd, chunk, ZIPW_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fn_err_errno(err, errno, "cannot read '%s'", path);
            goto out;
        }
        if (r == 0)
            break;
        crypto_hash_update(h, chunk, (size_t)r);
        total += (uint64_t)r;
    }
    crypto_hash_final(h, digest);
    h = NULL;
    b64_encode(digest, sizeof(digest), &b64);
    if (b64.len != sizeof(stats->code_sha256) - 1)
        FN_BUG("base64 of a SHA-256 is %zu characters", b64.len);
    memcpy(stats->code_sha256, b64.data, b64.len + 1);
    stats->zipped = total;
    rc = 0;
out:
    crypto_hash_free(h);
    buf_release(&b64);
    free(chunk);
    close(fd);
    return rc;
}

void zipw_stats_release(struct zipw_stats *stats)
{
    if (!stats)
        return;
    free(stats->sizes);
    memset(stats, 0, sizeof(*stats));
}
