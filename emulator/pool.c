#include "pool.h"

#include <stdlib.h>
#include <string.h>

#include "emulog.h"
#include "worker.h"
#include "xalloc.h"
#include "banned.h"

struct pool_worker {
    struct worker *w;
    struct pool_worker *next;
};

struct pool {
    struct emu *emu;
    const struct mf_function *fn;
    struct inv_queue queue;      /* waiting for a worker */
    struct pool_worker *workers; /* alive: starting, idle, busy */
    size_t n_workers;
    long limit;                  /* concurrency: reserved, or the local cap */
    bool reserved;               /* limit is reservedConcurrency (throttles) */
    size_t n_provisioned;
    struct event *done_ev;       /* delivers finished invocations on the loop */
    struct inv_queue finished;
};

static void deliver(evutil_socket_t fd, short what, void *arg)
{
    struct pool *p = arg;
    (void)fd;
    (void)what;
    while (!TAILQ_EMPTY(&p->finished)) {
        struct invocation *inv = TAILQ_FIRST(&p->finished);
        TAILQ_REMOVE(&p->finished, inv, link);
        inv->done(inv, inv->done_arg);
    }
}

struct pool *pool_new(struct emu *e, const struct mf_function *fn)
{
    struct pool *p = xcalloc(1, sizeof(*p));
    p->emu = e;
    p->fn = fn;
    TAILQ_INIT(&p->queue);
    TAILQ_INIT(&p->finished);
    p->reserved = fn->reserved_concurrency >= 0;
    p->limit = p->reserved ? fn->reserved_concurrency : e->opts.max_concurrency;
    if (p->limit < 1 && !p->reserved)
        p->limit = 1;
    p->done_ev = event_new(e->base, -1, 0, deliver, p);
    return p;
}

const struct mf_function *pool_function(const struct pool *p)
{
    return p->fn;
}

/* Finished invocations are handed back from a fresh loop iteration, never
 * from inside the call that finished them. */
static void complete(struct pool *p, struct invocation *inv)
{
    TAILQ_INSERT_TAIL(&p->finished, inv, link);
    event_active(p->done_ev, 0, 0);
}

static struct worker *start_worker(struct pool *p, bool provisioned, struct fn_err *err)
{
    struct worker *w = wk_spawn(p->emu, p, provisioned, err);
    if (!w)
        return NULL;
    struct pool_worker *pw = xcalloc(1, sizeof(*pw));
    pw->w = w;
    pw->next = p->workers;
    p->workers = pw;
    p->n_workers++;
    return w;
}

static size_t queue_length(const struct pool *p)
{
    size_t n = 0;
    const struct invocation *inv;
    TAILQ_FOREACH(inv, &p->queue, link)
        n++;
    return n;
}

static size_t count_state(const struct pool *p, enum wk_state state)
{
    size_t n = 0;
    for (const struct pool_worker *pw = p->workers; pw; pw = pw->next)
        n += wk_state(pw->w) == state;
    return n;
}

/* Starts workers while more invocations wait than workers are starting,
 * and the limit allows. */
static void scale_up(struct pool *p)
{
    struct invocation *inv;
    /* a worker that just answered is about to ask for /next: count it in */
    while (queue_length(p) > count_state(p, WK_STARTING) + count_state(p, WK_RETURNING) &&
           (long)p->n_workers < p->limit) {
        struct fn_err err = FN_ERR_INIT;
        if (!start_worker(p, false, &err)) {
            /* nothing can run: fail what waits, with the reason */
            char line[FN_ERR_MSG_MAX * 2 + 8];
            fn_err_format(&err, line, sizeof(line));
            while (!TAILQ_EMPTY(&p->queue)) {
                inv = TAILQ_FIRST(&p->queue);
                TAILQ_REMOVE(&p->queue, inv, link);
                el_platform(p->emu, p->fn->key, inv, "fnctl: %s%s%s", line,
                            err.hint[0] ? "; hint: " : "", err.hint);
                inv_fail(inv, "Runtime.InvalidEntrypoint", "%s", err.msg);
                complete(p, inv);
            }
            return;
        }
    }
}

int pool_submit(struct pool *p, struct invocation *inv)
{
    inv->queued_us = emu_now_us();
    /* a warm worker takes it at once */
    for (struct pool_worker *pw = p->workers; pw; pw = pw->next) {
        if (wk_state(pw->w) == WK_IDLE && !wk_retiring(pw->w)) {
            wk_dispatch(pw->w, inv);
            return 0;
        }
    }
    /* Lambda throttles a synchronous call once the invocations in flight
     * (running, or waiting for a starting worker) fill the reserved
     * concurrency; asynchronous ones wait in the queue */
    if (p->reserved && inv->type == INV_REQUEST_RESPONSE &&
        (long)(count_state(p, WK_BUSY) + queue_length(p)) >= p->limit)
        return -1;
    TAILQ_INSERT_TAIL(&p->queue, inv, link);
    scale_up(p);
    return 0;
}

void pool_worker_ready(struct pool *p, struct worker *w)
{
    struct invocation *inv = TAILQ_FIRST(&p->queue);
    if (!inv)
        return;
    TAILQ_REMOVE(&p->queue, inv, link);
    wk_dispatch(w, inv);
}

void pool_invocation_done(struct pool *p, struct worker *w, struct invocation *inv)
{
    (void)w;
    complete(p, inv);
}

void pool_worker_init_failed(struct pool *p, struct worker *w, struct evbuffer *body,
                             const char *error_type, const char *message)
{
    struct invocation *inv = TAILQ_FIRST(&p->queue);
    (void)w;
    if (!inv) {
        el_platform(p->emu, p->fn->key, NULL, "INIT_REPORT Phase: init\tStatus: error\tError Type: %s",
                    error_type);
        return;
    }
    TAILQ_REMOVE(&p->queue, inv, link);
    el_start(p->emu, p->fn->key, inv);
    inv->started_us = inv->finished_us = emu_now_us();
    if (body) {
        evbuffer_drain(inv->response, evbuffer_get_length(inv->response));
        evbuffer_add_buffer(inv->response, body);
        inv->outcome = INV_FUNCTION_ERROR;
        snprintf(inv->error_type, sizeof(inv->error_type), "%s", error_type);
    } else {
        char msg[300];
        snprintf(msg, sizeof(msg), "RequestId: %s Error: %s", inv->request_id, message);
        el_platform(p->emu, p->fn->key, inv, "%s", msg);
        el_platform(p->emu, p->fn->key, inv, "%s", error_type);
        inv_fail(inv, error_type, "%s", msg);
    }
    el_end_report(p->emu, p->fn->key, inv, p->fn->memory);
    complete(p, inv);
}

void pool_worker_gone(struct pool *p, struct worker *w)
{
    struct pool_worker **pp = &p->workers;
    while (*pp && (*pp)->w != w)
        pp = &(*pp)->next;
    if (!*pp)
        return;
    struct pool_worker *dead = *pp;
    *pp = dead->next;
    free(dead);
    p->n_workers--;
    if (!p->emu->stopping)
        scale_up(p);
}

int pool_start_provisioned(struct pool *p, struct fn_err *err)
{
    for (long i = 0; i < p->fn->provisioned_concurrency; i++)
        if (!start_worker(p, true, err))
            return -1;
    p->n_provisioned = (size_t)p->fn->provisioned_concurrency;
    return 0;
}

void pool_retire(struct pool *p)
{
    for (struct pool_worker *pw = p->workers; pw; pw = pw->next)
        wk_retire(pw->w);
}

void pool_tick(struct pool *p, uint64_t now_us)
{
    uint64_t idle_us = (uint64_t)p->emu->opts.idle_seconds * 1000000u;
    size_t alive = p->n_workers;
    for (struct pool_worker *pw = p->workers; pw; pw = pw->next) {
        if (alive <= p->n_provisioned)
            break;
        if (wk_state(pw->w) == WK_IDLE && now_us - wk_idle_since(pw->w) > idle_us) {
            wk_kill(pw->w);
            alive--;
        }
    }
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    while (!TAILQ_EMPTY(&p->queue)) {
        struct invocation *inv = TAILQ_FIRST(&p->queue);
        TAILQ_REMOVE(&p->queue, inv, link);
        inv_fail(inv, "Runtime.ExitError", "the emulator is shutting down");
        inv->done(inv, inv->done_arg);
    }
    deliver(-1, 0, p);
    while (p->workers) {
        struct pool_worker *pw = p->workers;
        p->workers = pw->next;
        free(pw);
    }
    event_free(p->done_ev);
    free(p);
}
