/* log: levelled, optionally coloured diagnostic output.
 *
 * A struct fn_log is owned by whoever runs the show (main, or the emulator's
 * loop context) and passed down; library modules never print. */
#ifndef FN_LOG_H
#define FN_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"

enum fn_log_level {
    FN_LOG_QUIET = 0, /* errors only */
    FN_LOG_INFO = 1,  /* default: warnings and progress */
    FN_LOG_DEBUG = 2, /* -v */
};

struct fn_log {
    FILE *out;
    enum fn_log_level level;
    bool color;
};

/* Sets out, level and colour (decided from out's file descriptor). */
void fn_log_init(struct fn_log *log, FILE *out, enum fn_log_level level);

/* "fnctl: warning: <msg>", shown at FN_LOG_INFO and above. */
void fn_log_warn(const struct fn_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A located warning in the same shape as an error (file:line:col, hint). */
void fn_log_warn_err(const struct fn_log *log, const struct fn_err *warning);
/* A plain progress line, shown at FN_LOG_INFO and above. */
void fn_log_info(const struct fn_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Shown only with -v. */
void fn_log_debug(const struct fn_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
