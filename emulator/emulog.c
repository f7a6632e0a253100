#include "emulog.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "term.h"
#include "banned.h"

void el_iso_time(char *out, size_t size)
{
    int64_t ms = emu_epoch_ms();
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, size - n, ".%03dZ", (int)(ms % 1000));
}

static void emit(struct emu *e, const char *function, struct invocation *inv, const char *type,
                 const char *line, size_t len)
{
    FILE *out = e->opts.log_out;
    if (inv)
        inv_tail_add(inv, line, len);
    if (!out)
        return;
    if (e->opts.log_format == EMU_LOG_JSON) {
        char when[40];
        el_iso_time(when, sizeof(when));
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s%}", "time", when, "function", function,
                              "requestId", inv ? inv->request_id : NULL, "type", type, "message",
                              line, len);
        fj_print(out, o, false);
        json_decref(o);
        return;
    }
    bool color = e->opts.color;
    bool platform = type[0] == 'p';
    struct buf text = BUF_INIT;
    buf_addf(&text, "%s[%s]%s %s", term_sgr(color, TERM_CYAN), function,
             term_sgr(color, TERM_RESET), platform ? term_sgr(color, TERM_DIM) : "");
    size_t start = text.len;
    buf_add(&text, line, len);
    /* '\r' separates the lines of one multi-line message */
    for (char *p = text.data + start; (p = memchr(p, '\r', text.len - (size_t)(p - text.data)));)
        *p++ = '\n';
    buf_addf(&text, "%s\n", platform ? term_sgr(color, TERM_RESET) : "");
    /* one write per line: stderr is unbuffered */
    fwrite(text.data, 1, text.len, out);
    buf_release(&text);
}

void el_function(struct emu *e, const char *function, struct invocation *inv, const char *line,
                 size_t len)
{
    emit(e, function, inv, "function", line, len);
}

void el_platform(struct emu *e, const char *function, struct invocation *inv, const char *fmt,
                 ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    emit(e, function, inv, "platform", line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void el_start(struct emu *e, const char *function, struct invocation *inv)
{
    el_platform(e, function, inv, "START RequestId: %s Version: $LATEST", inv->request_id);
}

void el_end_report(struct emu *e, const char *function, struct invocation *inv, long memory_mb)
{
    double duration = (double)(inv->finished_us - inv->started_us) / 1000.0;
    char init[64] = "";
    char status[128] = "";
    double billed = ceil(duration);

    if (inv->init_ms >= 0) {
        snprintf(init, sizeof(init), "Init Duration: %.2f ms\t", inv->init_ms);
        billed = ceil(duration + inv->init_ms); /* Lambda bills the init phase too */
    }
    if (inv->timed_out)
        snprintf(status, sizeof(status), "Status: timeout\t");
    else if (inv->error_type[0] && strncmp(inv->error_type, "Runtime.", 8) == 0)
        snprintf(status, sizeof(status), "Status: error\tError Type: %s\t", inv->error_type);
    el_platform(e, function, inv, "END RequestId: %s", inv->request_id);
    el_platform(e, function, inv,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\t"
                "Memory Size: %ld MB\tMax Memory Used: %ld MB\t%s%s",
                inv->request_id, duration, billed < 1 ? 1 : billed, memory_mb,
                inv->max_memory_mb, init, status);
}
