#include "authz.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "b64.h"
#include "json.h"
#include "strset.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

enum az_kind az_kind_of(const struct manifest *m, const struct route *rt,
                        const struct mf_authorizer **def, const char **function)
{
    const struct mf_authref *ref = rt->api == ROUTE_HTTP_API ? rt->ev->u.httpapi.authorizer
                                                             : rt->ev->u.http.authorizer;
    *def = NULL;
    *function = NULL;
    if (!ref || !ref->type)
        return AZ_NONE;
    if (rt->api == ROUTE_HTTP_API) {
        for (size_t i = 0; i < m->n_authorizers; i++)
            if (ref->name && !strcmp(m->authorizers[i].name, ref->name))
                *def = &m->authorizers[i];
        if (!*def)
            return AZ_NONE; /* aws_iam: not enforced */
        if (!strcmp((*def)->type, "jwt"))
            return AZ_JWT;
        *function = (*def)->function;
        return *function ? AZ_LAMBDA : AZ_NONE;
    }
    if (strcmp(ref->type, "token") && strcmp(ref->type, "request"))
        return AZ_NONE;
    *function = ref->function;
    return *function ? AZ_LAMBDA : AZ_NONE;
}

static void deny(struct az_decision *out, int status, const char *body, const char *error_type)
{
    out->verdict = AZ_DENY;
    out->status = status;
    snprintf(out->body, sizeof(out->body), "%s", body);
    out->error_type = error_type;
}

void az_decision_release(struct az_decision *d)
{
    json_decref(d->authorizer);
    d->authorizer = NULL;
}

/* --- identity sources --- */

/* The value of one identity source ("$request.header.X",
 * "method.request.header.X", "$request.querystring.x", ...), or NULL. */
static char *identity_value(const char *source, const struct apigw_request *req)
{
    const char *s = source;
    while (*s == ' ')
        s++;
    if (tx_starts_with(s, "$request."))
        s += 9;
    else if (tx_starts_with(s, "method.request."))
        s += 15;
    else
        return NULL;
    if (tx_starts_with(s, "header.")) {
        const char *v = apigw_header(req, s + 7);
        return v ? xstrdup(v) : NULL;
    }
    if (tx_starts_with(s, "querystring.")) {
        const char *name = s + 12;
        size_t nlen = strlen(name);
        for (const char *q = req->query; q && *q;) {
            size_t len = strcspn(q, "&");
            if (len > nlen && !strncmp(q, name, nlen) && q[nlen] == '=')
                return xstrndup(q + nlen + 1, len - nlen - 1);
            q += len;
            if (*q == '&')
                q++;
        }
    }
    return NULL;
}

/* All the sources' values; false when one is missing or empty. */
static bool identity_values(const char *sources, const struct apigw_request *req,
                            struct strvec *out)
{
    char *copy = xstrdup(sources), *save = NULL;
    bool ok = true;
    for (char *s = strtok_r(copy, ",", &save); s && ok; s = strtok_r(NULL, ",", &save)) {
        char *v = identity_value(s, req);
        if (!v || !*v) {
            free(v);
            ok = false;
        } else {
            strvec_push_owned(out, v);
        }
    }
    free(copy);
    return ok;
}

/* --- JWT --- */

static json_t *jwt_claims(const char *token)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2)
        return NULL;
    struct buf b64 = BUF_INIT, raw = BUF_INIT;
    for (const char *p = dot1 + 1; p < dot2; p++)
        buf_addch(&b64, *p == '-' ? '+' : *p == '_' ? '/' : *p);
    while (b64.len % 4)
        buf_addch(&b64, '=');
    json_t *claims = NULL;
    if (b64_decode(b64.data ? b64.data : "", b64.len, &raw) == 0) {
        json_error_t jerr;
        claims = json_loadb(raw.data ? raw.data : "", raw.len, 0, &jerr);
        if (claims && !json_is_object(claims)) {
            json_decref(claims);
            claims = NULL;
        }
    }
    buf_release(&b64);
    buf_release(&raw);
    return claims;
}

/* A claim as API Gateway passes it: strings as they are, arrays as
 * "[a b c]", numbers and booleans as text. */
static json_t *claim_text(const json_t *v)
{
    if (json_is_string(v))
        return json_string(json_string_value(v));
    if (json_is_array(v)) {
        struct buf b = BUF_INIT;
        size_t i;
        json_t *item;
        buf_addch(&b, '[');
        json_array_foreach(v, i, item) {
            json_t *t = claim_text(item);
            buf_addf(&b, "%s%s", i ? " " : "", json_string_value(t) ? json_string_value(t) : "");
            json_decref(t);
        }
        buf_addch(&b, ']');
        json_t *s = json_string(buf_cstr(&b));
        buf_release(&b);
        return s;
    }
    if (json_is_integer(v)) {
        char n[32];
        snprintf(n, sizeof(n), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return json_string(n);
    }
    if (json_is_real(v)) {
        char n[64];
        snprintf(n, sizeof(n), "%g", json_real_value(v));
        return json_string(n);
    }
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "true" : "false");
    return json_string("");
}

static bool audience_ok(const struct mf_authorizer *def, const json_t *claims)
{
    const json_t *aud = json_object_get(claims, "aud");
    const json_t *client = json_object_get(claims, "client_id");
    for (size_t i = 0; i < def->audience.n; i++) {
        const char *want = def->audience.v[i];
        if (json_is_string(aud) && !strcmp(json_string_value(aud), want))
            return true;
        if (json_is_array(aud)) {
            size_t k;
            json_t *a;
            json_array_foreach(aud, k, a)
                if (json_is_string(a) && !strcmp(json_string_value(a), want))
                    return true;
        }
        if (json_is_string(client) && !strcmp(json_string_value(client), want))
            return true;
    }
    return false;
}

/* The token's scopes ("scope" space-separated, or "scp" list or string). */
static void token_scopes(const json_t *claims, struct strvec *out)
{
    const json_t *s = json_object_get(claims, "scope");
    if (!s)
        s = json_object_get(claims, "scp");
    if (json_is_array(s)) {
        size_t i;
        json_t *v;
        json_array_foreach(s, i, v)
            if (json_is_string(v))
                strvec_push(out, json_string_value(v));
    } else if (json_is_string(s)) {
        char *copy = xstrdup(json_string_value(s)), *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
            strvec_push(out, t);
        free(copy);
    }
}

static void jwt_reject(struct az_decision *out, const char *why)
{
    deny(out, 401, "{\"message\":\"Unauthorized\"}", NULL);
    snprintf(out->www_authenticate, sizeof(out->www_authenticate),
             "Bearer scope=\"\" error=\"invalid_token\" error_description=\"%s\"", why);
}

void az_jwt(const struct mf_authorizer *def, const struct route *rt,
            const struct apigw_request *req, struct az_decision *out)
{
    struct strvec ids = STRVEC_INIT, scopes = STRVEC_INIT;
    const struct mf_authref *ref = rt->ev->u.httpapi.authorizer;
    json_t *claims = NULL;
    time_t now = time(NULL);

    memset(out, 0, sizeof(*out));
    if (!identity_values(def->identity_source, req, &ids)) {
        jwt_reject(out, "the token is missing");
        goto out;
    }
    const char *token = ids.v[0];
    if (!strncasecmp(token, "Bearer ", 7))
        token += 7;
    claims = jwt_claims(token);
    if (!claims) {
        jwt_reject(out, "the token is not a JWT");
        goto out;
    }
    const char *iss = fj_str(claims, "iss", NULL);
    if (!iss || strcmp(iss, def->issuer)) {
        jwt_reject(out, "the token does not have a valid issuer");
        goto out;
    }
    if (!audience_ok(def, claims)) {
        jwt_reject(out, "the token does not have a valid audience");
        goto out;
    }
    json_t *exp = json_object_get(claims, "exp");
    if (exp && json_is_number(exp) && json_number_value(exp) <= (double)now) {
        jwt_reject(out, "the token has expired");
        goto out;
    }
    json_t *nbf = json_object_get(claims, "nbf"), *iat = json_object_get(claims, "iat");
    if ((nbf && json_is_number(nbf) && json_number_value(nbf) > (double)now) ||
        (iat && json_is_number(iat) && json_number_value(iat) > (double)now + 60)) {
        jwt_reject(out, "the token is not valid yet");
        goto out;
    }
    token_scopes(claims, &scopes);
    if (ref->scopes.n) {
        bool any = false;
        for (size_t i = 0; i < ref->scopes.n && !any; i++)
            any = strvec_find(&scopes, ref->scopes.v[i]) >= 0;
        if (!any) {
            deny(out, 403, "{\"message\":\"Forbidden\"}", NULL);
            snprintf(out->www_authenticate, sizeof(out->www_authenticate),
                     "Bearer scope=\"%s\" error=\"insufficient_scope\" error_description=\"the "
                     "token does not have the required scope\"",
                     ref->scopes.v[0]);
            goto out;
        }
    }
    json_t *text_claims = json_object(), *jwt = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(claims, key, value)
        json_object_set_new(text_claims, key, claim_text(value));
    json_object_set_new(jwt, "claims", text_claims);
    if (scopes.n) {
        json_t *arr = json_array();
        for (size_t i = 0; i < scopes.n; i++)
            json_array_append_new(arr, json_string(scopes.v[i]));
        json_object_set_new(jwt, "scopes", arr);
    }
    out->verdict = AZ_ALLOW;
    if (strcmp(rt->ev->u.httpapi.payload, "1.0") == 0) {
        /* payload 1.0 carries the claims directly under authorizer */
        out->authorizer = jwt;
    } else {
        out->authorizer = json_object();
        json_object_set_new(out->authorizer, "jwt", jwt);
    }
out:
    json_decref(claims);
    strvec_clear(&ids);
    strvec_clear(&scopes);
}

/* --- Lambda authorizers --- */

static void method_arn(const struct manifest *m, const struct route *rt,
                       const struct apigw_request *req, const char *path, struct buf *out)
{
    buf_addf(out, "arn:aws:execute-api:%s:%s:%s/%s/%s/%s", m->region, MF_ACCOUNT_ID, APIGW_API_ID,
             rt->api == ROUTE_REST ? m->stage : "$default", req->method,
             path[0] == '/' ? path + 1 : path);
}

static const char *rest_path(const struct route_match *match)
{
    return match->path ? match->path : "/";
}

static const struct mf_authref *authref_of(const struct route *rt)
{
    return rt->api == ROUTE_HTTP_API ? rt->ev->u.httpapi.authorizer : rt->ev->u.http.authorizer;
}

/* The identity sources of the route's Lambda authorizer, comma-separated. */
static const char *sources_of(const struct mf_authorizer *def, const struct route *rt)
{
    const struct mf_authref *ref = authref_of(rt);
    return def && def->identity_source ? def->identity_source
           : ref->identity_source      ? ref->identity_source
           : rt->api == ROUTE_HTTP_API ? "$request.header.Authorization"
                                       : "method.request.header.Authorization";
}

bool az_lambda_event(const struct manifest *m, const struct mf_authorizer *def,
                     const struct route *rt, const struct apigw_request *req,
                     const struct route_match *match, struct buf *event, struct az_decision *out)
{
    const struct mf_authref *ref = authref_of(rt);
    const char *sources = sources_of(def, rt);
    struct strvec ids = STRVEC_INIT;
    struct buf arn = BUF_INIT, joined = BUF_INIT, base = BUF_INIT;
    bool ok = false;

    memset(out, 0, sizeof(*out));
    if (!identity_values(sources, req, &ids)) {
        if (rt->api == ROUTE_HTTP_API)
            deny(out, 401, "{\"message\":\"Unauthorized\"}", NULL);
        else
            deny(out, 401, "{\"message\":\"Unauthorized\"}", "UnauthorizedException");
        goto out;
    }
    for (size_t i = 0; i < ids.n; i++)
        buf_addf(&joined, "%s%s", i ? "," : "", ids.v[i]);
    method_arn(m, rt, req, rt->api == ROUTE_REST ? rest_path(match) : req->path, &arn);

    bool token = rt->api == ROUTE_REST && !strcmp(ref->type, "token");
    json_t *ev;
    if (token) {
        ev = json_pack("{s:s, s:s, s:s}", "type", "TOKEN", "authorizationToken", ids.v[0],
                       "methodArn", buf_cstr(&arn));
    } else {
        /* the request event of the route's format, without the body */
        struct apigw_request bodiless = *req;
        bodiless.body = NULL;
        bodiless.body_len = 0;
        apigw_event(&bodiless, match, &base);
        struct fn_err err = FN_ERR_INIT;
        ev = fj_parse(base.data, base.len, "event", &err);
        json_object_del(ev, "body");
        json_object_del(ev, "isBase64Encoded");
        json_t *typed = json_object();
        bool v2 = rt->api == ROUTE_HTTP_API && (!def || !def->payload_version ||
                                                strcmp(def->payload_version, "1.0"));
        if (v2) {
            json_t *arr = json_array();
            for (size_t i = 0; i < ids.n; i++)
                json_array_append_new(arr, json_string(ids.v[i]));
            json_object_set_new(typed, "version", json_string("2.0"));
            json_object_set_new(typed, "type", json_string("REQUEST"));
            json_object_set_new(typed, "routeArn", json_string(buf_cstr(&arn)));
            json_object_set_new(typed, "identitySource", arr);
        } else {
            if (rt->api == ROUTE_HTTP_API)
                json_object_set_new(typed, "version", json_string("1.0"));
            json_object_set_new(typed, "type", json_string("REQUEST"));
            json_object_set_new(typed, "methodArn", json_string(buf_cstr(&arn)));
            if (rt->api == ROUTE_HTTP_API) {
                json_object_set_new(typed, "identitySource", json_string(buf_cstr(&joined)));
                json_object_set_new(typed, "authorizationToken", json_string(buf_cstr(&joined)));
            }
        }
        json_object_update(typed, ev);
        json_decref(ev);
        ev = typed;
    }
    fj_dump(ev, event);
    json_decref(ev);
    ok = true;
out:
    strvec_clear(&ids);
    buf_release(&arn);
    buf_release(&joined);
    buf_release(&base);
    return ok;
}

static bool resource_matches(const json_t *resource, const char *arn)
{
    if (json_is_string(resource))
        return fnmatch(json_string_value(resource), arn, 0) == 0;
    if (json_is_array(resource)) {
        size_t i;
        json_t *r;
        json_array_foreach(resource, i, r)
            if (resource_matches(r, arn))
                return true;
    }
    return false;
}

/* An IAM policy's verdict for arn: 1 allow, 0 no allow, -1 explicit deny,
 * -2 malformed. */
static int evaluate_policy(const json_t *policy, const char *arn)
{
    const json_t *statements = json_object_get(policy, "Statement");
    int verdict = 0;
    if (!json_is_object(policy) || !statements)
        return -2;
    bool single = json_is_object(statements);
    if (!single && !json_is_array(statements))
        return -2;
    size_t n = single ? 1 : json_array_size(statements);
    for (size_t i = 0; i < n; i++) {
        const json_t *st = single ? statements : json_array_get(statements, i);
        const char *effect = fj_str(st, "Effect", NULL);
        const json_t *res = json_object_get(st, "Resource");
        if (!effect || !res)
            return -2;
        if (!resource_matches(res, arn))
            continue;
        if (!strcasecmp(effect, "Deny"))
            return -1;
        if (!strcasecmp(effect, "Allow"))
            verdict = 1;
    }
    return verdict;
}

static json_t *stringified(const json_t *context)
{
    json_t *o = json_object();
    const char *key;
    json_t *v;
    if (!json_is_object(context))
        return o;
    json_object_foreach((json_t *)context, key, v) {
        if (json_is_null(v))
            json_object_set_new(o, key, json_null());
        else
            json_object_set_new(o, key, claim_text(v));
    }
    return o;
}

void az_lambda_decide(const struct manifest *m, const struct mf_authorizer *def,
                      const struct route *rt, const struct apigw_request *req,
                      const struct route_match *match, bool function_error, const char *payload,
                      size_t len, struct az_decision *out)
{
    bool http_api = rt->api == ROUTE_HTTP_API;
    json_error_t jerr;
    json_t *v = json_loadb(payload, len, JSON_DECODE_ANY, &jerr);
    struct buf arn = BUF_INIT;

    memset(out, 0, sizeof(*out));
    method_arn(m, rt, req, http_api ? req->path : rest_path(match), &arn);
    if (http_api)
        deny(out, 500, "{\"message\":\"Internal Server Error\"}", NULL);
    else
        deny(out, 500, "{\"message\": null}", "AuthorizerConfigurationException");
    if (!v)
        goto out;
    if (function_error) {
        /* a REST authorizer says "Unauthorized" to mean 401 */
        if (!strcmp(fj_str(v, "errorMessage", ""), "Unauthorized"))
            deny(out, 401, "{\"message\":\"Unauthorized\"}",
                 http_api ? NULL : "UnauthorizedException");
        goto out;
    }
    if (http_api && def && def->simple_responses && json_is_object(v) &&
        json_object_get(v, "isAuthorized")) {
        if (!json_is_true(json_object_get(v, "isAuthorized"))) {
            deny(out, 403, "{\"message\":\"Forbidden\"}", NULL);
            goto out;
        }
        out->verdict = AZ_ALLOW;
        out->authorizer = json_object();
        json_t *ctx = json_object_get(v, "context");
        json_object_set_new(out->authorizer, "lambda", ctx ? json_incref(ctx) : json_object());
        goto out;
    }
    /* an IAM policy: {principalId, policyDocument, context} */
    int verdict = evaluate_policy(json_object_get(v, "policyDocument"), buf_cstr(&arn));
    if (verdict == -2)
        goto out;
    if (verdict <= 0) {
        if (http_api)
            deny(out, 403, "{\"message\":\"Forbidden\"}", NULL);
        else if (verdict < 0)
            deny(out, 403, "{\"Message\":\"User is not authorized to access this resource with an "
                           "explicit deny\"}", "AccessDeniedException");
        else
            deny(out, 403, "{\"Message\":\"User is not authorized to access this resource\"}",
                 "AccessDeniedException");
        goto out;
    }
    out->verdict = AZ_ALLOW;
    json_t *ctx = json_object_get(v, "context");
    const char *principal = fj_str(v, "principalId", NULL);
    if (http_api && (!def || !def->payload_version || strcmp(def->payload_version, "1.0"))) {
        out->authorizer = json_object();
        json_object_set_new(out->authorizer, "lambda", ctx ? json_incref(ctx) : json_object());
    } else {
        out->authorizer = stringified(ctx);
        json_object_set_new(out->authorizer, "principalId",
                            principal ? json_string(principal) : json_null());
        json_object_set_new(out->authorizer, "integrationLatency", json_integer(0));
    }
out:
    json_decref(v);
    buf_release(&arn);
}

/* --- the result cache --- */

struct az_cached {
    char *payload; /* the authorizer's response, as it answered */
    size_t len;
    uint64_t expires_us;
};

/* Past this many keys the cache starts again empty (a local API sees few
 * identities; this only bounds a client that sends a new token each time). */
#define AZ_CACHE_MAX 4096

struct az_cache {
    struct strset entries; /* key -> struct az_cached */
};

struct az_cache *az_cache_new(void)
{
    return xcalloc(1, sizeof(struct az_cache));
}

static void cached_free(void *p)
{
    struct az_cached *c = p;
    free(c->payload);
    free(c);
}

void az_cache_clear(struct az_cache *c)
{
    if (c)
        strset_release(&c->entries, cached_free);
}

void az_cache_free(struct az_cache *c)
{
    az_cache_clear(c);
    free(c);
}

long az_cache_key(const struct mf_authorizer *def, const struct route *rt,
                  const struct apigw_request *req, struct buf *key)
{
    const struct mf_authref *ref = authref_of(rt);
    long ttl = rt->api == ROUTE_HTTP_API ? (def ? def->result_ttl : 0) : ref->result_ttl;
    struct strvec ids = STRVEC_INIT;

    if (ttl <= 0 || !identity_values(sources_of(def, rt), req, &ids)) {
        strvec_clear(&ids);
        return 0;
    }
    /* one cache per authorizer; values are joined with a byte no header
     * or query value carries */
    buf_addf(key, "%s\x1f%s\x1f%s", rt->api == ROUTE_HTTP_API ? "httpApi" : "http",
             def ? def->name : ref->name, def ? def->type : ref->type);
    for (size_t i = 0; i < ids.n; i++) {
        buf_addch(key, '\x1f');
        buf_addstr(key, ids.v[i]);
    }
    strvec_clear(&ids);
    return ttl;
}

const char *az_cache_get(const struct az_cache *c, const char *key, uint64_t now_us,
                         size_t *len)
{
    struct az_cached *e = strset_get(&c->entries, key, strlen(key));
    if (!e || e->expires_us <= now_us)
        return NULL;
    *len = e->len;
    return e->payload;
}

void az_cache_put(struct az_cache *c, const char *key, const char *payload, size_t len,
                  uint64_t expires_us)
{
    size_t klen = strlen(key);
    struct az_cached *e = strset_get(&c->entries, key, klen);
    if (!e) {
        if (c->entries.n >= AZ_CACHE_MAX)
            az_cache_clear(c);
        e = xcalloc(1, sizeof(*e));
        strset_put(&c->entries, key, klen, e);
    }
    free(e->payload);
    e->payload = xmalloc(len + 1);
    memcpy(e->payload, payload, len);
    e->payload[len] = '\0';
    e->len = len;
    e->expires_us = expires_us;
}
