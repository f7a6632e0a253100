/* router: which function answers an HTTP request on the gateway port.
 *
 * Routes come from the manifest's httpApi events (HTTP API, served at the
 * root) and http events (REST API, served under the stage, /dev/..., unless
 * the stage prefix is turned off). Matching follows API Gateway:
 * a literal segment beats a {param}, which beats a greedy {proxy+}; a
 * specific method beats ANY; an HTTP API's $default ('*') catches the rest.
 * A trailing slash on the request is tolerated; an empty segment never
 * matches a {param}. */
#ifndef FN_ROUTER_H
#define FN_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

enum route_api { ROUTE_HTTP_API, ROUTE_REST };

struct route {
    enum route_api api;
    const struct mf_function *fn;
    const struct mf_event *ev;
    const char *method; /* "GET", ..., "ANY" */
    const char *path;   /* "/orders/{id}", or NULL for $default */
    char *route_key;    /* "GET /orders/{id}" or "$default" (HTTP API) */
    char **segments;    /* the path split on '/' */
    size_t n_segments;
};

#define ROUTE_MAX_PARAMS 16

struct route_match {
    const struct route *route;
    size_t n_params;
    struct {
        const char *name;   /* points into the route */
        size_t name_len;
        const char *value;  /* points into the request path (not decoded) */
        size_t value_len;
    } params[ROUTE_MAX_PARAMS];
    const char *path;   /* the path after the stage (REST), into the request */
};

struct router;

/* Builds the routes of every function's httpApi and http events. With
 * prepend_stage, REST routes live under /<stage>. */
struct router *router_new(const struct manifest *m, bool prepend_stage);
void router_free(struct router *r);

size_t router_count(const struct router *r);
const struct route *router_at(const struct router *r, size_t i);

/* Finds the route for method and path (no query). Returns true and fills
 * *out, or false. When no route matches the method but one matches the
 * path, *path_matched is set (REST's 403 and the CORS preflight need it). */
bool router_match(const struct router *r, const char *method, const char *path,
                  struct route_match *out, bool *path_matched);

/* The REST stage prefix ("/dev"), or "" when REST routes are at the root. */
const char *router_stage_prefix(const struct router *r);

#endif
