/* h1int: the insides of h1 shared by h1.c (connections, replies, the
 * server) and h1parse.c (request parsing). */
#ifndef FN_H1INT_H
#define FN_H1INT_H

#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "h1.h"

#define H1_MIN_BUF 8192
#define H1_MAX_HEADERS 200
#define H1_MAX_LISTENERS 4

enum h1_state {
    ST_HEAD,        /* waiting for the end of the headers */
    ST_BODY,        /* Content-Length bytes */
    ST_CHUNK_SIZE,  /* a chunk-size line */
    ST_CHUNK_DATA,  /* chunk_left bytes of data */
    ST_CHUNK_CRLF,  /* the line end after a chunk's data */
    ST_TRAILER,     /* trailer lines up to the empty one */
    ST_DISPATCHED,  /* handed out, waiting for h1_reply */
};

/* A header as offsets into the connection's buffer, which may move while a
 * body arrives. */
struct hdr_at {
    size_t name, name_len, value, value_len;
};

struct h1_conn {
    struct h1_server *srv; /* NULL once the server is freed */
    struct h1_conn *prev, *next;
    int fd;
    struct event *rev, *wev;
    h1_request_fn *fn;
    void *arg;
    struct h1_limits limits;

    char *buf; /* input; the current request starts at 0 */
    size_t len, cap;
    enum h1_state st;
    size_t scan;      /* ST_HEAD: where the search for the empty line resumes */
    size_t head_len;  /* request line and headers, with the empty line */
    size_t rpos;      /* next input byte of the body */
    size_t body_len;  /* ST_BODY: its length; chunked: decoded so far */
    size_t chunk_left;
    size_t method_len, target, target_len;
    int minor;
    bool chunked, want_continue, keep_alive, is_head;

    struct hdr_at *at;
    struct h1_header *hdrs;
    size_t nhdrs, hdrs_cap;

    struct evbuffer *out;
    bool writing;  /* wev is pending */
    bool paused;   /* rev is not, until the pending request is answered */
    bool closing;  /* close once out is written */
    bool dead;     /* free once the callbacks on the stack return */
    int depth;     /* callbacks of this connection on the stack */
    h1_close_fn *close_fn;
    void *close_arg;
    char peer[INET6_ADDRSTRLEN]; /* the client's address; "" on a Unix socket */
};

struct h1_server {
    struct event_base *base;
    struct h1_limits limits;
    h1_request_fn *fn;
    void *arg;
    struct evconnlistener *listeners[H1_MAX_LISTENERS];
    size_t nlisteners;
    struct h1_conn *conns;
};

/* Whether p[0..n) is word, in any case. */
bool h1p_token_is(const char *p, size_t n, const char *word);
/* The end of the head at the start of c's buffer (just past its empty
 * line), or 0 when it is not all there yet. */
size_t h1p_find_head_end(struct h1_conn *c);
/* Parses the request line and headers of buf[0..head_len) into c. Returns 0,
 * or the status of the error to answer. */
int h1p_parse_head(struct h1_conn *c);
/* Advances the body of the current request. 1: complete, 0: needs more
 * input, or the status of the error to answer. */
int h1p_parse_body(struct h1_conn *c);

#endif
