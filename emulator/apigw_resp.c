/* apigw responses: a function's response payload mapped back to a status,
 * headers and body as API Gateway maps it, for each API and payload format,
 * and API Gateway's own errors. (The events are built in apigw.c.) */
#include "apigw.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "b64.h"
#include "json.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

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
