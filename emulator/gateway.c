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
#include "invoke.h"
#include "pool.h"
#include "xalloc.h"
#include "banned.h"

#define GW_HTTP_API_TIMEOUT 30
#define GW_REST_TIMEOUT 29

struct gateway {
    struct emu *emu;
    struct evhttp *http;
    int port;
    struct router *router;
    struct router **old_routers; /* replaced by hot reload; calls may still point into them */
    size_t n_old_routers;
    struct gw_opts opts;
};

/* One request waiting for its authorizer and its function. */
struct gw_call {
    struct gateway *g;
    struct evhttp_request *req; /* NULL once answered or the client left */
    struct evhttp_connection *conn;
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
};

static void add_request_headers(struct evkeyvalq *h, bool http_api, const char *id)
{
    if (http_api) {
        evhttp_add_header(h, "apigw-requestid", id);
    } else {
        char trace[80];
        evhttp_add_header(h, "x-amzn-RequestId", id);
        evhttp_add_header(h, "x-amz-apigw-id", "fnctlEAAAAA=");
        apigw_trace_id(emu_epoch_ms(), id, trace, sizeof(trace));
        evhttp_add_header(h, "X-Amzn-Trace-Id", trace);
    }
}

static void send_response(struct evhttp_request *req, struct apigw_response *r, bool http_api,
                          const char *id, const char *error_type)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, &r->headers, next)
        evhttp_add_header(out, kv->key, kv->value);
    add_request_headers(out, http_api, id);
    if (error_type)
        evhttp_add_header(out, "x-amzn-ErrorType", error_type);
    evhttp_send_reply(req, r->status, NULL, r->body);
}

static void send_error(struct evhttp_request *req, bool http_api, int status, const char *message,
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
static bool preflight(struct gateway *g, struct evhttp_request *req, const char *path)
{
    const struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    const char *origin = evhttp_find_header(in, "Origin");
    const char *want = evhttp_find_header(in, "Access-Control-Request-Method");
    const struct manifest *m = g->emu->manifest;
    struct route_match match;
    bool path_matched;

    if (evhttp_request_get_command(req) != EVHTTP_REQ_OPTIONS || !origin || !want)
        return false;
    /* REST: the OPTIONS method Serverless creates for a path with cors */
    if (router_match(g->router, want, path, &match, &path_matched) &&
        match.route->api == ROUTE_REST && match.route->ev->u.http.cors.enabled) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
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
        cors_headers(g, &merged, false, origin, true, match.route->method, h);
        strvec_clear(&methods);
        evhttp_add_header(h, "Content-Type", "application/json");
        apigw_request_id(false, id, sizeof(id));
        add_request_headers(h, false, id);
        evhttp_send_reply(req, 200, "OK", NULL);
        return true;
    }
    /* HTTP API: corsConfiguration answers every preflight */
    if (m->httpapi_cors.enabled) {
        bool any_http_api = false;
        for (size_t i = 0; i < router_count(g->router); i++)
            any_http_api |= router_at(g->router, i)->api == ROUTE_HTTP_API;
        if (any_http_api) {
            struct evkeyvalq *h = evhttp_request_get_output_headers(req);
            char id[40];
            cors_headers(g, &m->httpapi_cors, true, origin, true, NULL, h);
            apigw_request_id(true, id, sizeof(id));
            add_request_headers(h, true, id);
            evhttp_send_reply(req, 204, "No Content", NULL);
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
    free(c);
}

static void on_client_gone(struct evhttp_connection *conn, void *arg)
{
    struct gw_call *c = arg;
    (void)conn;
    c->req = NULL;
}

static void forget_request(struct gw_call *c)
{
    if (c->req)
        evhttp_connection_set_closecb(c->conn, NULL, NULL);
    c->req = NULL;
}

static void on_integration_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct gw_call *c = arg;
    (void)fd;
    (void)what;
    if (!c->req)
        return;
    struct evhttp_request *req = c->req;
    forget_request(c);
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

    if (c->req) {
        struct evhttp_request *req = c->req;
        forget_request(c);
        apigw_response_init(&r);
        r.binary_types = &c->g->emu->manifest->binary_media_types;
        r.accept = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept");
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
        send_response(req, &r, c->http_api, c->request_id, NULL);
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
    out->headers = evhttp_request_get_input_headers(c->req);
    out->body = evhttp_request_get_input_buffer(c->req);
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
    struct evhttp_request *req = c->req;
    struct apigw_response r;
    forget_request(c);
    apigw_response_init(&r);
    r.status = d->status;
    evhttp_add_header(&r.headers, "Content-Type", "application/json");
    if (d->www_authenticate[0])
        evhttp_add_header(&r.headers, "www-authenticate", d->www_authenticate);
    evbuffer_add(r.body, d->body, strlen(d->body));
    send_response(req, &r, c->http_api, c->request_id, d->error_type);
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
        struct evhttp_request *req = c->req;
        inv_free(inv);
        forget_request(c);
        send_error(req, c->http_api, 429, "Too Many Requests", "ThrottlingException");
        call_free(c);
    }
}

static void on_authorizer_done(struct invocation *inv, void *arg)
{
    struct gw_call *c = arg;
    struct az_decision d;
    struct apigw_request areq;
    if (!c->req) { /* the client left, or the integration timed out */
        inv_free(inv);
        call_free(c);
        return;
    }
    request_of(c, NULL, &areq);
    size_t len = evbuffer_get_length(inv->response);
    az_lambda_decide(c->g->emu->manifest, c->az_def, c->match.route, &areq, &c->match,
                     inv->outcome != INV_SUCCESS, (const char *)evbuffer_pullup(inv->response, -1),
                     len, &d);
    inv_free(inv);
    if (d.verdict != AZ_ALLOW) {
        send_decision(c, &d);
        call_free(c);
        return;
    }
    start_function(c, d.authorizer);
    az_decision_release(&d);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct gateway *g = arg;
    struct emu *e = g->emu;
    const char *uri = evhttp_request_get_uri(req);
    const char *q = strchr(uri, '?');
    char *path = q ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
    const char *method;
    struct route_match match;
    bool path_matched;

    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_GET: method = "GET"; break;
    case EVHTTP_REQ_POST: method = "POST"; break;
    case EVHTTP_REQ_PUT: method = "PUT"; break;
    case EVHTTP_REQ_DELETE: method = "DELETE"; break;
    case EVHTTP_REQ_PATCH: method = "PATCH"; break;
    case EVHTTP_REQ_HEAD: method = "HEAD"; break;
    case EVHTTP_REQ_OPTIONS: method = "OPTIONS"; break;
    default: method = "OTHER"; break;
    }
    if (preflight(g, req, path)) {
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
    c->req = req;
    c->conn = evhttp_request_get_connection(req);
    c->http_api = rt->api == ROUTE_HTTP_API;
    c->v2 = c->http_api && strcmp(rt->ev->u.httpapi.payload, "1.0") != 0;
    c->method = method;
    c->path = path; /* match points into it */
    c->query = xstrdup(q ? q + 1 : "");
    c->match = match;
    c->epoch_ms = emu_epoch_ms();
    apigw_request_id(c->http_api, c->request_id, sizeof(c->request_id));
    const struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    const char *origin = evhttp_find_header(in, "Origin");
    const char *host = evhttp_find_header(in, "Host");
    snprintf(c->origin, sizeof(c->origin), "%s", origin ? origin : "");
    c->host = xstrdup(host ? host : "");
    char *peer = NULL;
    ev_uint16_t peer_port;
    evhttp_connection_get_peer(c->conn, &peer, &peer_port);
    snprintf(c->ip, sizeof(c->ip), "%s", peer ? peer : "127.0.0.1");

    if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) > INV_MAX_SYNC_REQUEST) {
        send_error(req, c->http_api, 413,
                   c->http_api ? "Request Entity Too Large" : "Request Too Long", NULL);
        call_free(c);
        return;
    }
    evhttp_connection_set_closecb(c->conn, on_client_gone, c);
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
        struct buf event = BUF_INIT;
        struct pool *p = emu_pool(e, az_function);
        request_of(c, NULL, &areq);
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
    struct gateway *g = xcalloc(1, sizeof(*g));
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage addr;
    socklen_t alen = sizeof(addr);

    *out = NULL;
    g->emu = e;
    g->opts = *opts;
    g->router = router_new(e->manifest, opts->prepend_stage);
    g->http = evhttp_new(e->base);
    evhttp_set_max_body_size(g->http, 2 * INV_MAX_SYNC_REQUEST);
    evhttp_set_allowed_methods(g->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(g->http, on_request, g);
    bound = evhttp_bind_socket_with_handle(g->http, opts->host ? opts->host : "127.0.0.1",
                                           (ev_uint16_t)opts->port);
    if (!bound) {
        fn_err_errno(err, errno, "cannot listen on %s:%d", opts->host ? opts->host : "127.0.0.1",
                     opts->port);
        fn_err_hint(err, "is serverless-offline or another fnctl running? choose another port with --port");
        gw_free(g);
        return -1;
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&addr, &alen) == 0)
        g->port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                   : ((struct sockaddr_in *)&addr)->sin_port);
    *out = g;
    return 0;
}

void gw_free(struct gateway *g)
{
    if (!g)
        return;
    if (g->http)
        evhttp_free(g->http);
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
}
