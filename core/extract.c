#include "extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

/* how many symlinks one resolution may follow (Linux's MAXSYMLINKS) */
#define EX_MAX_HOPS 40

struct ex_run {
    struct archive *in;
    struct archive *out;
    const char *what; /* the archive, for messages */
    char *root;       /* realpath of the destination */
    size_t bytes, entries;
};

bool ex_name_is_safe(const char *name)
{
    if (!name || !name[0] || name[0] == '/')
        return false;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        while (*p == '/')
            p++;
    }
    return true;
}

/* "./a//b/" -> "a/b" into out; "" for the archive's root itself. */
static void normalise(const char *name, struct buf *out)
{
    buf_reset(out);
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n && !(n == 1 && p[0] == '.')) {
            if (out->len)
                buf_addch(out, '/');
            buf_add(out, p, n);
        }
        p += n;
        while (*p == '/')
            p++;
    }
}

/* Whether target, read from a symlink in directory dir (relative to the
 * root, "" for the root), stays inside the root by its text alone. */
static bool link_text_inside(const char *dir, const char *target)
{
    long depth = 0;
    if (target[0] == '/')
        return false;
    for (const char *p = dir; *p; p++)
        if (p == dir || p[-1] == '/')
            depth++;
    for (const char *p = target; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return false;
        } else if (n && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n;
        while (*p == '/')
            p++;
    }
    return true;
}

/* Resolves the symlink at rel (relative to root) as the kernel would,
 * following the tree's own symlinks, and says whether every step stays
 * inside root. A missing component ends the physical walk: the rest is
 * checked by its text. */
static bool link_resolves_inside(const char *root, const char *rel)
{
    struct buf cur = BUF_INIT, rest = BUF_INIT, path = BUF_INIT, tmp = BUF_INIT;
    char target[PATH_MAX];
    bool inside = false, physical = true;
    int hops = 0;
    ssize_t n;

    fs_dirname(&cur, rel);
    if (!strcmp(buf_cstr(&cur), "."))
        buf_reset(&cur);
    fs_join(&path, root, rel);
    n = readlink(buf_cstr(&path), target, sizeof(target) - 1);
    if (n < 0)
        goto out;
    target[n] = 0;
    buf_addstr(&rest, target);
    while (rest.len) {
        const char *r = buf_cstr(&rest);
        if (r[0] == '/')
            goto out;
        size_t len = strcspn(r, "/");
        char *comp = xstrndup(r, len);
        while (r[len] == '/')
            len++;
        buf_reset(&tmp);
        buf_addstr(&tmp, r + len);
        buf_reset(&rest);
        buf_addstr(&rest, buf_cstr(&tmp));
        if (!comp[0] || !strcmp(comp, ".")) {
            free(comp);
            continue;
        }
        if (!strcmp(comp, "..")) {
            free(comp);
            if (!cur.len)
                goto out;
            char *slash = strrchr(cur.data, '/');
            buf_truncate(&cur, slash ? (size_t)(slash - cur.data) : 0);
            continue;
        }
        size_t before = cur.len;
        if (cur.len)
            buf_addch(&cur, '/');
        buf_addstr(&cur, comp);
        free(comp);
        struct stat st;
        fs_join(&path, root, buf_cstr(&cur));
        if (!physical || lstat(buf_cstr(&path), &st) < 0) {
            physical = false;
            continue;
        }
        if (!S_ISLNK(st.st_mode))
            continue;
        if (++hops > EX_MAX_HOPS)
            goto out;
        n = readlink(buf_cstr(&path), target, sizeof(target) - 1);
        if (n < 0)
            goto out;
        target[n] = 0;
        buf_truncate(&cur, before);
        buf_reset(&tmp);
        buf_addf(&tmp, "%s/%s", target, buf_cstr(&rest));
        buf_reset(&rest);
        buf_addstr(&rest, buf_cstr(&tmp));
    }
    inside = true;
out:
    buf_release(&cur);
    buf_release(&rest);
    buf_release(&path);
    buf_release(&tmp);
    return inside;
}

static int check_dir(const char *root, const char *rel, struct fn_err *err)
{
    struct buf path = BUF_INIT, child = BUF_INIT;
    struct strvec names = STRVEC_INIT;
    int rc = -1;

    fs_join(&path, root, rel);
    if (fs_list_dir(buf_cstr(&path), &names, err) < 0)
        goto out;
    for (size_t i = 0; i < names.n; i++) {
        struct stat st;
        buf_reset(&child);
        buf_addf(&child, "%s%s%s", rel, rel[0] ? "/" : "", names.v[i]);
        fs_join(&path, root, buf_cstr(&child));
        if (lstat(buf_cstr(&path), &st) < 0) {
            fn_err_errno(err, errno, "cannot stat '%s'", buf_cstr(&path));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            if (check_dir(root, buf_cstr(&child), err) < 0)
                goto out;
        } else if (S_ISLNK(st.st_mode)) {
            if (!link_resolves_inside(root, buf_cstr(&child))) {
                fn_err_set(err, "symlink '%s' points outside the directory", buf_cstr(&child));
                fn_err_hint(err, "symlinks must be relative and stay inside the template");
                goto out;
            }
        } else if (!S_ISREG(st.st_mode)) {
            fn_err_set(err, "'%s' is not a file, directory or symlink", buf_cstr(&child));
            goto out;
        }
    }
    rc = 0;
out:
    strvec_clear(&names);
    buf_release(&path);
    buf_release(&child);
    return rc;
}

int ex_check_tree(const char *root, struct fn_err *err)
{
    return check_dir(root, "", err);
}

static int refuse(struct ex_run *run, const char *name, const char *why, struct fn_err *err)
{
    fn_err_set(err, "refusing to extract '%s' from %s: %s", name, run->what, why);
    return fn_err_hint(err, "the archive is unsafe; nothing was written");
}

/* Nothing may be written through an existing non-directory: every parent of
 * rel must be a real directory (or not exist yet). */
static int check_parents(struct ex_run *run, const char *rel, struct fn_err *err)
{
    struct buf path = BUF_INIT;
    int rc = 0;
    for (const char *slash = strchr(rel, '/'); slash && rc == 0; slash = strchr(slash + 1, '/')) {
        struct stat st;
        buf_reset(&path);
        buf_addf(&path, "%s/%.*s", run->root, (int)(slash - rel), rel);
        if (lstat(buf_cstr(&path), &st) == 0 && !S_ISDIR(st.st_mode)) {
            char *why = xasprintf("'%.*s' is %s", (int)(slash - rel), rel,
                                  S_ISLNK(st.st_mode) ? "a symlink" : "a file");
            rc = refuse(run, rel, why, err);
            free(why);
        }
    }
    buf_release(&path);
    return rc;
}

static int copy_data(struct ex_run *run, const char *rel, struct fn_err *err)
{
    const void *block;
    size_t size;
    la_int64_t offset;
    int r;
    while ((r = archive_read_data_block(run->in, &block, &size, &offset)) == ARCHIVE_OK) {
        if (size > EX_MAX_BYTES - run->bytes)
            return refuse(run, rel, "the archive unpacks to more than 1 GiB", err);
        run->bytes += size;
        if (archive_write_data_block(run->out, block, size, offset) < ARCHIVE_WARN)
            return fn_err_set(err, "cannot write '%s': %s", rel, archive_error_string(run->out));
    }
    if (r != ARCHIVE_EOF)
        return fn_err_set(err, "cannot read %s: %s", run->what, archive_error_string(run->in));
    return 0;
}

/* Checks one entry, points it into the destination, and writes it. */
static int extract_entry(struct ex_run *run, struct archive_entry *e, struct fn_err *err)
{
    struct buf rel = BUF_INIT, path = BUF_INIT, dir = BUF_INIT;
    const char *name = archive_entry_pathname(e);
    const char *hardlink = archive_entry_hardlink(e);
    mode_t type = archive_entry_filetype(e);
    struct stat st;
    int rc = -1;

    if (!name)
        name = "";
    if (!ex_name_is_safe(name)) {
        if (!name[0])
            fn_err_set(err, "%s has an entry without a name", run->what);
        else
            refuse(run, name, name[0] == '/' ? "absolute path" : "'..' in the path", err);
        goto out;
    }
    normalise(name, &rel);
    if (!rel.len) { /* "./": the destination itself */
        rc = 0;
        goto out;
    }
    if (++run->entries > EX_MAX_ENTRIES) {
        refuse(run, name, "the archive has too many entries", err);
        goto out;
    }
    if (check_parents(run, buf_cstr(&rel), err) < 0)
        goto out;
    fs_join(&path, run->root, buf_cstr(&rel));
    if (lstat(buf_cstr(&path), &st) == 0 && !(S_ISDIR(st.st_mode) && type == AE_IFDIR)) {
        refuse(run, name, "it appears twice in the archive", err);
        goto out;
    }
    if (hardlink) {
        struct buf to = BUF_INIT;
        bool ok;
        if (!ex_name_is_safe(hardlink)) {
            refuse(run, name, "a hardlink pointing outside the directory", err);
            goto out;
        }
        normalise(hardlink, &dir);
        ok = dir.len && check_parents(run, buf_cstr(&dir), err) == 0;
        fs_join(&to, run->root, buf_cstr(&dir));
        ok = ok && lstat(buf_cstr(&to), &st) == 0 && S_ISREG(st.st_mode);
        archive_entry_set_hardlink(e, buf_cstr(&to));
        buf_release(&to);
        if (!ok) {
            refuse(run, name, "a hardlink to something other than a file extracted before it",
                   err);
            goto out;
        }
        archive_entry_set_size(e, 0);
    } else if (type == AE_IFLNK) {
        const char *target = archive_entry_symlink(e);
        fs_dirname(&dir, buf_cstr(&rel));
        if (!target || !target[0] ||
            !link_text_inside(strcmp(buf_cstr(&dir), ".") ? buf_cstr(&dir) : "", target)) {
            refuse(run, name, "a symlink pointing outside the directory", err);
            goto out;
        }
    } else if (type == AE_IFREG) {
        archive_entry_set_perm(e, (archive_entry_perm(e) & 0111) ? 0755 : 0644);
    } else if (type == AE_IFDIR) {
        archive_entry_set_perm(e, 0755);
    } else {
        refuse(run, name, "not a file, directory or symlink", err);
        goto out;
    }
    archive_entry_set_pathname(e, buf_cstr(&path));
    if (archive_write_header(run->out, e) < ARCHIVE_WARN) {
        fn_err_set(err, "cannot extract '%s': %s", name, archive_error_string(run->out));
        goto out;
    }
    if (type == AE_IFREG && !hardlink && copy_data(run, name, err) < 0)
        goto out;
    if (archive_write_finish_entry(run->out) < ARCHIVE_WARN) {
        fn_err_set(err, "cannot extract '%s': %s", name, archive_error_string(run->out));
        goto out;
    }
    rc = 0;
out:
    buf_release(&rel);
    buf_release(&path);
    buf_release(&dir);
    return rc;
}

/* Runs the extraction of run->in (opened by the caller's open step). */
static int extract(struct ex_run *run, const char *dest,
                   int (*open_fn)(struct archive *, const void *, size_t),
                   const void *data, size_t len, struct fn_err *err)
{
    struct archive_entry *e;
    int rc = -1, r;
    bool created = false;

    if (mkdir(dest, 0755) < 0) {
        fn_err_errno(err, errno, "cannot create '%s'", dest);
        goto out;
    }
    created = true;
    run->root = realpath(dest, NULL);
    if (!run->root) {
        fn_err_errno(err, errno, "cannot resolve '%s'", dest);
        goto out;
    }
    run->in = archive_read_new();
    run->out = archive_write_disk_new();
    if (!run->in || !run->out)
        FN_BUG("libarchive is out of memory");
    /* not filter_all: that would run external decompressors (lrzip, lzop...)
     * on an untrusted archive's say-so */
    archive_read_support_filter_gzip(run->in);
    archive_read_support_filter_bzip2(run->in);
    archive_read_support_filter_xz(run->in);
    archive_read_support_format_tar(run->in);
    archive_read_support_format_zip(run->in);
    /* no owners, ACLs, xattrs or flags restored: only the flags' checks */
    archive_write_disk_set_options(run->out, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                 ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                 ARCHIVE_EXTRACT_NO_OVERWRITE);
    if (open_fn(run->in, data, len) != ARCHIVE_OK) {
        fn_err_set(err, "cannot read %s: %s", run->what, archive_error_string(run->in));
        goto out;
    }
    while ((r = archive_read_next_header(run->in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
        if (extract_entry(run, e, err) < 0)
            goto out;
    if (r != ARCHIVE_EOF) {
        fn_err_set(err, "cannot read %s: %s", run->what, archive_error_string(run->in));
        fn_err_hint(err, "expected a tar, tar.gz or zip archive");
        goto out;
    }
    if (archive_write_close(run->out) != ARCHIVE_OK) {
        fn_err_set(err, "cannot extract %s: %s", run->what, archive_error_string(run->out));
        goto out;
    }
    if (ex_check_tree(run->root, err) < 0)
        goto out;
    rc = 0;
out:
    if (run->in)
        archive_read_free(run->in);
    if (run->out)
        archive_write_free(run->out);
    if (rc < 0 && created)
        fs_rmtree(dest, NULL);
    free(run->root);
    return rc;
}

static int open_memory(struct archive *a, const void *data, size_t len)
{
    return archive_read_open_memory(a, data, len);
}

static int open_file(struct archive *a, const void *path, size_t len)
{
    (void)len;
    return archive_read_open_filename(a, path, 64 * 1024);
}

int ex_extract_memory(const void *data, size_t len, const char *what, const char *dest,
                      struct fn_err *err)
{
    struct ex_run run = { .what = what };
    return extract(&run, dest, open_memory, data, len, err);
}

int ex_extract_file(const char *path, const char *dest, struct fn_err *err)
{
    char *what = xasprintf("'%s'", path);
    struct ex_run run = { .what = what };
    int rc = extract(&run, dest, open_file, path, 0, err);
    free(what);
    return rc;
}
