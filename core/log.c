#include "log.h"

#include <stdarg.h>
#include <unistd.h>

#include "term.h"
#include "banned.h"

void fn_log_init(struct fn_log *log, FILE *out, enum fn_log_level level)
{
    log->out = out;
    log->level = level;
    log->color = term_use_color(fileno(out));
}

static void log_line(const struct fn_log *log, const char *prefix, enum term_sgr sgr,
                     const char *fmt, va_list ap)
{
    if (prefix)
        fprintf(log->out, "%s%s%s", term_sgr(log->color, sgr), prefix,
                term_sgr(log->color, TERM_RESET));
    vfprintf(log->out, fmt, ap);
    fputc('\n', log->out);
}

void fn_log_warn(const struct fn_log *log, const char *fmt, ...)
{
    va_list ap;
    if (log->level < FN_LOG_INFO)
        return;
    va_start(ap, fmt);
    log_line(log, "fnctl: warning: ", TERM_YELLOW_BOLD, fmt, ap);
    va_end(ap);
}

void fn_log_warn_err(const struct fn_log *log, const struct fn_err *warning)
{
    char line[FN_ERR_FILE_MAX + 2 * FN_ERR_MSG_MAX];
    if (log->level < FN_LOG_INFO)
        return;
    fn_err_format(warning, line, sizeof(line));
    fn_log_warn(log, "%s", line);
    if (warning->hint[0])
        fprintf(log->out, "  %shint:%s %s\n", term_sgr(log->color, TERM_CYAN),
                term_sgr(log->color, TERM_RESET), warning->hint);
}

void fn_log_info(const struct fn_log *log, const char *fmt, ...)
{
    va_list ap;
    if (log->level < FN_LOG_INFO)
        return;
    va_start(ap, fmt);
    log_line(log, NULL, TERM_RESET, fmt, ap);
    va_end(ap);
}

void fn_log_debug(const struct fn_log *log, const char *fmt, ...)
{
    va_list ap;
    if (log->level < FN_LOG_DEBUG)
        return;
    va_start(ap, fmt);
    log_line(log, "fnctl: debug: ", TERM_DIM, fmt, ap);
    va_end(ap);
}

