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
    if (m->runtime && mfb_check_runtime(b, m->runtime, yt_get(provider, "runtime"), "provider") < 0)
        return -1;
    if (mfb_expect_map(b, yt_get(provider, "httpApi"), "provider.httpApi") < 0 ||
        mfb_expect_map(b, yt_get(provider, "apiGateway"), "provider.apiGateway") < 0 ||
        mfb_strlist(b, yt_get(yt_get(provider, "apiGateway"), "binaryMediaTypes"),
                    "provider.apiGateway.binaryMediaTypes", &m->binary_media_types) < 0)
        return -1;
    const struct yt_node *cors = yt_get(yt_get(provider, "httpApi"), "cors");
    if (cors && mfb_cors(b, cors, true, NULL, &m->httpapi_cors) < 0)
        return -1;
    return mfb_authorizers(b, provider);
}

/* --- the whole file --- */

static int load_service(struct mfb *b)
{
    struct manifest *m = b->m;
    struct yt_node *root = b->root;
    struct yt_node *service = yt_get(root, "service");

    if (!service || yt_is_null(service))
        return mfb_fail(b, b->root, "add 'service: my-service' at the top of the file",
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
        return mfb_fail(b, b->root, "add 'provider:' with 'name: aws' and a runtime",
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
    b->validation_off = mode && !strcmp(mode, "off");
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
    if (mfb_package(b, yt_get(b->root, "package"), "package", &m->package) < 0 ||
        mfb_resources(b, yt_get(b->root, "resources")) < 0 ||
        mfb_functions(b, yt_get(b->root, "functions"), provider) < 0 ||
        mfb_check_authorizers(b) < 0)
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
        mfb_package_release(&fn->package);
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
    mfb_package_release(&m->package);
    strvec_clear(&m->plugins);
    strvec_clear(&m->binary_media_types);
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
