/* invoke: one invocation of a function, from the moment it is queued to
 * its outcome, and the errors Lambda reports in Lambda's own words.
 *
 * The event and the response are evbuffers so that a payload moves from
 * the HTTP request to the worker's /next reply, and from the worker's
 * /response to the caller, without being copied. */
#ifndef FN_INVOKE_H
#define FN_INVOKE_H

#include <event2/buffer.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "buf.h"

/* Lambda's payload limits. */
#define INV_MAX_SYNC_REQUEST 6291456      /* "Request must be smaller than 6291456 bytes" */
#define INV_MAX_ASYNC_REQUEST 262144      /* Event invocations */
#define INV_MAX_RESPONSE 6291556          /* the Runtime API's limit (6 MiB + 100) */
#define INV_TAIL_BYTES 4096               /* X-Amz-Log-Result: the last 4 KB */

enum inv_type { INV_REQUEST_RESPONSE, INV_EVENT };

enum inv_outcome {
    INV_PENDING,
    INV_SUCCESS,
    INV_FUNCTION_ERROR, /* X-Amz-Function-Error: Unhandled; response holds the error JSON */
};

struct pool;
struct worker;
struct invocation;

typedef void (*inv_done_fn)(struct invocation *inv, void *arg);

struct invocation {
    char request_id[37];
    enum inv_type type;
    struct evbuffer *event;     /* what /next returns */
    char *client_context;       /* decoded X-Amz-Client-Context JSON, or NULL */
    char trace_id[128];
    bool want_tail;             /* keep the log for X-Amz-Log-Result */
    struct buf tail;            /* the invocation's log (only when want_tail) */

    enum inv_outcome outcome;
    struct evbuffer *response;  /* the function's response or the error JSON */
    char error_type[64];        /* Runtime.ExitError, ... ("" when none) */
    bool timed_out;

    uint64_t queued_us, started_us, finished_us;
    int64_t deadline_ms;        /* epoch ms */
    double init_ms;             /* Init Duration of the cold start it waited for; < 0: warm */
    long max_memory_mb;

    inv_done_fn done;           /* called once, on the loop, with the outcome */
    void *done_arg;
    struct worker *worker;      /* while running */
    int attempt;                /* async: 0, then the retries */
    TAILQ_ENTRY(invocation) link;
};

TAILQ_HEAD(inv_queue, invocation);

/* A new invocation with a fresh request id (UUID v4) and empty buffers. */
struct invocation *inv_new(enum inv_type type);
void inv_free(struct invocation *inv);

/* Sets the outcome to a function error whose payload is
 * {"errorType": type, "errorMessage": message} (type NULL: no errorType). */
void inv_fail(struct invocation *inv, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends a log line to the invocation's tail (no-op unless want_tail),
 * keeping only the last INV_TAIL_BYTES. */
void inv_tail_add(struct invocation *inv, const char *line, size_t len);

/* Fills out with n random bytes (ids that must look unique, not be
 * secret: getrandom, or rand() on the rare short read). */
void inv_random(void *out, size_t n);

/* Writes a random UUID v4 (36 chars + NUL) into out. */
void inv_uuid(char out[37]);

#endif
