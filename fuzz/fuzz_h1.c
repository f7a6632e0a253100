/* libFuzzer target: the emulator's HTTP/1.1 server on arbitrary bytes, as a
 * client would send them to the gateway or the Runtime API. The input goes
 * in pieces (the first byte picks their size) over a socketpair, so the
 * incremental parsing (a head or a chunk size split anywhere) is what runs.
 * Whatever comes back must be a sequence of HTTP/1.1 responses; the
 * connection is then closed and must be freed (LeakSanitizer). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "h1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void echo(struct h1_conn *c, const struct h1_request *req, void *arg)
{
    (void)arg;
    /* the strings h1 promises: NUL-terminated where their lengths end */
    if (req->method[req->method_len] || req->target[req->target_len])
        abort();
    for (size_t i = 0; i < req->nheaders; i++)
        if (req->headers[i].name[req->headers[i].name_len] ||
            req->headers[i].value[req->headers[i].value_len] || !req->headers[i].name_len)
            abort();
    h1_reply(c, 200, NULL, req->headers, req->nheaders > 4 ? 4 : req->nheaders, req->body,
             req->body_len, NULL);
}

/* Runs the server; reads what it wrote to fd (if fd >= 0), whose very
 * first bytes must start a response. */
static void pump(struct event_base *base, int fd, size_t *received)
{
    char out[65536];
    for (int i = 0; i < 4; i++) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        ssize_t n;
        while (fd >= 0 && (n = recv(fd, out, sizeof(out), MSG_DONTWAIT)) > 0) {
            if (*received == 0 && (n < 9 || memcmp(out, "HTTP/1.1 ", 9) != 0))
                abort();
            *received += (size_t)n;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct h1_limits limits = { 2048, 16384 };
    struct event_base *base = event_base_new();
    struct h1_server *srv = h1_server_new(base, &limits, echo, NULL);
    int sv[2];
    size_t received = 0;

    if (!base || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
        abort();
    h1_server_adopt(srv, sv[0]);
    size_t step = size ? (size_t)(data[0] % 64) + 1 : 1;
    for (size_t off = size ? 1 : 0; off < size; off += step) {
        size_t n = size - off < step ? size - off : step;
        if (send(sv[1], data + off, n, MSG_NOSIGNAL) < 0)
            break;
        pump(base, sv[1], &received);
    }
    pump(base, sv[1], &received);
    close(sv[1]);
    pump(base, -1, &received);
    h1_server_free(srv);
    event_base_free(base);
    return 0;
}
