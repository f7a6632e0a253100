#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/un.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "emulog.h"
#include "wkint.h"
#include "pool.h"
#include "runtimes.h"
#include "strvec.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* A line of log longer than this is cut (CloudWatch's event limit). */
#define WK_MAX_LOG_LINE (256 * 1024)
/* Bodies larger than the Runtime API's limit are read so that the answer is
 * Lambda's 413 rather than a dropped connection; past this, the connection is closed with 413. */
#define WK_MAX_BODY (64 * 1024 * 1024)
#define WK_MEMORY_SAMPLE_MS 50


static void worker_maybe_free(struct worker *w);

/* --- small helpers --- */

/* The value in kB of `field` ("VmHWM") in a /proc/<pid>/status text. */
static long status_kb(const char *text, const char *field)
{
    size_t flen = strlen(field);
    for (const char *line = text; line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (!strncmp(line, field, flen) && line[flen] == ':')
            return strtol(line + flen + 1, NULL, 10);
    }
    return -1;
}

/* Reading /proc/<pid>/status costs the kernel a full render of the file, so
 * its fd is kept and the peak (which only grows, and which Lambda reports
 * per execution environment) is read at most every WK_SAMPLE_MIN_US after
 * an invocation: under load that took 15% of fnctl's time. The 50 ms
 * samples while an invocation runs are always taken. */
#define WK_SAMPLE_MIN_US 10000

long wk_sample_memory(struct worker *w, bool force)
{
    char text[4096]; /* the whole file is about 1.5 KB */
    ssize_t n;
    uint64_t now = emu_now_us();
    long hwm, rss;

    if (!force && w->sampled_us && now - w->sampled_us < WK_SAMPLE_MIN_US)
        return -1;
    if (w->status_fd < 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/status", (long)w->pid);
        w->status_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (w->status_fd < 0)
            return -1;
    }
    n = pread(w->status_fd, text, sizeof(text) - 1, 0);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    w->sampled_us = now;
    hwm = status_kb(text, "VmHWM");
    rss = status_kb(text, "VmRSS");
    if (hwm > w->hwm_kb)
        w->hwm_kb = hwm;
    return rss;
}

static long hwm_mb(const struct worker *w)
{
    return w->hwm_kb > 0 ? (w->hwm_kb + 1023) / 1024 : 0;
}

/* --- the process --- */

static void kill_group(struct worker *w)
{
    if (w->pid > 0 && !w->reaped) {
        w->killed = true;
        kill(-w->pid, SIGKILL);
        kill(w->pid, SIGKILL);
    }
}

void wk_kill(struct worker *w)
{
    if (w->state == WK_DEAD)
        return;
    kill_group(w);
    w->state = WK_DEAD;
}

void wk_retire(struct worker *w)
{
    w->retire = true;
    if (w->state == WK_IDLE || w->state == WK_STARTING)
        wk_kill(w);
}

enum wk_state wk_state(const struct worker *w)
{
    return w->state;
}

bool wk_retiring(const struct worker *w)
{
    return w->retire;
}

uint64_t wk_idle_since(const struct worker *w)
{
    return w->idle_since;
}

/* --- the log --- */

/* Logs every complete line of stream i's pending bytes. */
static void log_lines(struct worker *w, int i)
{
    struct evbuffer *in = w->pending[i];
    for (;;) {
        size_t len;
        char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
        if (!line) {
            /* a very long line without a newline: log it in pieces */
            if (evbuffer_get_length(in) >= WK_MAX_LOG_LINE) {
                char *chunk = xmalloc(WK_MAX_LOG_LINE);
                evbuffer_remove(in, chunk, WK_MAX_LOG_LINE);
                el_function(w->emu, w->fn->key, w->inv, chunk, WK_MAX_LOG_LINE);
                free(chunk);
                continue;
            }
            break;
        }
        el_function(w->emu, w->fn->key, w->inv, line, len);
        free(line);
    }
}

static void on_output(struct bufferevent *bev, void *arg)
{
    struct worker *w = arg;
    int i = bev == w->out ? 0 : 1;
    evbuffer_add_buffer(w->pending[i], bufferevent_get_input(bev));
    log_lines(w, i);
}

static void on_output_event(struct bufferevent *bev, short what, void *arg)
{
    struct worker *w = arg;
    if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
        return;
    /* the last line may lack its newline */
    int i = bev == w->out ? 0 : 1;
    struct evbuffer *in = w->pending[i];
    evbuffer_add_buffer(in, bufferevent_get_input(bev));
    log_lines(w, i);
    size_t left = evbuffer_get_length(in);
    if (left) {
        char *rest = xmalloc(left);
        evbuffer_remove(in, rest, left);
        el_function(w->emu, w->fn->key, w->inv, rest, left);
        free(rest);
    }
    bufferevent_free(bev);
    if (bev == w->out)
        w->out = NULL;
    else
        w->err = NULL;
    worker_maybe_free(w);
}

/* Reads what the process has already written to its pipes, so that its
 * lines are logged (and kept in the tail) before the END of the invocation
 * they belong to: the runtimes write synchronously, so at /response time
 * everything the function printed is in the pipe. */
static void drain_output(struct worker *w)
{
    /* (a bufferevent's input is frozen at its end: read into our own) */
    struct bufferevent *bevs[2] = { w->out, w->err };
    struct pollfd pfd[2];
    nfds_t n = 0;
    /* one poll says which pipe has anything: most invocations print
     * nothing, and a read that finds nothing costs as much */
    for (int i = 0; i < 2; i++)
        if (bevs[i])
            pfd[n++] = (struct pollfd){ .fd = bufferevent_getfd(bevs[i]), .events = POLLIN };
    int polled = n ? poll(pfd, n, 0) : 0; /* (on failure: read both, as before) */
    for (int i = 0, k = 0; i < 2; i++) {
        if (!bevs[i])
            continue;
        bool ready = polled < 0 || (polled > 0 && (pfd[k].revents & (POLLIN | POLLHUP)));
        k++;
        if (!ready && evbuffer_get_length(bufferevent_get_input(bevs[i])) == 0)
            continue;
        evbuffer_add_buffer(w->pending[i], bufferevent_get_input(bevs[i]));
        while (ready && evbuffer_read(w->pending[i], bufferevent_getfd(bevs[i]), 65536) > 0)
            ;
        log_lines(w, i);
    }
}

/* --- invocations --- */

static void stop_timers(struct worker *w)
{
    if (w->deadline)
        evtimer_del(w->deadline);
    if (w->mem_timer)
        evtimer_del(w->mem_timer);
}

/* The running invocation has its outcome: log END/REPORT, hand it back. */
void wk_finish(struct worker *w)
{
    struct invocation *inv = w->inv;
    drain_output(w);
    stop_timers(w);
    wk_sample_memory(w, false);
    inv->finished_us = emu_now_us();
    inv->max_memory_mb = hwm_mb(w);
    el_end_report(w->emu, w->fn->key, inv, w->fn->memory);
    w->inv = NULL;
    inv->worker = NULL;
    if (w->state == WK_BUSY)
        w->state = WK_RETURNING;
    pool_invocation_done(w->pool, w, inv);
}

void wk_fail_running(struct worker *w, const char *type, const char *message)
{
    if (!w->inv || w->responded)
        return;
    inv_fail(w->inv, type, "%s", message);
    w->responded = true;
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    struct invocation *inv = w->inv;
    char when[40], msg[256];
    (void)fd;
    (void)what;
    if (!inv || w->responded)
        return;
    uint64_t elapsed = emu_now_us() - inv->started_us;
    uint64_t limit = (uint64_t)w->fn->timeout * 1000000u;
    if (elapsed < limit) {
        /* the loop's cached clock ran behind: never stop a function early */
        struct timeval rest = { (time_t)((limit - elapsed) / 1000000u),
                                (suseconds_t)((limit - elapsed) % 1000000u) };
        evtimer_add(w->deadline, &rest);
        return;
    }
    double seconds = (double)elapsed / 1e6;
    el_iso_time(when, sizeof(when));
    el_platform(w->emu, w->fn->key, inv, "%s %s Task timed out after %.2f seconds", when,
                inv->request_id, seconds);
    snprintf(msg, sizeof(msg), "RequestId: %s Error: Task timed out after %.2f seconds",
             inv->request_id, seconds);
    inv->timed_out = true;
    wk_fail_running(w, "Sandbox.Timedout", msg);
    wk_kill(w);
    wk_finish(w);
}

static void on_memory_sample(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd;
    (void)what;
    long rss = wk_sample_memory(w, true);
    if (rss > 0 && rss / 1024 >= w->fn->memory && w->inv && !w->responded) {
        char msg[256];
        snprintf(msg, sizeof(msg), "RequestId: %s Error: Runtime exited with error: signal: killed",
                 w->inv->request_id);
        el_platform(w->emu, w->fn->key, w->inv, "%s", msg);
        el_platform(w->emu, w->fn->key, w->inv, "Runtime.OutOfMemory");
        w->out_of_memory = true;
        wk_fail_running(w, "Runtime.OutOfMemory", msg);
        wk_kill(w);
        wk_finish(w);
        return;
    }
    struct timeval tv = { 0, WK_MEMORY_SAMPLE_MS * 1000 };
    evtimer_add(w->mem_timer, &tv);
}

void wk_dispatch(struct worker *w, struct invocation *inv)
{
    struct h1_conn *c = w->next_conn;
    struct h1_header h[6];
    size_t nh = 0;
    char deadline[32], arn[512];
    const struct manifest *m = w->emu->manifest;

    w->next_conn = NULL;
    h1_on_close(c, NULL, NULL);
    w->inv = inv;
    w->responded = false;
    w->state = WK_BUSY;
    inv->worker = w;
    inv->started_us = emu_now_us();
    inv->deadline_ms = emu_epoch_ms() + w->fn->timeout * 1000;
    /* the first invocation waited for the cold start; a provisioned
     * worker was initialised before anyone asked (no Init Duration) */
    if (w->invocations++ == 0 && !w->provisioned)
        inv->init_ms = w->init_ms;
    snprintf(deadline, sizeof(deadline), "%lld", (long long)inv->deadline_ms);
    snprintf(arn, sizeof(arn), "arn:aws:lambda:%s:%s:function:%s", m->region, MF_ACCOUNT_ID,
             w->fn->name);
    h[nh++] = H1_HEADER("Content-Type", "application/json");
    h[nh++] = H1_HEADER("Lambda-Runtime-Aws-Request-Id", inv->request_id);
    h[nh++] = H1_HEADER("Lambda-Runtime-Deadline-Ms", deadline);
    h[nh++] = H1_HEADER("Lambda-Runtime-Invoked-Function-Arn", arn);
    h[nh++] = H1_HEADER("Lambda-Runtime-Trace-Id", inv->trace_id);
    if (inv->client_context)
        h[nh++] = H1_HEADER("Lambda-Runtime-Client-Context", inv->client_context);

    el_start(w->emu, w->fn->key, inv);
    struct timeval tv = { w->fn->timeout, 0 };
    evtimer_add(w->deadline, &tv);
    struct timeval mtv = { 0, WK_MEMORY_SAMPLE_MS * 1000 };
    evtimer_add(w->mem_timer, &mtv);

    /* the event goes out without a copy: the reply references inv->event */
    struct evbuffer *body = evbuffer_new();
    evbuffer_add_buffer_reference(body, inv->event);
    h1_reply(c, 200, "OK", h, nh, NULL, 0, body);
    evbuffer_free(body);
}

/* --- life and death --- */

static int listen_loopback(struct worker *w, struct fn_err *err)
{
    static const struct h1_limits limits = { 1024 * 1024, WK_MAX_BODY };
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof(addr);
    int fd;

    w->http = h1_server_new(w->emu->base, &limits, wk_runtime_api, w);
    fd = h1_server_listen(w->http, (struct sockaddr *)&addr, sizeof(addr), err);
    if (fd < 0)
        return fn_err_set(err, "cannot listen on 127.0.0.1 for the Runtime API: %s", err->msg);
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) < 0)
        return fn_err_errno(err, errno, "getsockname");
    w->port = ntohs(addr.sin_port);

    /* fnctl's own bootstraps reach the same API over an abstract Unix
     * socket: half the kernel work of loopback TCP per invocation. Any
     * other runtime client uses AWS_LAMBDA_RUNTIME_API (TCP), as on Lambda. */
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(w->uds, sizeof(w->uds), "fnctl-%ld-%d", (long)getpid(), w->port);
    memcpy(sun.sun_path + 1, w->uds, strlen(w->uds));
    /* the whole, zero-padded sun_path: node (libuv) connects with that length */
    if (h1_server_listen(w->http, (struct sockaddr *)&sun, (socklen_t)sizeof(sun), NULL) < 0)
        w->uds[0] = '\0'; /* TCP alone still works */
    return 0;
}

static void log_stream_name(char *out, size_t size)
{
    char id[37], hex[33];
    size_t h = 0;
    int64_t ms = emu_epoch_ms();
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    inv_uuid(id);
    for (size_t i = 0; id[i] && h < 32; i++)
        if (id[i] != '-')
            hex[h++] = id[i];
    hex[h] = '\0';
    gmtime_r(&s, &tm);
    snprintf(out, size, "%04d/%02d/%02d/[$LATEST]%s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, hex);
}

static void build_env(struct worker *w, bool provisioned, struct strvec *env)
{
    const struct mf_function *fn = w->fn;
    const struct manifest *m = w->emu->manifest;
    char stream[128], exec_env[64];
    const char *path = getenv("PATH");
    const char *home = getenv("HOME");

    strvec_pushf(env, "PATH=%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
    if (home)
        strvec_pushf(env, "HOME=%s", home);
    strvec_push(env, "LANG=en_US.UTF-8");
    strvec_push(env, "TZ=:UTC");
    strvec_pushf(env, "AWS_LAMBDA_FUNCTION_NAME=%s", fn->name);
    strvec_push(env, "AWS_LAMBDA_FUNCTION_VERSION=$LATEST");
    strvec_pushf(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%ld", fn->memory);
    strvec_pushf(env, "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/%s", fn->name);
    log_stream_name(stream, sizeof(stream));
    strvec_pushf(env, "AWS_LAMBDA_LOG_STREAM_NAME=%s", stream);
    strvec_pushf(env, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", w->port);
    if (w->uds[0])
        strvec_pushf(env, "FNCTL_RUNTIME_API_SOCKET=@%s", w->uds);
    strvec_pushf(env, "AWS_LAMBDA_INITIALIZATION_TYPE=%s",
                 provisioned ? "provisioned-concurrency" : "on-demand");
    char root[PATH_MAX];
    strvec_pushf(env, "LAMBDA_TASK_ROOT=%s", realpath(m->dir, root) ? root : m->dir);
    strvec_pushf(env, "LAMBDA_RUNTIME_DIR=%s", w->emu->runtime_dir);
    if (fn->handler)
        strvec_pushf(env, "_HANDLER=%s", fn->handler);
    if (rtm_execution_env(fn->runtime, exec_env, sizeof(exec_env)))
        strvec_pushf(env, "AWS_EXECUTION_ENV=%s", exec_env);
    strvec_pushf(env, "AWS_REGION=%s", m->region);
    strvec_pushf(env, "AWS_DEFAULT_REGION=%s", m->region);
    strvec_push(env, "AWS_XRAY_CONTEXT_MISSING=LOG_ERROR");
    /* the function's own SDK calls reach the local services, never an
     * account: dummy credentials, not the host's */
    strvec_push(env, "AWS_ACCESS_KEY_ID=test");
    strvec_push(env, "AWS_SECRET_ACCESS_KEY=test");
    strvec_push(env, "AWS_SESSION_TOKEN=test");
    if (w->emu->aws_endpoint[0])
        strvec_pushf(env, "AWS_ENDPOINT_URL=%s", w->emu->aws_endpoint);
    for (size_t i = 0; i < fn->env.n; i++) {
        const char *eq = strchr(fn->env.v[i], '=');
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - fn->env.v[i]), fn->env.v[i]);
        strvec_setenv(env, name, eq + 1);
    }
}

/* A connection to the worker's own abstract socket, made here and handed
 * to fnctl's node bootstrap as fd 3 (FNCTL_RUNTIME_API_FD): the bootstrap
 * then speaks the Runtime API with blocking reads and writes and never
 * loads node:net, 5-8 ms of every cold start. A UNIX stream connect
 * completes once queued, so this does not wait for the loop to accept it.
 * Returns -1 (the bootstrap connects by itself) when it cannot. */
static int connect_own_api(const struct worker *w)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (!w->uds[0] || !w->fn->runtime || !tx_starts_with(w->fn->runtime, "nodejs"))
        return -1;
    memcpy(sun.sun_path + 1, w->uds, strlen(w->uds));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, (socklen_t)sizeof(sun)) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int spawn(struct worker *w, bool provisioned, struct fn_err *err)
{
    struct strvec argv = STRVEC_INIT, env = STRVEC_INIT;
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, api_fd = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dflt;
    int rc = -1;

    if (rtm_command(w->fn->runtime, w->emu->runtime_dir, w->emu->manifest->dir, &argv, err) < 0)
        goto out_noattr;
    build_env(w, provisioned, &env);
    api_fd = connect_own_api(w);
    if (api_fd >= 0)
        strvec_push(&env, "FNCTL_RUNTIME_API_FD=3");
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        fn_err_errno(err, errno, "cannot create pipes for a worker");
        goto out_noattr;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    if (api_fd >= 0) /* (glibc clears close-on-exec when api_fd is 3 already) */
        posix_spawn_file_actions_adddup2(&fa, api_fd, 3);
    posix_spawn_file_actions_addchdir_np(&fa, w->emu->manifest->dir);
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGCHLD);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    w->spawned_us = emu_now_us();
    int e = posix_spawnp(&w->pid, argv.v[0], &fa, &attr, argv.v, env.v);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (e != 0) {
        fn_err_errno(err, e, "cannot start '%s' for function '%s'", argv.v[0], w->fn->key);
        if (e == ENOENT)
            fn_err_hint(err, "install %s, or put it on PATH", argv.v[0]);
        goto out_noattr;
    }
    close(out[1]);
    close(errp[1]);
    out[1] = errp[1] = -1;
    evutil_make_socket_nonblocking(out[0]);
    evutil_make_socket_nonblocking(errp[0]);
    w->out = bufferevent_socket_new(w->emu->base, out[0], BEV_OPT_CLOSE_ON_FREE);
    w->err = bufferevent_socket_new(w->emu->base, errp[0], BEV_OPT_CLOSE_ON_FREE);
    out[0] = errp[0] = -1;
    bufferevent_setcb(w->out, on_output, NULL, on_output_event, w);
    bufferevent_setcb(w->err, on_output, NULL, on_output_event, w);
    bufferevent_enable(w->out, EV_READ);
    bufferevent_enable(w->err, EV_READ);
    rc = 0;
out_noattr:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    if (api_fd >= 0)
        close(api_fd); /* the worker has its own copy */
    strvec_clear(&argv);
    strvec_clear(&env);
    return rc;
}

struct worker *wk_spawn(struct emu *e, struct pool *p, bool provisioned, struct fn_err *err)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    w->status_fd = -1;
    w->emu = e;
    w->pool = p;
    w->fn = pool_function(p);
    w->state = WK_STARTING;
    w->provisioned = provisioned;
    w->init_ms = -1;
    w->deadline = evtimer_new(e->base, on_deadline, w);
    w->mem_timer = evtimer_new(e->base, on_memory_sample, w);
    w->pending[0] = evbuffer_new();
    w->pending[1] = evbuffer_new();
    if (listen_loopback(w, err) < 0 || spawn(w, provisioned, err) < 0) {
        h1_server_free(w->http);
        event_free(w->deadline);
        event_free(w->mem_timer);
        evbuffer_free(w->pending[0]);
        evbuffer_free(w->pending[1]);
        free(w);
        return NULL;
    }
    w->next_all = e->workers;
    e->workers = w;
    return w;
}

/* Frees the worker once its process is reaped and both pipes are closed. */
static void worker_maybe_free(struct worker *w)
{
    if (!w->reaped || w->out || w->err)
        return;
    struct worker **pp = &w->emu->workers;
    while (*pp && *pp != w)
        pp = &(*pp)->next_all;
    if (*pp)
        *pp = w->next_all;
    h1_server_free(w->http); /* (no close callback runs) */
    if (w->status_fd >= 0)
        close(w->status_fd);
    event_free(w->deadline);
    event_free(w->mem_timer);
    if (w->init_error)
        evbuffer_free(w->init_error);
    evbuffer_free(w->pending[0]);
    evbuffer_free(w->pending[1]);
    free(w);
}

static void exit_text(int status, char *out, size_t size)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = sig == SIGKILL ? "killed" : sig == SIGSEGV ? "segmentation fault"
                           : sig == SIGABRT ? "aborted" : sig == SIGTERM ? "terminated"
                                                                         : strsignal(sig);
        snprintf(out, size, "signal: %s", name);
    } else {
        snprintf(out, size, "exit status %d", WEXITSTATUS(status));
    }
}

/* The process is gone: fail what it was doing, tell the pool. */
static void on_exit_of(struct worker *w)
{
    char why[64], msg[256];
    exit_text(w->exit_status, why, sizeof(why));
    bool clean = WIFEXITED(w->exit_status) && WEXITSTATUS(w->exit_status) == 0;

    if (w->inv && !w->responded) {
        if (clean)
            snprintf(msg, sizeof(msg), "RequestId: %s Error: Runtime exited without providing a reason",
                     w->inv->request_id);
        else
            snprintf(msg, sizeof(msg), "RequestId: %s Error: Runtime exited with error: %s",
                     w->inv->request_id, why);
        el_platform(w->emu, w->fn->key, w->inv, "%s", msg);
        el_platform(w->emu, w->fn->key, w->inv, "Runtime.ExitError");
        wk_fail_running(w, "Runtime.ExitError", msg);
        wk_finish(w);
    } else if (!w->first_next_seen && !w->killed) {
        /* died while starting: the invocation that waited for it fails */
        if (w->init_error) {
            pool_worker_init_failed(w->pool, w, w->init_error, w->init_error_type, NULL);
        } else {
            snprintf(msg, sizeof(msg), "Runtime exited with error: %s", why);
            pool_worker_init_failed(w->pool, w, NULL, "Runtime.ExitError", msg);
        }
    }
    w->state = WK_DEAD;
    stop_timers(w);
    pool_worker_gone(w->pool, w);
}

void wk_reap(struct emu *e)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            return;
        for (struct worker *w = e->workers; w; w = w->next_all) {
            if (w->pid != pid || w->reaped)
                continue;
            w->reaped = true;
            w->exit_status = status;
            on_exit_of(w);
            worker_maybe_free(w);
            break;
        }
    }
}

void wk_kill_all(struct emu *e)
{
    for (struct worker *w = e->workers; w; w = w->next_all) {
        if (w->inv) {
            wk_fail_running(w, "Runtime.ExitError", "the emulator is shutting down");
            wk_finish(w);
        }
        kill_group(w);
        w->state = WK_DEAD;
    }
    /* SIGKILL is not ignorable: the waits are short */
    for (struct worker *w = e->workers; w; w = w->next_all) {
        if (!w->reaped && w->pid > 0) {
            int status;
            while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
                ;
            w->reaped = true;
            w->exit_status = status;
        }
    }
}

void wk_free_all(struct emu *e)
{
    while (e->workers) {
        struct worker *w = e->workers;
        if (w->out)
            bufferevent_free(w->out);
        if (w->err)
            bufferevent_free(w->err);
        w->out = w->err = NULL;
        w->reaped = true;
        worker_maybe_free(w);
    }
}
