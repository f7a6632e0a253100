/* mffunc: functions: settings, runtime, environment, package, events. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mfint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

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
int mfb_check_runtime(struct mfb *b, const char *runtime, const struct yt_node *at,
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

int mfb_package(struct mfb *b, struct yt_node *pkg, const char *what,
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

void mfb_package_release(struct mf_package *p)
{
    strvec_clear(&p->patterns);
    strvec_clear(&p->include);
    strvec_clear(&p->exclude);
    free(p->artifact);
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
    if (fn->runtime && yt_get(def, "runtime") && mfb_check_runtime(b, fn->runtime, yt_get(def, "runtime"), what) < 0)
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
    if (mfb_package(b, yt_get(def, "package"), "package", &fn->package) < 0)
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

int mfb_functions(struct mfb *b, struct yt_node *functions, struct yt_node *provider)
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

int mfb_check_authorizers(struct mfb *b)
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
