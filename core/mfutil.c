/* mfutil: the manifest loader's typed getters, key checks and diagnostics. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

struct mf_loc mfb_loc(const struct yt_node *node)
{
    struct mf_loc loc = { NULL, 0, 0 };
    if (node) {
        loc.file = node->file;
        loc.line = node->line;
        loc.col = node->col;
    }
    return loc;
}

void mfb_collect(void *arg, const struct fn_err *warning)
{
    struct manifest *m = arg;
    m->warnings = xreallocarray(m->warnings, m->n_warnings + 1, sizeof(*m->warnings));
    m->warnings[m->n_warnings++] = *warning;
}

void mfb_warn(struct mfb *b, const struct yt_node *node, const char *hint, const char *fmt, ...)
{
    struct fn_err w = FN_ERR_INIT;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.msg, sizeof(w.msg), fmt, ap);
    va_end(ap);
    if (hint)
        fn_err_hint(&w, "%s", hint);
    if (node)
        fn_err_at(&w, node->file, node->line, node->col);
    else
        fn_err_at(&w, b->m->path, 0, 0);
    mfb_collect(b->m, &w);
}

int mfb_fail(struct mfb *b, const struct yt_node *node, const char *hint, const char *fmt, ...)
{
    va_list ap;
    fn_err_clear(b->err);
    va_start(ap, fmt);
    vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
    va_end(ap);
    if (hint)
        fn_err_hint(b->err, "%s", hint);
    if (node)
        return fn_err_at(b->err, node->file, node->line, node->col);
    return fn_err_at(b->err, b->m->path, 0, 0);
}

int mfb_check_keys(struct mfb *b, const struct yt_node *map, const char *const *known,
                   const char *what)
{
    if (!map || map->kind != YT_MAP || b->validation_off)
        return 0;
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->items[2 * i];
        const char *key = yt_str(k);
        bool found = false;
        char hint[FN_ERR_MSG_MAX] = "";
        if (!key)
            return mfb_fail(b, k, NULL, "%s: keys must be strings", what);
        for (size_t j = 0; known[j] && !found; j++)
            found = strcmp(key, known[j]) == 0;
        if (found)
            continue;
        const char *guess = tx_suggest(key, known);
        if (guess)
            snprintf(hint, sizeof(hint), "did you mean '%s'?", guess);
        else if (b->has_plugins)
            snprintf(hint, sizeof(hint), "if a plugin defines it, fnctl ignores it");
        if (b->strict)
            return mfb_fail(b, k, hint[0] ? hint : NULL,
                            "%s: unrecognized property '%s' (configValidationMode: error)", what,
                            key);
        mfb_warn(b, k, hint[0] ? hint : NULL, "%s: unrecognized property '%s'", what, key);
    }
    return 0;
}

int mfb_expect_map(struct mfb *b, const struct yt_node *node, const char *what)
{
    if (!node || yt_is_null(node) || node->kind == YT_MAP)
        return 0;
    return mfb_fail(b, node, NULL, "%s must be a map, not %s", what, yt_kind_name(node));
}

const char *mfb_text(const struct yt_node *node)
{
    if (!node || node->kind != YT_SCALAR || yt_is_null(node))
        return NULL;
    return node->str;
}

int mfb_str(struct mfb *b, const struct yt_node *map, const char *key, const char *what,
            char **out)
{
    const struct yt_node *v = yt_get(map, key);
    if (!v || yt_is_null(v))
        return 0;
    if (v->kind != YT_SCALAR)
        return mfb_fail(b, v, NULL, "%s: '%s' must be a string, not %s", what, key,
                        yt_kind_name(v));
    free(*out);
    *out = xstrdup(v->str);
    return 0;
}

int mfb_long(struct mfb *b, const struct yt_node *map, const char *key, const char *what, long min,
             long max, long *out)
{
    const struct yt_node *v = yt_get(map, key);
    long n;
    if (!v || yt_is_null(v))
        return 0;
    if (!yt_long(v, &n) && !(v->kind == YT_SCALAR && tx_parse_long(v->str, LONG_MIN, LONG_MAX, &n)))
        return mfb_fail(b, v, NULL, "%s: '%s' must be a whole number, not %s%s%s%s", what, key,
                        yt_kind_name(v), v->kind == YT_SCALAR ? " '" : "",
                        v->kind == YT_SCALAR ? v->str : "", v->kind == YT_SCALAR ? "'" : "");
    if (n < min || n > max) {
        char hint[128];
        snprintf(hint, sizeof(hint), "allowed: %ld to %ld", min, max);
        return mfb_fail(b, v, hint, "%s: '%s' is %ld, out of range", what, key, n);
    }
    *out = n;
    return 0;
}

int mfb_bool(struct mfb *b, const struct yt_node *map, const char *key, const char *what,
             bool *out)
{
    const struct yt_node *v = yt_get(map, key);
    bool value;
    if (!v || yt_is_null(v))
        return 0;
    if (yt_bool(v, &value)) {
        *out = value;
        return 0;
    }
    /* Serverless (AJV) coerces "true"/"false" strings too */
    if (v->kind == YT_SCALAR && (!strcmp(v->str, "true") || !strcmp(v->str, "false"))) {
        *out = v->str[0] == 't';
        return 0;
    }
    return mfb_fail(b, v, "write true or false", "%s: '%s' must be true or false, not %s", what,
                    key, yt_kind_name(v));
}

int mfb_strlist(struct mfb *b, const struct yt_node *node, const char *what, struct strvec *out)
{
    if (!node || yt_is_null(node))
        return 0;
    if (node->kind == YT_SCALAR) {
        strvec_push(out, node->str);
        return 0;
    }
    if (node->kind != YT_SEQ)
        return mfb_fail(b, node, NULL, "%s must be a string or a list of strings, not %s", what,
                        yt_kind_name(node));
    for (size_t i = 0; i < node->n; i++) {
        const struct yt_node *item = node->items[i];
        if (item->kind != YT_SCALAR || yt_is_null(item))
            return mfb_fail(b, item, NULL, "%s: list items must be strings, not %s", what,
                            yt_kind_name(item));
        strvec_push(out, item->str);
    }
    return 0;
}
