#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct router {
    struct route *routes;
    size_t n;
    char *stage_prefix;
};

static void split(struct route *rt)
{
    const char *p = rt->path ? rt->path : "";
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, "/");
        rt->segments = xreallocarray(rt->segments, rt->n_segments + 1, sizeof(*rt->segments));
        rt->segments[rt->n_segments++] = xstrndup(p, len);
        p += len;
    }
}

static void add(struct router *r, enum route_api api, const struct mf_function *fn,
                const struct mf_event *ev, const char *method, const char *path)
{
    r->routes = xreallocarray(r->routes, r->n + 1, sizeof(*r->routes));
    struct route *rt = &r->routes[r->n++];
    memset(rt, 0, sizeof(*rt));
    rt->api = api;
    rt->fn = fn;
    rt->ev = ev;
    rt->method = method;
    rt->path = path;
    rt->route_key = path ? xasprintf("%s %s", method, path) : xstrdup("$default");
    split(rt);
}

struct router *router_new(const struct manifest *m, bool prepend_stage)
{
    struct router *r = xcalloc(1, sizeof(*r));
    r->stage_prefix = prepend_stage ? xasprintf("/%s", m->stage) : xstrdup("");
    for (size_t f = 0; f < m->n_functions; f++) {
        const struct mf_function *fn = &m->functions[f];
        for (size_t e = 0; e < fn->n_events; e++) {
            const struct mf_event *ev = &fn->events[e];
            if (ev->kind == MF_EV_HTTPAPI)
                add(r, ROUTE_HTTP_API, fn, ev, ev->u.httpapi.method, ev->u.httpapi.path);
            else if (ev->kind == MF_EV_HTTP)
                add(r, ROUTE_REST, fn, ev, ev->u.http.method, ev->u.http.path);
        }
    }
    return r;
}

void router_free(struct router *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t s = 0; s < r->routes[i].n_segments; s++)
            free(r->routes[i].segments[s]);
        free(r->routes[i].segments);
        free(r->routes[i].route_key);
    }
    free(r->routes);
    free(r->stage_prefix);
    free(r);
}

size_t router_count(const struct router *r)
{
    return r->n;
}

const struct route *router_at(const struct router *r, size_t i)
{
    return &r->routes[i];
}

const char *router_stage_prefix(const struct router *r)
{
    return r->stage_prefix;
}

enum { SEG_GREEDY = 1, SEG_PARAM = 2, SEG_LITERAL = 3 };

static bool is_param(const char *seg)
{
    size_t len = strlen(seg);
    return len > 2 && seg[0] == '{' && seg[len - 1] == '}';
}

static bool is_greedy(const char *seg)
{
    size_t len = strlen(seg);
    return len > 3 && seg[0] == '{' && seg[len - 2] == '+' && seg[len - 1] == '}';
}

/* Matches path (segments separated by '/', may end in '/') against rt.
 * Fills rank[] with each segment's kind, for ordering, and the params. */
static bool match_path(const struct route *rt, const char *path, int *rank, size_t *n_rank,
                       struct route_match *m)
{
    const char *p = path;
    size_t s = 0;
    m->n_params = 0;
    *n_rank = 0;
    while (*p == '/')
        p++;
    for (; s < rt->n_segments; s++) {
        const char *seg = rt->segments[s];
        if (is_greedy(seg)) {
            /* the rest of the path, without a trailing slash; never empty */
            size_t len = strlen(p);
            while (len && p[len - 1] == '/')
                len--;
            if (!len)
                return false;
            if (m->n_params < ROUTE_MAX_PARAMS) {
                m->params[m->n_params].name = seg + 1;
                m->params[m->n_params].name_len = strlen(seg) - 3;
                m->params[m->n_params].value = p;
                m->params[m->n_params].value_len = len;
                m->n_params++;
            }
            rank[(*n_rank)++] = SEG_GREEDY;
            return true;
        }
        size_t len = strcspn(p, "/");
        if (!len)
            return false; /* an empty segment never matches */
        if (is_param(seg)) {
            if (m->n_params < ROUTE_MAX_PARAMS) {
                m->params[m->n_params].name = seg + 1;
                m->params[m->n_params].name_len = strlen(seg) - 2;
                m->params[m->n_params].value = p;
                m->params[m->n_params].value_len = len;
                m->n_params++;
            }
            rank[(*n_rank)++] = SEG_PARAM;
        } else {
            if (strlen(seg) != len || memcmp(seg, p, len) != 0)
                return false;
            rank[(*n_rank)++] = SEG_LITERAL;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    /* all of the path consumed, but for one trailing slash */
    return *p == '\0';
}

/* > 0 when a ranks higher than b */
static int compare_rank(const int *a, size_t na, const int *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++)
        if (a[i] != b[i])
            return a[i] - b[i];
    /* a greedy match is weaker than a longer exact one */
    return (int)na - (int)nb;
}

bool router_match(const struct router *r, const char *method, const char *path,
                  struct route_match *out, bool *path_matched)
{
    const struct route *best = NULL, *fallback = NULL;
    int best_rank[64], rank[64];
    size_t best_n = 0, n;
    bool best_exact_method = false;
    struct route_match m, best_m;
    size_t plen = strlen(r->stage_prefix);
    const char *rest_path = NULL;

    if (path_matched)
        *path_matched = false;
    if (!plen || (!strncmp(path, r->stage_prefix, plen) && (path[plen] == '/' || !path[plen])))
        rest_path = path + plen;
    for (size_t i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        const char *p = rt->api == ROUTE_REST ? rest_path : path;
        if (!p)
            continue;
        if (!rt->path) {
            if (rt->api == ROUTE_HTTP_API)
                fallback = rt;
            continue;
        }
        if (rt->n_segments > 60 || !match_path(rt, p[0] ? p : "/", rank, &n, &m))
            continue;
        if (path_matched)
            *path_matched = true;
        bool exact_method = !strcmp(rt->method, method);
        if (!exact_method && strcmp(rt->method, "ANY") != 0)
            continue;
        int c = best ? compare_rank(rank, n, best_rank, best_n) : 1;
        if (!best || c > 0 || (c == 0 && exact_method && !best_exact_method)) {
            best = rt;
            best_m = m;
            best_m.path = p[0] ? p : "/";
            memcpy(best_rank, rank, n * sizeof(*rank));
            best_n = n;
            best_exact_method = exact_method;
        }
    }
    /* the stage's paths belong to the REST API: its 403, not $default */
    bool rest_routes = false;
    for (size_t i = 0; i < r->n && !rest_routes; i++)
        rest_routes = r->routes[i].api == ROUTE_REST;
    if (!best && fallback && !(rest_routes && plen && rest_path)) {
        memset(&best_m, 0, sizeof(best_m));
        best_m.path = path;
        best = fallback;
    }
    if (!best)
        return false;
    *out = best_m;
    out->route = best;
    return true;
}
