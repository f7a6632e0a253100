#include "lambda_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "b64.h"
#include "buf.h"
#include "emulog.h"
#include "invoke.h"
#include "pool.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

#define LAPI_PREFIX "/2015-03-31/functions/"

/* A synchronous Invoke waiting for its function. */
struct pending {
    struct evhttp_request *req; /* NULL once the caller hung up */
    struct evhttp_connection *conn;
};

/* An Event invocation, across its attempts (the invocation's done_arg). */
struct async_ctx {
    struct emu *e;
    struct pool *pool;
    struct event *retry; /* waits between attempts */
};

static void send_error(struct evhttp_request *req, int code, const char *reason,
                       const char *error_type, const char *body_fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void send_error(struct evhttp_request *req, int code, const char *reason,
                       const char *error_type, const char *body_fmt, ...)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *body = evbuffer_new();
    char id[37];
    va_list ap;
    inv_uuid(id);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "x-amzn-RequestId", id);
    evhttp_add_header(h, "x-amzn-ErrorType", error_type);
    va_start(ap, body_fmt);
    evbuffer_add_vprintf(body, body_fmt, ap);
    va_end(ap);
    evhttp_send_reply(req, code, reason, body);
    evbuffer_free(body);
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

static void not_found(struct emu *e, struct evhttp_request *req, const char *name,
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

static void add_common_headers(struct evhttp_request *req, const struct invocation *inv)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "x-amzn-RequestId", inv->request_id);
    evhttp_add_header(h, "X-Amz-Executed-Version", "$LATEST");
}

static void on_caller_gone(struct evhttp_connection *conn, void *arg)
{
    struct pending *pd = arg;
    (void)conn;
    pd->req = NULL;
}

static void sync_done(struct invocation *inv, void *arg)
{
    struct pending *pd = arg;
    struct evhttp_request *req = pd->req;

    if (req) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        evhttp_connection_set_closecb(pd->conn, NULL, NULL);
        add_common_headers(req, inv);
        if (inv->outcome == INV_FUNCTION_ERROR)
            evhttp_add_header(h, "X-Amz-Function-Error", "Unhandled");
        if (inv->want_tail) {
            struct buf enc = BUF_INIT;
            size_t len = inv->tail.len, from = len > INV_TAIL_BYTES ? len - INV_TAIL_BYTES : 0;
            b64_encode(inv->tail.data ? inv->tail.data + from : "", len - from, &enc);
            evhttp_add_header(h, "X-Amz-Log-Result", buf_cstr(&enc));
            buf_release(&enc);
        }
        evhttp_send_reply(req, 200, "OK", inv->response);
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
    /* a fresh outcome for the next attempt; the request id stays */
    inv->outcome = INV_PENDING;
    inv->error_type[0] = '\0';
    inv->timed_out = false;
    inv->init_ms = -1;
    evbuffer_drain(inv->response, evbuffer_get_length(inv->response));
    pool_submit(ac->pool, inv);
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

static void handle_invoke(struct emu *e, struct evhttp_request *req, const char *raw_name,
                          const char *query)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(body);
    const char *type = evhttp_find_header(in, "X-Amz-Invocation-Type");
    const char *log_type = evhttp_find_header(in, "X-Amz-Log-Type");
    const char *client_context = evhttp_find_header(in, "X-Amz-Client-Context");
    const char *trace = evhttp_find_header(in, "X-Amzn-Trace-Id");
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
        const char *data = (const char *)evbuffer_pullup(body, -1);
        json_t *parsed = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
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
        evhttp_add_header(evhttp_request_get_output_headers(req), "x-amzn-RequestId", id);
        evhttp_send_reply(req, 204, "No Content", NULL);
        return;
    }

    struct invocation *inv = inv_new(event ? INV_EVENT : INV_REQUEST_RESPONSE);
    if (len)
        evbuffer_add_buffer(inv->event, body);
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
        evhttp_add_header(evhttp_request_get_output_headers(req), "x-amzn-RequestId",
                          inv->request_id);
        evhttp_send_reply(req, 202, "Accepted", NULL);
        return;
    }
    struct pending *pd = xcalloc(1, sizeof(*pd));
    pd->req = req;
    pd->conn = evhttp_request_get_connection(req);
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
    evhttp_connection_set_closecb(pd->conn, on_caller_gone, pd);
}

static void on_aws_request(struct evhttp_request *req, void *arg)
{
    struct emu *e = arg;
    const char *uri = evhttp_request_get_uri(req);
    const char *query = strchr(uri, '?');
    size_t plen = query ? (size_t)(query - uri) : strlen(uri);

    if (plen > strlen(LAPI_PREFIX) && !strncmp(uri, LAPI_PREFIX, strlen(LAPI_PREFIX))) {
        const char *rest = uri + strlen(LAPI_PREFIX);
        size_t rlen = plen - strlen(LAPI_PREFIX);
        const char *suffix = "/invocations";
        size_t slen = strlen(suffix);
        if (rlen > slen && !strncmp(rest + rlen - slen, suffix, slen) &&
            evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
            struct buf name = BUF_INIT;
            tx_url_decode(rest, rlen - slen, false, &name);
            handle_invoke(e, req, buf_cstr(&name), query ? query + 1 : NULL);
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
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage addr;
    socklen_t alen = sizeof(addr);

    e->aws_http = evhttp_new(e->base);
    if (!e->aws_http)
        return fn_err_set(err, "cannot create the aws endpoint");
    evhttp_set_max_body_size(e->aws_http, 64 * 1024 * 1024);
    evhttp_set_allowed_methods(e->aws_http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                                EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(e->aws_http, on_aws_request, e);
    bound = evhttp_bind_socket_with_handle(e->aws_http, e->opts.host,
                                           (ev_uint16_t)(e->opts.aws_port > 0 ? e->opts.aws_port : 0));
    if (!bound) {
        fn_err_errno(err, errno, "cannot listen on %s:%d", e->opts.host, e->opts.aws_port);
        return fn_err_hint(err, "is another fnctl (or LocalStack) running? choose another port with --aws-port");
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&addr, &alen) < 0)
        return fn_err_errno(err, errno, "getsockname");
    e->aws_port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                   : ((struct sockaddr_in *)&addr)->sin_port);
    snprintf(e->aws_endpoint, sizeof(e->aws_endpoint), "http://%s:%d",
             strchr(e->opts.host, ':') ? "[::1]" : e->opts.host, e->aws_port);
    return 0;
}
