#include "b64.h"

#include "banned.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64_encode(const void *data, size_t len, struct buf *out)
{
    const unsigned char *p = data;
    char quad[4];
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        quad[0] = b64_alphabet[v >> 18];
        quad[1] = b64_alphabet[(v >> 12) & 63];
        quad[2] = b64_alphabet[(v >> 6) & 63];
        quad[3] = b64_alphabet[v & 63];
        buf_add(out, quad, 4);
    }
    if (i < len) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
        quad[0] = b64_alphabet[v >> 18];
        quad[1] = b64_alphabet[(v >> 12) & 63];
        quad[2] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        quad[3] = '=';
        buf_add(out, quad, 4);
    }
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int b64_decode(const char *text, size_t len, struct buf *out)
{
    size_t start = out->len;
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad)
            goto bad;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (buf_addch(out, (char)((acc >> bits) & 0xff)) < 0)
                goto bad;
        }
    }
    if (pad > 2 || (bits >= 6))
        goto bad;
    return 0;
bad:
    buf_truncate(out, start);
    return -1;
}
