/* apigw: API Gateway's Lambda proxy events and response mapping, field for
 * field: payload format 2.0 (HTTP API) and 1.0 (REST API, and HTTP API routes
 * set to 1.0).
 *
 * An event is built from a request already received (method, path, query,
 * headers, body) and a matched route; a response payload is mapped back to a
 * status, headers and body, or to API Gateway's own error for that format. */
#ifndef FN_APIGW_H
#define FN_APIGW_H

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "h1.h"
#include "router.h"

struct apigw_request {
    const char *method;
    const char *path;         /* without the query; as received (not decoded) */
    const char *query;        /* after '?', or "" */
    const struct h1_header *headers; /* NUL-terminated names and values */
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *source_ip;
    const char *stage;        /* the REST stage ("dev"); HTTP API uses $default */
    const char *request_id;   /* apigw-requestid / x-amzn-RequestId */
    int64_t epoch_ms;
    const char *host;         /* domainName */
    json_t *authorizer;       /* requestContext.authorizer (borrowed), or NULL */
    int port;                 /* the gateway's port (X-Forwarded-Port) */
    const struct strvec *binary_types; /* REST binaryMediaTypes, or NULL */
};

/* The value of req's first header called name (any case), or NULL. */
const char *apigw_header(const struct apigw_request *req, const char *name);

/* True when a Content-Type (or an Accept value) matches one of REST's
 * binaryMediaTypes: "image/png", or patterns such as "image/" "*". */
bool apigw_is_binary_type(const struct strvec *types, const char *content_type);

/* Appends the event for req on match (format from the route: 2.0 or 1.0). */
int apigw_event(const struct apigw_request *req, const struct route_match *match, struct buf *out);

/* True when a body of this Content-Type is text (sent as is, not base64). */
bool apigw_is_text(const char *content_type);

/* A request id as each API writes it: REST's are UUIDs, HTTP API's look
 * like "LV7fzho-PHcEJPw=" (11 random bytes in base64, '/' as '-'). out
 * needs 37 bytes. */
void apigw_request_id(bool http_api, char *out, size_t size);

/* The id API Gateway gives the local API (requestContext.apiId). */
#define APIGW_API_ID "fnctllocal"

/* X-Amzn-Trace-Id as API Gateway adds it: "Root=1-<8 hex: epoch seconds>-
 * <24 hex>", the 24 derived from request_id (the same request, the same
 * trace). out needs 48 bytes. */
void apigw_trace_id(long long epoch_ms, const char *request_id, char *out, size_t size);

struct apigw_response {
    /* in: REST's binaryMediaTypes and the request's Accept (may be NULL) */
    const struct strvec *binary_types;
    const char *accept;
    /* out */
    int status;
    struct evkeyvalq headers; /* to send; released by apigw_response_release */
    struct evbuffer *body;
};

/* Maps the function's response payload (success) for a route: an HTTP API
 * (payload v2 or 1.0) or a REST API. On a malformed response, fills API
 * Gateway's error for that API instead (HTTP API 500, REST 502). */
void apigw_map_response(bool http_api, bool v2, const char *payload, size_t len,
                        struct apigw_response *out);

/* (REST decodes an isBase64Encoded body only when the request's Accept or
 * the response's Content-Type is one of binary_types; otherwise the base64
 * text goes out as it is.) */

/* API Gateway's own error for the format: status and {"message": ...}. */
void apigw_error(bool http_api, int status, const char *message, struct apigw_response *out);

void apigw_response_init(struct apigw_response *r);
void apigw_response_release(struct apigw_response *r);

#endif
