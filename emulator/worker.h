/* worker: one execution environment: a process running one function's
 * runtime, and the Lambda Runtime API it talks to, on a loopback port of
 * its own (so fnctl knows which worker asks).
 *
 * The Runtime API is served as AWS serves it (2018-06-01): GET
 * /runtime/invocation/next long-polls for an event; POST
 * /runtime/invocation/{id}/response and /error end it; POST
 * /runtime/init/error reports a failed start. Status codes and error bodies
 * are the Runtime Interface Emulator's.
 *
 * The worker enforces the invocation's deadline (the process group is
 * killed, the invocation fails with Lambda's "Task timed out after N.NN
 * seconds") and its memory size (sampled from /proc; over it, the process
 * is killed: Runtime.OutOfMemory). Its stdout and stderr go to the log line
 * by line. A worker is freed only once its process is reaped and its pipes
 * are closed. */
#ifndef FN_WORKER_H
#define FN_WORKER_H

#include <stdbool.h>
#include <sys/types.h>

#include "emu.h"
#include "invoke.h"

enum wk_state {
    WK_STARTING, /* spawned; no /next yet */
    WK_IDLE,     /* waiting on /next */
    WK_BUSY,     /* running an invocation */
    WK_RETURNING, /* its outcome is in; it has not asked for /next yet */
    WK_DEAD,     /* killed or exited; waiting to be reaped */
};

struct pool;

/* Starts a worker for pool's function. provisioned: Lambda's
 * AWS_LAMBDA_INITIALIZATION_TYPE is "provisioned-concurrency". */
struct worker *wk_spawn(struct emu *e, struct pool *p, bool provisioned, struct fn_err *err);

enum wk_state wk_state(const struct worker *w);
bool wk_retiring(const struct worker *w);
uint64_t wk_idle_since(const struct worker *w);

/* Hands inv to an idle worker (answers its pending /next). */
void wk_dispatch(struct worker *w, struct invocation *inv);

/* Stops the worker: kills its process group. A running invocation then
 * fails as Lambda reports a runtime that exited. */
void wk_kill(struct worker *w);
/* Stop after the current invocation (or now when idle). */
void wk_retire(struct worker *w);

/* SIGCHLD: reaps exited children and handles their deaths. */
void wk_reap(struct emu *e);
/* Kills every worker and waits for them (shutdown); running invocations
 * fail. Then wk_free_all() releases them. */
void wk_kill_all(struct emu *e);
void wk_free_all(struct emu *e);

#endif
