/* pool: the execution environments of one function, and its queue.
 *
 * An invocation is queued on its function's pool. A warm worker waiting on
 * /next takes it at once; otherwise a new worker starts (a cold start)
 * unless the function is at its concurrency limit: reservedConcurrency when
 * set (a synchronous invocation over it is throttled, as Lambda does), else
 * a local cap (the invocation waits). Idle workers are stopped after a
 * while; provisionedConcurrency workers start with the pool and stay. */
#ifndef FN_POOL_H
#define FN_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "emu.h"
#include "invoke.h"

struct worker;

struct pool *pool_new(struct emu *e, const struct mf_function *fn);
/* Kills every worker (their invocations fail) and frees the pool. */
void pool_free(struct pool *p);

const struct mf_function *pool_function(const struct pool *p);

/* Queues inv. Returns -1 when a synchronous invocation is throttled by
 * reservedConcurrency (inv is untouched and still the caller's); otherwise
 * the pool owns inv until inv->done runs (always later, on the loop). */
int pool_submit(struct pool *p, struct invocation *inv);

/* Starts the provisioned workers. */
int pool_start_provisioned(struct pool *p, struct fn_err *err);

/* Hot reload: warm workers stop after their current invocation. */
void pool_retire(struct pool *p);

/* Housekeeping from the emulator's tick: stop workers idle too long. */
void pool_tick(struct pool *p, uint64_t now_us);

/* --- called by worker.c --- */

/* w asked for /next: give it the queue's head, or let it idle. */
void pool_worker_ready(struct pool *p, struct worker *w);
/* w's invocation ended (its outcome is set): report it and move on. */
void pool_invocation_done(struct pool *p, struct worker *w, struct invocation *inv);
/* w died before its first /next: fail one queued invocation with the init
 * error (body, or a Runtime.ExitError message). */
void pool_worker_init_failed(struct pool *p, struct worker *w, struct evbuffer *body,
                             const char *error_type, const char *message);
/* w is gone: forget it, start replacements for waiting invocations. */
void pool_worker_gone(struct pool *p, struct worker *w);

#endif
