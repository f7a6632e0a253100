#include "file.h"

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

int fs_read_file(const char *path, struct buf *out, size_t max, struct fn_err *err)
{
    int rc = -1, fd;
    size_t start = out->len;
    struct stat st;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fn_err_errno(err, errno, "cannot open '%s'", path);
    if (fstat(fd, &st) < 0) {
        fn_err_errno(err, errno, "cannot stat '%s'", path);
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        fn_err_set(err, "'%s' is a directory, not a file", path);
        goto out;
    }
    for (;;) {
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fn_err_errno(err, errno, "cannot read '%s'", path);
            goto out;
        }
        if (n == 0)
            break;
        if ((max && out->len - start + (size_t)n > max) || buf_add(out, chunk, (size_t)n) < 0) {
            fn_err_set(err, "'%s' is too large (over %zu bytes)", path, max ? max : out->max);
            goto out;
        }
    }
    rc = 0;
out:
    if (rc < 0)
        buf_truncate(out, start);
    close(fd);
    return rc;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fn_err *err)
{
    int rc = -1, fd = -1;
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    const char *p = data;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        fn_err_errno(err, errno, "cannot create '%s'", tmp);
        goto out;
    }
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fn_err_errno(err, errno, "cannot write '%s'", tmp);
            goto out;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) < 0) {
        fn_err_errno(err, errno, "cannot sync '%s'", tmp);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        fn_err_errno(err, errno, "cannot write '%s'", tmp);
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        fn_err_errno(err, errno, "cannot rename '%s' to '%s'", tmp, path);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int fs_mkdir_p(const char *path, mode_t mode, struct fn_err *err)
{
    char *copy;
    int rc = -1;

    if (!path[0])
        return fn_err_set(err, "cannot create a directory with an empty name");
    copy = xstrdup(path);

    for (char *p = copy + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, mode) < 0 && errno != EEXIST) {
            fn_err_errno(err, errno, "cannot create directory '%s'", copy);
            goto out;
        }
        *p = saved;
        if (!saved)
            break;
    }
    if (!fs_is_dir(path)) {
        fn_err_set(err, "'%s' exists and is not a directory", path);
        goto out;
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int fs_rmtree(const char *path, struct fn_err *err)
{
    if (!fs_exists(path) && errno == ENOENT)
        return 0;
    if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return fn_err_errno(err, errno, "cannot remove '%s'", path);
    return 0;
}

int fs_list_dir(const char *path, struct strvec *out, struct fn_err *err)
{
    DIR *d = opendir(path);
    struct dirent *de;

    if (!d) {
        int saved = errno;
        fn_err_errno(err, saved, "cannot read '%s'", path);
        errno = saved;
        return -1;
    }
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            strvec_push(out, de->d_name);
    closedir(d);
    strvec_sort(out);
    return 0;
}

bool fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void fs_join(struct buf *out, const char *a, const char *b)
{
    buf_reset(out);
    if (b[0] == '/' || !a[0]) {
        buf_addstr(out, b);
        return;
    }
    buf_addstr(out, a);
    if (out->len && out->data[out->len - 1] != '/')
        buf_addch(out, '/');
    while (b[0] == '.' && b[1] == '/')
        b += 2;
    buf_addstr(out, b);
}

void fs_dirname(struct buf *out, const char *path)
{
    const char *slash = strrchr(path, '/');
    buf_reset(out);
    if (!slash)
        buf_addstr(out, ".");
    else if (slash == path)
        buf_addstr(out, "/");
    else
        buf_add(out, path, (size_t)(slash - path));
}

const char *fs_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

