#include "strvec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void strvec_push_owned(struct strvec *sv, char *s)
{
    if (sv->n + 2 > sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 8;
        sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
    strvec_push_owned(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strvec_push_owned(sv, xvasprintf(fmt, ap));
    va_end(ap);
}

long strvec_find(const struct strvec *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return (long)i;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strvec_sort(struct strvec *sv)
{
    if (sv->n > 1)
        qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

void strvec_sort_unique(struct strvec *sv)
{
    size_t out = 0;

    strvec_sort(sv);
    for (size_t i = 0; i < sv->n; i++) {
        if (out > 0 && !strcmp(sv->v[out - 1], sv->v[i])) {
            free(sv->v[i]);
            continue;
        }
        sv->v[out++] = sv->v[i];
    }
    sv->n = out;
    if (sv->v)
        sv->v[out] = NULL;
}

long strvec_find_sorted(const struct strvec *sv, const char *s)
{
    char *const *hit;

    if (!sv || !sv->n)
        return -1;
    hit = bsearch(&s, sv->v, sv->n, sizeof(*sv->v), cmp_str);
    return hit ? (long)(hit - sv->v) : -1;
}

void strvec_setenv(struct strvec *sv, const char *name, const char *value)
{
    size_t nlen = strlen(name);
    char *entry = xasprintf("%s=%s", name, value);
    for (size_t i = 0; i < sv->n; i++) {
        if (strncmp(sv->v[i], name, nlen) == 0 && sv->v[i][nlen] == '=') {
            free(sv->v[i]);
            sv->v[i] = entry;
            return;
        }
    }
    strvec_push_owned(sv, entry);
}

void strvec_clear(struct strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

