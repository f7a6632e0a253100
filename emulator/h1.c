#include "h1.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/listener.h>

#include "h1int.h"
#include "xalloc.h"
#include "banned.h"

static void conn_run(struct h1_conn *c);

/* --- connections --- */

static void conn_unlink(struct h1_conn *c)
{
    if (!c->srv)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        c->srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->srv = NULL;
    c->prev = c->next = NULL;
}

static void conn_free(struct h1_conn *c)
{
    conn_unlink(c);
    event_free(c->rev);
    event_free(c->wev);
    close(c->fd);
    evbuffer_free(c->out);
    free(c->buf);
    free(c->at);
    free(c->hdrs);
    free(c);
}

/* The connection is over: tell whoever waits on its request, then free it
 * (now, or when the callbacks on the stack have returned). */
static void conn_end(struct h1_conn *c)
{
    if (c->dead)
        return;
    c->dead = true;
    event_del(c->rev);
    event_del(c->wev);
    if (c->st == ST_DISPATCHED && c->close_fn) {
        h1_close_fn *fn = c->close_fn;
        c->close_fn = NULL;
        c->depth++;
        fn(c, c->close_arg);
        c->depth--;
    }
    if (c->depth == 0)
        conn_free(c);
}

static void flush(struct h1_conn *c)
{
    while (evbuffer_get_length(c->out) > 0) {
        int n = evbuffer_write(c->out, c->fd);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                if (!c->writing) {
                    event_add(c->wev, NULL);
                    c->writing = true;
                }
                return;
            }
            conn_end(c);
            return;
        }
    }
    if (c->writing) {
        event_del(c->wev);
        c->writing = false;
    }
    if (c->closing)
        conn_end(c);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
    struct h1_conn *c = arg;
    (void)fd;
    (void)what;
    c->writing = false; /* (the event is not persistent) */
    flush(c);
}

/* --- replies --- */

static const char *reason_for(int status)
{
    static const struct {
        short code;
        const char *text;
    } reasons[] = {
        { 100, "Continue" }, { 101, "Switching Protocols" }, { 200, "OK" }, { 201, "Created" },
        { 202, "Accepted" }, { 203, "Non-Authoritative Information" }, { 204, "No Content" },
        { 205, "Reset Content" }, { 206, "Partial Content" }, { 207, "Multi-Status" },
        { 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" },
        { 303, "See Other" }, { 304, "Not Modified" }, { 307, "Temporary Redirect" },
        { 308, "Permanent Redirect" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
        { 402, "Payment Required" }, { 403, "Forbidden" }, { 404, "Not Found" },
        { 405, "Method Not Allowed" }, { 406, "Not Acceptable" }, { 408, "Request Timeout" },
        { 409, "Conflict" }, { 410, "Gone" }, { 411, "Length Required" },
        { 412, "Precondition Failed" }, { 413, "Payload Too Large" }, { 414, "URI Too Long" },
        { 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
        { 417, "Expectation Failed" }, { 418, "I'm a teapot" }, { 422, "Unprocessable Entity" },
        { 423, "Locked" }, { 425, "Too Early" }, { 426, "Upgrade Required" },
        { 428, "Precondition Required" }, { 429, "Too Many Requests" },
        { 431, "Request Header Fields Too Large" }, { 451, "Unavailable For Legal Reasons" },
        { 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
        { 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
        { 505, "HTTP Version Not Supported" }, { 507, "Insufficient Storage" },
        { 511, "Network Authentication Required" },
    };
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (reasons[i].code == status)
            return reasons[i].text;
    return status < 200 ? "Informational" : status < 300 ? "OK" : status < 400 ? "Redirect"
         : status < 500 ? "Client Error" : "Server Error";
}

/* "Date: Mon, 30 Nov 2026 21:51:31 GMT\r\n", written by hand for each reply (no strftime:
 * its names would follow the locale). */
static size_t date_header(char out[64])
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    struct tm tm;
    char *p = out;

    gmtime_r(&now, &tm);
    memcpy(p, "Date: ", 6);
    p += 6;
    memcpy(p, days + 3 * tm.tm_wday, 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    *p++ = (char)('0' + tm.tm_mday / 10);
    *p++ = (char)('0' + tm.tm_mday % 10);
    *p++ = ' ';
    memcpy(p, months + 3 * tm.tm_mon, 3);
    p += 3;
    *p++ = ' ';
    int y = tm.tm_year + 1900;
    for (int d = 1000; d; d /= 10)
        *p++ = (char)('0' + y / d % 10);
    *p++ = ' ';
    int hms[3] = { tm.tm_hour, tm.tm_min, tm.tm_sec };
    for (int i = 0; i < 3; i++) {
        *p++ = (char)('0' + hms[i] / 10);
        *p++ = (char)('0' + hms[i] % 10);
        *p++ = i < 2 ? ':' : ' ';
    }
    memcpy(p, "GMT\r\n", 5);
    p += 5;
    return (size_t)(p - out);
}

static char *put_uint(char *p, size_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* Appends the status line and headers to c->out. */
static void put_head(struct h1_conn *c, int status, const char *reason,
                     const struct h1_header *headers, size_t n, size_t body_len)
{
    char line[160];
    char *p = line;

    memcpy(p, "HTTP/1.1 ", 9);
    p += 9;
    p = put_uint(p, (size_t)status);
    *p++ = ' ';
    size_t rlen = strlen(reason);
    if (rlen > 64)
        rlen = 64;
    memcpy(p, reason, rlen);
    p += rlen;
    *p++ = '\r';
    *p++ = '\n';
    bool has_date = false;
    for (size_t i = 0; i < n && !has_date; i++)
        has_date = h1p_token_is(headers[i].name, headers[i].name_len, "Date");
    if (!has_date)
        p += date_header(p);
    evbuffer_add(c->out, line, (size_t)(p - line));
    for (size_t i = 0; i < n; i++) {
        struct evbuffer_iovec v[1];
        size_t need = headers[i].name_len + headers[i].value_len + 4;
        if (evbuffer_reserve_space(c->out, (ev_ssize_t)need, v, 1) < 1)
            continue;
        char *q = v[0].iov_base;
        memcpy(q, headers[i].name, headers[i].name_len);
        q += headers[i].name_len;
        *q++ = ':';
        *q++ = ' ';
        memcpy(q, headers[i].value, headers[i].value_len);
        /* a line break inside a value would end the header (or the head)
         * early: it goes out as a space, which is what a folded header
         * meant (a client context's JSON stays JSON); so does a NUL */
        for (size_t k = 0; k < headers[i].value_len; k++)
            if (q[k] == '\r' || q[k] == '\n' || q[k] == '\0')
                q[k] = ' ';
        q += headers[i].value_len;
        *q++ = '\r';
        *q++ = '\n';
        v[0].iov_len = need;
        evbuffer_commit_space(c->out, v, 1);
    }
    p = line;
    if (status >= 200 && status != 204 && status != 304) {
        memcpy(p, "Content-Length: ", 16);
        p += 16;
        p = put_uint(p, body_len);
        *p++ = '\r';
        *p++ = '\n';
    }
    if (c->closing) {
        memcpy(p, "Connection: close\r\n", 19);
        p += 19;
    } else if (c->minor == 0) {
        memcpy(p, "Connection: keep-alive\r\n", 24);
        p += 24;
    }
    *p++ = '\r';
    *p++ = '\n';
    evbuffer_add(c->out, line, (size_t)(p - line));
}

/* Drops the answered request's bytes; the next one starts at 0. */
static void next_request(struct h1_conn *c)
{
    size_t used = c->rpos;
    if (used < c->len)
        memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    c->st = ST_HEAD;
    c->scan = 0;
    c->head_len = c->rpos = c->body_len = c->chunk_left = 0;
    c->nhdrs = 0;
    c->close_fn = NULL;
    /* a large body's buffer is not kept for the rest of the connection */
    if (c->cap > 16 * H1_MIN_BUF && c->len <= H1_MIN_BUF) {
        c->cap = H1_MIN_BUF;
        c->buf = xrealloc(c->buf, c->cap);
    }
}

void h1_reply(struct h1_conn *c, int status, const char *reason, const struct h1_header *headers,
              size_t nheaders, const void *body, size_t len, struct evbuffer *body_buf)
{
    if (c->dead || c->st != ST_DISPATCHED)
        return;
    size_t blen = body_buf ? evbuffer_get_length(body_buf) : len;
    if (!c->keep_alive) {
        c->closing = true;
        event_del(c->rev); /* nothing more is read: what follows is not served */
    }
    put_head(c, status, reason ? reason : reason_for(status), headers, nheaders, blen);
    /* no body follows a HEAD's reply, a 1xx, a 204 or a 304, whatever the
     * caller has: a client would read it as the next response */
    if (!c->is_head && status >= 200 && status != 204 && status != 304) {
        if (body_buf)
            evbuffer_add_buffer(c->out, body_buf);
        else if (len)
            evbuffer_add(c->out, body, len);
    } else if (body_buf) {
        evbuffer_drain(body_buf, blen);
    }
    next_request(c);
    if (c->paused && !c->closing) {
        c->paused = false;
        event_add(c->rev, NULL);
    }
    if (c->depth == 0)
        conn_run(c);
}

/* An error of the request itself: answered, and the connection closed. */
static void reply_error(struct h1_conn *c, int status)
{
    const char *reason = reason_for(status);
    struct h1_header ct = H1_HEADER("Content-Type", "text/plain; charset=utf-8");
    char body[80];
    size_t n = strlen(reason);

    memcpy(body, reason, n);
    body[n++] = '\n';
    c->st = ST_DISPATCHED;
    c->keep_alive = false;
    c->is_head = false;
    c->rpos = c->len; /* nothing more is read */
    h1_reply(c, status, reason, &ct, 1, body, n, NULL);
}

/* Hands out the complete request at the start of the buffer. */
static void dispatch(struct h1_conn *c)
{
    struct h1_request req;
    /* each string is followed by a separator or line end, which the head
     * no longer needs: the strings become C strings where they lie */
    for (size_t i = 0; i < c->nhdrs; i++) {
        c->hdrs[i] = (struct h1_header){ c->buf + c->at[i].name, c->at[i].name_len,
                                         c->buf + c->at[i].value, c->at[i].value_len };
        c->buf[c->at[i].name + c->at[i].name_len] = '\0';
        c->buf[c->at[i].value + c->at[i].value_len] = '\0';
    }
    c->buf[c->method_len] = '\0';
    c->buf[c->target + c->target_len] = '\0';
    req.method = c->buf;
    req.method_len = c->method_len;
    req.target = c->buf + c->target;
    req.target_len = c->target_len;
    req.minor = c->minor;
    req.headers = c->hdrs;
    req.nheaders = c->nhdrs;
    req.body = c->buf + c->head_len;
    req.body_len = c->body_len;
    c->st = ST_DISPATCHED;
    c->fn(c, &req, c->arg);
}

/* Parses and hands out what the buffer holds, one request at a time. */
static void process(struct h1_conn *c)
{
    while (!c->dead && !c->closing && c->st != ST_DISPATCHED) {
        if (c->st == ST_HEAD) {
            /* a client may send empty lines between requests */
            size_t skip = 0;
            while (skip < c->len && (c->buf[skip] == '\r' || c->buf[skip] == '\n'))
                skip++;
            if (skip) {
                memmove(c->buf, c->buf + skip, c->len - skip);
                c->len -= skip;
                c->scan = 0;
            }
            size_t end = h1p_find_head_end(c);
            if (!end) {
                if (c->len > c->limits.max_head)
                    reply_error(c, 431);
                return;
            }
            if (end > c->limits.max_head) {
                reply_error(c, 431);
                return;
            }
            c->head_len = end;
            int bad = h1p_parse_head(c);
            if (bad) {
                reply_error(c, bad);
                return;
            }
            c->rpos = c->head_len;
            c->st = c->chunked ? ST_CHUNK_SIZE : ST_BODY;
            if (c->want_continue && c->len == c->head_len &&
                (c->chunked || c->body_len > 0))
                evbuffer_add(c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        }
        int r = h1p_parse_body(c);
        if (r == 0)
            return;
        if (r != 1) {
            reply_error(c, r);
            return;
        }
        dispatch(c);
    }
}

/* Processes the input and writes what that produced, once no callback of
 * the connection is on the stack. */
static void conn_run(struct h1_conn *c)
{
    c->depth++;
    process(c);
    c->depth--;
    if (c->depth > 0)
        return;
    if (c->dead) {
        conn_free(c);
        return;
    }
    flush(c);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct h1_conn *c = arg;
    (void)what;

    if (c->len == c->cap && c->chunked && c->st != ST_DISPATCHED) {
        /* close the gap the decoded chunks left behind them */
        size_t w = c->head_len + c->body_len;
        if (c->rpos > w) {
            memmove(c->buf + w, c->buf + c->rpos, c->len - c->rpos);
            c->len -= c->rpos - w;
            c->rpos = w;
        }
    }
    if (c->len == c->cap) {
        /* the pending request's pointers are into buf: it does not move */
        size_t limit = c->limits.max_head + c->limits.max_body + H1_MIN_BUF;
        if (c->st == ST_DISPATCHED || c->cap >= limit) {
            event_del(c->rev); /* read again once answered */
            c->paused = true;
            return;
        }
        c->cap = c->cap * 2 < limit ? c->cap * 2 : limit;
        c->buf = xrealloc(c->buf, c->cap);
    }
    ssize_t n = read(fd, c->buf + c->len, c->cap - c->len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n == 0 && c->st != ST_DISPATCHED && evbuffer_get_length(c->out) > 0) {
        /* the client is done sending: finish writing, then close */
        event_del(c->rev);
        c->closing = true;
        return;
    }
    if (n <= 0) {
        conn_end(c);
        return;
    }
    c->len += (size_t)n;
    conn_run(c);
}

/* A connection on fd (connected, non-blocking, close-on-exec), from the
 * peer at sa (NULL: unknown). */
static void conn_new(struct h1_server *s, int fd, const struct sockaddr *sa)
{
    struct h1_conn *c = xcalloc(1, sizeof(*c));

    if (sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
        /* a reply is one write; do not hold back the one after it */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        const void *ip = sa->sa_family == AF_INET
                             ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                             : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (!inet_ntop(sa->sa_family, ip, c->peer, sizeof(c->peer)))
            c->peer[0] = '\0';
    }
    c->srv = s;
    c->fd = fd;
    c->fn = s->fn;
    c->arg = s->arg;
    c->limits = s->limits;
    c->cap = H1_MIN_BUF;
    c->buf = xmalloc(c->cap);
    c->out = evbuffer_new();
    c->rev = event_new(s->base, fd, EV_READ | EV_PERSIST, on_readable, c);
    c->wev = event_new(s->base, fd, EV_WRITE, on_writable, c);
    if (!c->out || !c->rev || !c->wev)
        FN_BUG("out of memory");
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    event_add(c->rev, NULL);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    (void)l;
    (void)salen;
    conn_new(arg, fd, sa);
}

void h1_server_adopt(struct h1_server *s, int fd)
{
    evutil_make_socket_nonblocking(fd);
    evutil_make_socket_closeonexec(fd);
    conn_new(s, fd, NULL);
}

/* --- the server --- */

struct h1_server *h1_server_new(struct event_base *base, const struct h1_limits *limits,
                                h1_request_fn *fn, void *arg)
{
    struct h1_server *s = xcalloc(1, sizeof(*s));
    s->base = base;
    s->limits = *limits;
    s->fn = fn;
    s->arg = arg;
    return s;
}

int h1_server_listen(struct h1_server *s, const struct sockaddr *addr, socklen_t len,
                     struct fn_err *err)
{
    if (s->nlisteners == H1_MAX_LISTENERS)
        return fn_err_set(err, "too many listening sockets for one server");
    struct evconnlistener *l = evconnlistener_new_bind(
        s->base, on_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, -1, addr, (int)len);
    if (!l)
        return fn_err_errno(err, errno, "cannot listen");
    s->listeners[s->nlisteners++] = l;
    return evconnlistener_get_fd(l);
}

int h1_server_listen_host(struct h1_server *s, const char *host, int port, int *bound_port,
                          struct fn_err *err)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *ai = NULL;
    struct sockaddr_storage addr;
    socklen_t alen = sizeof(addr);
    char service[16];
    int gai, fd;

    snprintf(service, sizeof(service), "%d", port);
    gai = getaddrinfo(host, service, &hints, &ai);
    if (gai != 0) {
        fn_err_set(err, "cannot listen on %s:%d: %s", host, port, gai_strerror(gai));
        return fn_err_hint(err, "give an address of this machine, such as 127.0.0.1");
    }
    fd = h1_server_listen(s, ai->ai_addr, ai->ai_addrlen, err);
    freeaddrinfo(ai);
    if (fd < 0) {
        struct fn_err why = *err;
        const char *colon = strstr(why.msg, ": ");
        return fn_err_set(err, "cannot listen on %s:%d: %s", host, port,
                          colon ? colon + 2 : why.msg);
    }
    if (getsockname(fd, (struct sockaddr *)&addr, &alen) < 0)
        return fn_err_errno(err, errno, "getsockname");
    *bound_port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                   : ((struct sockaddr_in *)&addr)->sin_port);
    return 0;
}

void h1_server_free(struct h1_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nlisteners; i++)
        evconnlistener_free(s->listeners[i]);
    while (s->conns) {
        struct h1_conn *c = s->conns;
        conn_unlink(c);
        c->close_fn = NULL;
        conn_end(c);
    }
    free(s);
}

/* --- requests --- */

void h1_on_close(struct h1_conn *c, h1_close_fn *fn, void *arg)
{
    c->close_fn = fn;
    c->close_arg = arg;
}

const char *h1_header(const struct h1_request *req, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct h1_header *h = &req->headers[i];
        if (h->name_len == n && strncasecmp(h->name, name, n) == 0) {
            if (len)
                *len = h->value_len;
            return h->value;
        }
    }
    return NULL;
}

const char *h1_peer(const struct h1_conn *c)
{
    return c->peer;
}

bool h1_method_is(const struct h1_request *req, const char *method)
{
    size_t n = strlen(method);
    return req->method_len == n && memcmp(req->method, method, n) == 0;
}
