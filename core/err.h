/* err: the error value every fallible fnctl function fills.
 *
 * Functions return 0 on success or -1 on failure and fill a caller-provided
 * struct fn_err. The error owns no heap memory (fixed buffers), so it needs no
 * release and can be filled on any path, including out of a failed allocation
 * check. Only cli/ prints errors and chooses exit codes.
 *
 *     struct fn_err err = FN_ERR_INIT;
 *     if (mf_load(path, &opts, &m, &err) < 0)
 *         fn_err_print(&err, stderr, color);
 */
#ifndef FN_ERR_H
#define FN_ERR_H

#include <stdbool.h>
#include <stdio.h>

#define FN_ERR_MSG_MAX 512
#define FN_ERR_FILE_MAX 256

struct fn_err {
    char msg[FN_ERR_MSG_MAX];  /* what is wrong: lowercase, no final full stop */
    char hint[FN_ERR_MSG_MAX]; /* what to do about it; may be empty */
    char file[FN_ERR_FILE_MAX]; /* where, when there is a file; may be empty */
    int line, col;              /* 1-based; 0 when unknown */
};

#define FN_ERR_INIT { "", "", "", 0, 0 }

void fn_err_clear(struct fn_err *err);

/* Sets the message (printf-style) and clears hint and location. Returns -1,
 * so that `return fn_err_set(err, ...);` reads as the failure it is. A NULL
 * err is allowed: the message is dropped. */
int fn_err_set(struct fn_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the hint; keeps message and location. Returns -1. */
int fn_err_hint(struct fn_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the location; keeps message and hint. Returns -1. */
int fn_err_at(struct fn_err *err, const char *file, int line, int col);

/* Sets the message from errno: "<what>: <strerror(errnum)>". Returns -1. */
int fn_err_errno(struct fn_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool fn_err_is_set(const struct fn_err *err);

/* Formats "file:line:col: msg" (location parts only when known) into out. */
void fn_err_format(const struct fn_err *err, char *out, size_t size);

/* Prints the error as the CLI shows it:
 *     fnctl: serverless.yml:14:7: unknown event type 'htttp'
 *       hint: did you mean 'http'? */
void fn_err_print(const struct fn_err *err, FILE *out, bool color);

#endif
