/* rtapi: the Lambda Runtime API (2018-06-01) a worker's process talks to, with
 * the status codes and error bodies of AWS's Runtime Interface Emulator. */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "emulog.h"
#include "pool.h"
#include "wkint.h"
#include "banned.h"

#define RT_PREFIX "/2018-06-01/runtime/"

static void reply_json(struct evhttp_request *req, int code, const char *reason, const char *json)
{
    struct evbuffer *body = evbuffer_new();
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evbuffer_add(body, json, strlen(json));
    evbuffer_add(body, "\n", 1);
    evhttp_send_reply(req, code, reason, body);
    evbuffer_free(body);
}

static void reply_error(struct evhttp_request *req, int code, const char *reason,
                        const char *type, const char *message)
{
    char json[512];
    snprintf(json, sizeof(json), "{\"errorMessage\":\"%s\",\"errorType\":\"%s\"}", message, type);
    reply_json(req, code, reason, json);
}


static void on_next_closed(struct evhttp_connection *conn, void *arg)
{
    struct worker *w = arg;
    (void)conn;
    w->next_req = NULL;
}

/* --- the Runtime API --- */

static void handle_next(struct worker *w, struct evhttp_request *req)
{
    if (w->next_req) {
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
    w->next_req = req;
    evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_next_closed, w);
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
static bool check_id(struct worker *w, struct evhttp_request *req, const char *id, size_t len)
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

static void handle_response(struct worker *w, struct evhttp_request *req, bool error)
{
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(body);
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
    evbuffer_add_buffer(inv->response, body);
    inv->outcome = error ? INV_FUNCTION_ERROR : INV_SUCCESS;
    if (error) {
        /* the errorType of the body names the error in REPORT; it is kept
         * verbatim for the caller, as Lambda forwards it */
        const char *t = evhttp_find_header(evhttp_request_get_input_headers(req),
                                           "Lambda-Runtime-Function-Error-Type");
        snprintf(inv->error_type, sizeof(inv->error_type), "%s", t ? t : "");
    }
    w->responded = true;
    reply_json(req, 202, "Accepted", "{\"status\":\"OK\"}");
    wk_finish(w);
}

static void handle_init_error(struct worker *w, struct evhttp_request *req)
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
    evbuffer_add_buffer(w->init_error, evhttp_request_get_input_buffer(req));
    const char *t = evhttp_find_header(evhttp_request_get_input_headers(req),
                                       "Lambda-Runtime-Function-Error-Type");
    snprintf(w->init_error_type, sizeof(w->init_error_type), "%s", t ? t : "Runtime.Unknown");
    reply_json(req, 202, "Accepted", "{\"status\":\"OK\"}");
}

void wk_runtime_api(struct evhttp_request *req, void *arg)
{
    struct worker *w = arg;
    const char *uri = evhttp_request_get_uri(req);
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    const char *path = uri;
    size_t plen = strcspn(uri, "?");

    if (plen < strlen(RT_PREFIX) || strncmp(path, RT_PREFIX, strlen(RT_PREFIX)) != 0)
        goto not_found;
    path += strlen(RT_PREFIX);
    plen -= strlen(RT_PREFIX);
    if (plen == 15 && !strncmp(path, "invocation/next", 15)) {
        if (cmd != EVHTTP_REQ_GET)
            goto not_allowed;
        handle_next(w, req);
        return;
    }
    if (plen == 10 && !strncmp(path, "init/error", 10)) {
        if (cmd != EVHTTP_REQ_POST)
            goto not_allowed;
        handle_init_error(w, req);
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
        if (cmd != EVHTTP_REQ_POST)
            goto not_allowed;
        if (check_id(w, req, id, idlen))
            handle_response(w, req, is_error);
        return;
    }
not_found:
    reply_error(req, 404, "Not Found", "NotFound", "404 page not found");
    return;
not_allowed:
    reply_error(req, 405, "Method Not Allowed", "MethodNotAllowed", "method not allowed");
}

