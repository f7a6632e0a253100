#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "banned.h"

#define TX_MAX 64

size_t tx_distance(const char *a, const char *b)
{
    size_t la = strnlen(a, TX_MAX), lb = strnlen(b, TX_MAX);
    size_t d[TX_MAX + 1][TX_MAX + 1];

    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *tx_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);

    for (size_t i = 0; candidates[i]; i++) {
        size_t dist = tx_distance(word, candidates[i]);
        if (dist < best_d) {
            best_d = dist;
            best = candidates[i];
        }
    }
    if (!best)
        return NULL;
    if (best_d == 0) /* differs only in case */
        return best;
    if (best_d <= 2 && best_d * 2 < len)
        return best;
    return NULL;
}

void tx_join_quoted(char *out, size_t size, const char *const *candidates)
{
    size_t used = 0;
    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; candidates[i] && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s'%s'", i ? ", " : "", candidates[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

bool tx_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool tx_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

int tx_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void tx_url_decode(const char *s, size_t len, bool plus_is_space, struct buf *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = tx_hex_value(s[i + 1])) >= 0 &&
            (lo = tx_hex_value(s[i + 2])) >= 0) {
            buf_addch(out, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_addch(out, plus_is_space && s[i] == '+' ? ' ' : s[i]);
        }
    }
}

bool tx_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

