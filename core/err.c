#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "term.h"
#include "banned.h"

void fn_err_clear(struct fn_err *err)
{
    if (!err)
        return;
    err->msg[0] = err->hint[0] = err->file[0] = '\0';
    err->line = err->col = 0;
}

int fn_err_set(struct fn_err *err, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return -1;
    fn_err_clear(err);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int fn_err_hint(struct fn_err *err, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
    va_end(ap);
    return -1;
}

int fn_err_at(struct fn_err *err, const char *file, int line, int col)
{
    if (!err)
        return -1;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->col = col;
    return -1;
}

int fn_err_errno(struct fn_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    char what[FN_ERR_MSG_MAX];
    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return fn_err_set(err, "%s: %s", what, strerror(errnum));
}

bool fn_err_is_set(const struct fn_err *err)
{
    return err && err->msg[0];
}

void fn_err_format(const struct fn_err *err, char *out, size_t size)
{
    if (err->file[0] && err->line > 0 && err->col > 0)
        snprintf(out, size, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    else if (err->file[0] && err->line > 0)
        snprintf(out, size, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(out, size, "%s: %s", err->file, err->msg);
    else
        snprintf(out, size, "%s", err->msg);
}

void fn_err_print(const struct fn_err *err, FILE *out, bool color)
{
    char line[FN_ERR_FILE_MAX + 2 * FN_ERR_MSG_MAX];
    fn_err_format(err, line, sizeof(line));
    fprintf(out, "%sfnctl:%s %s\n", term_sgr(color, TERM_RED_BOLD), term_sgr(color, TERM_RESET), line);
    if (err->hint[0])
        fprintf(out, "  %shint:%s %s\n", term_sgr(color, TERM_CYAN), term_sgr(color, TERM_RESET),
                err->hint);
}

