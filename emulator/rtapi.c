/* rtapi: the Lambda Runtime API (2018-06-01) a worker's process talks to, with
 * the status codes and error bodies of AWS's Runtime Interface Emulator. */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "emulog.h"
#include "h1.h"
#include "pool.h"
#include "wkint.h"
#include "banned.h"

#define RT_PREFIX "/2018-06-01/runtime/"

static void reply_json(struct h1_conn *c, int code, const char *reason, const char *json)
{
    struct h1_header ct = H1_HEADER("Content-Type", "application/json");
    char body[600];
    size_t n = strlen(json);
    if (n > sizeof(body) - 1)
        n = sizeof(body) - 1;
    memcpy(body, json, n);
    body[n++] = '\n';
    h1_reply(c, code, reason, &ct, 1, body, n, NULL);
}

static void reply_error(struct h1_conn *c, int code, const char *reason, const char *type,
                        const char *message)
{
    char json[512];
    snprintf(json, sizeof(json), "{\"errorMessage\":\"%s\",\"errorType\":\"%s\"}", message, type);
    reply_json(c, code, reason, json);
}

static void on_next_closed(struct h1_conn *c, void *arg)
{
    struct worker *w = arg;
    (void)c;
    w->next_conn = NULL;
}

/* Copies header `name` of req into out (truncated), or dflt when absent. */
static void copy_header(const struct h1_request *req, const char *name, const char *dflt,
                        char *out, size_t size)
{
    size_t n;
    const char *v = h1_header(req, name, &n);
    if (!v) {
        snprintf(out, size, "%s", dflt);
        return;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}
/* --- the Runtime API --- */

static void handle_next(struct worker *w, struct h1_conn *req)
{
    if (w->next_conn) {
        reply_error(req, 403, "Forbidden", "InvalidStateTransition",
                    "State transition from Ready to Ready failed for runtime. Error: State "
                    "transition is not allowed");
        return;
    }
    if (w->inv && !w->responded) {
        reply_error(req, 403, "Forbidden", "InvalidStateTransition",
                    "State transition from Running to Ready failed for runtime. Error: State "
                    "transition is not allowed");
        return;
    }
    w->next_conn = req;
    h1_on_close(req, on_next_closed, w);
    if (!w->first_next_seen) {
        w->first_next_seen = true;
        w->init_ms = (double)(emu_now_us() - w->spawned_us) / 1000.0;
        wk_sample_memory(w, true); /* a baseline, in case the process dies mid-invocation */
    }
    if (w->retire) {
        wk_kill(w);
        return;
    }
    w->state = WK_IDLE;
    w->idle_since = emu_now_us();
    pool_worker_ready(w->pool, w);
}

/* The id in /invocation/{id}/response must be the running invocation's. */
static bool check_id(struct worker *w, struct h1_conn *req, const char *id, size_t len)
{
    if (!w->inv || strlen(w->inv->request_id) != len || memcmp(w->inv->request_id, id, len)) {
        reply_error(req, 400, "Bad Request", "InvalidRequestID", "Invalid request ID");
        return false;
    }
    if (w->responded) {
        reply_error(req, 403, "Forbidden", "InvalidStateTransition",
                    "State transition from RuntimeResponseSentState to InvocationResponse failed "
                    "for runtime. Error: State transition is not allowed");
        return false;
    }
    return true;
}

static void handle_response(struct worker *w, struct h1_conn *req, const struct h1_request *r,
                            bool error)
{
    size_t len = r->body_len;
    struct invocation *inv = w->inv;

    if (len > INV_MAX_RESPONSE) {
        char msg[160];
        reply_error(req, 413, "Request Entity Too Large", "RequestEntityTooLarge",
                    "Exceeded maximum allowed payload size (6291556 bytes).");
        snprintf(msg, sizeof(msg),
                 "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
        wk_fail_running(w, "Function.ResponseSizeTooLarge", msg);
        wk_finish(w);
        return;
    }
    evbuffer_drain(inv->response, evbuffer_get_length(inv->response));
    evbuffer_add(inv->response, r->body, len);
    inv->outcome = error ? INV_FUNCTION_ERROR : INV_SUCCESS;
    if (error) /* the errorType of the body names the error in REPORT; it is
                * kept verbatim for the caller, as Lambda forwards it */
        copy_header(r, "Lambda-Runtime-Function-Error-Type", "", inv->error_type,
                    sizeof(inv->error_type));
    w->responded = true;
    reply_json(req, 202, "Accepted", "{\"status\":\"OK\"}");
    wk_finish(w);
}

static void handle_init_error(struct worker *w, struct h1_conn *req, const struct h1_request *r)
{
    if (w->first_next_seen) {
        reply_error(req, 403, "Forbidden", "InvalidStateTransition",
                    "State transition from Ready to InitError failed for runtime. Error: State "
                    "transition is not allowed");
        return;
    }
    if (!w->init_error)
        w->init_error = evbuffer_new();
    evbuffer_drain(w->init_error, evbuffer_get_length(w->init_error));
    evbuffer_add(w->init_error, r->body, r->body_len);
    copy_header(r, "Lambda-Runtime-Function-Error-Type", "Runtime.Unknown", w->init_error_type,
                sizeof(w->init_error_type));
    reply_json(req, 202, "Accepted", "{\"status\":\"OK\"}");
}

void wk_runtime_api(struct h1_conn *req, const struct h1_request *r, void *arg)
{
    struct worker *w = arg;
    const char *path = r->target;
    const char *q = memchr(r->target, '?', r->target_len);
    size_t plen = q ? (size_t)(q - path) : r->target_len;

    if (plen < strlen(RT_PREFIX) || strncmp(path, RT_PREFIX, strlen(RT_PREFIX)) != 0)
        goto not_found;
    path += strlen(RT_PREFIX);
    plen -= strlen(RT_PREFIX);
    if (plen == 15 && !strncmp(path, "invocation/next", 15)) {
        if (!h1_method_is(r, "GET"))
            goto not_allowed;
        handle_next(w, req);
        return;
    }
    if (plen == 10 && !strncmp(path, "init/error", 10)) {
        if (!h1_method_is(r, "POST"))
            goto not_allowed;
        handle_init_error(w, req, r);
        return;
    }
    if (plen > 11 && !strncmp(path, "invocation/", 11)) {
        const char *id = path + 11;
        const char *slash = memchr(id, '/', plen - 11);
        if (!slash)
            goto not_found;
        size_t idlen = (size_t)(slash - id);
        size_t rest = plen - 11 - idlen - 1;
        bool is_response = rest == 8 && !strncmp(slash + 1, "response", 8);
        bool is_error = rest == 5 && !strncmp(slash + 1, "error", 5);
        if (!is_response && !is_error)
            goto not_found;
        if (!h1_method_is(r, "POST"))
            goto not_allowed;
        if (check_id(w, req, id, idlen))
            handle_response(w, req, r, is_error);
        return;
    }
not_found:
    reply_error(req, 404, "Not Found", "NotFound", "404 page not found");
    return;
not_allowed:
    reply_error(req, 405, "Method Not Allowed", "MethodNotAllowed", "method not allowed");
}

