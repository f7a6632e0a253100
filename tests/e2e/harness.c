#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

#ifndef FNCTL_BIN
#define FNCTL_BIN "fnctl"
#endif

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int e2e_run(struct e2e_result *r, const struct e2e_opts *opts, const char *const *argv)
{
    static const struct e2e_opts defaults = { 0 };
    int out[2], err[2], in[2];
    pid_t pid;

    if (!opts)
        opts = &defaults;
    memset(r, 0, sizeof(*r));
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (opts->cwd && chdir(opts->cwd) != 0)
            _exit(127);
        for (size_t i = 0; opts->env && opts->env[i]; i++)
            putenv((char *)opts->env[i]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    close(in[0]);
    if (opts->input) {
        /* small inputs only: the pipe buffer holds them */
        ssize_t n = write(in[1], opts->input, strlen(opts->input));
        (void)n;
    }
    close(in[1]);

    long deadline = now_ms() + (opts->timeout_ms ? opts->timeout_ms : 30000);
    struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0) {
        long left = deadline - now_ms();
        if (left <= 0) {
            r->timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, 2, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[65536];
            ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                buf_add(i ? &r->err : &r->out, chunk, (size_t)got);
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        r->signal = WTERMSIG(status);
        r->status = 128 + r->signal;
    } else {
        r->status = WEXITSTATUS(status);
    }
    return 0;
}

int e2e_fnctl(struct e2e_result *r, const struct e2e_opts *opts, ...)
{
    const char *argv[64] = { FNCTL_BIN };
    size_t n = 1;
    va_list ap;
    va_start(ap, opts);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 63)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return e2e_run(r, opts, argv);
}

void e2e_release(struct e2e_result *r)
{
    buf_release(&r->out);
    buf_release(&r->err);
}

char *e2e_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = xasprintf("%s/fnctl-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(path))
        FN_BUG("mkdtemp: %s", strerror(errno));
    return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path);
    return unlink(path);
}

void e2e_rmrf(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void e2e_write(const char *dir, const char *name, const char *content)
{
    struct buf path = BUF_INIT, parent = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    fs_join(&path, dir, name);
    fs_dirname(&parent, buf_cstr(&path));
    if (fs_mkdir_p(buf_cstr(&parent), 0755, &err) < 0 ||
        fs_write_atomic(buf_cstr(&path), content, strlen(content), 0644, &err) < 0)
        FN_BUG("cannot write %s: %s", buf_cstr(&path), err.msg);
    buf_release(&path);
    buf_release(&parent);
}
