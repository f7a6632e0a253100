#include "apigw.h"

#include <ctype.h>
#include <fnmatch.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/http.h>

#include "b64.h"
#include "invoke.h"
#include "json.h"
#include "manifest.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"


/* Percent-decodes (and '+' as a space in a query) into a new string. */
static char *decode(const char *s, size_t len, bool query)
{
    struct buf out = BUF_INIT;
    tx_url_decode(s, len, query, &out);
    return buf_detach(&out, NULL);
}

bool apigw_is_binary_type(const struct strvec *types, const char *ct)
{
    char mime[256];
    if (!types || !ct)
        return false;
    snprintf(mime, sizeof(mime), "%.*s", (int)strcspn(ct, "; ,"), ct);
    for (size_t i = 0; i < types->n; i++)
        if (fnmatch(types->v[i], mime, FNM_CASEFOLD) == 0)
            return true;
    return false;
}

bool apigw_is_text(const char *ct)
{
    if (!ct || !*ct)
        return false;
    if (!strncasecmp(ct, "text/", 5))
        return true;
    static const char *const text_types[] = { "application/json", "application/xml",
                                              "application/javascript", NULL };
    for (size_t i = 0; text_types[i]; i++) {
        size_t n = strlen(text_types[i]);
        if (!strncasecmp(ct, text_types[i], n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return true;
    }
    return false;
}

static void clf_time(int64_t ms, char *out, size_t size)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, size, "%d/%b/%Y:%H:%M:%S +0000", &tm);
}

const char *apigw_header(const struct apigw_request *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (!strcasecmp(req->headers[i].name, name))
            return req->headers[i].value;
    return NULL;
}

/* Adds name -> value into obj joining repeats with ',' (HTTP API), or
 * keeping the last (REST) while a parallel multi object keeps them all. */
static void add_joined(json_t *obj, const char *key, const char *value)
{
    json_t *old = json_object_get(obj, key);
    if (!old) {
        json_object_set_new(obj, key, json_string(value));
        return;
    }
    char *joined = xasprintf("%s,%s", json_string_value(old), value);
    json_object_set_new(obj, key, json_string(joined));
    free(joined);
}

static void add_multi(json_t *obj, const char *key, const char *value)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(obj, key, arr);
    }
    json_array_append_new(arr, json_string(value));
}

/* Parses the query: v2 joins repeats; v1 keeps the last and all. */
static void parse_query(const char *q, bool v2, json_t **single, json_t **multi)
{
    *single = NULL;
    *multi = NULL;
    while (q && *q) {
        size_t len = strcspn(q, "&");
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t klen = eq ? (size_t)(eq - q) : len;
            char *key = decode(q, klen, true);
            char *val = eq ? decode(eq + 1, len - klen - 1, true) : xstrdup("");
            if (!*single)
                *single = json_object();
            if (v2) {
                add_joined(*single, key, val);
            } else {
                if (!*multi)
                    *multi = json_object();
                json_object_set_new(*single, key, json_string(val));
                add_multi(*multi, key, val);
            }
            free(key);
            free(val);
        }
        q += len;
        if (*q == '&')
            q++;
    }
}

static json_t *path_parameters(const struct route_match *m, bool decoded)
{
    if (!m->n_params)
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; i < m->n_params; i++) {
        char *name = xstrndup(m->params[i].name, m->params[i].name_len);
        char *value = decoded ? decode(m->params[i].value, m->params[i].value_len, false)
                              : xstrndup(m->params[i].value, m->params[i].value_len);
        json_object_set_new(o, name, json_string(value));
        free(name);
        free(value);
    }
    return o;
}

/* body and isBase64Encoded: HTTP API sends non-text types base64; REST
 * only binaryMediaTypes. Text that is not UTF-8 goes base64 either way
 * (JSON cannot carry it). */
static void set_body(json_t *event, const struct apigw_request *req, bool omit_empty, bool rest)
{
    size_t len = req->body_len;
    const char *ct = apigw_header(req, "Content-Type");
    bool b64 = false;
    if (!len) {
        if (!omit_empty)
            json_object_set_new(event, "body", json_null());
        json_object_set_new(event, "isBase64Encoded", json_false());
        return;
    }
    const char *data = req->body;
    bool binary = rest ? apigw_is_binary_type(req->binary_types, ct) : !apigw_is_text(ct);
    json_t *text = binary ? NULL : json_stringn(data, len);
    if (!text) { /* binary, or "text" that is not UTF-8 */
        struct buf enc = BUF_INIT;
        b64_encode(data, len, &enc);
        text = json_stringn(enc.data, enc.len);
        buf_release(&enc);
        b64 = true;
    }
    json_object_set_new(event, "body", text);
    json_object_set_new(event, "isBase64Encoded", json_boolean(b64));
}

void apigw_request_id(bool http_api, char *out, size_t size)
{
    unsigned char raw[11];
    struct buf enc = BUF_INIT;
    char uuid[37];

    if (!http_api) {
        inv_uuid(uuid);
        snprintf(out, size, "%s", uuid);
        return;
    }
    inv_random(raw, sizeof(raw));
    b64_encode(raw, sizeof(raw), &enc);
    for (size_t i = 0; i < enc.len; i++)
        if (enc.data[i] == '/')
            enc.data[i] = '-';
    snprintf(out, size, "%s", buf_cstr(&enc));
    buf_release(&enc);
}

/* 64-bit FNV-1a: stable pseudo-random digits derived from a request id. */
static unsigned long long id_hash(const char *id, unsigned long long salt)
{
    unsigned long long h = 14695981039346656037ULL ^ salt;
    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 1099511628211ULL;
    }
    return h;
}

void apigw_trace_id(long long epoch_ms, const char *request_id, char *out, size_t size)
{
    snprintf(out, size, "Root=1-%08llx-%016llx%08llx", (unsigned long long)(epoch_ms / 1000),
             id_hash(request_id, 1), id_hash(request_id, 2) & 0xffffffffULL);
}

/* REST's requestContext.resourceId: 6 lowercase letters and digits. */
static void resource_id_of(const char *request_id, char *out)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned long long h = id_hash(request_id, 3);
    for (int i = 0; i < 6; i++, h /= 36)
        out[i] = digits[h % 36];
    out[6] = '\0';
}

static void domain(const struct apigw_request *req, char *name, size_t nsize, char *prefix,
                   size_t psize)
{
    const char *host = req->host && *req->host ? req->host : "localhost";
    snprintf(name, nsize, "%s", host);
    snprintf(prefix, psize, "%.*s", (int)strcspn(host, ".:"), host);
}

/* The headers API Gateway's front end adds to every request: names in
 * lower case (HTTP API) and as REST writes them (NULL: REST passes none). */
#define GW_ADDED 5

struct gw_added {
    const char *lower[GW_ADDED], *rest[GW_ADDED], *values[GW_ADDED];
    char port[16], trace[80], length[32];
};

static void gateway_headers(const struct apigw_request *req, struct gw_added *a)
{
    static const char *const lower[GW_ADDED] = {
        "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id",
        "content-length",
    };
    static const char *const rest[GW_ADDED] = {
        "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id", NULL,
    };
    size_t body = req->body_len;

    snprintf(a->port, sizeof(a->port), "%d", req->port);
    apigw_trace_id(req->epoch_ms, req->request_id, a->trace, sizeof(a->trace));
    snprintf(a->length, sizeof(a->length), "%zu", body);
    memcpy(a->lower, lower, sizeof(lower));
    memcpy(a->rest, rest, sizeof(rest));
    a->values[0] = req->source_ip;
    a->values[1] = a->port;
    a->values[2] = "http";
    a->values[3] = a->trace;
    a->values[4] = a->length;
}

/* Adds them to a jansson headers object, unless the client sent them; in a
 * multiValueHeaders object (arrays) as one-element arrays. */
static void add_gateway_headers(json_t *headers, const struct apigw_request *req, bool lower,
                                bool multi)
{
    struct gw_added a;

    gateway_headers(req, &a);
    for (size_t i = 0; i < GW_ADDED; i++) {
        const char *name = lower ? a.lower[i] : a.rest[i];
        if (!name || json_object_get(headers, name))
            continue;
        if (multi) {
            json_t *arr = json_array();
            json_array_append_new(arr, json_string(a.values[i]));
            json_object_set_new(headers, name, arr);
        } else {
            json_object_set_new(headers, name, json_string(a.values[i]));
        }
    }
}

/* --- payload format 2.0, written straight into the buffer ---
 *
 * Every HTTP API request builds this event, so it is written as text
 * rather than built as jansson values and dumped: that took 15% of the
 * gateway's time under load. Keys, order and escaping are what the jansson
 * version wrote (tests/e2e/clients/test_gateway.py checks them). */

struct v2_header {
    char *name;      /* lowercased */
    struct buf value; /* repeats joined with ',' */
};

static void key(struct buf *out, const char *k)
{
    buf_addch(out, '"');
    buf_addstr(out, k);
    buf_addstr(out, "\":");
}

static void str_field(struct buf *out, const char *k, const char *v, bool comma)
{
    if (comma)
        buf_addch(out, ',');
    key(out, k);
    if (fj_write_string(out, v, strlen(v)) < 0)
        buf_addstr(out, "null");
}

static void json_field(struct buf *out, const char *k, const json_t *v)
{
    buf_addch(out, ',');
    key(out, k);
    fj_dump(v, out);
}

/* Appends name (lowercased) -> value; returns the (moved) array. */
static struct v2_header *add_v2_header(struct v2_header *h, size_t *n, size_t *cap,
                                       const char *name, const char *value)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        h = xreallocarray(h, *cap, sizeof(*h));
    }
    h[*n].name = xstrdup(name);
    for (char *p = h[*n].name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    buf_init(&h[*n].value, 0);
    buf_addstr(&h[*n].value, value);
    (*n)++;
    return h;
}

/* The request's headers, lowercased, repeats joined, then the ones API
 * Gateway adds; cookies moved out into *cookies (a JSON array text). */
static size_t v2_headers(const struct apigw_request *req, struct v2_header **out,
                         struct buf *cookies)
{
    struct v2_header *h = NULL;
    size_t n = 0, cap = 0;
    struct gw_added added;

    gateway_headers(req, &added);
    for (size_t k = 0; k < req->nheaders; k++) {
        const struct h1_header *kv = &req->headers[k];
        size_t i;
        if (!strcasecmp(kv->name, "cookie")) {
            /* API Gateway moves cookies out of the headers */
            const char *c = kv->value;
            while (*c) {
                while (*c == ' ' || *c == ';')
                    c++;
                size_t len = strcspn(c, ";");
                while (len && c[len - 1] == ' ')
                    len--;
                if (len) {
                    size_t mark = cookies->len;
                    buf_addch(cookies, cookies->len ? ',' : '[');
                    if (fj_write_string(cookies, c, len) < 0)
                        buf_truncate(cookies, mark);
                }
                c += len;
                while (*c && *c != ';')
                    c++;
            }
            continue;
        }
        if (!fj_utf8_valid(kv->value, strlen(kv->value)))
            continue; /* JSON cannot carry it (jansson dropped it too) */
        for (i = 0; i < n && strcasecmp(h[i].name, kv->name); i++)
            ;
        if (i < n) {
            buf_addch(&h[i].value, ',');
            buf_addstr(&h[i].value, kv->value);
            continue;
        }
        h = add_v2_header(h, &n, &cap, kv->name, kv->value);
    }
    if (cookies->len)
        buf_addch(cookies, ']');
    for (size_t a = 0; a < GW_ADDED; a++) {
        size_t i;
        for (i = 0; i < n && strcmp(h[i].name, added.lower[a]); i++)
            ;
        if (i < n)
            continue;
        h = add_v2_header(h, &n, &cap, added.lower[a], added.values[a]);
    }
    *out = h;
    return n;
}

static void write_body_v2(const struct apigw_request *req, struct buf *out, bool *b64)
{
    size_t len = req->body_len;
    const char *data, *ct;

    *b64 = false;
    if (!len)
        return; /* HTTP API omits an empty body */
    data = req->body;
    ct = apigw_header(req, "Content-Type");
    buf_addstr(out, ",\"body\":");
    if (apigw_is_text(ct) && fj_write_string(out, data, len) == 0)
        return;
    /* binary, or "text" that is not UTF-8 */
    struct buf enc = BUF_INIT;
    b64_encode(data, len, &enc);
    fj_write_string(out, enc.data ? enc.data : "", enc.len);
    buf_release(&enc);
    *b64 = true;
}

static int event_v2(const struct apigw_request *req, const struct route_match *m,
                    struct buf *out)
{
    struct v2_header *h = NULL;
    struct buf cookies = BUF_INIT;
    char when[40], dname[256], dprefix[128], epoch[32];
    const char *ua = apigw_header(req, "User-Agent");
    size_t n = v2_headers(req, &h, &cookies);
    json_t *qs, *unused, *pp;
    bool b64;

    buf_addstr(out, "{\"version\":\"2.0\"");
    str_field(out, "routeKey", m->route->route_key, true);
    str_field(out, "rawPath", req->path, true);
    str_field(out, "rawQueryString", req->query, true);
    if (cookies.len) {
        buf_addstr(out, ",\"cookies\":");
        buf_add(out, cookies.data, cookies.len);
    }
    buf_addstr(out, ",\"headers\":{");
    for (size_t i = 0, written = 0; i < n; i++) {
        size_t mark = out->len;
        if (written)
            buf_addch(out, ',');
        /* names come from the client: escaped like any string */
        if (fj_write_string(out, h[i].name, strlen(h[i].name)) < 0) {
            buf_truncate(out, mark);
        } else {
            buf_addch(out, ':');
            fj_write_string(out, buf_cstr(&h[i].value), h[i].value.len);
            written++;
        }
        free(h[i].name);
        buf_release(&h[i].value);
    }
    free(h);
    buf_release(&cookies);
    buf_addch(out, '}');
    parse_query(req->query, true, &qs, &unused);
    if (qs) {
        json_field(out, "queryStringParameters", qs);
        json_decref(qs);
    }

    domain(req, dname, sizeof(dname), dprefix, sizeof(dprefix));
    clf_time(req->epoch_ms, when, sizeof(when));
    snprintf(epoch, sizeof(epoch), "%lld", (long long)req->epoch_ms);
    buf_addstr(out, ",\"requestContext\":{");
    str_field(out, "accountId", MF_ACCOUNT_ID, false);
    str_field(out, "apiId", APIGW_API_ID, true);
    if (req->authorizer)
        json_field(out, "authorizer", req->authorizer);
    str_field(out, "domainName", dname, true);
    str_field(out, "domainPrefix", dprefix, true);
    buf_addstr(out, ",\"http\":{");
    str_field(out, "method", req->method, false);
    str_field(out, "path", req->path, true);
    str_field(out, "protocol", "HTTP/1.1", true);
    str_field(out, "sourceIp", req->source_ip, true);
    str_field(out, "userAgent", ua ? ua : "", true);
    buf_addch(out, '}');
    str_field(out, "requestId", req->request_id, true);
    str_field(out, "routeKey", m->route->route_key, true);
    str_field(out, "stage", "$default", true);
    str_field(out, "time", when, true);
    buf_addstr(out, ",\"timeEpoch\":");
    buf_addstr(out, epoch);
    buf_addch(out, '}');
    write_body_v2(req, out, &b64);
    if ((pp = path_parameters(m, true))) {
        json_field(out, "pathParameters", pp);
        json_decref(pp);
    }
    buf_addstr(out, b64 ? ",\"isBase64Encoded\":true}" : ",\"isBase64Encoded\":false}");
    return 0;
}

static json_t *event_v1(const struct apigw_request *req, const struct route_match *m)
{
    bool rest = m->route->api == ROUTE_REST;
    json_t *ev = json_object(), *headers = json_object(), *multi = json_object();
    json_t *ctx = json_object(), *identity = json_object();
    char when[40], dname[256], dprefix[128], ext_id[17], resource_id[8];
    const char *resource = m->route->path ? m->route->path : "/{proxy+}";

    if (!rest)
        json_object_set_new(ev, "version", json_string("1.0"));
    json_object_set_new(ev, "resource", json_string(resource));
    json_object_set_new(ev, "path", json_string(m->path));
    json_object_set_new(ev, "httpMethod", json_string(req->method));
    for (size_t k = 0; k < req->nheaders; k++) {
        const struct h1_header *kv = &req->headers[k];
        char *name = xstrdup(kv->name);
        if (!rest)
            for (char *p = name; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        /* API Gateway's REST front end does not pass these on */
        if (rest && (!strcasecmp(name, "Content-Length") || !strcasecmp(name, "Connection"))) {
            free(name);
            continue;
        }
        json_object_set_new(headers, name, json_string(kv->value));
        add_multi(multi, name, kv->value);
        free(name);
    }
    add_gateway_headers(headers, req, !rest, false);
    add_gateway_headers(multi, req, !rest, true);
    json_object_set_new(ev, "headers", headers);
    json_object_set_new(ev, "multiValueHeaders", multi);
    json_t *qs, *mqs;
    parse_query(req->query, false, &qs, &mqs);
    json_object_set_new(ev, "queryStringParameters", qs ? qs : json_null());
    json_object_set_new(ev, "multiValueQueryStringParameters", mqs ? mqs : json_null());
    json_t *pp = path_parameters(m, !rest); /* REST passes path values undecoded */
    json_object_set_new(ev, "pathParameters", pp ? pp : json_null());
    json_object_set_new(ev, "stageVariables", json_null());

    domain(req, dname, sizeof(dname), dprefix, sizeof(dprefix));
    clf_time(req->epoch_ms, when, sizeof(when));
    snprintf(ext_id, sizeof(ext_id), "%.8sEAAA=", req->request_id);
    resource_id_of(req->request_id, resource_id);
    json_object_set_new(ctx, "accountId", json_string(MF_ACCOUNT_ID));
    json_object_set_new(ctx, "apiId", json_string(APIGW_API_ID));
    if (req->authorizer)
        json_object_set(ctx, "authorizer", req->authorizer);
    json_object_set_new(ctx, "domainName", json_string(dname));
    json_object_set_new(ctx, "domainPrefix", json_string(dprefix));
    json_object_set_new(ctx, "extendedRequestId", json_string(ext_id));
    json_object_set_new(ctx, "httpMethod", json_string(req->method));
    static const char *const nulls[] = { "accessKey", "accountId", "caller",
                                         "cognitoAuthenticationProvider",
                                         "cognitoAuthenticationType", "cognitoIdentityId",
                                         "cognitoIdentityPoolId", "principalOrgId", NULL };
    for (size_t i = 0; nulls[i]; i++)
        json_object_set_new(identity, nulls[i], json_null());
    json_object_set_new(identity, "sourceIp", json_string(req->source_ip));
    json_object_set_new(identity, "user", json_null());
    const char *ua = apigw_header(req, "User-Agent");
    json_object_set_new(identity, "userAgent", ua ? json_string(ua) : json_null());
    json_object_set_new(identity, "userArn", json_null());
    json_object_set_new(ctx, "identity", identity);
    json_object_set_new(ctx, "path", json_string(req->path)); /* with the stage, as AWS */
    json_object_set_new(ctx, "protocol", json_string("HTTP/1.1"));
    json_object_set_new(ctx, "requestId", json_string(req->request_id));
    json_object_set_new(ctx, "requestTime", json_string(when));
    json_object_set_new(ctx, "requestTimeEpoch", json_integer(req->epoch_ms));
    json_object_set_new(ctx, "resourceId", rest ? json_string(resource_id) : json_null());
    json_object_set_new(ctx, "resourcePath", json_string(resource));
    json_object_set_new(ctx, "stage", json_string(rest ? req->stage : "$default"));
    json_object_set_new(ev, "requestContext", ctx);
    set_body(ev, req, false, rest);
    return ev;
}

int apigw_event(const struct apigw_request *req, const struct route_match *match, struct buf *out)
{
    const struct route *rt = match->route;
    bool v2 = rt->api == ROUTE_HTTP_API && strcmp(rt->ev->u.httpapi.payload, "1.0") != 0;
    if (v2)
        return event_v2(req, match, out);
    json_t *ev = event_v1(req, match);
    int rc = fj_dump(ev, out);
    json_decref(ev);
    return rc;
}

/* --- responses --- */

void apigw_response_init(struct apigw_response *r)
{
    r->binary_types = NULL;
    r->accept = NULL;
    r->status = 200;
    TAILQ_INIT(&r->headers);
    r->body = evbuffer_new();
}

void apigw_response_release(struct apigw_response *r)
{
    evhttp_clear_headers(&r->headers);
    if (r->body)
        evbuffer_free(r->body);
    r->body = NULL;
}

static void reset(struct apigw_response *r)
{
    evhttp_clear_headers(&r->headers);
    evbuffer_drain(r->body, evbuffer_get_length(r->body));
}

void apigw_error(bool http_api, int status, const char *message, struct apigw_response *out)
{
    reset(out);
    out->status = status;
    evhttp_add_header(&out->headers, "Content-Type", "application/json");
    /* REST's Lambda errors are written with a space after the colon */
    if (!http_api && (status == 502 || status == 504))
        evbuffer_add_printf(out->body, "{\"message\": \"%s\"}", message);
    else
        evbuffer_add_printf(out->body, "{\"message\":\"%s\"}", message);
}

static void malformed(bool http_api, struct apigw_response *out)
{
    if (http_api)
        apigw_error(true, 500, "Internal Server Error", out);
    else
        apigw_error(false, 502, "Internal server error", out);
}

/* A header value as text: strings as they are, numbers and booleans too. */
static char *value_text(const json_t *v)
{
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_real(v))
        return xasprintf("%g", json_real_value(v));
    if (json_is_boolean(v))
        return xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

static bool status_of(const json_t *v, int *out)
{
    long n;
    if (json_is_integer(v)) {
        n = (long)json_integer_value(v);
    } else if (json_is_string(v) && tx_parse_long(json_string_value(v), 100, 599, &n)) {
        ;
    } else {
        return false;
    }
    if (n < 100 || n > 599)
        return false;
    *out = (int)n;
    return true;
}

static bool set_body_text(const json_t *body, bool b64, struct apigw_response *out)
{
    if (!body || json_is_null(body))
        return true;
    if (!json_is_string(body))
        return false;
    const char *s = json_string_value(body);
    size_t len = json_string_length(body);
    if (!b64) {
        evbuffer_add(out->body, s, len);
        return true;
    }
    struct buf raw = BUF_INIT;
    bool ok = b64_decode(s, len, &raw) == 0;
    if (ok)
        evbuffer_add(out->body, raw.data ? raw.data : "", raw.len);
    buf_release(&raw);
    return ok;
}

static void map_v2(json_t *v, const char *payload, size_t len, struct apigw_response *out)
{
    json_t *status = json_is_object(v) ? json_object_get(v, "statusCode") : NULL;
    if (!status) {
        /* no statusCode: 200 application/json with the payload as the body
         * (a JSON string's content, as AWS infers it) */
        out->status = 200;
        evhttp_add_header(&out->headers, "Content-Type", "application/json");
        if (json_is_string(v))
            evbuffer_add(out->body, json_string_value(v), json_string_length(v));
        else
            evbuffer_add(out->body, payload, len);
        return;
    }
    if (!status_of(status, &out->status))
        goto bad;
    json_t *headers = json_object_get(v, "headers");
    const char *key;
    json_t *hv;
    bool content_type = false;
    if (headers && !json_is_null(headers)) {
        if (!json_is_object(headers))
            goto bad;
        json_object_foreach(headers, key, hv) {
            char *text = value_text(hv);
            if (!text)
                goto bad;
            evhttp_add_header(&out->headers, key, text);
            content_type |= !strcasecmp(key, "Content-Type");
            free(text);
        }
    }
    json_t *cookies = json_object_get(v, "cookies");
    if (cookies && json_is_array(cookies)) {
        size_t i;
        json_t *c;
        json_array_foreach(cookies, i, c)
            if (json_is_string(c))
                evhttp_add_header(&out->headers, "Set-Cookie", json_string_value(c));
    }
    if (!content_type)
        evhttp_add_header(&out->headers, "Content-Type", "application/json");
    if (!set_body_text(json_object_get(v, "body"), json_is_true(json_object_get(v, "isBase64Encoded")),
                       out))
        goto bad;
    return;
bad:
    malformed(true, out);
}

static void map_v1(json_t *v, bool http_api, struct apigw_response *out)
{
    static const char *const allowed[] = { "statusCode", "body", "headers", "multiValueHeaders",
                                           "isBase64Encoded", "base64Encoded", NULL };
    const char *key;
    json_t *val;
    if (!json_is_object(v) || json_object_size(v) == 0)
        goto bad;
    json_object_foreach(v, key, val) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(key, allowed[i]);
        if (!ok)
            goto bad;
    }
    json_t *status = json_object_get(v, "statusCode");
    out->status = 200;
    if (status && !status_of(status, &out->status))
        goto bad;
    json_t *multi = json_object_get(v, "multiValueHeaders");
    json_t *headers = json_object_get(v, "headers");
    bool content_type = false;
    if (multi && !json_is_null(multi)) {
        if (!json_is_object(multi))
            goto bad;
        json_object_foreach(multi, key, val) {
            size_t i;
            json_t *item;
            if (!json_is_array(val))
                goto bad;
            json_array_foreach(val, i, item) {
                char *text = value_text(item);
                if (!text)
                    goto bad;
                evhttp_add_header(&out->headers, key, text);
                free(text);
            }
            content_type |= !strcasecmp(key, "Content-Type");
        }
    }
    if (headers && !json_is_null(headers)) {
        if (!json_is_object(headers))
            goto bad;
        json_object_foreach(headers, key, val) {
            char *text = value_text(val);
            if (!text)
                goto bad;
            /* a value already given by multiValueHeaders is not repeated */
            json_t *same = multi ? json_object_get(multi, key) : NULL;
            bool dup = false;
            size_t i;
            json_t *item;
            if (same && json_is_array(same))
                json_array_foreach(same, i, item)
                    dup |= json_is_string(item) && !strcmp(json_string_value(item), text);
            if (!dup)
                evhttp_add_header(&out->headers, key, text);
            content_type |= !strcasecmp(key, "Content-Type");
            free(text);
        }
    }
    if (!content_type)
        evhttp_add_header(&out->headers, "Content-Type", "application/json");
    bool b64 = json_is_true(json_object_get(v, "isBase64Encoded")) ||
               json_is_true(json_object_get(v, "base64Encoded"));
    if (b64 && !http_api &&
        !apigw_is_binary_type(out->binary_types, out->accept) &&
        !apigw_is_binary_type(out->binary_types, evhttp_find_header(&out->headers, "Content-Type")))
        b64 = false; /* not a binary media type: the base64 text as it is */
    if (!set_body_text(json_object_get(v, "body"), b64, out))
        goto bad;
    return;
bad:
    malformed(http_api, out);
}

void apigw_map_response(bool http_api, bool v2, const char *payload, size_t len,
                        struct apigw_response *out)
{
    json_error_t jerr;
    json_t *v = json_loadb(payload, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    reset(out);
    if (!v) {
        malformed(http_api, out);
        return;
    }
    if (v2)
        map_v2(v, payload, len, out);
    else
        map_v1(v, http_api, out);
    json_decref(v);
}
