/* mvsrc: the sources of Serverless variables: self, env, opt, sls, aws,
 * file, param, strToBool; and those only an AWS account can answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "file.h"
#include "json.h"
#include "mvint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

const char *const mv_sources[] = {
    "self", "env", "opt", "sls", "file", "aws", "param", "strToBool",
    /* read from an AWS account or a plugin: never resolvable locally */
    "ssm", "cf", "s3", "secrets", "construct", NULL,
};
const char *const mv_remote_sources[] = { "ssm", "cf", "s3", "secrets", "construct", NULL };

/* --- the stage and the region --- */

static const char *provider_value(struct mv_ctx *ctx, const char *key, const char *dflt,
                                  char **slot)
{
    struct yt_node *provider = yt_get(ctx->root, "provider");
    struct yt_node *node = yt_get(provider, key);
    if (*slot)
        return *slot;
    if (node && node->kind == YT_SCALAR && !yt_is_null(node)) {
        if (mv_resolve_scalar(ctx, node) < 0)
            return NULL;
        if (node->kind == YT_SCALAR && node->str[0]) {
            *slot = xstrdup(node->str);
            return *slot;
        }
    }
    *slot = xstrdup(dflt);
    return *slot;
}

const char *mv_stage(struct mv_ctx *ctx)
{
    if (!ctx->stage && ctx->opts->stage)
        ctx->stage = xstrdup(ctx->opts->stage);
    return provider_value(ctx, "stage", "dev", &ctx->stage);
}

const char *mv_region(struct mv_ctx *ctx)
{
    if (!ctx->region && ctx->opts->region)
        ctx->region = xstrdup(ctx->opts->region);
    return provider_value(ctx, "region", "us-east-1", &ctx->region);
}

/* --- sources --- */

struct yt_node *mv_str_node(const char *s, size_t len, bool plain, const struct yt_node *at)
{
    struct yt_node *n = yt_new_scalar(s, len, plain, at->file, at->line, at->col);
    n->flags = MV_DONE;
    return n;
}

/* Walks address ("a.b.0.c"; "" is base itself) from base, resolving what it
 * passes through. Returns a resolved copy, or NULL with miss filled (or with
 * ctx->err set: check fn_err_is_set). */
static struct yt_node *walk(struct mv_ctx *ctx, struct yt_node *base, const char *address,
                            const char *where, struct miss *miss)
{
    struct yt_node *cur = base;
    const char *p = address;
    struct buf seen = BUF_INIT;

    while (*p) {
        const char *dot = strchr(p, '.');
        size_t klen = dot ? (size_t)(dot - p) : strlen(p);
        char *key = xstrndup(p, klen);
        struct yt_node *next = NULL;
        long index;

        if (cur->kind == YT_SCALAR && mv_resolve_scalar(ctx, cur) < 0) {
            free(key);
            goto fail;
        }
        if (cur->kind == YT_MAP) {
            next = yt_get(cur, key);
        } else if (cur->kind == YT_SEQ && tx_parse_long(key, 0, (long)cur->n - 1, &index)) {
            next = cur->items[index];
        }
        if (!next) {
            snprintf(miss->why, sizeof(miss->why), "'%s%s%s' is not set in %s", buf_cstr(&seen),
                     seen.len ? "." : "", key, where);
            if (cur->kind == YT_MAP && cur->n) {
                const char **keys = xcalloc(cur->n + 1, sizeof(*keys));
                for (size_t i = 0; i < cur->n; i++)
                    keys[i] = yt_str(cur->items[2 * i]) ? yt_str(cur->items[2 * i]) : "";
                const char *guess = tx_suggest(key, keys);
                if (guess)
                    snprintf(miss->hint, sizeof(miss->hint), "did you mean '%s%s%s'?",
                             buf_cstr(&seen), seen.len ? "." : "", guess);
                free(keys);
            }
            free(key);
            goto fail;
        }
        if (seen.len)
            buf_addch(&seen, '.');
        buf_addstr(&seen, key);
        free(key);
        cur = next;
        p = dot ? dot + 1 : p + klen;
    }
    buf_release(&seen);
    if (mv_resolve_tree(ctx, cur) < 0)
        return NULL;
    if (yt_is_null(cur)) {
        snprintf(miss->why, sizeof(miss->why), "'%s' is null in %s", address, where);
        return NULL;
    }
    ctx->copied += yt_count(cur);
    if (ctx->copied > MV_MAX_COPIED) {
        fn_err_set(ctx->err, "variables expand to more than %d values", MV_MAX_COPIED);
        fn_err_hint(ctx->err, "a value copied into itself many times over? simplify the ${self:...} references");
        return NULL;
    }
    return yt_clone(cur);
fail:
    buf_release(&seen);
    return NULL;
}

static struct yt_node *json_to_tree(const json_t *v, const char *file)
{
    struct yt_node *n;
    const char *key;
    json_t *item;
    size_t i;
    char num[64];

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        n = yt_new_map(file, 1, 1);
        json_object_foreach((json_t *)v, key, item)
            yt_map_put(n, yt_new_scalar(key, strlen(key), false, file, 1, 1),
                       json_to_tree(item, file));
        return n;
    case JSON_ARRAY:
        n = yt_new_seq(file, 1, 1);
        json_array_foreach(v, i, item)
            yt_seq_push(n, json_to_tree(item, file));
        return n;
    case JSON_STRING:
        return yt_new_scalar(json_string_value(v), json_string_length(v), false, file, 1, 1);
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return yt_new_scalar(num, strlen(num), true, file, 1, 1);
    case JSON_REAL:
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        return yt_new_scalar(num, strlen(num), true, file, 1, 1);
    case JSON_TRUE:
        return yt_new_scalar("true", 4, true, file, 1, 1);
    case JSON_FALSE:
        return yt_new_scalar("false", 5, true, file, 1, 1);
    default:
        return yt_new_scalar("null", 4, true, file, 1, 1);
    }
}

/* Loads (once) the file named in ${file(path)}; NULL root when missing. */
static int load_file(struct mv_ctx *ctx, const char *param, struct loaded_file **out)
{
    struct buf path = BUF_INIT;

    fs_join(&path, ctx->opts->service_dir ? ctx->opts->service_dir : ".", param);
    for (size_t i = 0; i < ctx->n_files; i++) {
        if (strcmp(ctx->files[i].path, buf_cstr(&path)) == 0) {
            *out = &ctx->files[i];
            buf_release(&path);
            return 0;
        }
    }
    ctx->files = xreallocarray(ctx->files, ctx->n_files + 1, sizeof(*ctx->files));
    struct loaded_file *lf = &ctx->files[ctx->n_files++];
    lf->path = buf_detach(&path, NULL);
    lf->root = NULL;
    *out = lf;
    if (!fs_exists(lf->path))
        return 0;

    /* Nodes of the file point at its name: the tree's owner keeps it. */
    strvec_push(ctx->opts->file_names, lf->path);
    const char *name = ctx->opts->file_names->v[ctx->opts->file_names->n - 1];
    if (tx_ends_with(lf->path, ".json")) {
        json_t *v = fj_load_file(name, 16u << 20, ctx->err);
        if (!v)
            return -1;
        lf->root = json_to_tree(v, name);
        json_decref(v);
        return 0;
    }
    return yt_load_file(name, &lf->root, ctx->err);
}

static bool is_js_file(const char *p)
{
    return tx_ends_with(p, ".js") || tx_ends_with(p, ".cjs") || tx_ends_with(p, ".mjs") ||
           tx_ends_with(p, ".ts");
}

static const char *opt_value(struct mv_ctx *ctx, const char *name)
{
    const struct strvec *o = ctx->opts->options;
    size_t nlen = strlen(name);
    if (!strcmp(name, "stage"))
        return ctx->opts->stage;
    if (!strcmp(name, "region"))
        return ctx->opts->region;
    for (size_t i = 0; o && i < o->n; i++)
        if (!strncmp(o->v[i], name, nlen) && o->v[i][nlen] == '=')
            return o->v[i] + nlen + 1;
    return NULL;
}

struct yt_node *mv_resolve_source(struct mv_ctx *ctx, const struct yt_node *at,
                                      const char *source, const char *params,
                                      const char *address, struct miss *miss)
{
    const char *addr = address ? address : "";
    const char *v;

    if (!strcmp(source, "self")) {
        struct yt_node *r = walk(ctx, ctx->root, addr, "the service file", miss);
        /* Serverless v3 gives ${self:provider.stage} no default either */
        if (!r && (!strcmp(addr, "provider.stage") || !strcmp(addr, "provider.region")))
            snprintf(miss->hint, sizeof(miss->hint), "use ${%s}, which defaults to '%s'",
                     addr[9] == 's' ? "sls:stage" : "aws:region",
                     addr[9] == 's' ? "dev" : "us-east-1");
        return r;
    }
    if (!strcmp(source, "env")) {
        v = getenv(addr);
        if (v)
            return mv_str_node(v, strlen(v), false, at);
        snprintf(miss->why, sizeof(miss->why), "environment variable '%s' is not set", addr);
        snprintf(miss->hint, sizeof(miss->hint), "export %s=..., or add a fallback: ${env:%s, 'value'}",
                 addr, addr);
        return NULL;
    }
    if (!strcmp(source, "opt")) {
        v = opt_value(ctx, addr);
        if (v)
            return mv_str_node(v, strlen(v), false, at);
        snprintf(miss->why, sizeof(miss->why), "option '--%s' was not given", addr);
        snprintf(miss->hint, sizeof(miss->hint), "pass --%s, or add a fallback: ${opt:%s, 'value'}",
                 addr, addr);
        return NULL;
    }
    if (!strcmp(source, "sls")) {
        if (!strcmp(addr, "stage"))
            return mv_stage(ctx) ? mv_str_node(ctx->stage, strlen(ctx->stage), false, at) : NULL;
        if (!strcmp(addr, "instanceId"))
            return mv_str_node(ctx->instance_id, strlen(ctx->instance_id), false, at);
        fn_err_set(ctx->err, "unknown variable '${sls:%s}'", addr);
        fn_err_hint(ctx->err, "the sls source has 'stage' and 'instanceId'");
        return NULL;
    }
    if (!strcmp(source, "aws")) {
        if (!strcmp(addr, "accountId"))
            return mv_str_node("000000000000", 12, false, at);
        if (!strcmp(addr, "region"))
            return mv_region(ctx) ? mv_str_node(ctx->region, strlen(ctx->region), false, at) : NULL;
        fn_err_set(ctx->err, "unknown variable '${aws:%s}'", addr);
        fn_err_hint(ctx->err, "the aws source has 'accountId' and 'region'");
        return NULL;
    }
    if (!strcmp(source, "strToBool")) {
        char p[16] = "";
        const char *raw = params ? params : "";
        size_t rlen = strlen(raw);
        if (rlen >= 2 && (raw[0] == '\'' || raw[0] == '"') && raw[rlen - 1] == raw[0])
            snprintf(p, sizeof(p), "%.*s", (int)(rlen - 2), raw + 1);
        else
            snprintf(p, sizeof(p), "%s", raw);
        if (!strcasecmp(p, "true") || !strcmp(p, "1"))
            return mv_str_node("true", 4, true, at);
        if (!strcasecmp(p, "false") || !strcmp(p, "0"))
            return mv_str_node("false", 5, true, at);
        fn_err_set(ctx->err, "strToBool(%s): '%s' is not a boolean", p, p);
        fn_err_hint(ctx->err, "use 'true', 'false', '1' or '0'");
        return NULL;
    }
    if (!strcmp(source, "param")) {
        struct yt_node *params_node = yt_get(ctx->root, "params");
        if (params_node && mv_stage(ctx)) {
            struct miss ignored = { .why = "" };
            struct yt_node *stage_params = yt_get(params_node, ctx->stage);
            struct yt_node *r = NULL;
            if (stage_params)
                r = walk(ctx, stage_params, addr, "params", &ignored);
            if (!r && !fn_err_is_set(ctx->err) && yt_get(params_node, "default"))
                r = walk(ctx, yt_get(params_node, "default"), addr, "params", &ignored);
            if (r || fn_err_is_set(ctx->err))
                return r;
        }
        snprintf(miss->why, sizeof(miss->why),
                 "parameter '%s' is not in this file's params for stage '%s' or 'default'", addr,
                 ctx->stage ? ctx->stage : "?");
        snprintf(miss->hint, sizeof(miss->hint),
                 "add it under params.%s or params.default; dashboard parameters are not read locally",
                 ctx->stage ? ctx->stage : "default");
        miss->remote = true;
        return NULL;
    }
    if (!strcmp(source, "file")) {
        struct loaded_file *lf;
        char *param = xstrdup(params ? params : "");
        size_t plen = strlen(param);
        struct yt_node *r = NULL;
        if (plen >= 2 && (param[0] == '\'' || param[0] == '"') && param[plen - 1] == param[0]) {
            memmove(param, param + 1, plen - 2);
            param[plen - 2] = '\0';
        }
        if (!param[0]) {
            fn_err_set(ctx->err, "${file()} needs a path");
            fn_err_hint(ctx->err, "write ${file(./config.yml):key}");
        } else if (is_js_file(param)) {
            snprintf(miss->why, sizeof(miss->why),
                     "'%s' is JavaScript, which fnctl does not execute", param);
            snprintf(miss->hint, sizeof(miss->hint),
                     "move the values into a .yml or .json file, or add a fallback");
            miss->remote = true;
        } else if (load_file(ctx, param, &lf) == 0) {
            if (!lf->root) {
                snprintf(miss->why, sizeof(miss->why), "file '%s' does not exist", lf->path);
                snprintf(miss->hint, sizeof(miss->hint),
                         "paths are relative to the service directory; create it or add a fallback");
            } else {
                r = walk(ctx, lf->root, addr, param, miss);
            }
        }
        free(param);
        return r;
    }
    /* sources that only an AWS account (or a plugin) can answer */
    snprintf(miss->why, sizeof(miss->why), "the '%s' source reads %s, which fnctl does not do locally",
             source, !strcmp(source, "construct") ? "a plugin's resources" : "an AWS account");
    miss->remote = true;
    return NULL;
}
