#include "mfcfn.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

static const char *const cfn_functions[] = {
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split",
    "Fn::ImportValue", "Fn::If", "Fn::FindInMap", "Fn::Base64", "Fn::GetAZs",
    "Fn::Cidr", "Fn::Transform", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not",
    "Fn::Length", "Fn::ToJsonString", "Condition", NULL,
};

/* The function named by a tag ("!GetAtt" -> "Fn::GetAtt"), or NULL. */
static const char *tag_function(const char *tag)
{
    if (!tag || tag[0] != '!' || tag[1] == '!')
        return NULL;
    for (size_t i = 0; cfn_functions[i]; i++) {
        const char *f = cfn_functions[i];
        const char *bare = tx_starts_with(f, "Fn::") ? f + 4 : f;
        if (strcmp(tag + 1, bare) == 0)
            return f;
    }
    return NULL;
}

static const char *map_function(const struct yt_node *node)
{
    if (node->kind != YT_MAP || node->n != 1 || !yt_str(node->items[0]))
        return NULL;
    for (size_t i = 0; cfn_functions[i]; i++)
        if (strcmp(node->items[0]->str, cfn_functions[i]) == 0 &&
            strcmp(cfn_functions[i], "Condition") != 0)
            return cfn_functions[i];
    return NULL;
}

bool cfn_is_intrinsic(const struct yt_node *node)
{
    return node && (tag_function(node->tag) || map_function(node));
}

static void warn_at(const struct cfn_ctx *ctx, const struct yt_node *at, const char *hint,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void warn_at(const struct cfn_ctx *ctx, const struct yt_node *at, const char *hint,
                    const char *fmt, ...)
{
    struct fn_err w = FN_ERR_INIT;
    va_list ap;
    if (!ctx->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(w.msg, sizeof(w.msg), fmt, ap);
    va_end(ap);
    if (hint)
        fn_err_hint(&w, "%s", hint);
    fn_err_at(&w, at->file, at->line, at->col);
    ctx->warn(ctx->warn_arg, &w);
}

static int fail_at(struct fn_err *err, const struct yt_node *at, const char *hint, const char *fmt,
                   const char *arg)
{
    fn_err_set(err, fmt, arg);
    if (hint)
        fn_err_hint(err, "%s", hint);
    return fn_err_at(err, at->file, at->line, at->col);
}

static const struct mf_queue *find_queue(const struct manifest *m, const char *logical_id)
{
    for (size_t i = 0; i < m->n_queues; i++)
        if (m->queues[i].logical_id && !strcmp(m->queues[i].logical_id, logical_id))
            return &m->queues[i];
    return NULL;
}

static const struct mf_bucket *find_bucket(const struct manifest *m, const char *logical_id)
{
    for (size_t i = 0; i < m->n_buckets; i++)
        if (m->buckets[i].logical_id && !strcmp(m->buckets[i].logical_id, logical_id))
            return &m->buckets[i];
    return NULL;
}

/* A declared resource of a type fnctl does not emulate: the string property
 * that names it (TableName, TopicName, ...), or NULL. */
static const char *resource_name(const struct yt_node *res, const char **type)
{
    const struct yt_node *props = yt_get(res, "Properties");
    *type = yt_str(yt_get(res, "Type"));
    for (size_t i = 0; props && props->kind == YT_MAP && i < props->n; i++) {
        const char *k = yt_str(props->items[2 * i]);
        const char *v = yt_str(props->items[2 * i + 1]);
        if (k && v && tx_ends_with(k, "Name") && strcmp(k, "KeyName") != 0 &&
            !cfn_is_intrinsic(props->items[2 * i + 1]))
            return v;
    }
    return NULL;
}

static char *service_prefix(const char *type)
{
    /* AWS::DynamoDB::Table -> dynamodb */
    const char *p = type && tx_starts_with(type, "AWS::") ? type + 5 : "cloudformation";
    const char *end = strstr(p, "::");
    char *s = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
    for (char *q = s; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return s;
}

static const char *stack_name(const struct manifest *m, struct buf *tmp)
{
    buf_reset(tmp);
    buf_addf(tmp, "%s-%s", m->service ? m->service : "service", m->stage);
    return buf_cstr(tmp);
}

static bool pseudo(const struct manifest *m, const char *name, struct buf *out)
{
    struct buf tmp = BUF_INIT;
    bool ok = true;
    if (!strcmp(name, "AWS::Region"))
        buf_addstr(out, m->region);
    else if (!strcmp(name, "AWS::AccountId"))
        buf_addstr(out, MF_ACCOUNT_ID);
    else if (!strcmp(name, "AWS::StackName"))
        buf_addstr(out, stack_name(m, &tmp));
    else if (!strcmp(name, "AWS::StackId"))
        buf_addf(out, "arn:aws:cloudformation:%s:%s:stack/%s/local", m->region, MF_ACCOUNT_ID,
                 stack_name(m, &tmp));
    else if (!strcmp(name, "AWS::Partition"))
        buf_addstr(out, "aws");
    else if (!strcmp(name, "AWS::URLSuffix"))
        buf_addstr(out, "amazonaws.com");
    else if (!strcmp(name, "AWS::NoValue"))
        ;
    else
        ok = false;
    buf_release(&tmp);
    return ok;
}

/* Ref name -> out. */
static int ref(const struct cfn_ctx *ctx, const struct yt_node *at, const char *name,
               struct buf *out, struct fn_err *err)
{
    const struct manifest *m = ctx->m;
    const struct mf_queue *q;
    const struct mf_bucket *b;
    const struct yt_node *res;
    const char *type = NULL, *pname;

    if (tx_starts_with(name, "AWS::")) {
        if (pseudo(m, name, out))
            return 0;
        return fail_at(err, at, "known: AWS::Region, AWS::AccountId, AWS::StackName, AWS::Partition, AWS::URLSuffix",
                       "unknown pseudo parameter '%s'", name);
    }
    if ((q = find_queue(m, name))) {
        buf_addstr(out, q->url);
        return 0;
    }
    if ((b = find_bucket(m, name))) {
        buf_addstr(out, b->name);
        return 0;
    }
    res = yt_get(ctx->resources, name);
    if (res) {
        pname = resource_name(res, &type);
        buf_addstr(out, pname ? pname : name);
        warn_at(ctx, at, "fnctl emulates SQS queues and S3 buckets; set the value with ${env:...} to point elsewhere",
                "Ref to '%s' (%s) is not emulated; using '%s'", name, type ? type : "unknown type",
                pname ? pname : name);
        return 0;
    }
    buf_addstr(out, name);
    warn_at(ctx, at, "resources created by Serverless itself (API Gateway, the deployment bucket, ...) do not exist locally",
            "Ref to '%s', which is not declared under resources.Resources; using '%s'", name, name);
    return 0;
}

static int get_att(const struct cfn_ctx *ctx, const struct yt_node *at, const char *name,
                   const char *attr, struct buf *out, struct fn_err *err)
{
    const struct manifest *m = ctx->m;
    const struct mf_queue *q = find_queue(m, name);
    const struct mf_bucket *b = find_bucket(m, name);

    if (q) {
        if (!strcmp(attr, "Arn"))
            buf_addstr(out, q->arn);
        else if (!strcmp(attr, "QueueName"))
            buf_addstr(out, q->name);
        else if (!strcmp(attr, "QueueUrl"))
            buf_addstr(out, q->url);
        else
            return fail_at(err, at, "an AWS::SQS::Queue has Arn, QueueName and QueueUrl",
                           "queue has no attribute '%s'", attr);
        return 0;
    }
    if (b) {
        if (!strcmp(attr, "Arn"))
            buf_addf(out, "arn:aws:s3:::%s", b->name);
        else if (!strcmp(attr, "DomainName"))
            buf_addf(out, "%s.s3.amazonaws.com", b->name);
        else if (!strcmp(attr, "RegionalDomainName") || !strcmp(attr, "DualStackDomainName"))
            buf_addf(out, "%s.s3.%s.amazonaws.com", b->name, m->region);
        else if (!strcmp(attr, "WebsiteURL"))
            buf_addf(out, "http://%s.s3-website-%s.amazonaws.com", b->name, m->region);
        else
            return fail_at(err, at, "an AWS::S3::Bucket has Arn, DomainName, RegionalDomainName and WebsiteURL",
                           "bucket has no attribute '%s'", attr);
        return 0;
    }
    const struct yt_node *res = yt_get(ctx->resources, name);
    const char *type = NULL, *pname = res ? resource_name(res, &type) : NULL;
    char *svc = service_prefix(type);
    if (!strcmp(attr, "Arn"))
        buf_addf(out, "arn:aws:%s:%s:%s:%s", svc, m->region, MF_ACCOUNT_ID, pname ? pname : name);
    else
        buf_addf(out, "%s.%s", name, attr);
    if (res)
        warn_at(ctx, at, "fnctl emulates SQS queues and S3 buckets; set the value with ${env:...} to point elsewhere",
                "Fn::GetAtt %s.%s: %s is not emulated; using '%s'", name, attr,
                type ? type : "this resource type", buf_cstr(out));
    else
        warn_at(ctx, at, "resources created by Serverless itself (API Gateway, the deployment bucket, ...) do not exist locally",
                "Fn::GetAtt %s.%s: '%s' is not declared under resources.Resources; using '%s'",
                name, attr, name, buf_cstr(out));
    free(svc);
    return 0;
}

static int eval(const struct cfn_ctx *ctx, struct yt_node *node, struct fn_err *err);

/* Resolves the intrinsics below node (not node itself). */
static int resolve_children(const struct cfn_ctx *ctx, struct yt_node *node, struct fn_err *err)
{
    if (node->kind == YT_SCALAR)
        return 0;
    for (size_t i = 0; i < node->n; i++) {
        struct yt_node *child = node->kind == YT_MAP ? node->items[2 * i + 1] : node->items[i];
        if (cfn_resolve(ctx, child, err) < 0)
            return -1;
    }
    return 0;
}

/* Evaluates node (an intrinsic or a scalar) to a string in out. */
static int eval_str(const struct cfn_ctx *ctx, struct yt_node *node, struct buf *out,
                    struct fn_err *err)
{
    if (cfn_is_intrinsic(node) && eval(ctx, node, err) < 0)
        return -1;
    if (node->kind != YT_SCALAR)
        return fail_at(err, node, "use a string, or an intrinsic that gives one",
                       "expected a string here, found %s", yt_kind_name(node));
    buf_add(out, node->str, node->len);
    return 0;
}

static int sub(const struct cfn_ctx *ctx, struct yt_node *arg, struct buf *out,
               struct fn_err *err)
{
    struct yt_node *tmpl = arg, *vars = NULL;
    struct buf name = BUF_INIT;
    int rc = -1;

    if (arg->kind == YT_SEQ) {
        if (arg->n != 2)
            return fail_at(err, arg, "write Fn::Sub: [template, {Name: value}]",
                           "Fn::Sub takes a template and a map of variables, not %s", "this list");
        tmpl = arg->items[0];
        vars = arg->items[1];
        if (vars->kind != YT_MAP)
            return fail_at(err, vars, NULL, "Fn::Sub variables must be a map, not %s",
                           yt_kind_name(vars));
        if (resolve_children(ctx, vars, err) < 0)
            return -1;
    }
    if (tmpl->kind != YT_SCALAR)
        return fail_at(err, tmpl, NULL, "Fn::Sub template must be a string, not %s",
                       yt_kind_name(tmpl));
    const char *s = tmpl->str;
    for (size_t i = 0; i < tmpl->len; i++) {
        if (!(s[i] == '$' && s[i + 1] == '{')) {
            buf_addch(out, s[i]);
            continue;
        }
        const char *close = strchr(s + i + 2, '}');
        if (!close) {
            fail_at(err, tmpl, "close it with '}'", "unterminated '${' in Fn::Sub template %s", "");
            goto out;
        }
        buf_reset(&name);
        buf_add(&name, s + i + 2, (size_t)(close - s - i - 2));
        const char *n = buf_cstr(&name);
        const struct yt_node *v = yt_get(vars, n);
        const char *dot = strchr(n, '.');
        if (n[0] == '!') {
            buf_addf(out, "${%s}", n + 1); /* ${!Literal} */
        } else if (v && v->kind == YT_SCALAR) {
            buf_add(out, v->str, v->len);
        } else if (dot && !tx_starts_with(n, "AWS::")) {
            char *logical = xstrndup(n, (size_t)(dot - n));
            int r = get_att(ctx, tmpl, logical, dot + 1, out, err);
            free(logical);
            if (r < 0)
                goto out;
        } else if (ref(ctx, tmpl, n, out, err) < 0) {
            goto out;
        }
        i = (size_t)(close - s);
    }
    rc = 0;
out:
    buf_release(&name);
    return rc;
}

/* Evaluates the intrinsic at node and replaces node with the result. */
static int eval(const struct cfn_ctx *ctx, struct yt_node *node, struct fn_err *err)
{
    const char *fn = tag_function(node->tag);
    struct yt_node *arg = node;
    struct buf out = BUF_INIT;
    struct yt_node *result = NULL;
    int rc = -1;

    if (!fn) {
        fn = map_function(node);
        arg = node->items[1];
    }
    /* Arguments first (Fn::Sub resolves its own variables map). */
    if (strcmp(fn, "Fn::Sub") != 0 &&
        (arg == node ? resolve_children(ctx, arg, err) : cfn_resolve(ctx, arg, err)) < 0)
        goto out;

    if (!strcmp(fn, "Ref")) {
        if (arg->kind != YT_SCALAR) {
            fail_at(err, arg, "write Ref: LogicalId", "Ref needs a name, not %s", yt_kind_name(arg));
            goto out;
        }
        if (ref(ctx, arg, arg->str, &out, err) < 0)
            goto out;
    } else if (!strcmp(fn, "Fn::GetAtt")) {
        char *logical = NULL;
        const char *attr = NULL;
        if (arg->kind == YT_SCALAR && strchr(arg->str, '.')) {
            logical = xstrndup(arg->str, (size_t)(strchr(arg->str, '.') - arg->str));
            attr = strchr(arg->str, '.') + 1;
        } else if (arg->kind == YT_SEQ && arg->n == 2 && yt_str(arg->items[0]) &&
                   yt_str(arg->items[1])) {
            logical = xstrdup(arg->items[0]->str);
            attr = arg->items[1]->str;
        } else {
            fail_at(err, arg, "write Fn::GetAtt: [LogicalId, Arn] or !GetAtt LogicalId.Arn",
                    "Fn::GetAtt needs a resource and an attribute, not %s", yt_kind_name(arg));
            goto out;
        }
        int r = get_att(ctx, arg, logical, attr, &out, err);
        free(logical);
        if (r < 0)
            goto out;
    } else if (!strcmp(fn, "Fn::Sub")) {
        if (sub(ctx, arg, &out, err) < 0)
            goto out;
    } else if (!strcmp(fn, "Fn::Join")) {
        if (arg->kind != YT_SEQ || arg->n != 2 || !yt_str(arg->items[0]) ||
            arg->items[1]->kind != YT_SEQ) {
            fail_at(err, arg, "write Fn::Join: ['-', [a, b]]",
                    "Fn::Join needs a delimiter and a list, not %s", yt_kind_name(arg));
            goto out;
        }
        for (size_t i = 0; i < arg->items[1]->n; i++) {
            if (i)
                buf_addstr(&out, arg->items[0]->str);
            if (eval_str(ctx, arg->items[1]->items[i], &out, err) < 0)
                goto out;
        }
    } else if (!strcmp(fn, "Fn::Select")) {
        long index;
        struct yt_node *list = arg->kind == YT_SEQ && arg->n == 2 ? arg->items[1] : NULL;
        if (!list || list->kind != YT_SEQ || !yt_str(arg->items[0]) ||
            !tx_parse_long(arg->items[0]->str, 0, (long)list->n - 1, &index)) {
            fail_at(err, arg, "write Fn::Select: [0, [a, b]] with an index inside the list",
                    "Fn::Select needs an index and a list, not %s", yt_kind_name(arg));
            goto out;
        }
        result = yt_clone(list->items[index]);
    } else if (!strcmp(fn, "Fn::Split")) {
        struct buf whole = BUF_INIT;
        if (arg->kind != YT_SEQ || arg->n != 2 || !yt_str(arg->items[0]) ||
            !arg->items[0]->str[0]) {
            fail_at(err, arg, "write Fn::Split: [',', 'a,b']",
                    "Fn::Split needs a delimiter and a string, not %s", yt_kind_name(arg));
            goto out;
        }
        if (eval_str(ctx, arg->items[1], &whole, err) < 0) {
            buf_release(&whole);
            goto out;
        }
        result = yt_new_seq(node->file, node->line, node->col);
        const char *d = arg->items[0]->str, *p = buf_cstr(&whole);
        for (;;) {
            const char *hit = strstr(p, d);
            size_t len = hit ? (size_t)(hit - p) : strlen(p);
            yt_seq_push(result, yt_new_scalar(p, len, false, node->file, node->line, node->col));
            if (!hit)
                break;
            p = hit + strlen(d);
        }
        buf_release(&whole);
    } else {
        warn_at(ctx, node, "set this value with a ${env:NAME, 'local-value'} variable for local runs",
                "%s cannot be evaluated locally; using an empty string", fn);
    }
    if (!result)
        result = yt_new_scalar(buf_cstr(&out), out.len, false, node->file, node->line, node->col);
    yt_replace(node, result, true);
    rc = 0;
out:
    buf_release(&out);
    return rc;
}

int cfn_resolve(const struct cfn_ctx *ctx, struct yt_node *node, struct fn_err *err)
{
    if (cfn_is_intrinsic(node))
        return eval(ctx, node, err);
    return resolve_children(ctx, node, err);
}
