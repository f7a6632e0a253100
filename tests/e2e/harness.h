/* harness: run the real fnctl binary (or any program) from a test.
 *
 * Every process a test starts is waited for; on timeout it is killed by PID,
 * so no test leaves anything running. */
#ifndef FN_E2E_HARNESS_H
#define FN_E2E_HARNESS_H

#include <stdbool.h>

#include "buf.h"

struct e2e_result {
    int status;      /* exit code; 128 + signal number when killed by a signal */
    int signal;      /* 0 unless killed by a signal */
    bool timed_out;  /* killed by the harness after timeout_ms */
    struct buf out;  /* stdout */
    struct buf err;  /* stderr */
};

struct e2e_opts {
    const char *cwd;        /* NULL: the test's own */
    const char *const *env; /* extra "NAME=value" entries (NULL-terminated), or NULL */
    const char *input;      /* written to stdin, then closed; NULL: empty stdin */
    int timeout_ms;         /* 0: 30000 */
};

/* Runs argv[0] (a path) with argv and fills r (release with e2e_release).
 * Returns 0, or -1 if the program could not be started at all. */
int e2e_run(struct e2e_result *r, const struct e2e_opts *opts, const char *const *argv);

/* Runs the fnctl under test: e2e_fnctl(&r, &opts, "validate", "--print", NULL). */
int e2e_fnctl(struct e2e_result *r, const struct e2e_opts *opts, ...);

void e2e_release(struct e2e_result *r);

/* A new empty directory under $TMPDIR (or /tmp); the caller frees the path
 * and removes the tree with e2e_rmrf. */
char *e2e_tmpdir(void);
void e2e_rmrf(const char *path);
/* Writes content to dir/name, creating parent directories. */
void e2e_write(const char *dir, const char *name, const char *content);

#endif
