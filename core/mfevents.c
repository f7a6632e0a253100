/* mfevents: the events of a function (httpApi, http, s3, sqs, schedule),
 * CORS settings and authorizers, as Serverless v3 reads them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "mfint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

static const char *const emulated_events[] = { "httpApi", "http", "s3", "sqs", "schedule", NULL };

static const char *const other_events[] = {
    "websocket", "sns", "stream", "kafka", "activemq", "rabbitmq", "msk", "alb", "alexaSkill",
    "alexaSmartHome", "iot", "iotFleetProvisioning", "cloudwatchEvent", "cloudwatchLog",
    "cognitoUserPool", "eventBridge", "cloudFront", NULL,
};

static const char *const all_events[] = {
    "httpApi", "http", "s3", "sqs", "schedule", "websocket", "sns", "stream", "kafka", "activemq",
    "rabbitmq", "msk", "alb", "alexaSkill", "alexaSmartHome", "iot", "iotFleetProvisioning",
    "cloudwatchEvent", "cloudwatchLog", "cognitoUserPool", "eventBridge", "cloudFront", NULL,
};

static const char *const http_methods[] = { "GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD",
                                            "DELETE", "ANY", NULL };

static const char *const default_cors_headers[] = {
    "Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token",
    "X-Amz-User-Agent", "X-Amzn-Trace-Id", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

/* Upper-cases a method and checks it; "*" is ANY. Returns NULL if invalid. */
static char *method_name(const char *s, size_t len)
{
    char *m = xstrndup(s, len);
    for (char *p = m; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (!strcmp(m, "*")) {
        free(m);
        return xstrdup("ANY");
    }
    if (!in_list(m, http_methods)) {
        free(m);
        return NULL;
    }
    return m;
}

static struct mf_event *new_event(struct mf_function *fn, enum mf_event_kind kind,
                                  const struct yt_node *at)
{
    fn->events = xreallocarray(fn->events, fn->n_events + 1, sizeof(*fn->events));
    struct mf_event *ev = &fn->events[fn->n_events++];
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->loc = mfb_loc(at);
    return ev;
}

/* --- CORS --- */

int mfb_cors(struct mfb *b, const struct yt_node *node, bool http_api, const char *method,
             struct mf_cors *out)
{
    static const char *const http_api_keys[] = { "allowCredentials", "allowedHeaders",
                                                 "allowedMethods", "allowedOrigins",
                                                 "exposedResponseHeaders", "maxAge", NULL };
    static const char *const rest_keys[] = { "allowCredentials", "cacheControl", "headers",
                                             "maxAge", "methods", "origin", "origins", NULL };
    bool on = false;

    out->max_age = -1;
    if (!node || yt_is_null(node))
        return 0;
    if (yt_bool(node, &on) || node->kind == YT_SCALAR) {
        if (node->kind == YT_SCALAR && !yt_bool(node, &on))
            return mfb_fail(b, node, "write 'cors: true' or a map of settings",
                            "cors must be true, false or a map, not '%s'", node->str);
        if (!on)
            return 0;
    } else if (node->kind != YT_MAP) {
        return mfb_fail(b, node, "write 'cors: true' or a map of settings",
                        "cors must be true, false or a map, not %s", yt_kind_name(node));
    }
    out->enabled = true;
    if (node->kind == YT_MAP) {
        if (mfb_check_keys(b, node, http_api ? http_api_keys : rest_keys, "cors") < 0 ||
            mfb_bool(b, node, "allowCredentials", "cors", &out->allow_credentials) < 0 ||
            mfb_long(b, node, "maxAge", "cors", http_api ? 0 : 1, 86400, &out->max_age) < 0)
            return -1;
        if (http_api) {
            if (mfb_strlist(b, yt_get(node, "allowedOrigins"), "cors.allowedOrigins", &out->origins) < 0 ||
                mfb_strlist(b, yt_get(node, "allowedHeaders"), "cors.allowedHeaders", &out->headers) < 0 ||
                mfb_strlist(b, yt_get(node, "allowedMethods"), "cors.allowedMethods", &out->methods) < 0 ||
                mfb_strlist(b, yt_get(node, "exposedResponseHeaders"), "cors.exposedResponseHeaders",
                            &out->expose_headers) < 0)
                return -1;
        } else {
            if (mfb_strlist(b, yt_get(node, "origin"), "cors.origin", &out->origins) < 0 ||
                mfb_strlist(b, yt_get(node, "origins"), "cors.origins", &out->origins) < 0 ||
                mfb_strlist(b, yt_get(node, "headers"), "cors.headers", &out->headers) < 0 ||
                mfb_strlist(b, yt_get(node, "methods"), "cors.methods", &out->methods) < 0 ||
                mfb_str(b, node, "cacheControl", "cors", &out->cache_control) < 0)
                return -1;
        }
    }
    /* Serverless's defaults for whatever was left unset */
    if (!out->origins.n)
        strvec_push(&out->origins, "*");
    if (!out->headers.n)
        for (size_t i = 0; default_cors_headers[i]; i++)
            strvec_push(&out->headers, default_cors_headers[i]);
    if (!http_api) {
        /* REST: OPTIONS and the event's method join the configured list */
        if (strvec_find(&out->methods, "OPTIONS") < 0)
            strvec_push(&out->methods, "OPTIONS");
        if (method && strvec_find(&out->methods, method) < 0)
            strvec_push(&out->methods, method);
    }
    /* HTTP API's methods, when unset, are filled from the routes later (the
     * gateway knows them all); an empty list here means exactly that. */
    return 0;
}

/* --- authorizers --- */

int mfb_authorizers(struct mfb *b, struct yt_node *provider)
{
    static const char *const keys[] = { "type", "name", "identitySource", "issuerUrl", "audience",
                                        "functionName", "functionArn", "managedExternally",
                                        "resultTtlInSeconds", "enableSimpleResponses",
                                        "payloadVersion", "id", NULL };
    struct yt_node *auths = yt_get(yt_get(provider, "httpApi"), "authorizers");
    struct manifest *m = b->m;

    if (!auths || yt_is_null(auths))
        return 0;
    if (mfb_expect_map(b, auths, "provider.httpApi.authorizers") < 0)
        return -1;
    m->authorizers = xcalloc(auths->n ? auths->n : 1, sizeof(*m->authorizers));
    for (size_t i = 0; i < auths->n; i++) {
        const char *name = yt_str(auths->items[2 * i]);
        struct yt_node *def = auths->items[2 * i + 1];
        struct mf_authorizer *a = &m->authorizers[m->n_authorizers++];
        char what[300];
        a->result_ttl = -1;
        a->name = xstrdup(name ? name : "?");
        a->loc = mfb_loc(def);
        snprintf(what, sizeof(what), "authorizer '%s'", a->name);
        if (mfb_expect_map(b, def, what) < 0 || mfb_check_keys(b, def, keys, what) < 0 ||
            mfb_str(b, def, "type", what, &a->type) < 0 ||
            mfb_str(b, def, "identitySource", what, &a->identity_source) < 0 ||
            mfb_str(b, def, "issuerUrl", what, &a->issuer) < 0 ||
            mfb_strlist(b, yt_get(def, "audience"), "audience", &a->audience) < 0 ||
            mfb_str(b, def, "functionName", what, &a->function) < 0 ||
            mfb_long(b, def, "resultTtlInSeconds", what, 0, 3600, &a->result_ttl) < 0 ||
            mfb_bool(b, def, "enableSimpleResponses", what, &a->simple_responses) < 0 ||
            mfb_str(b, def, "payloadVersion", what, &a->payload_version) < 0)
            return -1;
        if (!a->type)
            a->type = xstrdup(a->function || yt_get(def, "functionArn") ? "request" : "jwt");
        for (char *p = a->type; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!strcmp(a->type, "jwt")) {
            if (!a->issuer || !a->audience.n)
                return mfb_fail(b, def, "a JWT authorizer needs issuerUrl and audience",
                                "%s: missing %s", what, !a->issuer ? "issuerUrl" : "audience");
            if (!a->identity_source)
                a->identity_source = xstrdup("$request.header.Authorization");
        } else if (!strcmp(a->type, "request")) {
            if (!a->function) {
                if (yt_get(def, "functionArn"))
                    mfb_warn(b, def, "point functionName at a function of this service to run it locally",
                             "%s: functionArn refers to a function outside this service; requests to its routes are refused locally",
                             what);
                else
                    return mfb_fail(b, def, "add 'functionName: <function>'",
                                    "%s: a request authorizer needs functionName", what);
            }
            if (!a->payload_version)
                a->payload_version = xstrdup("2.0");
            if (strcmp(a->payload_version, "1.0") && strcmp(a->payload_version, "2.0"))
                return mfb_fail(b, yt_get(def, "payloadVersion"), "use '1.0' or '2.0'",
                                "%s: unknown payloadVersion '%s'", what, a->payload_version);
        } else {
            return mfb_fail(b, yt_get(def, "type"), "use 'jwt' or 'request'",
                            "%s: unknown type '%s'", what, a->type);
        }
    }
    return 0;
}

/* An event's authorizer: for httpApi a name from provider.httpApi.authorizers
 * (or type aws_iam); for http a function name, ARN or object. */
static int load_authref(struct mfb *b, const struct yt_node *node, bool http_api,
                        struct mf_authref **out)
{
    struct mf_authref *a;
    if (!node || yt_is_null(node))
        return 0;
    a = xcalloc(1, sizeof(*a));
    a->result_ttl = -1;
    *out = a;
    if (node->kind == YT_SCALAR) {
        a->name = xstrdup(node->str);
    } else if (node->kind == YT_MAP) {
        if (mfb_str(b, node, "name", "authorizer", &a->name) < 0 ||
            mfb_str(b, node, "type", "authorizer", &a->type) < 0 ||
            mfb_str(b, node, "identitySource", "authorizer", &a->identity_source) < 0 ||
            mfb_strlist(b, yt_get(node, "scopes"), "authorizer.scopes", &a->scopes) < 0 ||
            mfb_long(b, node, "resultTtlInSeconds", "authorizer", 0, 3600, &a->result_ttl) < 0)
            return -1;
        if (!a->name && yt_get(node, "arn"))
            mfb_str(b, node, "arn", "authorizer", &a->name);
        if (!a->name && yt_get(node, "id"))
            mfb_str(b, node, "id", "authorizer", &a->name);
    } else {
        return mfb_fail(b, node, NULL, "authorizer must be a name or a map, not %s",
                        yt_kind_name(node));
    }
    if (a->type)
        for (char *p = a->type; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    if (a->type && (!strcmp(a->type, "aws_iam") || !strcmp(a->type, "cognito_user_pools"))) {
        mfb_warn(b, node, "requests to this route are passed through without the check",
                 "%s authorizers are not enforced locally", a->type);
        return 0;
    }
    if (!a->name)
        return mfb_fail(b, node, "add 'name:' naming the authorizer", "authorizer has no name");
    if (http_api) {
        for (size_t i = 0; i < b->m->n_authorizers; i++) {
            if (!strcmp(b->m->authorizers[i].name, a->name)) {
                if (!a->type)
                    a->type = xstrdup(b->m->authorizers[i].type);
                if (b->m->authorizers[i].function)
                    a->function = xstrdup(b->m->authorizers[i].function);
                return 0;
            }
        }
        const char **names = xcalloc(b->m->n_authorizers + 1, sizeof(*names));
        for (size_t i = 0; i < b->m->n_authorizers; i++)
            names[i] = b->m->authorizers[i].name;
        const char *guess = tx_suggest(a->name, names);
        char hint[FN_ERR_MSG_MAX];
        snprintf(hint, sizeof(hint), guess ? "did you mean '%s'?" : "%s",
                 guess ? guess : "define it under provider.httpApi.authorizers");
        free(names);
        return mfb_fail(b, node, hint, "unknown httpApi authorizer '%s'", a->name);
    }
    /* REST: a function of this service (by key), or an ARN outside it */
    if (!a->type)
        a->type = xstrdup("token");
    if (strcmp(a->type, "token") && strcmp(a->type, "request"))
        return mfb_fail(b, node, "use token, request, cognito_user_pools or aws_iam",
                        "unknown authorizer type '%s'", a->type);
    if (tx_starts_with(a->name, "arn:")) {
        mfb_warn(b, node, "name a function of this service to run the authorizer locally",
                 "authorizer '%s' is outside this service; requests to this route are refused locally",
                 a->name);
    } else {
        a->function = xstrdup(a->name);
    }
    if (!a->identity_source)
        a->identity_source = xstrdup("method.request.header.Authorization");
    if (a->result_ttl < 0)
        a->result_ttl = 300;
    return 0;
}

/* --- httpApi --- */

static int check_route_unique(struct mfb *b, const struct yt_node *at, const char *method,
                              const char *path)
{
    const struct manifest *m = b->m;
    for (size_t f = 0; f < m->n_functions; f++) {
        const struct mf_function *fn = &m->functions[f];
        for (size_t e = 0; e < fn->n_events; e++) {
            const struct mf_event *ev = &fn->events[e];
            if (ev->kind != MF_EV_HTTPAPI)
                continue;
            const char *p = ev->u.httpapi.path;
            bool same = (!p && !path) || (p && path && !strcmp(p, path));
            if (same && !strcmp(ev->u.httpapi.method, method)) {
                char hint[FN_ERR_MSG_MAX];
                snprintf(hint, sizeof(hint), "function '%s' already has it (line %d)", fn->key,
                         ev->loc.line);
                return mfb_fail(b, at, hint, "duplicate httpApi route '%s %s'", method,
                                path ? path : "$default");
            }
        }
    }
    return 0;
}

static int load_httpapi(struct mfb *b, struct mf_function *fn, struct yt_node *v,
                        const char *payload)
{
    static const char *const keys[] = { "method", "path", "authorizer", NULL };
    const char *hint = "write '*', 'GET /orders/{id}', or a map with method and path";
    char *method = NULL, *path = NULL;
    int rc = -1;

    if (v->kind == YT_SCALAR && !yt_is_null(v)) {
        const char *s = v->str, *sp = strchr(s, ' ');
        if (!strcmp(s, "*")) {
            method = xstrdup("ANY");
        } else if (!sp || !(method = method_name(s, (size_t)(sp - s))) || sp[1] != '/' ||
                   strchr(sp + 1, ' ')) {
            mfb_fail(b, v, hint, "invalid httpApi route '%s'", s);
            goto out;
        } else {
            path = xstrdup(sp + 1);
        }
    } else if (v->kind == YT_MAP) {
        if (mfb_check_keys(b, v, keys, "httpApi event") < 0 ||
            mfb_str(b, v, "path", "httpApi event", &path) < 0)
            goto out;
        const char *ms = mfb_text(yt_get(v, "method"));
        if (!path) {
            mfb_fail(b, v, hint, "httpApi event has no path");
            goto out;
        }
        if (!strcmp(path, "*")) {
            free(path);
            path = NULL;
            if (ms && strcmp(ms, "*") != 0) {
                mfb_fail(b, yt_get(v, "method"), "the catch-all path '*' takes method '*' (or none)",
                         "httpApi path '*' with method '%s'", ms);
                goto out;
            }
            method = xstrdup("ANY");
        } else {
            if (!ms) {
                mfb_fail(b, v, "add 'method: GET' (or '*' for any method)",
                         "missing \"method\" property in function '%s' for httpApi event", fn->key);
                goto out;
            }
            if (!(method = method_name(ms, strlen(ms)))) {
                mfb_fail(b, yt_get(v, "method"), "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or '*'",
                         "unknown HTTP method '%s'", ms);
                goto out;
            }
            if (path[0] != '/') {
                mfb_fail(b, yt_get(v, "path"), "httpApi paths start with '/', e.g. '/orders/{id}'",
                         "invalid httpApi path '%s'", path);
                goto out;
            }
        }
    } else {
        mfb_fail(b, v, hint, "httpApi event must be a string or a map, not %s", yt_kind_name(v));
        goto out;
    }
    if (path && strchr(path, ' ')) {
        mfb_fail(b, v, hint, "httpApi path '%s' contains a space", path);
        goto out;
    }
    if (check_route_unique(b, v, method, path) < 0)
        goto out;
    struct mf_event *ev = new_event(fn, MF_EV_HTTPAPI, v);
    ev->u.httpapi.method = method;
    ev->u.httpapi.path = path;
    snprintf(ev->u.httpapi.payload, sizeof(ev->u.httpapi.payload), "%s", payload);
    method = path = NULL;
    if (v->kind == YT_MAP &&
        load_authref(b, yt_get(v, "authorizer"), true, &ev->u.httpapi.authorizer) < 0)
        goto out;
    rc = 0;
out:
    free(method);
    free(path);
    return rc;
}

/* --- http (REST) --- */

/* "/a/b/" and "a/b" -> "/a/b"; "" -> "/" */
static char *rest_path(const char *p)
{
    while (*p == '/')
        p++;
    size_t len = strlen(p);
    while (len && p[len - 1] == '/')
        len--;
    return xasprintf("/%.*s", (int)len, p);
}

static int load_http(struct mfb *b, struct mf_function *fn, struct yt_node *v)
{
    static const char *const keys[] = {
        "async", "authorizer", "connectionId", "connectionType", "cors", "integration", "method",
        "operationId", "path", "private", "request", "response", NULL,
    };
    const char *hint = "write 'GET /orders/{id}' or a map with method and path";
    char *method = NULL, *raw_path = NULL, *integration = NULL;
    int rc = -1;

    if (v->kind == YT_SCALAR && !yt_is_null(v)) {
        const char *s = v->str, *sp = strchr(s, ' ');
        if (!sp || !(method = method_name(s, (size_t)(sp - s))) || strchr(sp + 1, ' ')) {
            mfb_fail(b, v, hint, "invalid http event '%s'", s);
            goto out;
        }
        raw_path = xstrdup(sp + 1);
        if (raw_path[0] != '/')
            mfb_warn(b, v, "Serverless v3's schema wants the path to start with '/': 'GET /orders'",
                     "http event '%s': path without a leading '/'", s);
    } else if (v->kind == YT_MAP) {
        if (mfb_check_keys(b, v, keys, "http event") < 0 ||
            mfb_str(b, v, "path", "http event", &raw_path) < 0 ||
            mfb_str(b, v, "integration", "http event", &integration) < 0)
            goto out;
        const char *ms = mfb_text(yt_get(v, "method"));
        if (!raw_path || !ms) {
            mfb_fail(b, v, hint, "http event has no %s", raw_path ? "method" : "path");
            goto out;
        }
        if (!(method = method_name(ms, strlen(ms)))) {
            mfb_fail(b, yt_get(v, "method"), "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY",
                     "unknown HTTP method '%s'", ms);
            goto out;
        }
    } else {
        mfb_fail(b, v, hint, "http event must be a string or a map, not %s", yt_kind_name(v));
        goto out;
    }
    struct mf_event *ev = new_event(fn, MF_EV_HTTP, v);
    ev->u.http.method = method;
    ev->u.http.path = rest_path(raw_path);
    method = NULL;
    ev->u.http.cors.max_age = -1;
    if (v->kind == YT_MAP) {
        if (mfb_cors(b, yt_get(v, "cors"), false, ev->u.http.method, &ev->u.http.cors) < 0 ||
            mfb_bool(b, v, "private", "http event", &ev->u.http.private_) < 0 ||
            mfb_bool(b, v, "async", "http event", &ev->u.http.async) < 0 ||
            load_authref(b, yt_get(v, "authorizer"), false, &ev->u.http.authorizer) < 0)
            goto out;
        if (integration) {
            for (char *p = integration; *p; p++)
                *p = (char)tolower((unsigned char)*p == '_' ? '-' : *p);
            if (!strcmp(integration, "lambda")) {
                ev->u.http.lambda_integration = true;
                mfb_warn(b, yt_get(v, "integration"),
                         "request and response templates are not applied; the event is the lambda-proxy one",
                         "http event: 'lambda' (non-proxy) integration is emulated as lambda-proxy");
            } else if (strcmp(integration, "lambda-proxy") && strcmp(integration, "aws-proxy")) {
                mfb_warn(b, yt_get(v, "integration"), "only Lambda integrations are emulated",
                         "http event: integration '%s' is not emulated", integration);
            }
        }
    }
    rc = 0;
out:
    free(method);
    free(raw_path);
    free(integration);
    return rc;
}

/* --- s3 --- */

static int load_s3(struct mfb *b, struct mf_function *fn, struct yt_node *v,
                   struct yt_node *provider)
{
    static const char *const keys[] = { "bucket", "event", "existing", "forceDeploy", "rules", NULL };
    struct yt_node *bucket_node = v;
    char *event = NULL;
    int rc = -1;

    if (v->kind == YT_MAP) {
        if (mfb_check_keys(b, v, keys, "s3 event") < 0)
            goto out;
        bucket_node = yt_get(v, "bucket");
        if (!bucket_node || yt_is_null(bucket_node)) {
            mfb_fail(b, v, "add 'bucket: my-bucket'", "s3 event has no bucket");
            goto out;
        }
        if (cfn_resolve(&b->cfn, bucket_node, b->err) < 0)
            goto out;
    }
    if (v->kind != YT_MAP && cfn_resolve(&b->cfn, bucket_node, b->err) < 0)
        goto out;
    if (bucket_node->kind != YT_SCALAR || yt_is_null(bucket_node)) {
        mfb_fail(b, bucket_node, "write 's3: my-bucket' or a map with bucket and event",
                 "s3 event bucket must be a string, not %s", yt_kind_name(bucket_node));
        goto out;
    }
    struct mf_event *ev = new_event(fn, MF_EV_S3, v);
    /* a key of provider.s3 names a bucket configured there */
    struct yt_node *conf = yt_get(yt_get(provider, "s3"), bucket_node->str);
    const char *name = conf && mfb_text(yt_get(conf, "name")) ? yt_get(conf, "name")->str
                                                              : bucket_node->str;
    ev->u.s3.bucket = xstrdup(name);
    if (!name[0]) {
        mfb_fail(b, bucket_node,
                 "its value comes from a variable fnctl cannot resolve locally (see the warnings); add a fallback",
                 "s3 event bucket name is empty");
        goto out;
    }
    if (!mf_valid_bucket_name(name)) {
        mfb_fail(b, bucket_node,
                 "3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                 "invalid bucket name '%s'", name);
        goto out;
    }
    if (v->kind == YT_MAP) {
        if (mfb_str(b, v, "event", "s3 event", &event) < 0 ||
            mfb_bool(b, v, "existing", "s3 event", &ev->u.s3.existing) < 0)
            goto out;
        if (event && !tx_starts_with(event, "s3:")) {
            mfb_fail(b, yt_get(v, "event"), "e.g. 's3:ObjectCreated:*' or 's3:ObjectRemoved:Delete'",
                     "invalid s3 event type '%s'", event);
            goto out;
        }
        struct yt_node *rules = yt_get(v, "rules");
        if (rules && !yt_is_null(rules)) {
            if (rules->kind != YT_SEQ) {
                mfb_fail(b, rules, "write rules as a list: '- prefix: uploads/'",
                         "s3 event rules must be a list, not %s", yt_kind_name(rules));
                goto out;
            }
            for (size_t i = 0; i < rules->n; i++) {
                struct yt_node *r = rules->items[i];
                if (r->kind != YT_MAP || r->n != 1 ||
                    (!yt_get(r, "prefix") && !yt_get(r, "suffix"))) {
                    mfb_fail(b, r, "each rule is '- prefix: x/' or '- suffix: .jpg'",
                             "invalid s3 event rule");
                    goto out;
                }
                if (mfb_str(b, r, "prefix", "s3 rule", &ev->u.s3.prefix) < 0 ||
                    mfb_str(b, r, "suffix", "s3 rule", &ev->u.s3.suffix) < 0)
                    goto out;
            }
        }
    }
    strvec_push(&ev->u.s3.events, event ? event : "s3:ObjectCreated:*");
    mf_add_bucket(b->m, NULL, name, bucket_node);
    rc = 0;
out:
    free(event);
    return rc;
}

/* --- sqs --- */

static int load_sqs(struct mfb *b, struct mf_function *fn, struct yt_node *v)
{
    static const char *const keys[] = { "arn", "batchSize", "enabled", "maximumBatchingWindow",
                                        "functionResponseType", "filterPatterns",
                                        "maximumConcurrency", NULL };
    struct yt_node *arn = v;
    char *response_type = NULL;
    int rc = -1;

    if (v->kind == YT_MAP) {
        if (mfb_check_keys(b, v, keys, "sqs event") < 0)
            goto out;
        arn = yt_get(v, "arn");
        if (!arn || yt_is_null(arn)) {
            mfb_fail(b, v, "add 'arn: !GetAtt MyQueue.Arn'", "sqs event has no arn");
            goto out;
        }
    }
    if (cfn_resolve(&b->cfn, arn, b->err) < 0)
        goto out;
    if (arn->kind != YT_SCALAR || !tx_starts_with(arn->str, "arn:")) {
        mfb_fail(b, arn, "give the queue's ARN, e.g. !GetAtt MyQueue.Arn or arn:aws:sqs:us-east-1:123456789012:my-queue",
                 "sqs event needs a queue ARN, not %s%s%s%s", yt_kind_name(arn),
                 arn->kind == YT_SCALAR ? " '" : "", arn->kind == YT_SCALAR ? arn->str : "",
                 arn->kind == YT_SCALAR ? "'" : "");
        goto out;
    }
    const char *colon = strrchr(arn->str, ':');
    if (!colon[1] || !tx_starts_with(arn->str, "arn:aws:sqs:")) {
        mfb_fail(b, arn, "an SQS queue ARN looks like arn:aws:sqs:<region>:<account>:<name>",
                 "'%s' is not an SQS queue ARN", arn->str);
        goto out;
    }
    struct mf_event *ev = new_event(fn, MF_EV_SQS, v);
    struct mf_ev_sqs *q = &ev->u.sqs;
    q->arn = xstrdup(arn->str);
    q->queue = xstrdup(colon + 1);
    q->batch_size = 10;
    q->enabled = true;
    q->max_concurrency = -1;
    if (v->kind == YT_MAP) {
        if (mfb_long(b, v, "batchSize", "sqs event", 1, 10000, &q->batch_size) < 0 ||
            mfb_long(b, v, "maximumBatchingWindow", "sqs event", 0, 300, &q->batch_window) < 0 ||
            mfb_long(b, v, "maximumConcurrency", "sqs event", 2, 1000, &q->max_concurrency) < 0 ||
            mfb_bool(b, v, "enabled", "sqs event", &q->enabled) < 0 ||
            mfb_str(b, v, "functionResponseType", "sqs event", &response_type) < 0)
            goto out;
        if (response_type && strcmp(response_type, "ReportBatchItemFailures")) {
            mfb_fail(b, yt_get(v, "functionResponseType"), "the only value is ReportBatchItemFailures",
                     "unknown functionResponseType '%s'", response_type);
            goto out;
        }
        q->report_batch_item_failures = response_type != NULL;
        if (yt_get(v, "filterPatterns"))
            mfb_warn(b, yt_get(v, "filterPatterns"), "every message reaches the function locally",
                     "sqs event: filterPatterns are not applied");
    }
    if (q->batch_size > 10 && q->batch_window < 1) {
        mfb_fail(b, v, "set maximumBatchingWindow (1-300 seconds) for batches over 10",
                 "sqs event: batchSize %ld needs a maximumBatchingWindow", q->batch_size);
        goto out;
    }
    if (tx_ends_with(q->queue, ".fifo") && q->batch_size > 10) {
        mfb_fail(b, v, "FIFO queues deliver at most 10 messages a batch",
                 "sqs event: batchSize %ld is over 10 for FIFO queue '%s'", q->batch_size, q->queue);
        goto out;
    }
    mf_add_event_queue(b->m, q->queue);
    rc = 0;
out:
    free(response_type);
    return rc;
}

/* --- schedule --- */

/* rate(1 minute|hour|day), rate(N minutes|hours|days) for N >= 2, or
 * cron(...) with 6 fields: Serverless v3's pattern. */
static bool valid_schedule(const char *s)
{
    if (tx_starts_with(s, "cron(") && tx_ends_with(s, ")")) {
        int fields = 0;
        bool in_field = false;
        for (const char *p = s + 5; p[1]; p++) {
            bool space = *p == ' ';
            if (!space && !in_field)
                fields++;
            in_field = !space;
        }
        return fields == 6 && s[5] != ' ';
    }
    if (!tx_starts_with(s, "rate(") || !tx_ends_with(s, ")"))
        return false;
    char *end;
    const char *p = s + 5;
    if (!isdigit((unsigned char)*p) || *p == '0')
        return false;
    long n = strtol(p, &end, 10);
    if (*end != ' ')
        return false;
    const char *unit = end + 1;
    size_t ulen = strlen(unit) - 1;
    static const char *const units[] = { "minute", "hour", "day" };
    for (size_t i = 0; i < 3; i++) {
        size_t l = strlen(units[i]);
        if (n == 1 && ulen == l && !strncmp(unit, units[i], l))
            return true;
        if (n > 1 && ulen == l + 1 && !strncmp(unit, units[i], l) && unit[l] == 's')
            return true;
    }
    return false;
}

static int load_schedule(struct mfb *b, struct mf_function *fn, struct yt_node *v)
{
    static const char *const keys[] = { "rate", "enabled", "name", "description", "input",
                                        "inputPath", "inputTransformer", "method", "timezone",
                                        NULL };
    const char *hint = "e.g. 'rate(5 minutes)', 'rate(1 hour)' or 'cron(0 12 * * ? *)'";
    struct mf_event *ev = new_event(fn, MF_EV_SCHEDULE, v);
    struct mf_ev_schedule *s = &ev->u.schedule;
    struct yt_node *rate = v;

    s->enabled = true;
    if (v->kind == YT_MAP) {
        if (mfb_check_keys(b, v, keys, "schedule event") < 0)
            return -1;
        rate = yt_get(v, "rate");
        if (!rate || yt_is_null(rate))
            return mfb_fail(b, v, hint, "schedule event has no rate");
        if (mfb_bool(b, v, "enabled", "schedule event", &s->enabled) < 0 ||
            mfb_str(b, v, "name", "schedule event", &s->name) < 0 ||
            mfb_str(b, v, "description", "schedule event", &s->description) < 0 ||
            mfb_str(b, v, "inputPath", "schedule event", &s->input_path) < 0)
            return -1;
        struct yt_node *input = yt_get(v, "input");
        if (input && !yt_is_null(input)) {
            if (input->kind == YT_SCALAR) {
                struct fn_err jerr = FN_ERR_INIT;
                s->input = fj_parse(input->str, input->len, input->file, &jerr);
                if (!s->input)
                    return mfb_fail(b, input, "input is JSON text, or a map written in YAML",
                                    "schedule input is not valid JSON: %s", jerr.msg);
            } else {
                s->input = yt_to_json(input);
            }
        }
        if (yt_get(v, "inputTransformer"))
            mfb_warn(b, yt_get(v, "inputTransformer"), "the function receives the scheduled event itself",
                     "schedule event: inputTransformer is not applied locally");
    }
    if (mfb_strlist(b, rate, "schedule rate", &s->rates) < 0)
        return -1;
    if (!s->rates.n)
        return mfb_fail(b, rate, hint, "schedule event has no rate");
    for (size_t i = 0; i < s->rates.n; i++) {
        if (!valid_schedule(s->rates.v[i])) {
            const struct yt_node *at = rate->kind == YT_SEQ ? rate->items[i] : rate;
            return mfb_fail(b, at, hint, "invalid schedule expression '%s'", s->rates.v[i]);
        }
    }
    if (s->name && s->rates.n > 1)
        return mfb_fail(b, yt_get(v, "name"), "remove 'name' or keep one rate",
                        "schedule event: 'name' cannot be used with several rates");
    return 0;
}

/* --- the events list --- */

int mfb_events(struct mfb *b, struct mf_function *fn, struct yt_node *def)
{
    struct yt_node *provider = yt_get(b->root, "provider");
    struct yt_node *events = yt_get(def, "events");
    struct yt_node *pnode = yt_get(yt_get(def, "httpApi"), "payload");
    const char *payload;

    if (!pnode)
        pnode = yt_get(yt_get(provider, "httpApi"), "payload");
    payload = mfb_text(pnode) ? pnode->str : "2.0";
    if (strcmp(payload, "2.0") && strcmp(payload, "1.0"))
        return mfb_fail(b, pnode, "use '1.0' or '2.0'", "unknown httpApi payload version '%s'",
                        payload);

    if (!events || yt_is_null(events))
        return 0;
    if (events->kind != YT_SEQ)
        return mfb_fail(b, events, "write events as a list: '- httpApi: GET /hello'",
                        "function '%s': events must be a list, not %s", fn->key,
                        yt_kind_name(events));
    for (size_t i = 0; i < events->n; i++) {
        struct yt_node *item = events->items[i];
        /* "- alexaSkill": a type without settings (Serverless v1's form) */
        if (item->kind == YT_SCALAR && yt_str(item) && in_list(item->str, all_events)) {
            if (in_list(item->str, emulated_events))
                return mfb_fail(b, item, "write '- httpApi: GET /hello' (an event type with its settings)",
                                "function '%s': '%s' event has no settings", fn->key, item->str);
            mfb_warn(b, item, "fnctl emulates httpApi, http, s3, sqs and schedule events; invoke the function with 'fnctl invoke' to try it",
                     "function '%s': '%s' events are not emulated", fn->key, item->str);
            continue;
        }
        if (item->kind != YT_MAP || item->n != 1) {
            return mfb_fail(b, item, "each event is a map with one key, e.g. '- httpApi: GET /hello'",
                            "function '%s': event %zu must have exactly one type", fn->key, i + 1);
        }
        const char *type = yt_str(item->items[0]);
        struct yt_node *v = item->items[1];
        if (!type)
            return mfb_fail(b, item, NULL, "event type must be a string");
        if (yt_is_null(v) && strcmp(type, "httpApi") != 0)
            return mfb_fail(b, v, NULL, "function '%s': '%s' event has no settings", fn->key, type);
        int rc = 0;
        if (!strcmp(type, "httpApi"))
            rc = yt_is_null(v) ? mfb_fail(b, item, "write '- httpApi: GET /path' or '- httpApi: \"*\"'",
                                          "httpApi event has no route")
                               : load_httpapi(b, fn, v, payload);
        else if (!strcmp(type, "http"))
            rc = load_http(b, fn, v);
        else if (!strcmp(type, "s3"))
            rc = load_s3(b, fn, v, provider);
        else if (!strcmp(type, "sqs"))
            rc = load_sqs(b, fn, v);
        else if (!strcmp(type, "schedule"))
            rc = load_schedule(b, fn, v);
        else if (in_list(type, other_events))
            mfb_warn(b, item->items[0], "fnctl emulates httpApi, http, s3, sqs and schedule events; invoke the function with 'fnctl invoke' to try it",
                     "function '%s': '%s' events are not emulated", fn->key, type);
        else {
            const char *guess = tx_suggest(type, all_events);
            char hint[FN_ERR_MSG_MAX], list[256];
            tx_join_quoted(list, sizeof(list), emulated_events);
            if (guess)
                snprintf(hint, sizeof(hint), "did you mean '%s'? supported: %s", guess, list);
            else
                snprintf(hint, sizeof(hint), "supported: %s", list);
            if (b->has_plugins && !guess)
                mfb_warn(b, item->items[0], hint,
                         "function '%s': unknown event type '%s' (from a plugin?) is ignored",
                         fn->key, type);
            else
                return mfb_fail(b, item->items[0], hint, "function '%s': unknown event type '%s'",
                                fn->key, type);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}
