#include "h1.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/listener.h>

#include "xalloc.h"
#include "banned.h"

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

static void conn_run(struct h1_conn *c);
static bool token_is(const char *p, size_t n, const char *word);

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

/* "Date: Mon, 30 Nov 2026 21:51:31 GMT", formatted once a second. */
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
        has_date = token_is(headers[i].name, headers[i].name_len, "Date");
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
        q += headers[i].value_len;
        *q++ = '\r';
        *q++ = '\n';
        v[0].iov_len = need;
        evbuffer_commit_space(c->out, v, 1);
    }
    p = line;
    if (status >= 200 && status != 204) {
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
    if (!c->keep_alive)
        c->closing = true;
    put_head(c, status, reason ? reason : reason_for(status), headers, nheaders, blen);
    if (!c->is_head) {
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
    struct h1_header ct = { "Content-Type", 12, "text/plain; charset=utf-8", 25 };
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

/* --- parsing --- */

static bool is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool token_is(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* Whether the comma-separated list p[0..n) holds token (any case). */
static bool list_has(const char *p, size_t n, const char *token)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
            i++;
        size_t s = i;
        while (i < n && p[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
            e--;
        if (e > s && token_is(p + s, e - s, token))
            return true;
    }
    return false;
}

/* The end of the head (just past its empty line), or 0 when not all here. */
static size_t find_head_end(struct h1_conn *c)
{
    size_t i = c->scan;
    while (i < c->len) {
        const char *nl = memchr(c->buf + i, '\n', c->len - i);
        if (!nl)
            break;
        size_t at = (size_t)(nl - c->buf) + 1;
        if (at < c->len && c->buf[at] == '\n')
            return at + 1;
        if (at + 1 < c->len && c->buf[at] == '\r' && c->buf[at + 1] == '\n')
            return at + 2;
        if (at + 1 >= c->len) { /* the next line's start is not here yet */
            c->scan = at - 1;
            return 0;
        }
        i = at;
    }
    c->scan = c->len ? c->len - 1 : 0;
    return 0;
}

/* The line at *pos of the head buf[0..end), without its CR; *pos moves past
 * it. The head ends with an empty line, so a LF is always found. */
static size_t line_at(const char *buf, size_t end, size_t *pos, size_t *len)
{
    size_t s = *pos;
    const char *nl = memchr(buf + s, '\n', end - s);
    size_t e = nl ? (size_t)(nl - buf) : end;
    *pos = e + 1;
    if (e > s && buf[e - 1] == '\r')
        e--;
    *len = e - s;
    return s;
}

/* Parses the request line and headers of buf[0..head_len). Returns 0, or the
 * status of the error to answer. */
static int parse_head(struct h1_conn *c)
{
    const char *b = c->buf;
    size_t pos = 0, llen, s;

    line_at(b, c->head_len, &pos, &llen);
    const char *line = b;
    size_t i = 0;
    while (i < llen && is_tchar((unsigned char)line[i]))
        i++;
    if (i == 0 || i >= llen || line[i] != ' ')
        return 400;
    c->method_len = i;
    size_t t = ++i;
    while (i < llen && line[i] != ' ') {
        if ((unsigned char)line[i] <= 0x20 || line[i] == 0x7f)
            return 400;
        i++;
    }
    if (i == t || i >= llen)
        return 400;
    c->target = t;
    c->target_len = i - t;
    i++;
    if (llen - i != 8 || memcmp(line + i, "HTTP/", 5) != 0 || line[i + 6] != '.' ||
        line[i + 5] < '0' || line[i + 5] > '9' || line[i + 7] < '0' || line[i + 7] > '9')
        return 400;
    if (line[i + 5] != '1')
        return 505;
    c->minor = line[i + 7] - '0';

    bool have_cl = false, have_te = false, conn_close = false, conn_keep = false;
    size_t cl = 0;
    c->nhdrs = 0;
    c->want_continue = false;
    c->chunked = false;
    for (;;) {
        s = line_at(b, c->head_len, &pos, &llen);
        if (llen == 0)
            break;
        const char *h = b + s;
        if (h[0] == ' ' || h[0] == '\t')
            return 400; /* obsolete line folding */
        size_t n = 0;
        while (n < llen && is_tchar((unsigned char)h[n]))
            n++;
        if (n == 0 || n >= llen || h[n] != ':')
            return 400;
        size_t v = n + 1, e = llen;
        while (v < e && (h[v] == ' ' || h[v] == '\t'))
            v++;
        while (e > v && (h[e - 1] == ' ' || h[e - 1] == '\t'))
            e--;
        for (size_t k = v; k < e; k++)
            if ((h[k] < 0x20 && h[k] != '\t') || h[k] == 0x7f)
                return 400;
        if (c->nhdrs == H1_MAX_HEADERS)
            return 431;
        if (c->nhdrs == c->hdrs_cap) {
            c->hdrs_cap = c->hdrs_cap ? 2 * c->hdrs_cap : 16;
            c->at = xreallocarray(c->at, c->hdrs_cap, sizeof(*c->at));
            c->hdrs = xreallocarray(c->hdrs, c->hdrs_cap, sizeof(*c->hdrs));
        }
        c->at[c->nhdrs++] = (struct hdr_at){ s, n, s + v, e - v };
        const char *val = h + v;
        size_t vlen = e - v;
        if (token_is(h, n, "content-length")) {
            size_t x = 0;
            if (vlen == 0 || vlen > 18)
                return 400;
            for (size_t k = 0; k < vlen; k++) {
                if (val[k] < '0' || val[k] > '9')
                    return 400;
                x = x * 10 + (size_t)(val[k] - '0');
            }
            if (have_cl && x != cl)
                return 400;
            have_cl = true;
            cl = x;
        } else if (token_is(h, n, "transfer-encoding")) {
            if (have_te || !token_is(val, vlen, "chunked"))
                return 501;
            have_te = true;
        } else if (token_is(h, n, "connection")) {
            conn_close |= list_has(val, vlen, "close");
            conn_keep |= list_has(val, vlen, "keep-alive");
        } else if (token_is(h, n, "expect")) {
            if (token_is(val, vlen, "100-continue"))
                c->want_continue = c->minor >= 1;
        }
    }
    if (have_te && have_cl)
        return 400; /* ambiguous framing (request smuggling) */
    if (have_cl && cl > c->limits.max_body)
        return 413;
    c->keep_alive = c->minor >= 1 ? !conn_close : conn_keep && !conn_close;
    c->chunked = have_te;
    c->body_len = have_cl ? cl : 0;
    c->is_head = token_is(b, c->method_len, "HEAD");
    return 0;
}

/* Parses a chunk-size line at rpos. 1: done, 0: need more, -1: malformed. */
static int chunk_size(struct h1_conn *c)
{
    const char *p = c->buf + c->rpos;
    size_t avail = c->len - c->rpos;
    const char *nl = memchr(p, '\n', avail);
    if (!nl)
        return avail > 1024 ? -1 : 0;
    size_t n = 0, size = 0;
    while (p + n < nl && strchr("0123456789abcdefABCDEF", p[n]) && p[n]) {
        unsigned ch = (unsigned char)p[n];
        unsigned d = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
        if (size > (SIZE_MAX >> 4))
            return -1;
        size = size * 16 + d;
        n++;
    }
    if (n == 0 || (p[n] != ';' && p[n] != '\r' && p[n] != '\n'))
        return -1;
    c->chunk_left = size;
    c->rpos += (size_t)(nl - p) + 1;
    return 1;
}

/* Advances the body of the current request. 1: complete, 0: need more, or
 * the status of the error to answer. */
static int parse_body(struct h1_conn *c)
{
    for (;;) {
        switch (c->st) {
        case ST_BODY:
            if (c->len - c->head_len < c->body_len)
                return 0;
            c->rpos = c->head_len + c->body_len;
            return 1;
        case ST_CHUNK_SIZE: {
            int r = chunk_size(c);
            if (r <= 0)
                return r < 0 ? 400 : 0;
            if (c->body_len + c->chunk_left > c->limits.max_body)
                return 413;
            c->st = c->chunk_left ? ST_CHUNK_DATA : ST_TRAILER;
            break;
        }
        case ST_CHUNK_DATA: {
            size_t n = c->len - c->rpos;
            if (n > c->chunk_left)
                n = c->chunk_left;
            if (n == 0)
                return 0;
            /* decoded in place: the data moves down over the framing */
            memmove(c->buf + c->head_len + c->body_len, c->buf + c->rpos, n);
            c->body_len += n;
            c->rpos += n;
            c->chunk_left -= n;
            if (c->chunk_left)
                return 0;
            c->st = ST_CHUNK_CRLF;
            break;
        }
        case ST_CHUNK_CRLF:
            if (c->len - c->rpos < 1 || (c->buf[c->rpos] == '\r' && c->len - c->rpos < 2))
                return 0;
            if (c->buf[c->rpos] == '\r')
                c->rpos++;
            if (c->buf[c->rpos] != '\n')
                return 400;
            c->rpos++;
            c->st = ST_CHUNK_SIZE;
            break;
        case ST_TRAILER: {
            const char *p = c->buf + c->rpos;
            const char *nl = memchr(p, '\n', c->len - c->rpos);
            if (!nl)
                return c->len - c->rpos > c->limits.max_head ? 431 : 0;
            size_t llen = (size_t)(nl - p);
            c->rpos += llen + 1;
            if (llen == 0 || (llen == 1 && p[0] == '\r'))
                return 1;
            break;
        }
        default:
            return 400;
        }
    }
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
            size_t end = find_head_end(c);
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
            int bad = parse_head(c);
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
        int r = parse_body(c);
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
