#include "invoke.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "json.h"
#include "xalloc.h"
#include "banned.h"

void inv_random(void *out, size_t n)
{
    /* getrandom on Linux does not fail for small sizes once booted */
    if (getrandom(out, n, 0) != (ssize_t)n)
        for (size_t i = 0; i < n; i++)
            ((unsigned char *)out)[i] = (unsigned char)rand();
}

void inv_uuid(char out[37])
{
    unsigned char r[16];
    inv_random(r, sizeof(r));
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* variant 10 */
    /* by hand: this runs for every request, and snprintf of 16 fields cost
     * 2% of the gateway's time */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < sizeof(r); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 0x0f];
    }
    out[o] = '\0';
}

struct invocation *inv_new(enum inv_type type)
{
    struct invocation *inv = xcalloc(1, sizeof(*inv));
    inv_uuid(inv->request_id);
    inv->type = type;
    inv->event = evbuffer_new();
    inv->response = evbuffer_new();
    inv->init_ms = -1;
    if (!inv->event || !inv->response)
        FN_BUG("evbuffer_new failed");
    return inv;
}

void inv_free(struct invocation *inv)
{
    if (!inv)
        return;
    evbuffer_free(inv->event);
    evbuffer_free(inv->response);
    free(inv->client_context);
    buf_release(&inv->tail);
    free(inv);
}

void inv_fail(struct invocation *inv, const char *type, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);

    json_t *err = json_object();
    if (type)
        json_object_set_new(err, "errorType", json_string(type));
    json_object_set_new(err, "errorMessage", json_string(message));
    struct buf body = BUF_INIT;
    fj_dump(err, &body);
    json_decref(err);
    evbuffer_drain(inv->response, evbuffer_get_length(inv->response));
    evbuffer_add(inv->response, body.data, body.len);
    buf_release(&body);
    inv->outcome = INV_FUNCTION_ERROR;
    snprintf(inv->error_type, sizeof(inv->error_type), "%s", type ? type : "");
}

void inv_tail_add(struct invocation *inv, const char *line, size_t len)
{
    if (!inv->want_tail)
        return;
    buf_add(&inv->tail, line, len);
    buf_addch(&inv->tail, '\n');
    if (inv->tail.len > 2 * INV_TAIL_BYTES) {
        /* keep the last INV_TAIL_BYTES; trimming in halves keeps it O(n) */
        size_t cut = inv->tail.len - INV_TAIL_BYTES;
        memmove(inv->tail.data, inv->tail.data + cut, INV_TAIL_BYTES);
        buf_truncate(&inv->tail, INV_TAIL_BYTES);
    }
}
