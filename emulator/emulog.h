/* emulog: the functions' log as CloudWatch shows it, on fnctl's stderr.
 *
 * Text: every line prefixed with the function's name (coloured on a
 * terminal): "[books] START RequestId: ... Version: $LATEST". JSON
 * (--log-format json): one object per line with time, function, requestId,
 * type ("platform" or "function") and message, for machines.
 * Lines of an invocation that asked for its log (X-Amz-Log-Result) are also
 * kept in that invocation's tail, without the prefix. */
#ifndef FN_EMULOG_H
#define FN_EMULOG_H

#include <stddef.h>

#include "emu.h"
#include "invoke.h"

/* The time now as CloudWatch writes it: 2024-01-01T12:00:00.000Z. */
void el_iso_time(char *out, size_t size);

/* A line the function printed (runtime or user code). inv may be NULL
 * (output between invocations). The runtimes write multi-line messages
 * with '\r' between lines, as on Lambda; they are shown as new lines. */
void el_function(struct emu *e, const char *function, struct invocation *inv, const char *line,
                 size_t len);

/* A platform line (START, END, REPORT, timeouts, crashes). */
void el_platform(struct emu *e, const char *function, struct invocation *inv, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/* Lambda's three lines around an invocation. */
void el_start(struct emu *e, const char *function, struct invocation *inv);
void el_end_report(struct emu *e, const char *function, struct invocation *inv, long memory_mb);

#endif
