/* emu: the emulator's one event loop and everything hung on it.
 *
 * One process, one thread, one libevent base: HTTP listeners, worker
 * processes' pipes and Runtime API servers, timers (invocation deadlines,
 * idle reaping), SIGCHLD, SIGINT/SIGTERM. No locks. struct emu is the loop's
 * context: the only mutable state outside main, passed to every callback.
 *
 *     struct emu *e;
 *     emu_new(&opts, manifest, &e, &err);
 *     emu_listen(e, &err);        // `fnctl start`: the aws port
 *     emu_run(e);                 // until emu_stop() or a signal
 *     emu_free(e);                // workers killed and reaped first
 */
#ifndef FN_EMU_H
#define FN_EMU_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "log.h"
#include "manifest.h"

struct pool;
struct worker;
struct h1_server;
struct async_ctx;

enum emu_log_format { EMU_LOG_TEXT, EMU_LOG_JSON };

struct emu_opts {
    const char *host;     /* listeners' address; default 127.0.0.1 */
    int aws_port;         /* 0: ephemeral; -1: no aws listener (fnctl invoke) */
    enum emu_log_format log_format;
    FILE *log_out;        /* where function logs go (stderr) */
    bool color;           /* colour the log (a terminal without NO_COLOR) */
    int max_concurrency;  /* local cap per function when reservedConcurrency is unset;
                             0: $FNCTL_MAX_CONCURRENCY, else twice the cores (at least 4) */
    int idle_seconds;     /* a warm worker idle this long is stopped */
};

struct emu {
    struct event_base *base;
    struct emu_opts opts;
    const struct manifest *manifest; /* borrowed; outlives the emu */
    struct pool **pools;             /* one per function, in manifest order */
    size_t n_pools;
    char *runtime_dir;               /* extracted bootstraps */
    char aws_endpoint[128];          /* http://127.0.0.1:<aws port> */
    struct h1_server *aws_http;      /* the aws port: Lambda Invoke API (S3, SQS later) */
    struct gateway *gateway;         /* the API Gateway port, or NULL */
    struct pool **old_pools;         /* pools of replaced manifests, draining */
    size_t n_old_pools;
    struct manifest **owned;         /* manifests loaded by hot reload (the emu frees them) */
    size_t n_owned;
    int aws_port;                    /* the bound port */
    struct worker *workers;          /* every live worker, for SIGCHLD */
    struct async_ctx *retrying;      /* Event invocations waiting to retry (lambda_api.c) */
    struct event *sig_int, *sig_term, *sig_chld, *tick;
    bool stopping;
    int exit_code;
    struct fn_log log;               /* fnctl's own messages */
};

int emu_new(const struct emu_opts *opts, const struct manifest *m, struct emu **out,
            struct fn_err *err);
/* Binds the aws port (opts.aws_port) and serves the Lambda Invoke API. */
int emu_listen(struct emu *e, struct fn_err *err);
/* Starts every function's provisionedConcurrency workers. */
int emu_start_provisioned(struct emu *e, struct fn_err *err);

/* Runs the loop until emu_stop() or SIGINT/SIGTERM. */
int emu_run(struct emu *e);
/* Ends the loop soon (from a callback): workers are stopped first. */
void emu_stop(struct emu *e, int exit_code);
void emu_free(struct emu *e);

/* Hot reload: every warm worker stops after its current invocation, so the
 * next invocation runs the new code. */
void emu_retire_workers(struct emu *e);

/* Hot reload of the manifest: new pools and routes for m (the emu takes
 * ownership); the old pools drain and their workers stop. */
void emu_swap_manifest(struct emu *e, struct manifest *m);

/* The pool of the function with this key or deployed name, or NULL. */
struct pool *emu_pool(struct emu *e, const char *name);

/* Microseconds on the monotonic clock. */
uint64_t emu_now_us(void);
/* Milliseconds since the Unix epoch (for Deadline-Ms and log timestamps). */
int64_t emu_epoch_ms(void);

#endif
