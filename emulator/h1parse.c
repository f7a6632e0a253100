/* h1parse: the request side of h1, an HTTP/1.1 request's head and body
 * parsed in place in the connection's buffer, one piece of input at a time. */
#include "h1int.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"
#include "banned.h"

static bool is_tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

bool h1p_token_is(const char *p, size_t n, const char *word)
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
        if (e > s && h1p_token_is(p + s, e - s, token))
            return true;
    }
    return false;
}

/* The end of the head (just past its empty line), or 0 when not all here. */
size_t h1p_find_head_end(struct h1_conn *c)
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
int h1p_parse_head(struct h1_conn *c)
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
        for (size_t k = v; k < e; k++) {
            unsigned char ch = (unsigned char)h[k]; /* bytes over 0x7f are allowed (obs-text) */
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                return 400;
        }
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
        if (h1p_token_is(h, n, "content-length")) {
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
        } else if (h1p_token_is(h, n, "transfer-encoding")) {
            if (have_te || !h1p_token_is(val, vlen, "chunked"))
                return 501;
            have_te = true;
        } else if (h1p_token_is(h, n, "connection")) {
            conn_close |= list_has(val, vlen, "close");
            conn_keep |= list_has(val, vlen, "keep-alive");
        } else if (h1p_token_is(h, n, "expect")) {
            if (h1p_token_is(val, vlen, "100-continue"))
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
    c->is_head = h1p_token_is(b, c->method_len, "HEAD");
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
int h1p_parse_body(struct h1_conn *c)
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
