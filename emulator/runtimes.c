#include "runtimes.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* runtimes_blob.c, generated at build time from emulator/runtimes/ */
extern const unsigned char fn_runtimes_tar[];
extern const size_t fn_runtimes_tar_size;

static unsigned long long fnv1a(const unsigned char *p, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int extract_to(const char *dir, struct fn_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *entry;
    struct buf path = BUF_INIT;
    int rc = -1, r;

    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, fn_runtimes_tar, fn_runtimes_tar_size) != ARCHIVE_OK) {
        fn_err_set(err, "cannot read the built-in runtimes: %s", archive_error_string(a));
        goto out;
    }
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(entry);
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        if (!name[0] || strstr(name, ".."))
            continue;
        fs_join(&path, dir, name);
        if (archive_entry_filetype(entry) == AE_IFDIR) {
            if (fs_mkdir_p(buf_cstr(&path), 0755, err) < 0)
                goto out;
            continue;
        }
        struct buf data = BUF_INIT, parent = BUF_INIT;
        const void *chunk;
        size_t size;
        la_int64_t offset;
        while (archive_read_data_block(a, &chunk, &size, &offset) == ARCHIVE_OK)
            buf_add(&data, chunk, size);
        fs_dirname(&parent, buf_cstr(&path));
        int w = fs_mkdir_p(buf_cstr(&parent), 0755, err);
        if (w == 0)
            w = fs_write_atomic(buf_cstr(&path), data.data ? data.data : "", data.len, 0644, err);
        buf_release(&data);
        buf_release(&parent);
        if (w < 0)
            goto out;
    }
    if (r != ARCHIVE_EOF) {
        fn_err_set(err, "cannot read the built-in runtimes: %s", archive_error_string(a));
        goto out;
    }
    rc = 0;
out:
    buf_release(&path);
    archive_read_free(a);
    return rc;
}

int rtm_extract(char **out, struct fn_err *err)
{
    const char *override = getenv("FNCTL_RUNTIME_DIR");
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char *base = NULL, *dir = NULL, *tmp = NULL;
    int rc = -1;

    if (override && override[0]) {
        *out = xstrdup(override);
        return 0;
    }
    if (cache && cache[0])
        base = xasprintf("%s/fnctl", cache);
    else if (home && home[0])
        base = xasprintf("%s/.cache/fnctl", home);
    else
        base = xasprintf("/tmp/fnctl-%ld", (long)getuid());
    dir = xasprintf("%s/runtimes-%016llx", base,
                    fnv1a(fn_runtimes_tar, fn_runtimes_tar_size));
    if (fs_is_dir(dir)) {
        *out = dir;
        dir = NULL;
        rc = 0;
        goto out;
    }
    /* extract beside it, then rename: a concurrent fnctl sees all or none */
    tmp = xasprintf("%s.tmp-%ld", dir, (long)getpid());
    if (fs_mkdir_p(tmp, 0755, err) < 0 || extract_to(tmp, err) < 0)
        goto out;
    if (rename(tmp, dir) < 0 && !fs_is_dir(dir)) {
        fn_err_errno(err, errno, "cannot create '%s'", dir);
        goto out;
    }
    *out = dir;
    dir = NULL;
    rc = 0;
out:
    if (rc < 0)
        fn_err_hint(err, "set XDG_CACHE_HOME to a writable directory");
    if (tmp && fs_is_dir(tmp)) /* failed, or another fnctl won the race */
        fs_rmtree(tmp, NULL);
    free(tmp);
    free(dir);
    free(base);
    return rc;
}

/* python3.12 when that interpreter is on PATH, else python3. */
static char *python_for(const char *runtime)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/bin:/bin");
    char *result = NULL, *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && !result; d = strtok_r(NULL, ":", &save)) {
        /* a version manager's shim (pyenv, asdf) exists for every version
         * any of its installs has, and fails for the others: only a real
         * interpreter counts */
        if (tx_ends_with(d, "/shims") || tx_ends_with(d, "/shims/"))
            continue;
        char *candidate = xasprintf("%s/%s", d, runtime);
        if (access(candidate, X_OK) == 0)
            result = xstrdup(runtime);
        free(candidate);
    }
    free(copy);
    return result ? result : xstrdup("python3");
}

int rtm_command(const char *runtime, const char *runtime_dir, const char *task_root,
                struct strvec *argv, struct fn_err *err)
{
    if (!runtime) {
        fn_err_set(err, "the function has no runtime");
        return fn_err_hint(err, "set provider.runtime (or the function's runtime), e.g. nodejs20.x");
    }
    if (tx_starts_with(runtime, "nodejs")) {
        strvec_push(argv, "node");
        strvec_pushf(argv, "%s/node/bootstrap.cjs", runtime_dir);
        return 0;
    }
    if (tx_starts_with(runtime, "python")) {
        strvec_push_owned(argv, python_for(runtime));
        strvec_pushf(argv, "%s/python/bootstrap.py", runtime_dir);
        return 0;
    }
    if (tx_starts_with(runtime, "provided")) {
        char *bootstrap = xasprintf("%s/bootstrap", task_root);
        if (access(bootstrap, F_OK) != 0) {
            fn_err_set(err, "runtime '%s' needs an executable 'bootstrap' in '%s'", runtime,
                       task_root);
            fn_err_hint(err, "a custom runtime's entry point is a file named bootstrap at the root of the function's code");
            free(bootstrap);
            return -1;
        }
        if (access(bootstrap, X_OK) != 0) {
            fn_err_set(err, "'%s' is not executable", bootstrap);
            fn_err_hint(err, "chmod +x %s", bootstrap);
            free(bootstrap);
            return -1;
        }
        strvec_push_owned(argv, bootstrap);
        return 0;
    }
    fn_err_set(err, "runtime '%s' cannot run locally", runtime);
    return fn_err_hint(err, "fnctl runs nodejs*, python* and provided* (custom runtime) functions");
}

const char *rtm_execution_env(const char *runtime, char *buf, size_t size)
{
    if (!runtime || tx_starts_with(runtime, "provided"))
        return NULL;
    snprintf(buf, size, "AWS_Lambda_%s", runtime);
    return buf;
}
