/* fnctl: the command table and dispatch. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "term.h"
#include "text.h"
#include "banned.h"

const struct fn_cmd *const fn_commands[] = {
    &fn_cmd_new,
    &fn_cmd_start,
    &fn_cmd_invoke,
    &fn_cmd_package,
    &fn_cmd_validate,
    &fn_cmd_events,
    &fn_cmd_completion,
    &fn_cmd_help,
    &fn_cmd_complete,
    NULL,
};

const struct fn_opt fn_common_opts[] = {
    { "help", 'h', FN_OPT_FLAG, NULL, "show help for this command", FN_COMPLETE_NONE },
    { "quiet", 'q', FN_OPT_FLAG, NULL, "print errors only", FN_COMPLETE_NONE },
    { "verbose", 'v', FN_OPT_FLAG, NULL, "print more detail", FN_COMPLETE_NONE },
    FN_OPT_END,
};

const struct fn_opt fn_manifest_opts[] = {
    { "config", 'c', FN_OPT_STRING, "FILE", "the manifest (default: serverless.yml or .yaml)",
      FN_COMPLETE_FILE },
    { "stage", 0, FN_OPT_STRING, "S", "the stage (${opt:stage}; default: provider.stage or 'dev')",
      FN_COMPLETE_NONE },
    { "region", 0, FN_OPT_STRING, "R", "the region (${opt:region}; default: provider.region or 'us-east-1')",
      FN_COMPLETE_NONE },
    FN_OPT_END,
};

const char *fn_opt_value(const struct fn_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->n_opts; i++)
        if (!strcmp(ctx->opts[i]->name, name))
            return ctx->values[i];
    return NULL;
}

bool fn_opt_flag(const struct fn_ctx *ctx, const char *name)
{
    return fn_opt_value(ctx, name) != NULL;
}

int fn_opt_log_format(const struct fn_ctx *ctx, bool *json)
{
    const char *format = fn_opt_value(ctx, "log-format");
    struct fn_err err = FN_ERR_INIT;
    *json = format && !strcmp(format, "json");
    if (!format || *json || !strcmp(format, "text"))
        return 0;
    fn_err_set(&err, "unknown log format '%s'", format);
    fn_err_hint(&err, "use --log-format text or --log-format json");
    fn_cli_error(ctx, &err);
    return -1;
}

void fn_cli_error(const struct fn_ctx *ctx, const struct fn_err *err)
{
    fn_err_print(err, stderr, ctx->log.color);
    if (ctx->cmd && fn_opt_flag(ctx, "json")) {
        /* --json promises data on stdout: the error is data too */
        json_t *doc = json_pack("{s:b, s:o}", "ok", 0, "error", fj_err_object(err));
        fj_print(stdout, doc, true);
        json_decref(doc);
    }
}

static int usage_error(const struct fn_ctx *ctx, const struct fn_err *err)
{
    fn_cli_error(ctx, err);
    return FN_EXIT_USAGE;
}

static void add_opts(struct fn_ctx *ctx, const struct fn_opt *opts)
{
    for (size_t i = 0; opts && opts[i].name; i++)
        if (ctx->n_opts < FN_MAX_OPTS)
            ctx->opts[ctx->n_opts++] = &opts[i];
}

static int find_opt(const struct fn_ctx *ctx, const char *name, size_t len, char short_name)
{
    for (size_t i = 0; i < ctx->n_opts; i++) {
        const struct fn_opt *o = ctx->opts[i];
        if (short_name ? o->short_name == short_name
                       : strlen(o->name) == len && !strncmp(o->name, name, len))
            return (int)i;
    }
    return -1;
}

static int unknown_option(const struct fn_ctx *ctx, const char *arg)
{
    struct fn_err err = FN_ERR_INIT;
    const char *names[FN_MAX_OPTS + 1] = { NULL };
    const char *word = arg + (arg[1] == '-' ? 2 : 1);
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
    for (size_t i = 0; i < ctx->n_opts; i++)
        names[i] = ctx->opts[i]->name;
    fn_err_set(&err, "unknown option '%s' for '%s'", arg, ctx->cmd->name);
    const char *guess = tx_suggest(name, names);
    if (guess)
        fn_err_hint(&err, "did you mean '--%s'?", guess);
    else
        fn_err_hint(&err, "see 'fnctl %s --help'", ctx->cmd->name);
    return usage_error(ctx, &err);
}

/* Parses argv (after the command name) into ctx. Options and positionals
 * may mix; "--" ends options. */
static int parse_args(struct fn_ctx *ctx, int argc, char **argv)
{
    struct fn_err err = FN_ERR_INIT;
    bool options_done = false;

    ctx->args = calloc((size_t)argc + 1, sizeof(*ctx->args));
    if (!ctx->args)
        abort();
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        int idx;
        const char *value = NULL;

        if (options_done || a[0] != '-' || !a[1]) {
            ctx->args[ctx->n_args++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            options_done = true;
            continue;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            idx = find_opt(ctx, a + 2, len, 0);
            if (idx < 0)
                return unknown_option(ctx, a);
            if (eq)
                value = eq + 1;
        } else {
            if (a[2]) {
                /* -cFILE, or a bundle of flags such as -qv */
                idx = find_opt(ctx, NULL, 0, a[1]);
                if (idx >= 0 && ctx->opts[idx]->type == FN_OPT_STRING) {
                    value = a + 2;
                } else {
                    for (const char *p = a + 1; *p; p++) {
                        int f = find_opt(ctx, NULL, 0, *p);
                        if (f < 0 || ctx->opts[f]->type != FN_OPT_FLAG) {
                            char one[3] = { '-', *p, 0 };
                            return unknown_option(ctx, one);
                        }
                        ctx->values[f] = "1";
                    }
                    continue;
                }
            } else {
                idx = find_opt(ctx, NULL, 0, a[1]);
            }
            if (idx < 0)
                return unknown_option(ctx, a);
        }
        const struct fn_opt *o = ctx->opts[idx];
        if (o->type == FN_OPT_FLAG) {
            if (value) {
                fn_err_set(&err, "option '--%s' takes no value", o->name);
                return usage_error(ctx, &err);
            }
            ctx->values[idx] = "1";
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                fn_err_set(&err, "option '--%s' needs a value", o->name);
                fn_err_hint(&err, "write '--%s %s'", o->name, o->metavar ? o->metavar : "VALUE");
                return usage_error(ctx, &err);
            }
            value = argv[++i];
        }
        ctx->values[idx] = value;
    }
    return 0;
}

static int unknown_command(const struct fn_ctx *ctx, const char *name)
{
    struct fn_err err = FN_ERR_INIT;
    const char *names[32] = { NULL };
    size_t n = 0;
    for (size_t i = 0; fn_commands[i] && n < 31; i++)
        if (!(fn_commands[i]->flags & FN_CMD_HIDDEN))
            names[n++] = fn_commands[i]->name;
    fn_err_set(&err, "unknown command '%s'", name);
    const char *guess = tx_suggest(name, names);
    if (guess)
        fn_err_hint(&err, "did you mean 'fnctl %s'?", guess);
    else
        fn_err_hint(&err, "see 'fnctl help' for the commands");
    return usage_error(ctx, &err);
}

static int load_manifest(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {
        .path = fn_opt_value(ctx, "config"),
        .stage = fn_opt_value(ctx, "stage"),
        .region = fn_opt_value(ctx, "region"),
    };
    if (mf_load(&opts, &ctx->manifest, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct fn_ctx ctx = { 0 };
    const struct fn_cmd *cmd;
    struct fn_err err = FN_ERR_INIT;
    int rc;

    fn_log_init(&ctx.log, stderr, FN_LOG_INFO);
    ctx.color_out = term_use_color(STDOUT_FILENO);
    if (argc < 2) {
        fn_help_overview(stderr);
        return FN_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("fnctl %s\n", FNCTL_VERSION);
        return FN_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fn_help_overview(stdout);
        return FN_EXIT_OK;
    }
    if (argv[1][0] == '-') {
        fn_err_set(&err, "unknown option '%s'", argv[1]);
        fn_err_hint(&err, "options follow the command: 'fnctl COMMAND [OPTIONS]'; see 'fnctl help'");
        return usage_error(&ctx, &err);
    }
    cmd = fn_find_command(argv[1]);
    if (!cmd)
        return unknown_command(&ctx, argv[1]);

    ctx.cmd = cmd;
    add_opts(&ctx, cmd->options);
    if (cmd->flags & FN_CMD_NEEDS_MANIFEST)
        add_opts(&ctx, fn_manifest_opts);
    add_opts(&ctx, fn_common_opts);
    rc = parse_args(&ctx, argc - 2, argv + 2);
    if (rc)
        goto out;
    if (fn_opt_flag(&ctx, "help")) {
        fn_help_command(stdout, cmd);
        goto out;
    }
    if (fn_opt_flag(&ctx, "quiet"))
        ctx.log.level = FN_LOG_QUIET;
    if (fn_opt_flag(&ctx, "verbose"))
        ctx.log.level = FN_LOG_DEBUG;
    if (ctx.n_args < cmd->min_args || (cmd->max_args >= 0 && ctx.n_args > cmd->max_args)) {
        if (ctx.n_args < cmd->min_args)
            fn_err_set(&err, "'%s' needs %s", cmd->name, cmd->usage);
        else
            fn_err_set(&err, "too many arguments for '%s': '%s'", cmd->name,
                       ctx.args[cmd->max_args]);
        fn_err_hint(&err, "usage: fnctl %s %s", cmd->name, cmd->usage ? cmd->usage : "");
        rc = usage_error(&ctx, &err);
        goto out;
    }
    if ((cmd->flags & FN_CMD_NEEDS_MANIFEST) && (rc = load_manifest(&ctx)) != 0)
        goto out;
    rc = cmd->run(&ctx);
out:
    mf_free(ctx.manifest);
    free(ctx.args);
    return rc;
}
