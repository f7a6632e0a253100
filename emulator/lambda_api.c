#include "lambda_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdarg.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "b64.h"
#include "buf.h"
#include "emulog.h"
#include "h1.h"
#include "invoke.h"
#include "pool.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

#define LAPI_PREFIX "/2015-03-31/functions/"

/* A synchronous Invoke waiting for its function. */
struct pending {
    struct h1_conn *conn; /* NULL once the caller hung up */
};

/* An Event invocation, across its attempts (the invocation's done_arg). */
struct async_ctx {
    struct emu *e;
    struct pool *pool;
    struct event *retry;         /* waits between attempts */
    struct invocation *inv;      /* while it waits */
    struct async_ctx *prev, *next; /* e->retrying, while it waits */
};

static void unlink_waiting(struct async_ctx *ac)
{
    if (ac->prev)
        ac->prev->next = ac->next;
    else if (ac->e->retrying == ac)
        ac->e->retrying = ac->next;
    if (ac->next)
        ac->next->prev = ac->prev;
    ac->prev = ac->next = NULL;
    ac->inv = NULL;
}

static void send_error(struct h1_conn *req, int code, const char *reason,
                       const char *error_type, const char *body_fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void send_error(struct h1_conn *req, int code, const char *reason,
                       const char *error_type, const char *body_fmt, ...)
{
    struct buf body = BUF_INIT;
    char id[37];
    va_list ap;
    inv_uuid(id);
    struct h1_header h[] = { H1_HEADER("Content-Type", "application/json"), H1_HEADER("x-amzn-RequestId", id),
                             H1_HEADER("x-amzn-ErrorType", error_type) };
    va_start(ap, body_fmt);
    buf_vaddf(&body, body_fmt, ap);
    va_end(ap);
    h1_reply(req, code, reason, h, 3, body.data, body.len, NULL);
    buf_release(&body);
}

/* JSON-escapes s into out (without quotes). */
static void json_escape(struct buf *out, const char *s)
{
    json_t *str = json_string(s);
    char *dumped = json_dumps(str, JSON_ENCODE_ANY);
    if (dumped) {
        buf_add(out, dumped + 1, strlen(dumped) - 2);
        free(dumped);
    }
    json_decref(str);
}

static void not_found(struct emu *e, struct h1_conn *req, const char *name,
                      const char *qualifier)
{
    struct buf msg = BUF_INIT;
    buf_addf(&msg, "Function not found: arn:aws:lambda:%s:%s:function:%s:%s", e->manifest->region,
             MF_ACCOUNT_ID, name, qualifier);
    struct buf esc = BUF_INIT;
    json_escape(&esc, buf_cstr(&msg));
    send_error(req, 404, "Not Found", "ResourceNotFoundException",
               "{\"Type\":\"User\",\"Message\":\"%s\"}", buf_cstr(&esc));
    buf_release(&msg);
    buf_release(&esc);
}

/* Function name forms: name, name:qualifier, a full or partial ARN. */
static void split_name(const char *raw, char *name, size_t nsize, char *qualifier, size_t qsize)
{
    const char *p = raw;
    const char *fn = strstr(raw, "function:");
    if (fn)
        p = fn + 9;
    const char *colon = strchr(p, ':');
    snprintf(name, nsize, "%.*s", (int)(colon ? (size_t)(colon - p) : strlen(p)), p);
    snprintf(qualifier, qsize, "%s", colon ? colon + 1 : "");
}

static void on_caller_gone(struct h1_conn *conn, void *arg)
{
    struct pending *pd = arg;
    (void)conn;
    pd->conn = NULL;
}

static void sync_done(struct invocation *inv, void *arg)
{
    struct pending *pd = arg;

    if (pd->conn) {
        struct h1_header h[5] = { H1_HEADER("Content-Type", "application/json"),
                                  H1_HEADER("x-amzn-RequestId", inv->request_id),
                                  H1_HEADER("X-Amz-Executed-Version", "$LATEST") };
        size_t n = 3;
        struct buf enc = BUF_INIT;
        h1_on_close(pd->conn, NULL, NULL);
        if (inv->outcome == INV_FUNCTION_ERROR)
            h[n++] = H1_HEADER("X-Amz-Function-Error", "Unhandled");
        if (inv->want_tail) {
            size_t len = inv->tail.len, from = len > INV_TAIL_BYTES ? len - INV_TAIL_BYTES : 0;
            b64_encode(inv->tail.data ? inv->tail.data + from : "", len - from, &enc);
            h[n++] = H1_HEADER("X-Amz-Log-Result", buf_cstr(&enc));
        }
        h1_reply(pd->conn, 200, "OK", h, n, NULL, 0, inv->response);
        buf_release(&enc);
    }
    free(pd);
    inv_free(inv);
}


static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    struct invocation *inv = arg;
    struct async_ctx *ac = inv->done_arg;
    (void)fd;
    (void)what;
    unlink_waiting(ac);
    /* a fresh outcome for the next attempt; the request id stays */
    inv->outcome = INV_PENDING;
    inv->error_type[0] = '\0';
    inv->timed_out = false;
    inv->init_ms = -1;
    evbuffer_drain(inv->response, evbuffer_get_length(inv->response));
    pool_submit(ac->pool, inv);
}

void lapi_drop_retries(struct emu *e)
{
    while (e->retrying) {
        struct async_ctx *ac = e->retrying;
        struct invocation *inv = ac->inv;
        unlink_waiting(ac);
        event_free(ac->retry);
        free(ac);
        inv_free(inv);
    }
}

int lapi_retry_delay(int attempt)
{
    const char *s = getenv("FNCTL_ASYNC_RETRY_SECONDS");
    long v;
    if (s && tx_parse_long(s, 0, 3600, &v))
        return (int)v;
    return attempt == 1 ? 60 : 120;
}

static void event_done(struct invocation *inv, void *arg)
{
    struct async_ctx *ac = arg;
    const struct mf_function *fn = pool_function(ac->pool);

    if (inv->outcome == INV_FUNCTION_ERROR && inv->attempt < fn->max_retry && !ac->e->stopping) {
        inv->attempt++;
        int delay = lapi_retry_delay(inv->attempt);
        el_platform(ac->e, fn->key, inv,
                    "fnctl: asynchronous invocation %s failed; retry %d of %ld in %d s",
                    inv->request_id, inv->attempt, fn->max_retry, delay);
        if (!ac->retry)
            ac->retry = evtimer_new(ac->e->base, on_retry, inv);
        struct timeval tv = { delay, 0 };
        evtimer_add(ac->retry, &tv);
        ac->inv = inv;
        ac->next = ac->e->retrying;
        if (ac->next)
            ac->next->prev = ac;
        ac->e->retrying = ac;
        return;
    }
    if (inv->outcome == INV_FUNCTION_ERROR) {
        const char *dest = fn->on_failure ? fn->on_failure : fn->on_error;
        el_platform(ac->e, fn->key, inv,
                    "fnctl: asynchronous invocation %s failed after %d attempts%s%s", inv->request_id,
                    inv->attempt + 1, dest ? "; on-failure destination: " : "",
                    dest ? dest : "");
    }
    if (ac->retry)
        event_free(ac->retry);
    free(ac);
    inv_free(inv);
}

static void handle_invoke(struct emu *e, struct h1_conn *req, const struct h1_request *r,
                          const char *raw_name, const char *query)
{
    size_t len = r->body_len;
    const char *type = h1_header(r, "X-Amz-Invocation-Type", NULL);
    const char *log_type = h1_header(r, "X-Amz-Log-Type", NULL);
    const char *client_context = h1_header(r, "X-Amz-Client-Context", NULL);
    const char *trace = h1_header(r, "X-Amzn-Trace-Id", NULL);
    char name[256], qualifier[160];

    split_name(raw_name, name, sizeof(name), qualifier, sizeof(qualifier));
    if (query) {
        const char *q = strstr(query, "Qualifier=");
        if (q && !qualifier[0]) {
            struct buf dq = BUF_INIT;
            tx_url_decode(q + 10, strcspn(q + 10, "&"), true, &dq);
            snprintf(qualifier, sizeof(qualifier), "%s", buf_cstr(&dq));
            buf_release(&dq);
        }
    }
    struct pool *p = emu_pool(e, name);
    if (!p || (qualifier[0] && strcmp(qualifier, "$LATEST") != 0)) {
        not_found(e, req, name, qualifier[0] ? qualifier : "$LATEST");
        return;
    }
    if (!type || !*type)
        type = "RequestResponse";
    bool event = !strcmp(type, "Event");
    if (!event && strcmp(type, "RequestResponse") && strcmp(type, "DryRun")) {
        send_error(req, 400, "Bad Request", "InvalidParameterValueException",
                   "{\"Type\":\"User\",\"message\":\"1 validation error detected: Value '%s' at "
                   "'invocationType' failed to satisfy constraint: Member must satisfy enum value "
                   "set: [Event, RequestResponse, DryRun]\"}",
                   type);
        return;
    }
    if (!event && len > INV_MAX_SYNC_REQUEST) {
        send_error(req, 413, "Request Entity Too Large", "RequestEntityTooLargeException",
                   "{\"Type\":\"User\",\"message\":\"Request must be smaller than 6291456 bytes "
                   "for the InvokeFunction operation\"}");
        return;
    }
    if (event && len > INV_MAX_ASYNC_REQUEST) {
        send_error(req, 413, "Request Entity Too Large", "RequestEntityTooLargeException",
                   "{\"Type\":\"User\",\"message\":\"%zu byte payload is too large for the Event "
                   "invocation type (limit 262144 bytes)\"}",
                   len);
        return;
    }
    if (len) {
        /* Lambda refuses what is not JSON before the function sees it */
        json_error_t jerr;
        json_t *parsed = json_loadb(r->body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!parsed) {
            struct buf esc = BUF_INIT;
            json_escape(&esc, jerr.text);
            send_error(req, 400, "Bad Request", "InvalidRequestContentException",
                       "{\"Type\":\"User\",\"message\":\"Could not parse request body into json: "
                       "Could not parse payload into json: %s\\n at [Source: REDACTED; line: %d, "
                       "column: %d]\"}",
                       buf_cstr(&esc), jerr.line, jerr.column);
            buf_release(&esc);
            return;
        }
        json_decref(parsed);
    }
    if (!strcmp(type, "DryRun")) {
        char id[37];
        inv_uuid(id);
        struct h1_header h = H1_HEADER("x-amzn-RequestId", id);
        h1_reply(req, 204, "No Content", &h, 1, NULL, 0, NULL);
        return;
    }

    struct invocation *inv = inv_new(event ? INV_EVENT : INV_REQUEST_RESPONSE);
    if (len)
        evbuffer_add(inv->event, r->body, len);
    else
        evbuffer_add(inv->event, "{}", 2);
    inv->want_tail = !event && log_type && !strcmp(log_type, "Tail");
    if (trace)
        snprintf(inv->trace_id, sizeof(inv->trace_id), "%s", trace);
    if (client_context && *client_context) {
        struct buf decoded = BUF_INIT;
        if (b64_decode(client_context, strlen(client_context), &decoded) == 0)
            inv->client_context = buf_detach(&decoded, NULL);
        buf_release(&decoded);
    }
    if (event) {
        struct async_ctx *ac = xcalloc(1, sizeof(*ac));
        ac->e = e;
        ac->pool = p;
        inv->done = event_done;
        inv->done_arg = ac;
        pool_submit(p, inv);
        struct h1_header h = H1_HEADER("x-amzn-RequestId", inv->request_id);
        h1_reply(req, 202, "Accepted", &h, 1, NULL, 0, NULL);
        return;
    }
    struct pending *pd = xcalloc(1, sizeof(*pd));
    pd->conn = req;
    inv->done = sync_done;
    inv->done_arg = pd;
    if (pool_submit(p, inv) < 0) {
        free(pd);
        inv_free(inv);
        send_error(req, 429, "Too Many Requests", "TooManyRequestsException",
                   "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":"
                   "\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
        return;
    }
    h1_on_close(req, on_caller_gone, pd);
}

static void on_aws_request(struct h1_conn *req, const struct h1_request *r, void *arg)
{
    struct emu *e = arg;
    const char *uri = r->target;
    const char *query = strchr(uri, '?');
    size_t plen = query ? (size_t)(query - uri) : strlen(uri);

    if (plen > strlen(LAPI_PREFIX) && !strncmp(uri, LAPI_PREFIX, strlen(LAPI_PREFIX))) {
        const char *rest = uri + strlen(LAPI_PREFIX);
        size_t rlen = plen - strlen(LAPI_PREFIX);
        const char *suffix = "/invocations";
        size_t slen = strlen(suffix);
        if (rlen > slen && !strncmp(rest + rlen - slen, suffix, slen) &&
            h1_method_is(r, "POST")) {
            struct buf name = BUF_INIT;
            tx_url_decode(rest, rlen - slen, false, &name);
            handle_invoke(e, req, r, buf_cstr(&name), query ? query + 1 : NULL);
            buf_release(&name);
            return;
        }
        send_error(req, 404, "Not Found", "UnknownOperationException",
                   "{\"Type\":\"User\",\"message\":\"fnctl serves the Invoke operation of the "
                   "Lambda API\"}");
        return;
    }
    send_error(req, 404, "Not Found", "UnknownOperationException",
               "{\"Type\":\"User\",\"message\":\"Unknown operation: no fnctl service answers %s\"}",
               "this path");
}

int lapi_listen(struct emu *e, struct fn_err *err)
{
    static const struct h1_limits limits = { 64 * 1024, 64 * 1024 * 1024 };

    e->aws_http = h1_server_new(e->base, &limits, on_aws_request, e);
    if (h1_server_listen_host(e->aws_http, e->opts.host,
                              e->opts.aws_port > 0 ? e->opts.aws_port : 0, &e->aws_port,
                              err) < 0) {
        if (!err->hint[0])
            fn_err_hint(err, "is another fnctl (or LocalStack) running? choose another port with --aws-port");
        return -1;
    }
    snprintf(e->aws_endpoint, sizeof(e->aws_endpoint), "http://%s:%d",
             strchr(e->opts.host, ':') ? "[::1]" : e->opts.host, e->aws_port);
    return 0;
}
