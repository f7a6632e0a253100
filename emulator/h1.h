/* h1: a small HTTP/1.1 server for the emulator's hot paths.
 *
 * libevent's evhttp costs, per request, an ioctl(FIONREAD) before every read,
 * an epoll registration and a loop turn for every reply (replies are written
 * when the socket is next reported writable), a malloc'd list of headers and
 * printf-formatted status lines. h1 reads into one buffer per connection,
 * parses the request in place, and writes a reply at once (queuing it only
 * when the socket is full). Replies made while a connection's input is being
 * processed go out together: a runtime's pipelined POST /response and
 * GET /next get the 202 and the next event in one write.
 *
 * What it speaks: keep-alive and pipelining (one request of a connection is
 * handed out at a time, in order), Content-Length and chunked request bodies,
 * Expect: 100-continue, HEAD, HTTP/1.0 (closed after the reply unless it asked
 * for keep-alive). A malformed request gets 400 (413 for a body over the
 * limit, 431 for a head over the limit, 501 for a transfer coding other than
 * chunked, 505 for a version other than 1.x) and the connection is closed. */
#ifndef FN_H1_H
#define FN_H1_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "err.h"

struct h1_header {
    const char *name;
    size_t name_len;
    const char *value; /* without surrounding whitespace */
    size_t value_len;
};

/* A header to send whose name is a string literal (its length counted by
 * the compiler) and whose value is a C string. */
#define H1_HEADER(name, value) \
    ((struct h1_header){ "" name "", sizeof(name) - 1, (value), strlen(value) })

/* One request. Its memory (method, target, headers, body) belongs to the
 * connection and stays valid until the request is answered with h1_reply, or
 * until the connection ends (see h1_on_close). The method, the target and
 * the headers' names and values are also NUL-terminated; the body is not. */
struct h1_request {
    const char *method;
    size_t method_len;
    const char *target; /* as sent: path and query */
    size_t target_len;
    int minor; /* HTTP/1.<minor> */
    const struct h1_header *headers;
    size_t nheaders;
    const char *body; /* chunked bodies arrive decoded */
    size_t body_len;
};

struct h1_limits {
    size_t max_head; /* request line and headers */
    size_t max_body;
};

struct h1_server;
struct h1_conn;

/* Called for each complete request; the reply may be made later, from any
 * callback, with h1_reply (the connection hands out nothing more until). */
typedef void h1_request_fn(struct h1_conn *c, const struct h1_request *req, void *arg);
/* Called when a connection ends while its request still waits for a reply;
 * the connection is gone once it returns. */
typedef void h1_close_fn(struct h1_conn *c, void *arg);

/* A server on base calling fn(conn, req, arg). Freed by h1_server_free. */
struct h1_server *h1_server_new(struct event_base *base, const struct h1_limits *limits,
                                h1_request_fn *fn, void *arg);

/* Listens on addr (close-on-exec). Returns the listening socket, which the
 * server owns (getsockname on it tells a port 0's number), or -1. */
int h1_server_listen(struct h1_server *s, const struct sockaddr *addr, socklen_t len,
                     struct fn_err *err);

/* Listens on host (a name or an address; the first it resolves to) and
 * port (0: any free one); *bound_port tells which. Returns 0 or -1. */
int h1_server_listen_host(struct h1_server *s, const char *host, int port, int *bound_port,
                          struct fn_err *err);

/* Serves a connection made elsewhere (a socketpair's end, say); the server
 * owns fd from now on. */
void h1_server_adopt(struct h1_server *s, int fd);

/* Stops listening and closes every connection; no close callback runs. Safe
 * from inside one of the server's own callbacks. */
void h1_server_free(struct h1_server *s);

/* fn(c, arg) runs if c ends before its pending request is answered. */
void h1_on_close(struct h1_conn *c, h1_close_fn *fn, void *arg);

/* The value of the first header called name (any case), or NULL. */
const char *h1_header(const struct h1_request *req, const char *name, size_t *len);
bool h1_method_is(const struct h1_request *req, const char *method);
/* The client's IP address as text; "" on a Unix socket. */
const char *h1_peer(const struct h1_conn *c);

/* Answers c's pending request: status, reason (NULL: the standard one),
 * headers (Content-Length and Connection are added, and Date unless one is
 * given), and a body given either as bytes or as an evbuffer whose contents
 * are moved, not copied (body_buf may be NULL; then body/len, may be NULL/0).
 * A HEAD request's reply, a 1xx, 204 or 304 goes out without the body. */
void h1_reply(struct h1_conn *c, int status, const char *reason, const struct h1_header *headers,
              size_t nheaders, const void *body, size_t len, struct evbuffer *body_buf);

#endif
