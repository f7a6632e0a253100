#include "apigw.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


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

/* Opens "requestContext" with the fields both formats start it with. */
static void context_start(const struct apigw_request *req, struct buf *out)
{
    char dname[256], dprefix[128];
    domain(req, dname, sizeof(dname), dprefix, sizeof(dprefix));
    buf_addstr(out, ",\"requestContext\":{");
    str_field(out, "accountId", MF_ACCOUNT_ID, false);
    str_field(out, "apiId", APIGW_API_ID, true);
    if (req->authorizer)
        json_field(out, "authorizer", req->authorizer);
    str_field(out, "domainName", dname, true);
    str_field(out, "domainPrefix", dprefix, true);
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
    char when[40], epoch[32];
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

    clf_time(req->epoch_ms, when, sizeof(when));
    snprintf(epoch, sizeof(epoch), "%lld", (long long)req->epoch_ms);
    context_start(req, out);
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

/* --- payload format 1.0, written straight into the buffer ---
 *
 * Keys, order, escaping and the handling of repeats are what building the
 * event as jansson values and dumping them wrote: a repeated header keeps
 * the first one's place and the last one's value in "headers", and every
 * value in "multiValueHeaders"; a value that is not UTF-8 is left out of
 * both (JSON cannot carry it). */

struct v1_header {
    char *name;        /* REST: as sent; HTTP API: lowercased */
    const char *last;  /* the last UTF-8 value, or NULL */
    struct buf values; /* every UTF-8 value, as JSON strings joined with ',' */
    size_t nvalues;
    size_t rank;       /* place in "headers": the order of first UTF-8 values */
};

static size_t v1_headers(const struct apigw_request *req, bool rest, struct v1_header **out)
{
    struct v1_header *h = NULL;
    size_t n = 0, cap = 0, ranked = 0;

    for (size_t k = 0; k < req->nheaders; k++) {
        const struct h1_header *kv = &req->headers[k];
        size_t i;
        /* API Gateway's REST front end does not pass these on */
        if (rest && (!strcasecmp(kv->name, "Content-Length") || !strcasecmp(kv->name, "Connection")))
            continue;
        for (i = 0; i < n; i++)
            if (rest ? !strcmp(h[i].name, kv->name) : !strcasecmp(h[i].name, kv->name))
                break;
        if (i == n) {
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                h = xreallocarray(h, cap, sizeof(*h));
            }
            h[n].name = xstrdup(kv->name);
            if (!rest)
                for (char *p = h[n].name; *p; p++)
                    *p = (char)tolower((unsigned char)*p);
            h[n].last = NULL;
            buf_init(&h[n].values, 0);
            h[n].nvalues = 0;
            n++;
        }
        size_t vlen = strlen(kv->value);
        if (!fj_utf8_valid(kv->value, vlen))
            continue;
        if (!h[i].last)
            h[i].rank = ranked++;
        h[i].last = kv->value;
        if (h[i].nvalues++)
            buf_addch(&h[i].values, ',');
        fj_write_string(&h[i].values, kv->value, vlen);
    }
    *out = h;
    return n;
}

/* Whether the client sent a header called name (exactly; with a UTF-8 value
 * when `valued`). */
static bool v1_has(const struct v1_header *h, size_t n, const char *name, bool valued)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(h[i].name, name) && (!valued || h[i].last))
            return true;
    return false;
}

/* "headers" and "multiValueHeaders": the client's, then API Gateway's own. */
static void write_headers_v1(const struct apigw_request *req, bool rest, struct buf *out)
{
    struct v1_header *h;
    size_t n = v1_headers(req, rest, &h);
    struct gw_added a;
    bool first = true;

    gateway_headers(req, &a);
    buf_addstr(out, ",\"headers\":{");
    /* (a name whose first values were not UTF-8 takes its place in "headers"
     * with its first UTF-8 one, in "multiValueHeaders" with its first) */
    for (size_t r = 0, i; ; r++) {
        for (i = 0; i < n && !(h[i].last && h[i].rank == r); i++)
            ;
        if (i == n)
            break;
        str_field(out, h[i].name, h[i].last, !first);
        first = false;
    }
    for (size_t i = 0; i < GW_ADDED; i++) {
        const char *name = rest ? a.rest[i] : a.lower[i];
        if (!name || v1_has(h, n, name, true))
            continue;
        str_field(out, name, a.values[i], !first);
        first = false;
    }
    buf_addstr(out, "},\"multiValueHeaders\":{");
    first = true;
    for (size_t i = 0; i < n; i++) {
        if (!first)
            buf_addch(out, ',');
        first = false;
        key(out, h[i].name);
        buf_addch(out, '[');
        buf_add(out, h[i].values.data ? h[i].values.data : "", h[i].values.len);
        buf_addch(out, ']');
    }
    for (size_t i = 0; i < GW_ADDED; i++) {
        const char *name = rest ? a.rest[i] : a.lower[i];
        if (!name || v1_has(h, n, name, false))
            continue;
        if (!first)
            buf_addch(out, ',');
        first = false;
        key(out, name);
        buf_addch(out, '[');
        fj_write_string(out, a.values[i], strlen(a.values[i]));
        buf_addch(out, ']');
    }
    buf_addch(out, '}');
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        buf_release(&h[i].values);
    }
    free(h);
}

/* "body" and "isBase64Encoded": REST sends binaryMediaTypes base64, HTTP
 * API every type that is not text; text that is not UTF-8 goes base64
 * either way. An empty body is null. */
static void write_body_v1(const struct apigw_request *req, bool rest, struct buf *out)
{
    const char *ct = apigw_header(req, "Content-Type");

    if (!req->body_len) {
        buf_addstr(out, ",\"body\":null,\"isBase64Encoded\":false");
        return;
    }
    bool binary = rest ? apigw_is_binary_type(req->binary_types, ct) : !apigw_is_text(ct);
    buf_addstr(out, ",\"body\":");
    if (!binary && fj_utf8_valid(req->body, req->body_len)) {
        fj_write_string(out, req->body, req->body_len);
        buf_addstr(out, ",\"isBase64Encoded\":false");
        return;
    }
    struct buf enc = BUF_INIT;
    b64_encode(req->body, req->body_len, &enc);
    fj_write_string(out, enc.data ? enc.data : "", enc.len);
    buf_release(&enc);
    buf_addstr(out, ",\"isBase64Encoded\":true");
}

/* A jansson value (or null) as the field k. */
static void json_or_null(struct buf *out, const char *k, json_t *v)
{
    if (v) {
        json_field(out, k, v);
        json_decref(v);
    } else {
        buf_addch(out, ',');
        key(out, k);
        buf_addstr(out, "null");
    }
}

static int event_v1(const struct apigw_request *req, const struct route_match *m,
                          struct buf *out)
{
    bool rest = m->route->api == ROUTE_REST;
    char when[40], ext_id[17], resource_id[8], epoch[32];
    const char *resource = m->route->path ? m->route->path : "/{proxy+}";
    const char *ua = apigw_header(req, "User-Agent");
    json_t *qs, *mqs;

    buf_addch(out, '{');
    if (!rest)
        buf_addstr(out, "\"version\":\"1.0\",");
    str_field(out, "resource", resource, false);
    str_field(out, "path", m->path, true);
    str_field(out, "httpMethod", req->method, true);
    write_headers_v1(req, rest, out);
    parse_query(req->query, false, &qs, &mqs);
    json_or_null(out, "queryStringParameters", qs);
    json_or_null(out, "multiValueQueryStringParameters", mqs);
    json_or_null(out, "pathParameters", path_parameters(m, !rest)); /* REST: undecoded */
    buf_addstr(out, ",\"stageVariables\":null");

    clf_time(req->epoch_ms, when, sizeof(when));
    snprintf(ext_id, sizeof(ext_id), "%.8sEAAA=", req->request_id);
    snprintf(epoch, sizeof(epoch), "%lld", (long long)req->epoch_ms);
    resource_id_of(req->request_id, resource_id);
    context_start(req, out);
    str_field(out, "extendedRequestId", ext_id, true);
    str_field(out, "httpMethod", req->method, true);
    buf_addstr(out, ",\"identity\":{\"accessKey\":null,\"accountId\":null,\"caller\":null,"
                    "\"cognitoAuthenticationProvider\":null,\"cognitoAuthenticationType\":null,"
                    "\"cognitoIdentityId\":null,\"cognitoIdentityPoolId\":null,"
                    "\"principalOrgId\":null");
    str_field(out, "sourceIp", req->source_ip, true);
    buf_addstr(out, ",\"user\":null");
    if (ua && fj_utf8_valid(ua, strlen(ua)))
        str_field(out, "userAgent", ua, true);
    else if (!ua)
        buf_addstr(out, ",\"userAgent\":null");
    buf_addstr(out, ",\"userArn\":null}");
    str_field(out, "path", req->path, true); /* with the stage, as AWS */
    str_field(out, "protocol", "HTTP/1.1", true);
    str_field(out, "requestId", req->request_id, true);
    str_field(out, "requestTime", when, true);
    buf_addstr(out, ",\"requestTimeEpoch\":");
    buf_addstr(out, epoch);
    if (rest)
        str_field(out, "resourceId", resource_id, true);
    else
        buf_addstr(out, ",\"resourceId\":null");
    str_field(out, "resourcePath", resource, true);
    str_field(out, "stage", rest ? req->stage : "$default", true);
    buf_addch(out, '}');
    write_body_v1(req, rest, out);
    buf_addch(out, '}');
    return 0;
}

int apigw_event(const struct apigw_request *req, const struct route_match *match, struct buf *out)
{
    const struct route *rt = match->route;
    bool v2 = rt->api == ROUTE_HTTP_API && strcmp(rt->ev->u.httpapi.payload, "1.0") != 0;
    if (v2)
        return event_v2(req, match, out);
    return event_v1(req, match, out);
}
