#include "mfvars.h"
#include "mvint.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "json.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

static int fail_node(struct mv_ctx *ctx, const struct yt_node *node)
{
    return fn_err_at(ctx->err, node->file, node->line, node->col);
}

static void warn_node(struct mv_ctx *ctx, const struct yt_node *node, const char *msg,
                      const char *hint)
{
    struct fn_err w = FN_ERR_INIT;
    if (!ctx->opts->warn)
        return;
    fn_err_set(&w, "%s", msg);
    if (hint && hint[0])
        fn_err_hint(&w, "%s", hint);
    fn_err_at(&w, node->file, node->line, node->col);
    ctx->opts->warn(ctx->opts->warn_arg, &w);
}

/* --- scanning ${...} --- */

/* Given s[start] == '$' and s[start+1] == '{', returns the index of the
 * matching '}', or -1. Quotes inside a variable hide braces and commas. */
static long var_end(const char *s, size_t len, size_t start)
{
    int depth = 0;
    char quote = 0;
    for (size_t i = start; i < len; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if ((c == '\'' || c == '"') && depth > 0 && i > start + 2) {
            quote = c;
        } else if (c == '$' && i + 1 < len && s[i + 1] == '{') {
            depth++;
            i++;
        } else if (c == '}') {
            if (--depth == 0)
                return (long)i;
        }
    }
    return -1;
}

/* True when inner (the text between "${" and "}") is a variable reference:
 * it starts with a source name followed by ':' (not '::') or '('. */
static bool is_variable(const char *inner, size_t len)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)inner[i]))
        i++;
    if (i >= len || !isalpha((unsigned char)inner[i]))
        return false;
    while (i < len && isalnum((unsigned char)inner[i]))
        i++;
    if (i >= len)
        return false;
    if (inner[i] == '(')
        return true;
    return inner[i] == ':' && !(i + 1 < len && inner[i + 1] == ':');
}

static bool has_variable(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == '\\' && i + 2 < len && s[i + 1] == '$' && s[i + 2] == '{')
            return true; /* an escape to remove */
        if (s[i] != '$' || s[i + 1] != '{')
            continue;
        long end = var_end(s, len, i);
        if (end < 0)
            return true; /* unterminated: let the resolver report it */
        if (is_variable(s + i + 2, (size_t)end - i - 2))
            return true;
        i = (size_t)end;
    }
    return false;
}

/* --- evaluating one ${...} --- */

static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* A literal fallback: 'quoted', "quoted", a number, true/false or null. */
static bool literal(const char *s, size_t len, const struct yt_node *at, struct yt_node **out)
{
    if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0]) {
        *out = mv_str_node(s + 1, len - 2, false, at);
        return true;
    }
    struct yt_node probe = { .kind = YT_SCALAR, .plain = true };
    char *text = xstrndup(s, len);
    double d;
    bool b, is = false;
    probe.str = text;
    probe.len = len;
    if (yt_bool(&probe, &b) || yt_double(&probe, &d) || yt_is_null(&probe)) {
        *out = mv_str_node(text, len, true, at);
        is = true;
    }
    free(text);
    return is;
}

static int split_source(struct mv_ctx *ctx, const struct yt_node *at, const char *ref, size_t len,
                        char **source, char **params, char **address)
{
    size_t i = 0;
    *source = *params = *address = NULL;
    while (i < len && isalnum((unsigned char)ref[i]))
        i++;
    *source = xstrndup(ref, i);
    if (i < len && ref[i] == '(') {
        size_t close = i + 1;
        int depth = 1;
        for (; close < len; close++) {
            if (ref[close] == '(')
                depth++;
            else if (ref[close] == ')' && --depth == 0)
                break;
        }
        if (close >= len) {
            fn_err_set(ctx->err, "unclosed '(' in variable '%.*s'", (int)len, ref);
            fn_err_hint(ctx->err, "write ${%s(...)}", *source);
            return fail_node(ctx, at);
        }
        const char *p = ref + i + 1;
        size_t plen = close - i - 1;
        trim(&p, &plen);
        *params = xstrndup(p, plen);
        i = close + 1;
    }
    if (i < len && ref[i] == ':') {
        const char *a = ref + i + 1;
        size_t alen = len - i - 1;
        trim(&a, &alen);
        *address = xstrndup(a, alen);
    } else if (i < len) {
        fn_err_set(ctx->err, "cannot read variable '${%.*s}'", (int)len, ref);
        fn_err_hint(ctx->err, "a variable is ${source:address}, e.g. ${self:custom.name}");
        return fail_node(ctx, at);
    }
    return 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

static int interpolate(struct mv_ctx *ctx, const struct yt_node *at, const char *s, size_t len,
                       struct buf *out);

/* Evaluates the text between "${" and "}" into *out (a resolved node the
 * caller owns). text is the whole "${...}" for messages. */
static int eval_var(struct mv_ctx *ctx, const struct yt_node *at, const char *inner, size_t len,
                    const char *text, struct yt_node **out)
{
    struct buf expanded = BUF_INIT;
    struct miss first = { .why = "" };
    bool last_remote = false;
    int rc = -1;
    char *source = NULL, *params = NULL, *address = NULL;

    *out = NULL;
    /* nested variables first: ${file(./${opt:stage}.yml):x} */
    if (interpolate(ctx, at, inner, len, &expanded) < 0)
        goto out;

    const char *s = buf_cstr(&expanded);
    size_t n = expanded.len, start = 0, part_no = 0;
    char quote = 0;
    int parens = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ',';
        if (quote) {
            if (c == quote)
                quote = 0;
            if (i < n)
                continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            continue;
        }
        if (c == '(')
            parens++;
        if (c == ')')
            parens--;
        if (c != ',' || (parens > 0 && i < n))
            continue;

        const char *part = s + start;
        size_t plen = i - start;
        struct miss miss = { .why = "" };
        start = i + 1;
        trim(&part, &plen);
        part_no++;
        if (plen == 0) {
            fn_err_set(ctx->err, "empty part in variable '%s'", text);
            fn_err_hint(ctx->err, "write fallbacks as ${env:NAME, 'default'}");
            fail_node(ctx, at);
            goto out;
        }
        if (literal(part, plen, at, out)) { /* an explicit null stays null */
            if (i < n) { /* as Serverless: nothing can follow a literal */
                yt_free(*out);
                *out = NULL;
                fn_err_set(ctx->err, "a literal fallback must come last in '%s'", text);
                fn_err_hint(ctx->err, "move %.*s to the end", (int)plen, part);
                fail_node(ctx, at);
                goto out;
            }
            rc = 0;
            goto out;
        }
        free(source);
        free(params);
        free(address);
        if (split_source(ctx, at, part, plen, &source, &params, &address) < 0)
            goto out;
        if (!in_list(source, mv_sources)) {
            const char *guess = tx_suggest(source, mv_sources);
            char list[256];
            fn_err_set(ctx->err, "unknown variable source '%s' in '%s'", source, text);
            tx_join_quoted(list, sizeof(list), mv_sources);
            if (guess)
                fn_err_hint(ctx->err, "did you mean '%s'?", guess);
            else if (!params && !address)
                fn_err_hint(ctx->err, "a fallback value must be quoted: '%.*s'", (int)plen, part);
            else
                fn_err_hint(ctx->err, "known sources: %s", list);
            fail_node(ctx, at);
            goto out;
        }
        *out = mv_resolve_source(ctx, at, source, params, address, &miss);
        if (fn_err_is_set(ctx->err)) {
            if (!ctx->err->file[0])
                fail_node(ctx, at);
            goto out;
        }
        if (*out && !yt_is_null(*out)) {
            rc = 0;
            goto out;
        }
        yt_free(*out);
        *out = NULL;
        last_remote = miss.remote || in_list(source, mv_remote_sources);
        /* every source tried is named: "option '--stage' was not given;
         * 'provider.stage' is not set" */
        if (!first.why[0]) {
            first = miss;
        } else {
            size_t used = strlen(first.why);
            snprintf(first.why + used, sizeof(first.why) - used, "; %s", miss.why);
            if (miss.hint[0])
                snprintf(first.hint, sizeof(first.hint), "%s", miss.hint);
        }
    }
    if (quote) {
        fn_err_set(ctx->err, "unclosed quote in variable '%s'", text);
        fail_node(ctx, at);
        goto out;
    }
    /* the chain ends on a source only an AWS account can answer (as in
     * ${env:X, ssm:/p}): locally that is "", with a warning */
    if (last_remote) {
        char msg[600];
        snprintf(msg, sizeof(msg), "cannot resolve '%s' locally: %s; using an empty string", text,
                 first.why);
        warn_node(ctx, at, msg, first.hint[0] ? first.hint : "add a fallback for local runs, e.g. ${ssm:/path, 'local-value'}");
        *out = mv_str_node("", 0, false, at);
        rc = 0;
        goto out;
    }
    fn_err_set(ctx->err, "cannot resolve '%s': %s", text, first.why);
    if (first.hint[0])
        fn_err_hint(ctx->err, "%s", first.hint);
    fail_node(ctx, at);
out:
    free(source);
    free(params);
    free(address);
    buf_release(&expanded);
    return rc;
}

/* Appends s with every variable replaced by its (scalar) value. */
static int interpolate(struct mv_ctx *ctx, const struct yt_node *at, const char *s, size_t len,
                       struct buf *out)
{
    for (size_t i = 0; i < len; i++) {
        /* Backslashes before "${" are halved; an odd run escapes it: "\${x}"
         * is the text "${x}", and "\\${x}" a backslash and x's value. */
        if (s[i] == '\\') {
            size_t j = i;
            while (j < len && s[j] == '\\')
                j++;
            if (j + 1 < len && s[j] == '$' && s[j + 1] == '{') {
                size_t run = j - i;
                for (size_t k = 0; k < run / 2; k++)
                    buf_addch(out, '\\');
                if (run % 2) {
                    buf_addstr(out, "${");
                    i = j + 1;
                } else {
                    i = j - 1;
                }
                continue;
            }
            buf_add(out, s + i, j - i);
            i = j - 1;
            continue;
        }
        if (!(s[i] == '$' && i + 1 < len && s[i + 1] == '{')) {
            buf_addch(out, s[i]);
            continue;
        }
        long end = var_end(s, len, i);
        if (end < 0) {
            fn_err_set(ctx->err, "unterminated variable '%.*s'", (int)(len - i > 60 ? 60 : len - i),
                       s + i);
            fn_err_hint(ctx->err, "close it with '}'");
            return fail_node(ctx, at);
        }
        size_t inner_len = (size_t)end - i - 2;
        if (!is_variable(s + i + 2, inner_len)) {
            /* CloudFormation's ${AWS::Region} or ${Queue.Arn}: kept, but a
             * variable nested inside it is still resolved. */
            buf_addstr(out, "${");
            if (interpolate(ctx, at, s + i + 2, inner_len, out) < 0)
                return -1;
            buf_addch(out, '}');
            i = (size_t)end;
            continue;
        }
        char *text = xstrndup(s + i, (size_t)end - i + 1);
        struct yt_node *v = NULL;
        int rc = eval_var(ctx, at, s + i + 2, inner_len, text, &v);
        if (rc == 0 && v && v->kind != YT_SCALAR) {
            fn_err_set(ctx->err, "'%s' is %s and cannot be part of a longer string", text,
                       yt_kind_name(v));
            fn_err_hint(ctx->err, "use the variable as the whole value, or point it at a string");
            fail_node(ctx, at);
            rc = -1;
        }
        if (rc == 0 && v && !yt_is_null(v))
            buf_add(out, v->str, v->len);
        yt_free(v);
        free(text);
        if (rc < 0)
            return -1;
        i = (size_t)end;
    }
    return 0;
}

static int cycle_error(struct mv_ctx *ctx, const struct yt_node *node)
{
    struct buf chain = BUF_INIT;
    size_t from = 0;
    for (size_t i = 0; i < ctx->depth; i++)
        if (ctx->stack[i].node == node)
            from = i;
    for (size_t i = from; i < ctx->depth; i++)
        buf_addf(&chain, "%s -> ", ctx->stack[i].text);
    buf_addstr(&chain, node->str);
    fn_err_set(ctx->err, "variable refers back to itself: %s", buf_cstr(&chain));
    fn_err_hint(ctx->err, "break the cycle: one of these values must not depend on the others");
    buf_release(&chain);
    return fail_node(ctx, node);
}

int mv_resolve_scalar(struct mv_ctx *ctx, struct yt_node *node)
{
    int rc = -1;
    struct yt_node *whole = NULL;

    if (node->kind != YT_SCALAR || (node->flags & MV_DONE))
        return 0;
    if (node->flags & MV_RESOLVING)
        return cycle_error(ctx, node);
    if (!has_variable(node->str, node->len)) {
        node->flags |= MV_DONE;
        return 0;
    }
    if (ctx->depth >= MV_MAX_DEPTH) {
        fn_err_set(ctx->err, "variables nested more than %d deep", MV_MAX_DEPTH);
        fn_err_hint(ctx->err, "a chain of ${self:...} references this long is probably a mistake");
        return fail_node(ctx, node);
    }
    node->flags |= MV_RESOLVING;
    ctx->stack[ctx->depth].node = node;
    ctx->stack[ctx->depth].text = node->str;
    ctx->depth++;

    long end = node->str[0] == '$' && node->str[1] == '{' ? var_end(node->str, node->len, 0) : -1;
    if (end == (long)node->len - 1 && is_variable(node->str + 2, node->len - 3)) {
        /* The whole scalar is one variable: it may become a map, list, ... */
        if (eval_var(ctx, node, node->str + 2, node->len - 3, node->str, &whole) < 0)
            goto out;
    } else {
        struct buf text = BUF_INIT;
        if (interpolate(ctx, node, node->str, node->len, &text) < 0) {
            buf_release(&text);
            goto out;
        }
        whole = mv_str_node(buf_cstr(&text), text.len, false, node);
        buf_release(&text);
    }
    rc = 0;
out:
    ctx->depth--;
    node->flags &= ~MV_RESOLVING;
    if (rc == 0) {
        whole->flags |= MV_DONE;
        yt_replace(node, whole, true);
        node->flags |= MV_DONE;
    }
    return rc;
}

int mv_resolve_tree(struct mv_ctx *ctx, struct yt_node *node)
{
    if (node->kind == YT_SCALAR)
        return mv_resolve_scalar(ctx, node);
    for (size_t i = 0; i < node->n; i++) {
        struct yt_node *child = node->kind == YT_MAP ? node->items[2 * i + 1] : node->items[i];
        if (mv_resolve_tree(ctx, child) < 0)
            return -1;
    }
    return 0;
}

int mv_resolve(struct yt_node *root, const struct mv_opts *opts, char **stage, char **region,
               struct fn_err *err)
{
    struct mv_ctx ctx = { .root = root, .opts = opts, .err = err };
    struct timespec ts;
    int rc = -1;

    *stage = *region = NULL;
    /* Serverless uses the process's start time in milliseconds */
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(ctx.instance_id, sizeof(ctx.instance_id), "%lld",
             (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    fn_err_clear(err);
    if (!mv_stage(&ctx) || !mv_region(&ctx))
        goto out;
    if (mv_resolve_tree(&ctx, root) < 0)
        goto out;
    *stage = ctx.stage;
    *region = ctx.region;
    ctx.stage = ctx.region = NULL;
    rc = 0;
out:
    free(ctx.stage);
    free(ctx.region);
    for (size_t i = 0; i < ctx.n_files; i++) {
        free(ctx.files[i].path);
        yt_free(ctx.files[i].root);
    }
    free(ctx.files);
    return rc;
}
