#include "manifest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "mfint.h"
#include "mfvars.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* Serverless v3's schema (lib/config-schema.js, lib/plugins/aws/provider.js). */
static const char *const top_keys[] = {
    "service", "frameworkVersion", "provider", "functions", "plugins", "custom", "resources",
    "package", "configValidationMode", "useDotenv", "variablesResolutionMode",
    "disabledDeprecations", "deprecationNotificationMode", "params", "console", "dashboard",
    "projectDir", "layers", "org", "app", "outputs", NULL,
};

static const char *const provider_keys[] = {
    "name", "alb", "apiGateway", "apiName", "architecture", "cfnRole", "cloudFront",
    "deploymentBucket", "deploymentPrefix", "disableRollback", "endpointType", "environment",
    "eventBridge", "httpApi", "iam", "iamManagedPolicies", "iamRoleStatements", "ecr",
    "kmsKeyArn", "lambdaHashingVersion", "layers", "logRetentionInDays",
    "logDataProtectionPolicy", "logs", "memorySize", "notificationArns", "profile", "region",
    "role", "rolePermissionsBoundary", "rollbackConfiguration", "runtime", "runtimeManagement",
    "deploymentMethod", "s3", "stage", "stackName", "stackParameters", "stackPolicy",
    "stackTags", "tags", "timeout", "tracing", "vpc", "vpcEndpointIds", "versionFunctions",
    "websocket", "websocketsApiName", "kinesis", "websocketsApiRouteSelectionExpression",
    "websocketsDescription", NULL,
};

static const char *const function_keys[] = {
    "name", "events", "architecture", "awsKmsKeyArn", "condition", "dependsOn", "description",
    "destinations", "disableLogs", "environment", "ephemeralStorageSize", "fileSystemConfig",
    "handler", "image", "kmsKeyArn", "snapStart", "layers", "logRetentionInDays",
    "logDataProtectionPolicy", "maximumEventAge", "maximumRetryAttempts", "memorySize", "onError",
    "package", "provisionedConcurrency", "reservedConcurrency", "role", "runtime",
    "runtimeManagement", "tags", "timeout", "tracing", "url", "versionFunction", "vpc", "httpApi",
    NULL,
};

static const char *const package_keys[] = {
    "artifact", "exclude", "excludeDevDependencies", "include", "individually", "path", "patterns",
    NULL,
};

/* Lambda's runtimes: Serverless v3's list plus those AWS added since. */
static const char *const runtimes[] = {
    "nodejs22.x", "nodejs20.x", "nodejs18.x", "nodejs16.x", "nodejs14.x", "python3.13",
    "python3.12", "python3.11", "python3.10", "python3.9", "python3.8", "python3.7",
    "provided.al2023", "provided.al2", "provided", "java21", "java17", "java11", "java8.al2",
    "java8", "dotnet8", "dotnet6", "go1.x", "ruby3.4", "ruby3.3", "ruby3.2", "ruby2.7", NULL,
};

/* Runtimes Lambda has retired: still run locally, but a deploy would fail. */
static const char *const retired_runtimes[] = {
    "nodejs12.x", "nodejs10.x", "nodejs8.10", "nodejs6.10", "nodejs4.3", "nodejs",
    "python3.6", "python2.7", "dotnetcore3.1", "dotnetcore2.1", "dotnetcore1.0", "ruby2.5",
    "go1.x", NULL,
};

/* Variables Lambda sets itself and refuses in a function's configuration. */
static const char *const reserved_env[] = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

/* A runtime Lambda has today is fine; a retired one is a warning (it runs
 * locally, a deploy would fail); anything else is an error, or a warning
 * when plugins may provide it (serverless-rust, ...). */
static int check_runtime(struct mfb *b, const char *runtime, const struct yt_node *at,
                         const char *what)
{
    char hint[FN_ERR_MSG_MAX];
    const char *guess;

    if (in_list(runtime, runtimes))
        return 0;
    if (in_list(runtime, retired_runtimes)) {
        mfb_warn(b, at, "move to a current runtime, e.g. nodejs20.x or python3.12",
                 "%s: runtime '%s' is retired: Lambda no longer accepts it", what, runtime);
        return 0;
    }
    guess = tx_suggest(runtime, runtimes);
    snprintf(hint, sizeof(hint), guess ? "did you mean '%s'?" : "%s",
             guess ? guess : "use one of Lambda's runtimes, e.g. nodejs20.x, python3.12, provided.al2023");
    if (b->has_plugins && !guess) {
        mfb_warn(b, at, "if a plugin builds it, fnctl cannot run it", "%s: unknown runtime '%s'",
                 what, runtime);
        return 0;
    }
    return mfb_fail(b, at, hint, "%s: unknown runtime '%s'", what, runtime);
}

/* --- finding the file --- */

static int find_manifest(const struct mf_opts *opts, char **path, struct fn_err *err)
{
    static const char *const names[] = { "serverless.yml", "serverless.yaml" };
    static const char *const other[] = { "serverless.js", "serverless.ts", "serverless.json",
                                         "serverless.cjs", "serverless.mjs" };
    const char *dir = opts->dir ? opts->dir : ".";
    struct buf p = BUF_INIT;

    if (opts->path) {
        if (!fs_exists(opts->path)) {
            fn_err_set(err, "manifest '%s' does not exist", opts->path);
            return fn_err_hint(err, "check the path given to -c");
        }
        *path = xstrdup(opts->path);
        return 0;
    }
    for (size_t i = 0; i < 2; i++) {
        fs_join(&p, opts->dir ? dir : "", names[i]);
        if (fs_is_file(buf_cstr(&p))) {
            *path = buf_detach(&p, NULL);
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        fs_join(&p, opts->dir ? dir : "", other[i]);
        if (fs_is_file(buf_cstr(&p))) {
            fn_err_set(err, "'%s' is not supported; fnctl reads serverless.yml", buf_cstr(&p));
            buf_release(&p);
            return fn_err_hint(err, "convert it to serverless.yml (the same keys, in YAML)");
        }
    }
    buf_release(&p);
    if (strcmp(dir, ".") == 0)
        fn_err_set(err, "no serverless.yml in the current directory");
    else
        fn_err_set(err, "no serverless.yml in '%s'", dir);
    return fn_err_hint(err, "run fnctl in a service directory, pass -c FILE, or create a service "
                            "with 'fnctl new'");
}

/* --- provider --- */

static int load_provider(struct mfb *b, struct yt_node *provider)
{
    struct manifest *m = b->m;
    const char *what = "provider";

    if (mfb_check_keys(b, provider, provider_keys, what) < 0)
        return -1;
    if (mfb_str(b, provider, "runtime", what, &m->runtime) < 0)
        return -1;
    if (mfb_long(b, provider, "memorySize", what, 128, 10240, &m->memory) < 0 ||
        mfb_long(b, provider, "timeout", what, 1, 900, &m->timeout) < 0)
        return -1;
    if (m->runtime && check_runtime(b, m->runtime, yt_get(provider, "runtime"), "provider") < 0)
        return -1;
    if (mfb_expect_map(b, yt_get(provider, "httpApi"), "provider.httpApi") < 0)
        return -1;
    const struct yt_node *cors = yt_get(yt_get(provider, "httpApi"), "cors");
    if (cors && mfb_cors(b, cors, true, NULL, &m->httpapi_cors) < 0)
        return -1;
    return mfb_authorizers(b, provider);
}

/* --- environment --- */

static bool valid_env_name(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

static int load_env(struct mfb *b, struct yt_node *env, const char *what, struct strvec *out)
{
    if (!env || yt_is_null(env))
        return 0;
    if (env->kind != YT_MAP)
        return mfb_fail(b, env, "write NAME: value pairs", "%s.environment must be a map, not %s",
                        what, yt_kind_name(env));
    for (size_t i = 0; i < env->n; i++) {
        struct yt_node *k = env->items[2 * i], *v = env->items[2 * i + 1];
        const char *name = yt_str(k);
        if (!name || !valid_env_name(name))
            return mfb_fail(b, k, "names are letters, digits and '_', not starting with a digit",
                            "%s.environment: invalid variable name '%s'", what, name ? name : "?");
        if (in_list(name, reserved_env))
            return mfb_fail(b, k, "Lambda sets this variable itself and refuses it in configuration; rename it",
                            "%s.environment: '%s' is a reserved Lambda variable", what, name);
        if (yt_is_null(v))
            continue; /* Serverless drops null values */
        if (cfn_resolve(&b->cfn, v, b->err) < 0)
            return -1;
        if (v->kind != YT_SCALAR)
            return mfb_fail(b, v, "environment values are strings; use JSON text for structured values",
                            "%s.environment.%s must be a string, not %s", what, name,
                            yt_kind_name(v));
        strvec_setenv(out, name, v->str);
    }
    return 0;
}

/* --- package --- */

static int load_package(struct mfb *b, struct yt_node *pkg, const char *what,
                        struct mf_package *out)
{
    bool individually;
    if (!pkg || yt_is_null(pkg))
        return 0;
    if (mfb_expect_map(b, pkg, what) < 0 || mfb_check_keys(b, pkg, package_keys, what) < 0)
        return -1;
    if (mfb_strlist(b, yt_get(pkg, "patterns"), "package.patterns", &out->patterns) < 0 ||
        mfb_strlist(b, yt_get(pkg, "include"), "package.include", &out->include) < 0 ||
        mfb_strlist(b, yt_get(pkg, "exclude"), "package.exclude", &out->exclude) < 0 ||
        mfb_str(b, pkg, "artifact", what, &out->artifact) < 0)
        return -1;
    if (yt_get(pkg, "individually") && !yt_is_null(yt_get(pkg, "individually"))) {
        if (mfb_bool(b, pkg, "individually", what, &individually) < 0)
            return -1;
        out->individually = individually;
    }
    return 0;
}

static void package_release(struct mf_package *p)
{
    strvec_clear(&p->patterns);
    strvec_clear(&p->include);
    strvec_clear(&p->exclude);
    free(p->artifact);
}

/* --- resources --- */

static bool valid_queue_name(const char *name, bool fifo)
{
    size_t len = strlen(name), base = fifo ? len - 5 : len;
    if (fifo && !tx_ends_with(name, ".fifo"))
        return false;
    if (base < 1 || base > 80)
        return false;
    for (size_t i = 0; i < base; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
            return false;
    return true;
}

bool mf_valid_bucket_name(const char *name)
{
    size_t len = strlen(name);
    int dots = 0, digits_only_labels = 0;
    if (len < 3 || len > 63)
        return false;
    if (!isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-' || c == '.'))
            return false;
        if (c == '.' && (name[i + 1] == '.' || name[i + 1] == '-' || (i && name[i - 1] == '-')))
            return false;
        dots += c == '.';
    }
    /* not an IP address */
    if (dots == 3) {
        digits_only_labels = 1;
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)name[i]) && name[i] != '.')
                digits_only_labels = 0;
    }
    return !digits_only_labels;
}

static char *local_queue_url(const struct manifest *m, const char *name)
{
    return xasprintf("%s/%s/%s", m->aws_endpoint, MF_ACCOUNT_ID, name);
}

static char *local_queue_arn(const struct manifest *m, const char *name)
{
    return xasprintf("arn:aws:sqs:%s:%s:%s", m->region, MF_ACCOUNT_ID, name);
}

static struct mf_queue *add_queue(struct manifest *m, const char *logical_id, const char *name)
{
    m->queues = xreallocarray(m->queues, m->n_queues + 1, sizeof(*m->queues));
    struct mf_queue *q = &m->queues[m->n_queues++];
    memset(q, 0, sizeof(*q));
    q->logical_id = logical_id ? xstrdup(logical_id) : NULL;
    q->name = xstrdup(name);
    q->arn = local_queue_arn(m, name);
    q->url = local_queue_url(m, name);
    q->fifo = tx_ends_with(name, ".fifo");
    q->visibility_timeout = 30;
    q->retention = 345600;
    q->max_message_size = 262144;
    return q;
}

struct mf_bucket *mf_add_bucket(struct manifest *m, const char *logical_id, const char *name,
                                const struct yt_node *at)
{
    for (size_t i = 0; i < m->n_buckets; i++)
        if (!strcmp(m->buckets[i].name, name))
            return &m->buckets[i];
    m->buckets = xreallocarray(m->buckets, m->n_buckets + 1, sizeof(*m->buckets));
    struct mf_bucket *bk = &m->buckets[m->n_buckets++];
    bk->logical_id = logical_id ? xstrdup(logical_id) : NULL;
    bk->name = xstrdup(name);
    bk->loc = mfb_loc(at);
    return bk;
}

void mf_add_event_queue(struct manifest *m, const char *name)
{
    if (!mf_queue_by_name(m, name))
        add_queue(m, NULL, name);
}

static int resolve_name(struct mfb *b, struct yt_node *props, const char *key, char **out)
{
    struct yt_node *v = yt_get(props, key);
    if (!v || yt_is_null(v))
        return 0;
    if (cfn_resolve(&b->cfn, v, b->err) < 0)
        return -1;
    return mfb_str(b, props, key, key, out);
}

static int load_queue(struct mfb *b, const char *logical_id, struct yt_node *res)
{
    struct manifest *m = b->m;
    struct yt_node *props = yt_get(res, "Properties");
    char *name = NULL;
    bool fifo = false, dedup = false;
    char what[300];
    int rc = -1;

    snprintf(what, sizeof(what), "resources.Resources.%s.Properties", logical_id);
    if (mfb_expect_map(b, props, what) < 0 || resolve_name(b, props, "QueueName", &name) < 0 ||
        mfb_bool(b, props, "FifoQueue", what, &fifo) < 0 ||
        mfb_bool(b, props, "ContentBasedDeduplication", what, &dedup) < 0)
        goto out;
    if (!name) {
        /* CloudFormation names it <stack>-<LogicalId>-<random>; locally the
         * random part is left out so that the name is stable. */
        name = xasprintf("%s-%s-%s%s", m->service, m->stage, logical_id, fifo ? ".fifo" : "");
    }
    if (!valid_queue_name(name, fifo)) {
        mfb_fail(b, yt_get(props, "QueueName") ? yt_get(props, "QueueName") : res,
                 fifo ? "a FIFO queue's name ends in '.fifo'; up to 80 letters, digits, '-' and '_' before it"
                      : "up to 80 letters, digits, '-' and '_'; only FIFO queues end in '.fifo' (set FifoQueue: true)",
                 "invalid queue name '%s'", name);
        goto out;
    }
    struct mf_queue *q = add_queue(m, logical_id, name);
    q->fifo = fifo;
    q->content_based_dedup = dedup;
    q->loc = mfb_loc(res);
    if (mfb_long(b, props, "VisibilityTimeout", what, 0, 43200, &q->visibility_timeout) < 0 ||
        mfb_long(b, props, "DelaySeconds", what, 0, 900, &q->delay) < 0 ||
        mfb_long(b, props, "MessageRetentionPeriod", what, 60, 1209600, &q->retention) < 0 ||
        mfb_long(b, props, "MaximumMessageSize", what, 1024, 1048576, &q->max_message_size) < 0 ||
        mfb_long(b, props, "ReceiveMessageWaitTimeSeconds", what, 0, 20, &q->receive_wait) < 0)
        goto out;
    rc = 0;
out:
    free(name);
    return rc;
}

/* RedrivePolicy after every queue is known: it points at another queue. */
static int load_redrive(struct mfb *b, struct mf_queue *q, struct yt_node *res)
{
    struct yt_node *props = yt_get(res, "Properties");
    struct yt_node *policy = yt_get(props, "RedrivePolicy");
    struct yt_node *parsed = NULL;
    char *target = NULL;
    int rc = -1;

    if (!policy || yt_is_null(policy))
        return 0;
    if (policy->kind == YT_SCALAR) {
        /* a JSON string, as the SQS API takes it */
        struct fn_err perr = FN_ERR_INIT;
        if (yt_load(policy->str, policy->len, policy->file, &parsed, &perr) < 0 ||
            parsed->kind != YT_MAP) {
            mfb_fail(b, policy, "write RedrivePolicy as a map with deadLetterTargetArn and maxReceiveCount",
                     "RedrivePolicy of '%s' is not a JSON object", q->logical_id);
            goto out;
        }
        policy = parsed;
    }
    if (policy->kind != YT_MAP) {
        mfb_fail(b, policy, NULL, "RedrivePolicy of '%s' must be a map, not %s", q->logical_id,
                 yt_kind_name(policy));
        goto out;
    }
    struct yt_node *arn = yt_get(policy, "deadLetterTargetArn");
    if (!arn || cfn_resolve(&b->cfn, arn, b->err) < 0 ||
        mfb_str(b, policy, "deadLetterTargetArn", "RedrivePolicy", &target) < 0 ||
        mfb_long(b, policy, "maxReceiveCount", "RedrivePolicy", 1, 1000, &q->max_receive_count) < 0) {
        if (!fn_err_is_set(b->err))
            mfb_fail(b, policy, "write deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn",
                     "RedrivePolicy of '%s' has no deadLetterTargetArn", q->logical_id);
        goto out;
    }
    if (!q->max_receive_count) {
        mfb_fail(b, policy, "add maxReceiveCount: 3 (or how many receives before a message moves)",
                 "RedrivePolicy of '%s' has no maxReceiveCount", q->logical_id);
        goto out;
    }
    const char *colon = strrchr(target, ':');
    const char *dlq = colon ? colon + 1 : target;
    if (!mf_queue_by_name(b->m, dlq)) {
        mfb_warn(b, arn, "declare the queue under resources.Resources so fnctl creates it",
                 "dead-letter queue '%s' of '%s' is not declared in this service; fnctl creates it locally",
                 dlq, q->logical_id);
        size_t index = (size_t)(q - b->m->queues);
        add_queue(b->m, NULL, dlq);
        q = &b->m->queues[index];
    }
    q->dlq = xstrdup(dlq);
    rc = 0;
out:
    free(target);
    yt_free(parsed);
    return rc;
}

static int load_resources(struct mfb *b, struct yt_node *resources)
{
    struct manifest *m = b->m;
    struct buf skipped = BUF_INIT;
    struct yt_node *merged = NULL;
    int rc = -1;

    if (!resources || yt_is_null(resources))
        return 0;
    /* resources may be a list of fragments (often ${file(...)}), merged */
    if (resources->kind == YT_SEQ) {
        merged = yt_new_map(resources->file, resources->line, resources->col);
        struct yt_node *all = yt_new_map(resources->file, resources->line, resources->col);
        yt_map_put(merged, yt_new_scalar("Resources", 9, false, NULL, 0, 0), all);
        for (size_t i = 0; i < resources->n; i++) {
            struct yt_node *part = yt_get(resources->items[i], "Resources");
            for (size_t j = 0; part && part->kind == YT_MAP && j < part->n; j++)
                yt_map_put(all, yt_clone(part->items[2 * j]), yt_clone(part->items[2 * j + 1]));
        }
        resources = merged;
    }
    if (mfb_expect_map(b, resources, "resources") < 0)
        goto out;
    struct yt_node *res = yt_get(resources, "Resources");
    if (mfb_expect_map(b, res, "resources.Resources") < 0)
        goto out;
    b->cfn.resources = res;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; res && i < res->n; i++) {
            const char *id = yt_str(res->items[2 * i]);
            struct yt_node *r = res->items[2 * i + 1];
            const char *type = yt_str(yt_get(r, "Type"));
            if (!id)
                continue;
            if (!type) {
                if (pass == 0 && r->kind == YT_MAP)
                    mfb_warn(b, r, "every resource needs a Type, e.g. AWS::SQS::Queue",
                             "resource '%s' has no Type", id);
                continue;
            }
            if (!strcmp(type, "AWS::SQS::Queue")) {
                if (pass == 0 && load_queue(b, id, r) < 0)
                    goto out;
                if (pass == 1) {
                    for (size_t q = 0; q < m->n_queues; q++)
                        if (m->queues[q].logical_id && !strcmp(m->queues[q].logical_id, id) &&
                            load_redrive(b, &m->queues[q], r) < 0)
                            goto out;
                }
            } else if (!strcmp(type, "AWS::S3::Bucket")) {
                if (pass == 0) {
                    struct yt_node *props = yt_get(r, "Properties");
                    char *name = NULL;
                    if (mfb_expect_map(b, props, "bucket Properties") < 0 ||
                        resolve_name(b, props, "BucketName", &name) < 0)
                        goto out;
                    if (!name) {
                        name = xasprintf("%s-%s-%s", m->service, m->stage, id);
                        for (char *p = name; *p; p++)
                            *p = (char)tolower((unsigned char)*p);
                    }
                    if (!mf_valid_bucket_name(name)) {
                        mfb_fail(b, yt_get(props, "BucketName") ? yt_get(props, "BucketName") : r,
                                 "3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                                 "invalid bucket name '%s'", name);
                        free(name);
                        goto out;
                    }
                    mf_add_bucket(m, id, name, r);
                    free(name);
                }
            } else if (pass == 0) {
                buf_addf(&skipped, "%s%s (%s)", skipped.len ? ", " : "", id, type);
            }
        }
    }
    if (skipped.len)
        mfb_warn(b, res, "fnctl emulates AWS::SQS::Queue and AWS::S3::Bucket; point the others at real or other local services",
                 "resources not emulated: %s", buf_cstr(&skipped));
    rc = 0;
out:
    /* cfn.resources pointed into `merged`: nothing later reads it */
    if (merged)
        b->cfn.resources = NULL;
    yt_free(merged);
    buf_release(&skipped);
    return rc;
}

/* --- functions --- */

static bool valid_function_key(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

static int check_handler(struct mfb *b, struct mf_function *fn, const struct yt_node *at)
{
    const char *h = fn->handler;
    const char *dot = strrchr(h, '.');
    bool node = fn->runtime && tx_starts_with(fn->runtime, "nodejs");
    bool python = fn->runtime && tx_starts_with(fn->runtime, "python");
    if (!node && !python)
        return 0;
    if (!dot || dot == h || !dot[1] || dot[-1] == '/') {
        char hint[FN_ERR_MSG_MAX];
        snprintf(hint, sizeof(hint), "write '<file>.<%s>', e.g. '%s'", node ? "export" : "function",
                 node ? "src/handler.main" : "app.lambda_handler");
        return mfb_fail(b, at, hint, "function '%s': handler '%s' is not <file>.<%s>", fn->key, h,
                        node ? "export" : "function");
    }
    return 0;
}

static int load_function(struct mfb *b, const char *key, struct yt_node *def,
                         struct yt_node *provider)
{
    struct manifest *m = b->m;
    struct mf_function *fn = &m->functions[m->n_functions];
    char what[300];

    memset(fn, 0, sizeof(*fn));
    m->n_functions++;
    fn->key = xstrdup(key);
    fn->loc = mfb_loc(def);
    fn->memory = m->memory;
    fn->timeout = m->timeout;
    fn->ephemeral_storage = 512;
    fn->reserved_concurrency = -1;
    fn->max_retry = 2;
    fn->max_event_age = 21600;
    fn->package.individually = -1;
    snprintf(what, sizeof(what), "function '%s'", key);

    if (!valid_function_key(key))
        return mfb_fail(b, yt_key_of(yt_get(b->root, "functions"), def),
                        "use letters, digits, '-' and '_'", "invalid function name '%s'", key);
    if (yt_is_null(def))
        return mfb_fail(b, yt_key_of(yt_get(b->root, "functions"), def),
                        "give it at least a handler: 'handler: handler.main'",
                        "function '%s' is empty", key);
    if (def->kind != YT_MAP)
        return mfb_fail(b, def, NULL, "%s must be a map, not %s", what, yt_kind_name(def));
    if (mfb_check_keys(b, def, function_keys, what) < 0)
        return -1;
    /* a description or name may be built with Fn::Sub / Fn::Join */
    if ((yt_get(def, "description") && cfn_resolve(&b->cfn, yt_get(def, "description"), b->err) < 0) ||
        (yt_get(def, "name") && cfn_resolve(&b->cfn, yt_get(def, "name"), b->err) < 0))
        return -1;
    if (mfb_str(b, def, "handler", what, &fn->handler) < 0 ||
        mfb_str(b, def, "runtime", what, &fn->runtime) < 0 ||
        mfb_str(b, def, "name", what, &fn->name) < 0 ||
        mfb_str(b, def, "description", what, &fn->description) < 0 ||
        mfb_str(b, def, "architecture", what, &fn->architecture) < 0 ||
        mfb_str(b, def, "onError", what, &fn->on_error) < 0)
        return -1;
    if (yt_get(def, "image") && !yt_is_null(yt_get(def, "image"))) {
        const struct yt_node *img = yt_get(def, "image");
        fn->image = xstrdup(img->kind == YT_SCALAR ? img->str
                            : mfb_text(yt_get(img, "uri"))  ? mfb_text(yt_get(img, "uri"))
                            : mfb_text(yt_get(img, "name")) ? mfb_text(yt_get(img, "name"))
                                                            : "image");
    }
    if (!fn->handler && !fn->image)
        return mfb_fail(b, yt_key_of(yt_get(b->root, "functions"), def),
                        "add 'handler: <file>.<export>' (or 'image:' for a container image)",
                        "function '%s' has no handler", key);
    if (fn->handler && fn->image)
        return mfb_fail(b, yt_get(def, "image"), "keep either 'handler' or 'image'",
                        "function '%s' sets both handler and image", key);
    if (fn->image)
        mfb_warn(b, yt_get(def, "image"), "container image functions need Docker; fnctl runs zip functions",
                 "function '%s' is a container image function; it cannot run locally", key);
    if (!fn->architecture)
        fn->architecture = xstrdup(mfb_text(yt_get(provider, "architecture"))
                                       ? mfb_text(yt_get(provider, "architecture"))
                                       : "x86_64");
    if (strcmp(fn->architecture, "x86_64") && strcmp(fn->architecture, "arm64"))
        return mfb_fail(b, yt_get(def, "architecture") ? yt_get(def, "architecture")
                                                       : yt_get(provider, "architecture"),
                        "use x86_64 or arm64", "unknown architecture '%s'", fn->architecture);
    if (!fn->runtime && m->runtime)
        fn->runtime = xstrdup(m->runtime);
    if (yt_get(def, "runtime") && check_runtime(b, fn->runtime, yt_get(def, "runtime"), what) < 0)
        return -1;
    if (!fn->name)
        fn->name = xasprintf("%s-%s-%s", m->service, m->stage, key);
    if (strlen(fn->name) > 64)
        return mfb_fail(b, yt_get(def, "name") ? yt_get(def, "name") : def,
                        "Lambda function names are at most 64 characters; set a shorter 'name:'",
                        "function name '%s' is too long", fn->name);
    if (fn->handler && check_handler(b, fn, yt_get(def, "handler")) < 0)
        return -1;
    if (mfb_long(b, def, "memorySize", what, 128, 10240, &fn->memory) < 0 ||
        mfb_long(b, def, "timeout", what, 1, 900, &fn->timeout) < 0 ||
        mfb_long(b, def, "ephemeralStorageSize", what, 512, 10240, &fn->ephemeral_storage) < 0 ||
        mfb_long(b, def, "maximumRetryAttempts", what, 0, 2, &fn->max_retry) < 0 ||
        mfb_long(b, def, "maximumEventAge", what, 60, 21600, &fn->max_event_age) < 0)
        return -1;
    /* CloudFormation values (Fn::If ...) for concurrency are not local */
    struct yt_node *rc_node = yt_get(def, "reservedConcurrency");
    struct yt_node *pc_node = yt_get(def, "provisionedConcurrency");
    if (rc_node && !cfn_is_intrinsic(rc_node) &&
        mfb_long(b, def, "reservedConcurrency", what, 0, 1000, &fn->reserved_concurrency) < 0)
        return -1;
    if (pc_node && !cfn_is_intrinsic(pc_node) &&
        mfb_long(b, def, "provisionedConcurrency", what, 0, 1000, &fn->provisioned_concurrency) < 0)
        return -1;
    if (fn->reserved_concurrency >= 0 && fn->provisioned_concurrency > fn->reserved_concurrency)
        return mfb_fail(b, pc_node, "provisioned concurrency must fit within reserved concurrency",
                        "%s: provisionedConcurrency %ld exceeds reservedConcurrency %ld", what,
                        fn->provisioned_concurrency, fn->reserved_concurrency);

    struct yt_node *dest = yt_get(def, "destinations");
    if (dest && !yt_is_null(dest)) {
        if (mfb_expect_map(b, dest, "destinations") < 0)
            return -1;
        for (int i = 0; i < 2; i++) {
            const char *k = i ? "onSuccess" : "onFailure";
            struct yt_node *d = yt_get(dest, k);
            char **slot = i ? &fn->on_success : &fn->on_failure;
            if (d && d->kind == YT_MAP)
                d = yt_get(d, "arn");
            if (d && cfn_resolve(&b->cfn, d, b->err) < 0)
                return -1;
            if (d && mfb_text(d))
                *slot = xstrdup(d->str);
        }
    }

    /* environment: provider's, then the function's over it */
    if (load_env(b, yt_get(provider, "environment"), "provider", &fn->env) < 0 ||
        load_env(b, yt_get(def, "environment"), what, &fn->env) < 0)
        return -1;
    if (load_package(b, yt_get(def, "package"), "package", &fn->package) < 0)
        return -1;

    if (fn->runtime && !mf_runtime_runs_locally(fn->runtime))
        mfb_warn(b, yt_get(def, "runtime") ? yt_get(def, "runtime") : yt_get(provider, "runtime"),
                 "fnctl runs nodejs*, python* and provided* (custom runtime) functions",
                 "function '%s': runtime '%s' cannot run locally", key, fn->runtime);

    return mfb_events(b, fn, def);
}

bool mf_runtime_runs_locally(const char *runtime)
{
    return tx_starts_with(runtime, "nodejs") || tx_starts_with(runtime, "python") ||
           tx_starts_with(runtime, "provided");
}

static int load_functions(struct mfb *b, struct yt_node *functions, struct yt_node *provider)
{
    struct manifest *m = b->m;
    if (!functions || yt_is_null(functions))
        return 0;
    if (functions->kind == YT_SEQ) {
        /* the old list-of-maps form: [{a: {...}}, {b: {...}}] */
        return mfb_fail(b, functions, "write functions as a map: 'functions:' then 'hello: {handler: ...}'",
                        "functions must be a map, not a list");
    }
    if (mfb_expect_map(b, functions, "functions") < 0)
        return -1;
    m->functions = xcalloc(functions->n ? functions->n : 1, sizeof(*m->functions));
    for (size_t i = 0; i < functions->n; i++) {
        const char *key = yt_str(functions->items[2 * i]);
        if (!key)
            return mfb_fail(b, functions->items[2 * i], NULL, "function names must be strings");
        if (load_function(b, key, functions->items[2 * i + 1], provider) < 0)
            return -1;
    }
    return 0;
}

/* Lambda authorizers must name functions of this service. */
static int check_one_authorizer(struct mfb *b, const char *function, struct mf_loc loc)
{
    struct yt_node at = { .file = loc.file, .line = loc.line, .col = loc.col };
    if (!function || mf_function(b->m, function))
        return 0;
    const char **keys = xcalloc(b->m->n_functions + 1, sizeof(*keys));
    for (size_t i = 0; i < b->m->n_functions; i++)
        keys[i] = b->m->functions[i].key;
    const char *guess = tx_suggest(function, keys);
    char hint[FN_ERR_MSG_MAX];
    snprintf(hint, sizeof(hint), guess ? "did you mean '%s'?" : "%s",
             guess ? guess : "name a function defined under functions:");
    free(keys);
    return mfb_fail(b, &at, hint, "authorizer function '%s' is not a function of this service",
                    function);
}

static int check_authorizer_functions(struct mfb *b)
{
    const struct manifest *m = b->m;
    for (size_t i = 0; i < m->n_authorizers; i++)
        if (check_one_authorizer(b, m->authorizers[i].function, m->authorizers[i].loc) < 0)
            return -1;
    for (size_t f = 0; f < m->n_functions; f++) {
        for (size_t e = 0; e < m->functions[f].n_events; e++) {
            const struct mf_event *ev = &m->functions[f].events[e];
            if (ev->kind == MF_EV_HTTP && ev->u.http.authorizer &&
                check_one_authorizer(b, ev->u.http.authorizer->function, ev->loc) < 0)
                return -1;
        }
    }
    return 0;
}

/* --- the whole file --- */

static int load_service(struct mfb *b)
{
    struct manifest *m = b->m;
    struct yt_node *root = b->root;
    struct yt_node *service = yt_get(root, "service");

    if (!service || yt_is_null(service))
        return mfb_fail(b, NULL, "add 'service: my-service' at the top of the file",
                        "missing 'service'");
    if (service->kind == YT_MAP && mfb_text(yt_get(service, "name"))) {
        mfb_warn(b, service, "write 'service: name' (Serverless v3 refuses the object form)",
                 "'service' as an object is the Serverless v1 form");
        m->service = xstrdup(yt_get(service, "name")->str);
    } else if (service->kind != YT_SCALAR) {
        return mfb_fail(b, service, NULL, "'service' must be a string, not %s",
                        yt_kind_name(service));
    } else {
        m->service = xstrdup(service->str);
    }
    const char *s = m->service;
    bool ok = strlen(s) >= 2 && isalpha((unsigned char)s[0]);
    for (const char *p = s; *p && ok; p++)
        ok = isalnum((unsigned char)*p) || *p == '-';
    if (!ok)
        return mfb_fail(b, service, "start with a letter; then letters, digits and '-'",
                        "invalid service name '%s'", s);
    return 0;
}

static int check_stage(struct mfb *b)
{
    for (const char *p = b->m->stage; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return mfb_fail(b, yt_get(yt_get(b->root, "provider"), "stage"),
                            "stages are letters, digits and '-'", "invalid stage '%s'",
                            b->m->stage);
    return 0;
}

static int check_provider_name(struct mfb *b, struct yt_node *provider)
{
    struct yt_node *name;
    if (!provider || yt_is_null(provider))
        return mfb_fail(b, NULL, "add 'provider:' with 'name: aws' and a runtime",
                        "missing 'provider'");
    if (provider->kind != YT_MAP)
        return mfb_fail(b, provider, "write 'provider:' then 'name: aws'",
                        "'provider' must be a map, not %s", yt_kind_name(provider));
    name = yt_get(provider, "name");
    if (!name || !mfb_text(name))
        return mfb_fail(b, provider, "add 'name: aws' under provider", "provider has no name");
    /* A provider written as a variable is checked after resolution. */
    if (strstr(name->str, "${"))
        return 0;
    if (strcmp(name->str, "aws") != 0)
        return mfb_fail(b, name, "fnctl emulates AWS Lambda; other providers are not supported",
                        "provider '%s' is not supported", name->str);
    return 0;
}

static void plugins_warning(struct mfb *b)
{
    struct yt_node *plugins = yt_get(b->root, "plugins");
    struct buf list = BUF_INIT;
    if (plugins && plugins->kind == YT_MAP)
        plugins = yt_get(plugins, "modules");
    if (!plugins || yt_is_null(plugins))
        return;
    if (mfb_strlist(b, plugins, "plugins", &b->m->plugins) < 0) {
        fn_err_clear(b->err); /* a malformed list is Serverless's to refuse */
        return;
    }
    for (size_t i = 0; i < b->m->plugins.n; i++)
        buf_addf(&list, "%s'%s'", i ? ", " : "", b->m->plugins.v[i]);
    b->has_plugins = b->m->plugins.n > 0;
    if (b->has_plugins)
        mfb_warn(b, plugins, "fnctl runs the service itself; what a plugin adds is not emulated",
                 "plugins are not run by fnctl: %s", buf_cstr(&list));
    buf_release(&list);
}

/* Builds the model from the parsed tree; m->path and m->dir are set. */
static int load_tree(struct mfb *b, const struct mf_opts *opts)
{
    struct manifest *m = b->m;

    if (b->root->kind != YT_MAP)
        return mfb_fail(b, b->root, "a serverless.yml is a map with service, provider and functions",
                        "the manifest must be a map, not %s", yt_kind_name(b->root));
    const char *mode = mfb_text(yt_get(b->root, "configValidationMode"));
    b->strict = mode && !strcmp(mode, "error");
    plugins_warning(b);
    if (check_provider_name(b, yt_get(b->root, "provider")) < 0)
        return -1;

    struct mv_opts vopts = {
        .service_dir = m->dir,
        .stage = opts->stage,
        .region = opts->region,
        .options = opts->options,
        .warn = mfb_collect,
        .warn_arg = m,
        .file_names = &m->file_names,
    };
    if (mv_resolve(b->root, &vopts, &m->stage, &m->region, b->err) < 0)
        return -1;
    struct yt_node *provider = yt_get(b->root, "provider");
    if (check_provider_name(b, provider) < 0)
        return -1;
    m->provider_name = xstrdup("aws");
    if (mfb_check_keys(b, b->root, top_keys, "serverless.yml") < 0 || load_service(b) < 0 ||
        check_stage(b) < 0 || load_provider(b, provider) < 0)
        return -1;
    if (!m->runtime && yt_get(b->root, "functions"))
        mfb_warn(b, provider, "set provider.runtime, e.g. 'runtime: nodejs20.x'",
                 "no runtime set: Serverless v3 would deploy nodejs16.x, which Lambda no longer accepts for new functions");
    if (load_package(b, yt_get(b->root, "package"), "package", &m->package) < 0 ||
        load_resources(b, yt_get(b->root, "resources")) < 0 ||
        load_functions(b, yt_get(b->root, "functions"), provider) < 0 ||
        check_authorizer_functions(b) < 0)
        return -1;
    return 0;
}

static struct manifest *manifest_new(const struct mf_opts *opts)
{
    struct manifest *m = xcalloc(1, sizeof(*m));
    m->memory = MF_DEFAULT_MEMORY;
    m->timeout = MF_DEFAULT_TIMEOUT;
    m->package.individually = -1;
    m->aws_endpoint = xstrdup(opts->aws_endpoint ? opts->aws_endpoint : MF_DEFAULT_AWS_ENDPOINT);
    return m;
}

static int load_text(struct manifest *m, const char *text, size_t len,
                     const struct mf_opts *opts, struct fn_err *err)
{
    struct mfb b = { .m = m, .err = err };
    int rc = -1;

    b.cfn.m = m;
    b.cfn.warn = mfb_collect;
    b.cfn.warn_arg = m;
    if (yt_load(text, len, m->path, &b.root, err) == 0)
        rc = load_tree(&b, opts);
    yt_free(b.root);
    return rc;
}

int mf_load_text(const char *text, size_t len, const char *name, const struct mf_opts *opts,
                 struct manifest **out, struct fn_err *err)
{
    struct manifest *m = manifest_new(opts);

    *out = NULL;
    fn_err_clear(err);
    m->path = xstrdup(name);
    m->dir = xstrdup(opts->dir ? opts->dir : ".");
    if (load_text(m, text, len, opts, err) < 0) {
        mf_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

int mf_load(const struct mf_opts *opts, struct manifest **out, struct fn_err *err)
{
    struct manifest *m = manifest_new(opts);
    struct buf text = BUF_INIT, dir = BUF_INIT;
    int rc = -1;

    *out = NULL;
    fn_err_clear(err);
    if (find_manifest(opts, &m->path, err) < 0)
        goto out;
    fs_dirname(&dir, m->path);
    m->dir = buf_detach(&dir, NULL);
    if (fs_read_file(m->path, &text, 16u << 20, err) < 0)
        goto out;
    rc = load_text(m, buf_cstr(&text), text.len, opts, err);
out:
    buf_release(&text);
    if (rc == 0)
        *out = m;
    else
        mf_free(m);
    return rc;
}

static void authref_free(struct mf_authref *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->type);
    free(a->function);
    free(a->identity_source);
    strvec_clear(&a->scopes);
    free(a);
}

void mfb_cors_release(struct mf_cors *c)
{
    strvec_clear(&c->origins);
    strvec_clear(&c->headers);
    strvec_clear(&c->methods);
    strvec_clear(&c->expose_headers);
    free(c->cache_control);
}

void mfb_event_release(struct mf_event *ev)
{
    switch (ev->kind) {
    case MF_EV_HTTPAPI:
        free(ev->u.httpapi.method);
        free(ev->u.httpapi.path);
        authref_free(ev->u.httpapi.authorizer);
        break;
    case MF_EV_HTTP:
        free(ev->u.http.method);
        free(ev->u.http.path);
        mfb_cors_release(&ev->u.http.cors);
        authref_free(ev->u.http.authorizer);
        break;
    case MF_EV_S3:
        free(ev->u.s3.bucket);
        strvec_clear(&ev->u.s3.events);
        free(ev->u.s3.prefix);
        free(ev->u.s3.suffix);
        break;
    case MF_EV_SQS:
        free(ev->u.sqs.arn);
        free(ev->u.sqs.queue);
        break;
    case MF_EV_SCHEDULE:
        strvec_clear(&ev->u.schedule.rates);
        json_decref(ev->u.schedule.input);
        free(ev->u.schedule.input_path);
        free(ev->u.schedule.name);
        free(ev->u.schedule.description);
        break;
    }
}

void mf_free(struct manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_functions; i++) {
        struct mf_function *fn = &m->functions[i];
        free(fn->key);
        free(fn->name);
        free(fn->handler);
        free(fn->image);
        free(fn->runtime);
        free(fn->architecture);
        free(fn->description);
        free(fn->on_error);
        free(fn->on_failure);
        free(fn->on_success);
        strvec_clear(&fn->env);
        package_release(&fn->package);
        for (size_t e = 0; e < fn->n_events; e++)
            mfb_event_release(&fn->events[e]);
        free(fn->events);
    }
    free(m->functions);
    for (size_t i = 0; i < m->n_queues; i++) {
        free(m->queues[i].logical_id);
        free(m->queues[i].name);
        free(m->queues[i].arn);
        free(m->queues[i].url);
        free(m->queues[i].dlq);
    }
    free(m->queues);
    for (size_t i = 0; i < m->n_buckets; i++) {
        free(m->buckets[i].logical_id);
        free(m->buckets[i].name);
    }
    free(m->buckets);
    for (size_t i = 0; i < m->n_authorizers; i++) {
        struct mf_authorizer *a = &m->authorizers[i];
        free(a->name);
        free(a->type);
        free(a->identity_source);
        free(a->issuer);
        strvec_clear(&a->audience);
        free(a->function);
        free(a->payload_version);
    }
    free(m->authorizers);
    mfb_cors_release(&m->httpapi_cors);
    package_release(&m->package);
    strvec_clear(&m->plugins);
    free(m->warnings);
    strvec_clear(&m->file_names);
    free(m->path);
    free(m->dir);
    free(m->service);
    free(m->provider_name);
    free(m->stage);
    free(m->region);
    free(m->runtime);
    free(m->aws_endpoint);
    free(m);
}

const struct mf_function *mf_function(const struct manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n_functions; i++)
        if (!strcmp(m->functions[i].key, key))
            return &m->functions[i];
    return NULL;
}

const struct mf_queue *mf_queue_by_name(const struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n_queues; i++)
        if (!strcmp(m->queues[i].name, name))
            return &m->queues[i];
    return NULL;
}

const char *mf_event_kind_name(enum mf_event_kind kind)
{
    static const char *const names[] = {
        [MF_EV_HTTPAPI] = "httpApi", [MF_EV_HTTP] = "http", [MF_EV_S3] = "s3",
        [MF_EV_SQS] = "sqs",         [MF_EV_SCHEDULE] = "schedule",
    };
    return names[kind];
}
