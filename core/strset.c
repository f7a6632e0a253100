/* strset: a hash set of owned strings (see strset.h).
 *
 * Open addressing with linear probing in a power-of-two table kept at most
 * half full, so probe runs stay short. Each slot keeps its key's length and
 * hash: a probe rejects a different key without touching its bytes (paths
 * share long prefixes), and growing rehashes nothing. */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define STRSET_MIN_CAP 64

/* 64-bit FNV-1a. */
static uint64_t strset_hash(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strset_slot *strset_find(const struct strset *s, const char *key, size_t len,
                                       uint64_t hash)
{
    size_t mask = s->cap - 1, i = (size_t)hash & mask;
    struct strset_slot *e;

    for (;; i = (i + 1) & mask) {
        e = &s->slot[i];
        if (!e->key || (e->hash == hash && e->len == len && !memcmp(e->key, key, len)))
            return e;
    }
}

static void strset_grow(struct strset *s)
{
    struct strset bigger = { NULL, s->cap ? s->cap * 2 : STRSET_MIN_CAP, s->n };

    bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i].key)
            *strset_find(&bigger, s->slot[i].key, s->slot[i].len, s->slot[i].hash) = s->slot[i];
    free(s->slot);
    *s = bigger;
}

const char *strset_put(struct strset *s, const char *key, size_t len, void *val)
{
    uint64_t hash = strset_hash(key, len);
    struct strset_slot *e = s->cap ? strset_find(s, key, len, hash) : NULL;

    if (e && e->key)
        return NULL;
    if (2 * (s->n + 1) > s->cap) {
        strset_grow(s);
        e = strset_find(s, key, len, hash);
    }
    e->key = xstrndup(key, len);
    e->len = len;
    e->hash = hash;
    e->val = val;
    s->n++;
    return e->key;
}

const char *strset_add(struct strset *s, const char *str)
{
    return strset_put(s, str, strlen(str), NULL);
}

void *strset_get(const struct strset *s, const char *key, size_t len)
{
    if (!s->cap)
        return NULL;
    return strset_find(s, key, len, strset_hash(key, len))->val;
}

void strset_release(struct strset *s, void (*free_val)(void *))
{
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i].key)
            continue;
        if (free_val && s->slot[i].val)
            free_val(s->slot[i].val);
        free(s->slot[i].key);
    }
    free(s->slot);
    *s = (struct strset)STRSET_INIT;
}
