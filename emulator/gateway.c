#include "gateway.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "apigw.h"
#include "authz.h"
#include "emulog.h"
#include "h1.h"
#include "invoke.h"
#include "pool.h"
#include "xalloc.h"
#include "banned.h"

#define GW_HTTP_API_TIMEOUT 30
#define GW_REST_TIMEOUT 29

struct gateway {
    struct emu *emu;
    struct h1_server *http;
    int port;
    struct router *router;
    struct router **old_routers; /* replaced by hot reload; calls may still point into them */
    struct az_cache *az_cache;   /* Lambda authorizers' answers */
    size_t n_old_routers;
    struct gw_opts opts;
};

/* One request waiting for its authorizer and its function. */
struct gw_call {
    struct gateway *g;
    struct h1_conn *conn;  /* NULL once answered or the client left */
    struct h1_request req; /* valid while conn is */
    bool http_api, v2;
    char request_id[40];
    char origin[512];
    struct event *timeout;
    /* the request, kept for the function after its authorizer */
    const char *method;
    char *path, *query, *host;
    char ip[64];
    int64_t epoch_ms;
    struct route_match match;
    const struct mf_authorizer *az_def;
    char *az_key; /* where the authorizer's answer is cached, or NULL */
    long az_ttl;
};

/* The headers API Gateway puts on each of its responses; trace needs 80
 * bytes. Returns how many were written to out (at most 4). */
static size_t request_headers(struct h1_header *out, bool http_api, const char *id, char *trace)
{
    if (http_api) {
        out[0] = H1_HEADER("apigw-requestid", id);
        return 1;
    }
    out[0] = H1_HEADER("x-amzn-RequestId", id);
    out[1] = H1_HEADER("x-amz-apigw-id", "fnctlEAAAAA=");
    apigw_trace_id(emu_epoch_ms(), id, trace, 80);
    out[2] = H1_HEADER("X-Amzn-Trace-Id", trace);
    return 3;
}

/* The function's headers that would frame the response twice: the gateway
 * writes its own. */
static bool framing_header(const char *name)
{
    return !strcasecmp(name, "Content-Length") || !strcasecmp(name, "Transfer-Encoding") ||
           !strcasecmp(name, "Connection");
}

/* Sends r (its body is moved out) to conn, which is answered then. */
static void send_response(struct h1_conn *conn, struct apigw_response *r, bool http_api,
                          const char *id, const char *error_type)
{
    struct h1_header stack[32], *h = stack;
    struct evkeyval *kv;
    char trace[80];
    size_t n = 0;

    TAILQ_FOREACH(kv, &r->headers, next)
        n++;
    if (n + 5 > sizeof(stack) / sizeof(stack[0]))
        h = xreallocarray(NULL, n + 5, sizeof(*h));
    n = 0;
    TAILQ_FOREACH(kv, &r->headers, next)
        if (!framing_header(kv->key))
            h[n++] = (struct h1_header){ kv->key, strlen(kv->key), kv->value, strlen(kv->value) };
    n += request_headers(h + n, http_api, id, trace);
    if (error_type)
        h[n++] = H1_HEADER("x-amzn-ErrorType", error_type);
    h1_reply(conn, r->status, NULL, h, n, NULL, 0, r->body);
    if (h != stack)
        free(h);
}

static void send_error(struct h1_conn *req, bool http_api, int status, const char *message,
                       const char *error_type)
{
    struct apigw_response r;
    char id[40];
    apigw_response_init(&r);
    apigw_error(http_api, status, message, &r);
    apigw_request_id(http_api, id, sizeof(id));
    send_response(req, &r, http_api, id, http_api ? NULL : error_type);
    apigw_response_release(&r);
}

/* --- CORS --- */

static void join_list(const struct strvec *sv, struct buf *out)
{
    for (size_t i = 0; i < sv->n; i++)
        buf_addf(out, "%s%s", i ? "," : "", sv->v[i]);
}

static const char *allowed_origin(const struct mf_cors *c, const char *origin)
{
    for (size_t i = 0; i < c->origins.n; i++) {
        if (!strcmp(c->origins.v[i], "*"))
            return "*";
        if (origin && !strcasecmp(c->origins.v[i], origin))
            return origin;
    }
    return NULL;
}

/* The methods of every HTTP API route, for allowedMethods left unset. */
static void http_api_methods(const struct router *r, struct buf *out)
{
    static const char *const any[] = { "GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD",
                                       "DELETE", NULL };
    struct strvec seen = STRVEC_INIT;
    strvec_push(&seen, "OPTIONS");
    for (size_t i = 0; i < router_count(r); i++) {
        const struct route *rt = router_at(r, i);
        if (rt->api != ROUTE_HTTP_API)
            continue;
        if (!strcmp(rt->method, "ANY")) {
            for (size_t k = 0; any[k]; k++)
                if (strvec_find(&seen, any[k]) < 0)
                    strvec_push(&seen, any[k]);
        } else if (strvec_find(&seen, rt->method) < 0) {
            strvec_push(&seen, rt->method);
        }
    }
    join_list(&seen, out);
    strvec_clear(&seen);
}

static void cors_headers(struct gateway *g, const struct mf_cors *c, bool http_api,
                         const char *origin, bool preflight, const char *route_method,
                         struct evkeyvalq *h)
{
    const char *allow = allowed_origin(c, origin);
    struct buf v = BUF_INIT;
    if (!allow)
        return;
    evhttp_add_header(h, "Access-Control-Allow-Origin", allow);
    if (c->allow_credentials)
        evhttp_add_header(h, "Access-Control-Allow-Credentials", "true");
    if (c->expose_headers.n && !preflight) {
        join_list(&c->expose_headers, &v);
        evhttp_add_header(h, "Access-Control-Expose-Headers", buf_cstr(&v));
    }
    if (!preflight)
        goto out;
    buf_reset(&v);
    join_list(&c->headers, &v);
    evhttp_add_header(h, "Access-Control-Allow-Headers", buf_cstr(&v));
    buf_reset(&v);
    if (c->methods.n) {
        for (size_t i = 0; i < c->methods.n; i++) {
            const char *m = c->methods.v[i];
            buf_addf(&v, "%s%s", i ? "," : "", !strcmp(m, "ANY") && !http_api
                                                    ? "DELETE,GET,HEAD,PATCH,POST,PUT"
                                                    : m);
        }
    } else if (http_api) {
        http_api_methods(g->router, &v);
    } else {
        buf_addf(&v, "OPTIONS,%s", route_method);
    }
    (void)route_method;
    evhttp_add_header(h, "Access-Control-Allow-Methods", buf_cstr(&v));
    if (c->max_age >= 0) {
        buf_reset(&v);
        buf_addf(&v, "%ld", c->max_age);
        evhttp_add_header(h, "Access-Control-Max-Age", buf_cstr(&v));
    }
    if (!http_api && c->cache_control)
        evhttp_add_header(h, "Cache-Control", c->cache_control);
out:
    buf_release(&v);
}

/* An OPTIONS preflight API Gateway answers itself. Returns true if sent. */
static bool preflight(struct gateway *g, struct h1_conn *conn, const struct h1_request *req,
                      const char *path)
{
    const char *origin = h1_header(req, "Origin", NULL);
    const char *want = h1_header(req, "Access-Control-Request-Method", NULL);
    const struct manifest *m = g->emu->manifest;
    struct route_match match;
    struct apigw_response r;
    bool path_matched;

    if (!h1_method_is(req, "OPTIONS") || !origin || !want)
        return false;
    /* REST: the OPTIONS method Serverless creates for a path with cors */
    if (router_match(g->router, want, path, &match, &path_matched) &&
        match.route->api == ROUTE_REST && match.route->ev->u.http.cors.enabled) {
        char id[40];
        /* Serverless builds one OPTIONS method per path, from every cors
         * event on it: its Allow-Methods lists them all */
        struct mf_cors merged = match.route->ev->u.http.cors;
        struct strvec methods = STRVEC_INIT;
        strvec_push(&methods, "OPTIONS");
        for (size_t i = 0; i < router_count(g->router); i++) {
            const struct route *x = router_at(g->router, i);
            if (x->api != ROUTE_REST || !x->ev->u.http.cors.enabled ||
                strcmp(x->path, match.route->path) != 0)
                continue;
            for (size_t k = 0; k < x->ev->u.http.cors.methods.n; k++)
                if (strvec_find(&methods, x->ev->u.http.cors.methods.v[k]) < 0)
                    strvec_push(&methods, x->ev->u.http.cors.methods.v[k]);
        }
        merged.methods = methods;
        apigw_response_init(&r);
        r.status = 200;
        cors_headers(g, &merged, false, origin, true, match.route->method, &r.headers);
        strvec_clear(&methods);
        evhttp_add_header(&r.headers, "Content-Type", "application/json");
        apigw_request_id(false, id, sizeof(id));
        send_response(conn, &r, false, id, NULL);
        apigw_response_release(&r);
        return true;
    }
    /* HTTP API: corsConfiguration answers every preflight */
    if (m->httpapi_cors.enabled) {
        bool any_http_api = false;
        for (size_t i = 0; i < router_count(g->router); i++)
            any_http_api |= router_at(g->router, i)->api == ROUTE_HTTP_API;
        if (any_http_api) {
            char id[40];
            apigw_response_init(&r);
            r.status = 204;
            cors_headers(g, &m->httpapi_cors, true, origin, true, NULL, &r.headers);
            apigw_request_id(true, id, sizeof(id));
            send_response(conn, &r, true, id, NULL);
            apigw_response_release(&r);
            return true;
        }
    }
    return false;
}

/* --- invocations --- */

static void call_free(struct gw_call *c)
{
    if (c->timeout)
        event_free(c->timeout);
    free(c->path);
    free(c->query);
    free(c->host);
    free(c->az_key);
    free(c);
}

static void on_client_gone(struct h1_conn *conn, void *arg)
{
    struct gw_call *c = arg;
    (void)conn;
    c->conn = NULL;
}

/* The connection to answer, which the call no longer watches. */
static struct h1_conn *take_conn(struct gw_call *c)
{
    struct h1_conn *conn = c->conn;
    if (conn)
        h1_on_close(conn, NULL, NULL);
    c->conn = NULL;
    return conn;
}

static void on_integration_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct gw_call *c = arg;
    (void)fd;
    (void)what;
    if (!c->conn)
        return;
    struct h1_conn *req = take_conn(c);
    /* the invocation runs on; its outcome is dropped when it arrives */
    if (c->http_api)
        send_error(req, true, 503, "Service Unavailable", NULL);
    else
        send_error(req, false, 504, "Endpoint request timed out", "IntegrationTimeout");
}

static void on_invocation_done(struct invocation *inv, void *arg)
{
    struct gw_call *c = arg;
    struct apigw_response r;

    if (c->conn) {
        apigw_response_init(&r);
        r.binary_types = &c->g->emu->manifest->binary_media_types;
        r.accept = h1_header(&c->req, "Accept", NULL);
        if (inv->outcome == INV_SUCCESS) {
            size_t len = evbuffer_get_length(inv->response);
            apigw_map_response(c->http_api, c->v2, (const char *)evbuffer_pullup(inv->response, -1),
                               len, &r);
        } else if (c->http_api) {
            apigw_error(true, 500, "Internal Server Error", &r);
        } else {
            apigw_error(false, 502, "Internal server error", &r);
        }
        const struct manifest *m = c->g->emu->manifest;
        if (c->http_api && m->httpapi_cors.enabled && c->origin[0]) {
            /* HTTP API puts its CORS headers on every response (and drops the
             * function's own) */
            evhttp_remove_header(&r.headers, "Access-Control-Allow-Origin");
            cors_headers(c->g, &m->httpapi_cors, true, c->origin, false, NULL, &r.headers);
        }
        send_response(take_conn(c), &r, c->http_api, c->request_id, NULL);
        apigw_response_release(&r);
    }
    inv_free(inv);
    call_free(c);
}

static void request_of(const struct gw_call *c, json_t *authorizer, struct apigw_request *out)
{
    memset(out, 0, sizeof(*out));
    out->method = c->method;
    out->path = c->path;
    out->query = c->query;
    out->headers = c->req.headers;
    out->nheaders = c->req.nheaders;
    out->body = c->req.body;
    out->body_len = c->req.body_len;
    out->source_ip = c->ip;
    out->stage = c->g->emu->manifest->stage;
    out->request_id = c->request_id;
    out->epoch_ms = c->epoch_ms;
    out->host = c->host;
    out->authorizer = authorizer;
    out->port = c->g->port;
    out->binary_types = &c->g->emu->manifest->binary_media_types;
}

/* Answers c with an authorizer's refusal. */
static void send_decision(struct gw_call *c, const struct az_decision *d)
{
    struct apigw_response r;
    apigw_response_init(&r);
    r.status = d->status;
    evhttp_add_header(&r.headers, "Content-Type", "application/json");
    if (d->www_authenticate[0])
        evhttp_add_header(&r.headers, "www-authenticate", d->www_authenticate);
    evbuffer_add(r.body, d->body, strlen(d->body));
    send_response(take_conn(c), &r, c->http_api, c->request_id, d->error_type);
    apigw_response_release(&r);
}

/* Invokes the route's function with the proxy event; the call is then owned
 * by the invocation. */
static void start_function(struct gw_call *c, json_t *authorizer)
{
    struct emu *e = c->g->emu;
    struct apigw_request areq;
    struct buf event = BUF_INIT;

    request_of(c, authorizer, &areq);
    apigw_event(&areq, &c->match, &event);
    struct pool *p = emu_pool(e, c->match.route->fn->key);
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    evbuffer_add(inv->event, event.data, event.len);
    buf_release(&event);
    inv->done = on_invocation_done;
    inv->done_arg = c;
    if (!p || pool_submit(p, inv) < 0) {
        inv_free(inv);
        send_error(take_conn(c), c->http_api, 429, "Too Many Requests", "ThrottlingException");
        call_free(c);
    }
}

/* What the Lambda authorizer's answer means for this request. */
static void decide(struct gw_call *c, bool function_error, const char *payload, size_t len,
                   struct az_decision *d)
{
    struct apigw_request areq;
    request_of(c, NULL, &areq);
    az_lambda_decide(c->g->emu->manifest, c->az_def, c->match.route, &areq, &c->match,
                     function_error, payload, len, d);
}

/* The function runs, or the caller gets the refusal (c is gone then). */
static void act_on(struct gw_call *c, struct az_decision *d)
{
    if (d->verdict != AZ_ALLOW) {
        send_decision(c, d);
        call_free(c);
    } else {
        start_function(c, d->authorizer);
    }
    az_decision_release(d);
}

static void on_authorizer_done(struct invocation *inv, void *arg)
{
    struct gw_call *c = arg;
    struct az_decision d;
    if (!c->conn) { /* the client left, or the integration timed out */
        inv_free(inv);
        call_free(c);
        return;
    }
    size_t len = evbuffer_get_length(inv->response);
    const char *payload = (const char *)evbuffer_pullup(inv->response, -1);
    decide(c, inv->outcome != INV_SUCCESS, payload, len, &d);
    /* an answer is kept (a Deny policy too); an error or a malformed answer
     * (the 500s) is not, nor is "Unauthorized" (401) */
    if (c->az_key && inv->outcome == INV_SUCCESS && (d.verdict == AZ_ALLOW || d.status == 403))
        az_cache_put(c->g->az_cache, c->az_key, payload, len,
                     emu_now_us() + (uint64_t)c->az_ttl * 1000000);
    inv_free(inv);
    act_on(c, &d);
}

/* The method as a static string (the routes' spelling), "OTHER" when API
 * Gateway has no such method. */
static const char *method_of(const struct h1_request *req)
{
    static const char *const known[] = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
                                         "OPTIONS" };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (h1_method_is(req, known[i]))
            return known[i];
    return "OTHER";
}

static void on_request(struct h1_conn *req, const struct h1_request *hreq, void *arg)
{
    struct gateway *g = arg;
    struct emu *e = g->emu;
    const char *uri = hreq->target;
    const char *q = strchr(uri, '?');
    char *path = q ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
    const char *method = method_of(hreq);
    struct route_match match;
    bool path_matched;

    if (preflight(g, req, hreq, path)) {
        free(path);
        return;
    }
    if (!router_match(g->router, method, path, &match, &path_matched)) {
        const char *prefix = router_stage_prefix(g->router);
        bool rest = prefix[0] ? !strncmp(path, prefix, strlen(prefix)) : path_matched;
        if (rest)
            send_error(req, false, 403, "Missing Authentication Token",
                       "MissingAuthenticationTokenException");
        else
            send_error(req, true, 404, "Not Found", NULL);
        free(path);
        return;
    }

    const struct route *rt = match.route;
    struct gw_call *c = xcalloc(1, sizeof(*c));
    c->g = g;
    c->conn = req;
    c->req = *hreq;
    c->http_api = rt->api == ROUTE_HTTP_API;
    c->v2 = c->http_api && strcmp(rt->ev->u.httpapi.payload, "1.0") != 0;
    c->method = method;
    c->path = path; /* match points into it */
    c->query = xstrdup(q ? q + 1 : "");
    c->match = match;
    c->epoch_ms = emu_epoch_ms();
    apigw_request_id(c->http_api, c->request_id, sizeof(c->request_id));
    const char *origin = h1_header(hreq, "Origin", NULL);
    const char *host = h1_header(hreq, "Host", NULL);
    const char *peer = h1_peer(req);
    snprintf(c->origin, sizeof(c->origin), "%s", origin ? origin : "");
    c->host = xstrdup(host ? host : "");
    snprintf(c->ip, sizeof(c->ip), "%s", peer[0] ? peer : "127.0.0.1");

    if (hreq->body_len > INV_MAX_SYNC_REQUEST) {
        send_error(take_conn(c), c->http_api, 413,
                   c->http_api ? "Request Entity Too Large" : "Request Too Long", NULL);
        call_free(c);
        return;
    }
    h1_on_close(req, on_client_gone, c);
    c->timeout = evtimer_new(e->base, on_integration_timeout, c);
    struct timeval tv = { c->http_api ? GW_HTTP_API_TIMEOUT : GW_REST_TIMEOUT, 0 };
    evtimer_add(c->timeout, &tv);

    const char *az_function;
    struct az_decision d;
    struct apigw_request areq;
    switch (az_kind_of(e->manifest, rt, &c->az_def, &az_function)) {
    case AZ_NONE:
        start_function(c, NULL);
        return;
    case AZ_JWT:
        request_of(c, NULL, &areq);
        az_jwt(c->az_def, rt, &areq, &d);
        if (d.verdict == AZ_ALLOW)
            start_function(c, d.authorizer);
        else {
            send_decision(c, &d);
            call_free(c);
        }
        az_decision_release(&d);
        return;
    case AZ_LAMBDA: {
        struct buf event = BUF_INIT, key = BUF_INIT;
        struct pool *p = emu_pool(e, az_function);
        request_of(c, NULL, &areq);
        c->az_ttl = az_cache_key(c->az_def, rt, &areq, &key);
        if (c->az_ttl > 0) {
            size_t len;
            const char *kept = az_cache_get(g->az_cache, buf_cstr(&key), emu_now_us(), &len);
            if (kept) {
                el_platform(e, az_function, NULL,
                            "fnctl: authorizer answer taken from API Gateway's cache "
                            "(resultTtlInSeconds: %ld); the authorizer was not invoked",
                            c->az_ttl);
                buf_release(&key);
                decide(c, false, kept, len, &d);
                act_on(c, &d);
                return;
            }
            c->az_key = buf_detach(&key, NULL);
        }
        buf_release(&key);
        if (!az_lambda_event(e->manifest, c->az_def, rt, &areq, &c->match, &event, &d)) {
            send_decision(c, &d);
            call_free(c);
            buf_release(&event);
            return;
        }
        struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
        evbuffer_add(inv->event, event.data, event.len);
        buf_release(&event);
        inv->done = on_authorizer_done;
        inv->done_arg = c;
        if (!p || pool_submit(p, inv) < 0) {
            /* the authorizer could not run: API Gateway's configuration error */
            memset(&d, 0, sizeof(d));
            d.status = 500;
            snprintf(d.body, sizeof(d.body), "%s",
                     c->http_api ? "{\"message\":\"Internal Server Error\"}" : "{\"message\": null}");
            d.error_type = c->http_api ? NULL : "AuthorizerConfigurationException";
            inv_free(inv);
            send_decision(c, &d);
            call_free(c);
        }
        return;
    }
    }
}

int gw_new(struct emu *e, const struct gw_opts *opts, struct gateway **out, struct fn_err *err)
{
    /* (bodies up to twice the payload limit are read, so that the answer
     * is API Gateway's own 413 rather than a dropped connection) */
    static const struct h1_limits limits = { 64 * 1024, 2 * INV_MAX_SYNC_REQUEST };
    struct gateway *g = xcalloc(1, sizeof(*g));

    *out = NULL;
    g->emu = e;
    g->opts = *opts;
    g->router = router_new(e->manifest, opts->prepend_stage);
    g->http = h1_server_new(e->base, &limits, on_request, g);
    g->az_cache = az_cache_new();
    if (h1_server_listen_host(g->http, opts->host ? opts->host : "127.0.0.1", opts->port,
                              &g->port, err) < 0) {
        if (!err->hint[0])
            fn_err_hint(err, "is serverless-offline or another fnctl running? choose another port with --port");
        gw_free(g);
        return -1;
    }
    *out = g;
    return 0;
}

void gw_free(struct gateway *g)
{
    if (!g)
        return;
    h1_server_free(g->http);
    az_cache_free(g->az_cache);
    router_free(g->router);
    for (size_t i = 0; i < g->n_old_routers; i++)
        router_free(g->old_routers[i]);
    free(g->old_routers);
    free(g);
}

int gw_port(const struct gateway *g)
{
    return g->port;
}

const struct router *gw_router(const struct gateway *g)
{
    return g->router;
}

void gw_set_manifest(struct gateway *g, const struct manifest *m)
{
    g->old_routers = xreallocarray(g->old_routers, g->n_old_routers + 1, sizeof(*g->old_routers));
    g->old_routers[g->n_old_routers++] = g->router;
    g->router = router_new(m, g->opts.prepend_stage);
    az_cache_clear(g->az_cache);
}

void gw_forget_authorizations(struct gateway *g)
{
    az_cache_clear(g->az_cache);
}
