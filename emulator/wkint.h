/* wkint: the worker's insides, shared by worker.c (the process, its log,
 * its deadlines) and rtapi.c (the Runtime API it talks to). */
#ifndef FN_WKINT_H
#define FN_WKINT_H

#include <event2/bufferevent.h>

#include "h1.h"
#include "worker.h"

struct worker {
    struct emu *emu;
    struct pool *pool;
    const struct mf_function *fn;
    enum wk_state state;
    pid_t pid;
    bool reaped;
    int exit_status; /* waitpid status */
    struct h1_server *http;          /* the Runtime API it talks to */
    int port;
    char uds[64];                    /* abstract socket for fnctl's own bootstraps */
    struct h1_conn *next_conn;       /* where a pending /next waits */
    struct invocation *inv;          /* the invocation running */
    bool responded;                  /* inv's outcome was posted */
    struct bufferevent *out, *err;   /* the process's stdout and stderr */
    struct evbuffer *pending[2];      /* their bytes not yet logged (a partial line) */
    uint64_t spawned_us;
    bool first_next_seen;
    double init_ms;
    unsigned long invocations;
    bool provisioned;
    struct evbuffer *init_error;     /* body of /runtime/init/error */
    char init_error_type[64];
    bool retire;
    bool killed;                     /* by fnctl: timeout, memory, retire, shutdown */
    bool out_of_memory;
    struct event *deadline;
    struct event *mem_timer;
    long hwm_kb;
    int status_fd;                   /* /proc/<pid>/status, opened once; -1 */
    uint64_t sampled_us;             /* when hwm_kb was last read */
    uint64_t idle_since;
    struct worker *next_all;         /* emu->workers */
};

/* The running invocation has its outcome: log END/REPORT, hand it back. */
void wk_finish(struct worker *w);
/* Fails the running invocation (unless it already has an outcome). */
void wk_fail_running(struct worker *w, const char *type, const char *message);
/* Reads the worker's peak memory (VmHWM) into hwm_kb; unless `force`, not
 * again within WK_SAMPLE_MIN_US of the last read. Returns its RSS in kB
 * (-1 when unknown). */
long wk_sample_memory(struct worker *w, bool force);
/* The Runtime API's request handler (h1 callback; arg is the worker). */
void wk_runtime_api(struct h1_conn *c, const struct h1_request *req, void *arg);

#endif
