#include "emu.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway.h"
#include "h1.h"
#include "lambda_api.h"
#include "pool.h"
#include "runtimes.h"
#include "worker.h"
#include "xalloc.h"
#include "banned.h"

#define EMU_TICK_SECONDS 1

uint64_t emu_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int64_t emu_epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct emu *e = arg;
    (void)what;
    if (sig == SIGCHLD) {
        wk_reap(e);
        return;
    }
    fn_log_info(&e->log, "fnctl: %s: stopping", sig == SIGINT ? "interrupted" : "terminated");
    emu_stop(e, 0);
}

/* Housekeeping, once a second: stop workers idle too long. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct emu *e = arg;
    uint64_t now = emu_now_us();
    (void)fd;
    (void)what;
    for (size_t i = 0; i < e->n_pools; i++)
        pool_tick(e->pools[i], now);
    for (size_t i = 0; i < e->n_old_pools; i++)
        pool_tick(e->old_pools[i], now);
}

int emu_new(const struct emu_opts *opts, const struct manifest *m, struct emu **out,
            struct fn_err *err)
{
    struct emu *e = xcalloc(1, sizeof(*e));
    struct timeval tick = { EMU_TICK_SECONDS, 0 };

    *out = NULL;
    e->opts = *opts;
    if (!e->opts.host)
        e->opts.host = "127.0.0.1";
    if (e->opts.max_concurrency <= 0) {
        /* more workers than twice the cores only adds context switches */
        const char *cap = getenv("FNCTL_MAX_CONCURRENCY");
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        e->opts.max_concurrency = cap && atoi(cap) > 0 ? atoi(cap)
                                  : cores > 2           ? (int)(2 * cores)
                                                        : 4;
    }
    if (e->opts.idle_seconds <= 0)
        e->opts.idle_seconds = 300;
    e->manifest = m;
    fn_log_init(&e->log, stderr, FN_LOG_INFO);
    /* the changelist folds enable/disable calls made in one loop turn (a
     * write event added and removed again) into one epoll_ctl at most */
    struct event_config *cfg = event_config_new();
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    e->base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!e->base) {
        fn_err_set(err, "cannot create the event loop");
        goto fail;
    }
    if (rtm_extract(&e->runtime_dir, err) < 0)
        goto fail;
    /* a worker that dies must not kill fnctl with SIGPIPE */
    signal(SIGPIPE, SIG_IGN);
    e->sig_int = evsignal_new(e->base, SIGINT, on_signal, e);
    e->sig_term = evsignal_new(e->base, SIGTERM, on_signal, e);
    e->sig_chld = evsignal_new(e->base, SIGCHLD, on_signal, e);
    e->tick = event_new(e->base, -1, EV_PERSIST, on_tick, e);
    evsignal_add(e->sig_int, NULL);
    evsignal_add(e->sig_term, NULL);
    evsignal_add(e->sig_chld, NULL);
    evtimer_add(e->tick, &tick);
    e->pools = xcalloc(m->n_functions ? m->n_functions : 1, sizeof(*e->pools));
    for (size_t i = 0; i < m->n_functions; i++)
        e->pools[e->n_pools++] = pool_new(e, &m->functions[i]);
    *out = e;
    return 0;
fail:
    emu_free(e);
    return -1;
}

int emu_listen(struct emu *e, struct fn_err *err)
{
    if (e->opts.aws_port < 0)
        return 0;
    return lapi_listen(e, err);
}

int emu_start_provisioned(struct emu *e, struct fn_err *err)
{
    for (size_t i = 0; i < e->n_pools; i++)
        if (pool_start_provisioned(e->pools[i], err) < 0)
            return -1;
    return 0;
}

int emu_run(struct emu *e)
{
    event_base_dispatch(e->base);
    return e->exit_code;
}

void emu_stop(struct emu *e, int exit_code)
{
    if (e->stopping)
        return;
    e->stopping = true;
    e->exit_code = exit_code;
    event_base_loopbreak(e->base);
}

void emu_retire_workers(struct emu *e)
{
    for (size_t i = 0; i < e->n_pools; i++)
        pool_retire(e->pools[i]);
    /* an authorizer's new code answers anew (on AWS a deploy starts a new
     * stage cache too) */
    if (e->gateway)
        gw_forget_authorizations(e->gateway);
}

void emu_swap_manifest(struct emu *e, struct manifest *m)
{
    e->old_pools = xreallocarray(e->old_pools, e->n_old_pools + e->n_pools + 1,
                                 sizeof(*e->old_pools));
    for (size_t i = 0; i < e->n_pools; i++) {
        pool_retire(e->pools[i]);
        e->old_pools[e->n_old_pools++] = e->pools[i];
    }
    free(e->pools);
    e->owned = xreallocarray(e->owned, e->n_owned + 1, sizeof(*e->owned));
    e->owned[e->n_owned++] = m;
    e->manifest = m;
    e->pools = xcalloc(m->n_functions ? m->n_functions : 1, sizeof(*e->pools));
    e->n_pools = 0;
    for (size_t i = 0; i < m->n_functions; i++)
        e->pools[e->n_pools++] = pool_new(e, &m->functions[i]);
    if (e->gateway)
        gw_set_manifest(e->gateway, m);
}

struct pool *emu_pool(struct emu *e, const char *name)
{
    for (size_t i = 0; i < e->n_pools; i++) {
        const struct mf_function *fn = pool_function(e->pools[i]);
        if (!strcmp(fn->key, name) || !strcmp(fn->name, name))
            return e->pools[i];
    }
    return NULL;
}

void emu_free(struct emu *e)
{
    if (!e)
        return;
    e->stopping = true;
    wk_kill_all(e);
    for (size_t i = 0; i < e->n_pools; i++)
        pool_free(e->pools[i]);
    free(e->pools);
    for (size_t i = 0; i < e->n_old_pools; i++)
        pool_free(e->old_pools[i]);
    free(e->old_pools);
    wk_free_all(e);
    gw_free(e->gateway); /* after the pools: their last callbacks answer its requests */
    lapi_drop_retries(e);
    h1_server_free(e->aws_http);
    if (e->sig_int)
        event_free(e->sig_int);
    if (e->sig_term)
        event_free(e->sig_term);
    if (e->sig_chld)
        event_free(e->sig_chld);
    if (e->tick)
        event_free(e->tick);
    if (e->base)
        event_base_free(e->base);
    for (size_t i = 0; i < e->n_owned; i++)
        mf_free(e->owned[i]);
    free(e->owned);
    free(e->runtime_dir);
    free(e);
}
