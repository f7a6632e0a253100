/* h1: the emulator's HTTP/1.1 server, driven over real loopback sockets:
 * framing (Content-Length, chunked, split into single bytes), pipelining
 * with a deferred reply, 100-continue, HTTP/1.0 and Connection: close, every
 * error status, HEAD, large bodies both ways, and connections that end while
 * a request waits. */
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "h1.h"

#define MAX_SEEN 8

/* What the handler saw, copied (the request's memory is the server's). */
struct seen {
    char method[16], target[256], header_x[256], header_host[64];
    char *body;
    size_t body_len;
    size_t nheaders;
    bool nul_terminated;
};

static struct event_base *base;
static struct h1_server *srv;
static int port;
static struct seen seen[MAX_SEEN];
static int nseen;
static bool defer;                  /* leave requests unanswered */
static struct h1_conn *deferred;    /* the last one left */
static int closed;                  /* close callbacks run */
static size_t big_reply;            /* answer with this many bytes of 'z' */
static bool free_in_handler;        /* free the server from inside the handler */

static void on_close(struct h1_conn *c, void *arg)
{
    (void)arg;
    if (c == deferred)
        deferred = NULL;
    closed++;
}

static void copy_str(char *out, size_t size, const char *s, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

static void handler(struct h1_conn *c, const struct h1_request *req, void *arg)
{
    (void)arg;
    cr_assert_lt(nseen, MAX_SEEN);
    struct seen *s = &seen[nseen++];
    size_t n;
    const char *x = h1_header(req, "x-test", &n);

    copy_str(s->method, sizeof(s->method), req->method, req->method_len);
    copy_str(s->target, sizeof(s->target), req->target, req->target_len);
    copy_str(s->header_x, sizeof(s->header_x), x ? x : "", x ? n : 0);
    const char *host = h1_header(req, "HOST", &n);
    copy_str(s->header_host, sizeof(s->header_host), host ? host : "", host ? n : 0);
    s->nheaders = req->nheaders;
    s->nul_terminated =
        req->method[req->method_len] == '\0' && req->target[req->target_len] == '\0';
    for (size_t i = 0; i < req->nheaders; i++)
        s->nul_terminated &= req->headers[i].name[req->headers[i].name_len] == '\0' &&
                             req->headers[i].value[req->headers[i].value_len] == '\0';
    s->body = malloc(req->body_len + 1);
    memcpy(s->body, req->body, req->body_len);
    s->body[req->body_len] = '\0';
    s->body_len = req->body_len;

    if (free_in_handler) {
        h1_server_free(srv);
        srv = NULL;
        return;
    }
    if (defer) {
        deferred = c;
        h1_on_close(c, on_close, NULL);
        return;
    }
    if (big_reply) {
        struct evbuffer *b = evbuffer_new();
        char *z = malloc(big_reply);
        memset(z, 'z', big_reply);
        z[big_reply - 1] = '!'; /* the end, for the reader */
        evbuffer_add(b, z, big_reply);
        free(z);
        h1_reply(c, 200, NULL, NULL, 0, NULL, 0, b);
        cr_assert_eq(evbuffer_get_length(b), 0, "the body was moved out");
        evbuffer_free(b);
        return;
    }
    char body[64];
    int len = snprintf(body, sizeof(body), "got %zu", req->body_len);
    struct h1_header h = { "X-Reply", 7, "yes", 3 };
    h1_reply(c, 200, NULL, &h, 1, body, (size_t)len, NULL);
}

static void setup(void)
{
    struct h1_limits limits = { 4096, 8 * 1024 * 1024 };
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof(addr);
    struct fn_err err = FN_ERR_INIT;

    memset(seen, 0, sizeof(seen));
    nseen = 0;
    defer = false;
    deferred = NULL;
    closed = 0;
    big_reply = 0;
    free_in_handler = false;
    base = event_base_new();
    srv = h1_server_new(base, &limits, handler, NULL);
    int fd = h1_server_listen(srv, (struct sockaddr *)&addr, sizeof(addr), &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&addr, &alen), 0);
    port = ntohs(addr.sin_port);
}

static void teardown(void)
{
    h1_server_free(srv);
    event_base_free(base);
    for (int i = 0; i < nseen; i++)
        free(seen[i].body);
}

static int client(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        cr_assert_gt(w, 0);
        s += w;
        n -= (size_t)w;
    }
}

static void pump(void)
{
    event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Sends s one byte at a time, running the server between bytes. */
static void send_bytewise(int fd, const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        send_all(fd, s + i, 1);
        pump();
    }
}

/* Runs the server and reads what fd receives until `until` appears in it
 * (NULL: until the server closes), for at most 3 s. Returns a malloc'd
 * text; *eof tells whether the server closed. */
static char *receive(int fd, const char *until, bool *eof)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (eof)
        *eof = false;
    for (;;) {
        pump();
        if (len + 4096 >= cap)
            out = realloc(out, cap *= 2);
        ssize_t n = recv(fd, out + len, cap - len - 1, MSG_DONTWAIT);
        if (n == 0) {
            if (eof)
                *eof = true;
            break;
        }
        if (n > 0) {
            len += (size_t)n;
            out[len] = '\0';
            if (until && memmem(out, len, until, strlen(until)))
                break;
            continue;
        }
        cr_assert(errno == EAGAIN || errno == EWOULDBLOCK, "recv: %s", strerror(errno));
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > 3000)
            break;
        usleep(200);
    }
    out[len] = '\0';
    return out;
}

/* Runs the server until a request is left unanswered (at most 1 s). */
static void wait_deferred(void)
{
    for (int i = 0; i < 1000 && !deferred; i++) {
        pump();
        usleep(1000);
    }
    cr_assert_not_null(deferred, "no request arrived");
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

TestSuite(h1, .init = setup, .fini = teardown);

Test(h1, a_get_is_parsed_and_answered_with_the_framing_headers)
{
    int fd = client();
    const char *req = "GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.test\r\n"
                      "X-Test:   padded value \t\r\nAccept: */*\r\n\r\n";
    send_all(fd, req, strlen(req));
    char *out = receive(fd, "got 0", NULL);
    cr_assert_eq(nseen, 1);
    cr_assert_str_eq(seen[0].method, "GET");
    cr_assert_str_eq(seen[0].target, "/a/b?x=1&y=%20");
    cr_assert_str_eq(seen[0].header_x, "padded value", "surrounding whitespace is not the value");
    cr_assert_str_eq(seen[0].header_host, "example.test", "names match in any case");
    cr_assert_eq(seen[0].nheaders, 3);
    cr_assert(seen[0].nul_terminated, "strings are C strings where they lie");
    cr_assert(!strncmp(out, "HTTP/1.1 200 OK\r\nDate: ", 23), "%s", out);
    cr_assert(strstr(out, " GMT\r\n"), "%s", out);
    cr_assert(strstr(out, "\r\nX-Reply: yes\r\n"), "%s", out);
    cr_assert(strstr(out, "\r\nContent-Length: 5\r\n\r\ngot 0"), "%s", out);
    cr_assert_null(strstr(out, "Connection:"), "1.1 keeps the connection without saying so");
    free(out);

    /* the same connection serves the next request */
    send_all(fd, req, strlen(req));
    out = receive(fd, "got 0", NULL);
    cr_assert_eq(nseen, 2);
    free(out);
    close(fd);
}

Test(h1, bodies_split_into_single_bytes_arrive_whole)
{
    int fd = client();
    send_bytewise(fd, "POST /p HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world");
    char *out = receive(fd, "got 11", NULL);
    cr_assert_eq(nseen, 1);
    cr_assert_str_eq(seen[0].body, "hello world");
    free(out);

    /* chunked, with an extension and a trailer, also byte by byte */
    send_bytewise(fd, "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;name=v\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n");
    out = receive(fd, "got 16", NULL);
    cr_assert_eq(nseen, 2);
    cr_assert_eq(seen[1].body_len, 16);
    cr_assert_str_eq(seen[1].body, "hello 0123456789");
    free(out);

    /* bare LF line ends, as some clients send */
    send_all(fd, "GET /lf HTTP/1.1\nX-Test: lf\n\n", 29);
    out = receive(fd, "got 0", NULL);
    cr_assert_eq(nseen, 3);
    cr_assert_str_eq(seen[2].header_x, "lf");
    free(out);
    close(fd);
}

Test(h1, pipelined_requests_wait_for_the_deferred_reply_and_answer_in_order)
{
    int fd = client();
    const char *two = "POST /first HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                      "\r\n" /* a stray empty line between requests is skipped */
                      "GET /second HTTP/1.1\r\nX-Test: 2\r\n\r\n";
    defer = true;
    send_all(fd, two, strlen(two));
    wait_deferred();
    cr_assert_eq(nseen, 1, "the second waits for the first's reply");
    for (int i = 0; i < 20; i++)
        pump();
    cr_assert_eq(nseen, 1);

    defer = false;
    h1_reply(deferred, 201, NULL, NULL, 0, "one", 3, NULL);
    char *out = receive(fd, "got 0", NULL);
    cr_assert_eq(nseen, 2, "answered, the next request is handed out");
    cr_assert_str_eq(seen[1].target, "/second");
    cr_assert_str_eq(seen[1].header_x, "2");
    char *first = strstr(out, "HTTP/1.1 201 Created");
    char *second = strstr(out, "HTTP/1.1 200 OK");
    cr_assert(first && second && first < second, "%s", out);
    cr_assert_eq(closed, 0);
    free(out);
    close(fd);
}

Test(h1, expect_100_continue_is_answered_before_the_body)
{
    int fd = client();
    const char *head = "POST /up HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
    send_all(fd, head, strlen(head));
    char *out = receive(fd, "\r\n\r\n", NULL);
    cr_assert_str_eq(out, "HTTP/1.1 100 Continue\r\n\r\n");
    cr_assert_eq(nseen, 0);
    free(out);
    send_all(fd, "data", 4);
    out = receive(fd, "got 4", NULL);
    cr_assert_eq(nseen, 1);
    cr_assert_str_eq(seen[0].body, "data");
    free(out);
    close(fd);
}

Test(h1, http_1_0_and_connection_close_end_the_connection_after_the_reply)
{
    bool eof;
    int fd = client();
    send_all(fd, "GET /old HTTP/1.0\r\n\r\n", 21);
    char *out = receive(fd, NULL, &eof);
    cr_assert(eof, "1.0 without keep-alive closes");
    cr_assert(strstr(out, "Connection: close\r\n"), "%s", out);
    cr_assert(strstr(out, "got 0"));
    free(out);
    close(fd);

    fd = client();
    send_all(fd, "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 45);
    out = receive(fd, "got 0", &eof);
    cr_assert(!eof);
    cr_assert(strstr(out, "Connection: keep-alive\r\n"), "%s", out);
    free(out);
    close(fd);

    fd = client();
    send_all(fd, "GET /x HTTP/1.1\r\nConnection: Close\r\n\r\nGET /never HTTP/1.1\r\n\r\n", 61);
    out = receive(fd, NULL, &eof);
    cr_assert(eof);
    cr_assert(strstr(out, "Connection: close\r\n"), "%s", out);
    cr_assert_eq(count(out, "HTTP/1.1 "), 1, "nothing after the close is served");
    cr_assert_eq(nseen, 3);
    free(out);
    close(fd);
}

static void expect_error(const char *request, const char *status)
{
    bool eof;
    int fd = client();
    int before = nseen;
    send_all(fd, request, strlen(request));
    char *out = receive(fd, NULL, &eof);
    cr_assert(eof, "the connection is closed after %s", status);
    cr_assert(!strncmp(out, status, strlen(status)), "want %s, got: %s", status, out);
    cr_assert(strstr(out, "Connection: close\r\n"), "%s", out);
    cr_assert_eq(nseen, before, "a bad request is not handed out");
    free(out);
    close(fd);
}

Test(h1, malformed_requests_get_their_status_and_a_close)
{
    expect_error("GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET /\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET / HTTP/1.1\r\nBad Header\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET / HTTP/1.1\r\nName : v\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "HTTP/1.1 400 Bad Request");
    expect_error("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                 "HTTP/1.1 400 Bad Request");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                 "HTTP/1.1 400 Bad Request");
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 "HTTP/1.1 400 Bad Request");
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
                 "HTTP/1.1 501 Not Implemented");
    expect_error("GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported");
    expect_error("POST / HTTP/1.1\r\nContent-Length: 9000000\r\n\r\n",
                 "HTTP/1.1 413 Payload Too Large");
    char big[6000];
    snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX-Big: %05000d\r\n\r\n", 0);
    expect_error(big, "HTTP/1.1 431 Request Header Fields Too Large");
}

Test(h1, a_chunked_body_over_the_limit_is_refused)
{
    char head[128];
    bool eof;
    int fd = client();
    snprintf(head, sizeof(head), "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n",
             9 * 1024 * 1024);
    send_all(fd, head, strlen(head));
    char *out = receive(fd, NULL, &eof);
    cr_assert(eof);
    cr_assert(!strncmp(out, "HTTP/1.1 413 ", 13), "%s", out);
    free(out);
    close(fd);
}

Test(h1, head_replies_say_the_length_and_send_no_body)
{
    int fd = client();
    send_all(fd, "HEAD /h HTTP/1.1\r\n\r\nGET /g HTTP/1.1\r\n\r\n", 39);
    char *out = receive(fd, "got 0", NULL);
    cr_assert_eq(nseen, 2);
    cr_assert_str_eq(seen[0].method, "HEAD");
    cr_assert(strstr(out, "Content-Length: 5\r\n\r\nHTTP/1.1 200 OK"), "%s", out);
    cr_assert_eq(count(out, "got 0"), 1, "only the GET has a body: %s", out);
    free(out);
    close(fd);
}

Test(h1, large_bodies_cross_the_buffers_both_ways)
{
    size_t n = 3 * 1024 * 1024;
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++)
        body[i] = (char)('a' + i % 26);
    char head[96];
    int fd = client();
    snprintf(head, sizeof(head), "POST /big HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", n);
    send_all(fd, head, strlen(head));
    /* the server has to read while the client writes */
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(fd, body + off, n - off > 65536 ? 65536 : n - off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0)
            off += (size_t)w;
        pump();
    }
    char *out = receive(fd, "got 3145728", NULL);
    cr_assert_eq(nseen, 1);
    cr_assert_eq(seen[0].body_len, n);
    cr_assert_eq(memcmp(seen[0].body, body, n), 0);
    free(out);

    /* a reply larger than the socket takes at once is finished later */
    big_reply = 4 * 1024 * 1024;
    send_all(fd, "GET /z HTTP/1.1\r\n\r\n", 19);
    out = receive(fd, "!", NULL);
    char *b = strstr(out, "\r\n\r\n");
    cr_assert_not_null(b);
    cr_assert_eq(strlen(b + 4), big_reply, "the whole body arrives");
    cr_assert(strstr(out, "Content-Length: 4194304\r\n"));
    free(out);
    free(body);
    close(fd);
}

Test(h1, a_client_that_leaves_while_its_request_waits_runs_the_close_callback)
{
    int fd = client();
    defer = true;
    send_all(fd, "GET /wait HTTP/1.1\r\n\r\n", 22);
    wait_deferred();
    cr_assert_not_null(deferred);
    close(fd);
    for (int i = 0; i < 1000 && closed == 0; i++) {
        pump();
        usleep(1000);
    }
    cr_assert_eq(closed, 1);
    cr_assert_null(deferred);
}

Test(h1, the_server_can_be_freed_with_requests_waiting_or_from_its_handler)
{
    int a = client(), b = client();
    defer = true;
    send_all(a, "GET /a HTTP/1.1\r\n\r\n", 19);
    wait_deferred();
    cr_assert_not_null(deferred);
    h1_server_free(srv); /* no close callback runs: the owner is going away */
    srv = NULL;
    cr_assert_eq(closed, 0);
    bool eof;
    char *out = receive(a, NULL, &eof);
    cr_assert(eof, "its connections are closed");
    free(out);
    close(a);
    close(b);
    teardown();

    setup();
    free_in_handler = true;
    a = client();
    send_all(a, "GET /a HTTP/1.1\r\n\r\n", 19);
    out = receive(a, NULL, &eof);
    cr_assert(eof);
    cr_assert_eq(nseen, 1);
    free(out);
    close(a);
}

Test(h1, a_date_given_by_the_caller_is_not_doubled)
{
    int fd = client();
    defer = true;
    send_all(fd, "GET /d HTTP/1.1\r\n\r\n", 19);
    wait_deferred();
    struct h1_header h[] = { { "date", 4, "Tue, 01 Dec 2026 00:00:00 GMT", 29 } };
    h1_reply(deferred, 418, NULL, h, 1, NULL, 0, NULL);
    char *out = receive(fd, "\r\n\r\n", NULL);
    cr_assert(!strncmp(out, "HTTP/1.1 418 I'm a teapot\r\n", 27), "%s", out);
    cr_assert_eq(count(out, "ate: "), 1, "%s", out);
    cr_assert(strstr(out, "Content-Length: 0\r\n"));
    free(out);
    close(fd);
}

Test(h1, an_adopted_socketpair_is_served_like_an_accepted_connection)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    h1_server_adopt(srv, sv[0]);
    send_all(sv[1], "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nok", 42);
    char *out = receive(sv[1], "got 2", NULL);
    cr_assert(strstr(out, "HTTP/1.1 200 OK\r\n"), "%s", out);
    cr_assert_eq(nseen, 1);
    cr_assert_str_eq(seen[0].body, "ok");
    free(out);
    close(sv[1]);
}

Test(h1, header_values_may_carry_bytes_over_0x7f)
{
    /* obs-text: UTF-8 (and other 8-bit) values are the client's business */
    int fd = client();
    const char *req = "GET /u HTTP/1.1\r\nX-Test: caf\xc3\xa9 \xff\r\n\r\n";
    send_all(fd, req, strlen(req));
    char *out = receive(fd, "got 0", NULL);
    cr_assert(strstr(out, "HTTP/1.1 200 OK"), "%s", out);
    cr_assert_eq(nseen, 1);
    cr_assert_str_eq(seen[0].header_x, "caf\xc3\xa9 \xff");
    free(out);
    close(fd);
    /* control characters are not */
    expect_error("GET / HTTP/1.1\r\nX-Test: a\x01z\r\n\r\n", "HTTP/1.1 400 Bad Request");
}

Test(h1, a_line_break_in_a_header_value_cannot_split_the_response)
{
    int fd = client();
    defer = true;
    send_all(fd, "GET /s HTTP/1.1\r\n\r\n", 19);
    wait_deferred();
    const char *v = "{\"a\":\r\n1}\r\nX-Evil: 1";
    struct h1_header h[] = { { "X-Ctx", 5, v, strlen(v) } };
    h1_reply(deferred, 200, NULL, h, 1, "ok", 2, NULL);
    char *out = receive(fd, "\r\n\r\nok", NULL);
    cr_assert(strstr(out, "\r\nX-Ctx: {\"a\":  1}  X-Evil: 1\r\n"), "%s", out);
    cr_assert_null(strstr(out, "\r\nX-Evil"), "no header of its own: %s", out);
    free(out);
    close(fd);
}

Test(h1, no_body_follows_a_204_or_a_304)
{
    int fd = client();
    defer = true;
    send_all(fd, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 38);
    wait_deferred();
    struct h1_conn *first = deferred;
    deferred = NULL; /* (the reply hands out the next request at once) */
    h1_reply(first, 304, NULL, NULL, 0, "stale body", 10, NULL);
    wait_deferred();
    struct evbuffer *b = evbuffer_new();
    evbuffer_add(b, "gone", 4);
    h1_reply(deferred, 204, NULL, NULL, 0, NULL, 0, b);
    cr_assert_eq(evbuffer_get_length(b), 0, "the body was taken (and dropped)");
    evbuffer_free(b);
    defer = false; /* a third request, answered at once, ends what to read */
    send_all(fd, "GET /c HTTP/1.1\r\n\r\n", 19);
    char *out = receive(fd, "got 0", NULL);
    cr_assert(strstr(out, "HTTP/1.1 304 Not Modified\r\n"), "%s", out);
    cr_assert(strstr(out, "HTTP/1.1 204 No Content\r\n"), "%s", out);
    cr_assert_null(strstr(out, "stale body"), "%s", out);
    cr_assert_null(strstr(out, "gone"), "%s", out);
    char *third = strstr(out, "HTTP/1.1 200 OK");
    cr_assert_not_null(third);
    *third = '\0';
    cr_assert_null(strstr(out, "Content-Length"), "no length on 304 or 204: %s", out);
    free(out);
    close(fd);
}
