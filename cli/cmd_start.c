/* fnctl start: the emulator in the foreground. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emu.h"
#include "gateway.h"
#include "router.h"
#include "watch.h"
#include "term.h"
#include "text.h"
#include "banned.h"

static const struct fn_opt start_opts[] = {
    { "port", 'p', FN_OPT_STRING, "N", "the API Gateway port (default 3000)", FN_COMPLETE_NONE },
    { "no-watch", 0, FN_OPT_FLAG, NULL, "no hot reload (no inotify on the service directory)",
      FN_COMPLETE_NONE },
    { "no-stage-prefix", 0, FN_OPT_FLAG, NULL,
      "serve REST (http event) routes without the /<stage> prefix", FN_COMPLETE_NONE },
    { "aws-port", 0, FN_OPT_STRING, "N", "the aws endpoint's port (default 4566)",
      FN_COMPLETE_NONE },
    { "host", 0, FN_OPT_STRING, "ADDR", "the address to listen on (default 127.0.0.1)",
      FN_COMPLETE_NONE },
    { "log-format", 0, FN_OPT_STRING, "FORMAT", "the functions' log: text or json",
      FN_COMPLETE_NONE },
    FN_OPT_END,
};

static int parse_port(struct fn_ctx *ctx, const char *name, long dflt, long *out)
{
    const char *v = fn_opt_value(ctx, name);
    struct fn_err err = FN_ERR_INIT;
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!tx_parse_long(v, 0, 65535, out)) {
        fn_err_set(&err, "--%s '%s' is not a port number", name, v);
        fn_err_hint(&err, "use 0 to 65535 (0: any free port)");
        fn_cli_error(ctx, &err);
        return -1;
    }
    return 0;
}

static void print_routes(const struct emu *e, bool color)
{
    const char *b = term_sgr(color, TERM_BOLD), *r = term_sgr(color, TERM_RESET);
    const char *c = term_sgr(color, TERM_CYAN);
    const struct router *rt = gw_router(e->gateway);
    bool jwt = false;
    for (size_t i = 0; i < router_count(rt); i++) {
        const struct route *x = router_at(rt, i);
        bool rest = x->api == ROUTE_REST;
        fprintf(stderr, "  %-7s %shttp://%s:%d%s%s%s  -> %s%s%s\n", x->path ? x->method : "ANY", c,
                e->opts.host, gw_port(e->gateway), rest ? router_stage_prefix(rt) : "",
                x->path ? x->path : "/{proxy+} ($default)", r, b, x->fn->key, r);
        jwt |= !rest && x->ev->u.httpapi.authorizer && x->ev->u.httpapi.authorizer->type &&
               !strcmp(x->ev->u.httpapi.authorizer->type, "jwt");
    }
    if (jwt)
        fprintf(stderr, "  note: JWT authorizers check issuer, audience, expiry and scopes; "
                        "signatures are NOT verified locally\n");
}

static void banner(const struct emu *e, bool color, bool watching)
{
    const char *b = term_sgr(color, TERM_BOLD), *r = term_sgr(color, TERM_RESET);
    const struct manifest *m = e->manifest;
    fprintf(stderr, "%sfnctl%s %s: service '%s', stage '%s', region '%s'\n", b, r, FNCTL_VERSION,
            m->service, m->stage, m->region);
    print_routes(e, color);
    if (watching)
        fprintf(stderr, "  watching %s for changes (hot reload)\n", m->dir);
    fprintf(stderr, "  aws endpoint  %s  (Lambda Invoke API)\n", e->aws_endpoint);
    for (size_t i = 0; i < m->n_functions; i++)
        fprintf(stderr, "  function      %-20s %s  %s\n", m->functions[i].key,
                m->functions[i].runtime ? m->functions[i].runtime : "-",
                m->functions[i].handler ? m->functions[i].handler : "");
    fprintf(stderr, "  try: aws lambda invoke --endpoint-url %s --function-name %s out.json\n",
            e->aws_endpoint, m->n_functions ? m->functions[0].name : "NAME");
    fprintf(stderr, "press Ctrl-C to stop\n");
}

struct reload {
    struct fn_ctx *ctx;
    struct emu *emu;
};

static void on_change(void *arg, bool manifest_changed, const char *path)
{
    struct reload *rl = arg;
    struct fn_ctx *ctx = rl->ctx;
    struct emu *e = rl->emu;
    if (!manifest_changed) {
        fn_log_info(&ctx->log, "fnctl: %s changed: functions restart with the new code", path);
        emu_retire_workers(e);
        return;
    }
    struct fn_err err = FN_ERR_INIT;
    struct manifest *m = NULL;
    struct mf_opts opts = {
        .path = ctx->manifest->path,
        .stage = fn_opt_value(ctx, "stage"),
        .region = fn_opt_value(ctx, "region"),
        .aws_endpoint = e->aws_endpoint,
    };
    if (mf_load(&opts, &m, &err) < 0) {
        fn_cli_error(ctx, &err);
        fn_log_info(&ctx->log, "fnctl: %s has an error: the routes and functions that were "
                               "running stay until it is fixed", opts.path);
        return;
    }
    for (size_t i = 0; i < m->n_warnings; i++)
        fn_log_warn_err(&ctx->log, &m->warnings[i]);
    emu_swap_manifest(e, m);
    fn_log_info(&ctx->log, "fnctl: %s reloaded", opts.path);
    print_routes(e, ctx->log.color);
}

static int start_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    struct emu *e = NULL;
    long aws_port;
    int rc;

    long port;
    if (parse_port(ctx, "aws-port", 4566, &aws_port) < 0 || parse_port(ctx, "port", 3000, &port) < 0)
        return FN_EXIT_USAGE;
    bool json_log;
    if (fn_opt_log_format(ctx, &json_log) < 0)
        return FN_EXIT_USAGE;
    struct emu_opts opts = {
        .host = fn_opt_value(ctx, "host"),
        .aws_port = (int)aws_port,
        .log_out = ctx->log.level == FN_LOG_QUIET ? NULL : stderr, /* -q: no function logs */
        .color = ctx->log.color,
        .log_format = json_log ? EMU_LOG_JSON : EMU_LOG_TEXT,
    };
    for (size_t i = 0; i < ctx->manifest->n_warnings; i++)
        fn_log_warn_err(&ctx->log, &ctx->manifest->warnings[i]);
    struct gw_opts gopts = {
        .host = opts.host,
        .port = (int)port,
        .prepend_stage = !fn_opt_flag(ctx, "no-stage-prefix"),
    };
    if (emu_new(&opts, ctx->manifest, &e, &err) < 0 || emu_listen(e, &err) < 0) {
        fn_cli_error(ctx, &err);
        emu_free(e);
        return FN_EXIT_FAILED;
    }
    if (strcmp(e->aws_endpoint, ctx->manifest->aws_endpoint) != 0) {
        /* queue URLs and the like name the aws port actually bound */
        struct manifest *m = NULL;
        struct mf_opts mopts = {
            .path = ctx->manifest->path,
            .stage = fn_opt_value(ctx, "stage"),
            .region = fn_opt_value(ctx, "region"),
            .aws_endpoint = e->aws_endpoint,
        };
        if (mf_load(&mopts, &m, &err) == 0)
            emu_swap_manifest(e, m);
    }
    if (gw_new(e, &gopts, &e->gateway, &err) < 0 || emu_start_provisioned(e, &err) < 0) {
        fn_cli_error(ctx, &err);
        emu_free(e);
        return FN_EXIT_FAILED;
    }
    struct watch *w = NULL;
    struct reload rl = { ctx, e };
    if (!fn_opt_flag(ctx, "no-watch") &&
        wt_new(e, ctx->manifest->dir, ctx->manifest->path, on_change, &rl, &w, &err) < 0) {
        fn_cli_error(ctx, &err);
        emu_free(e);
        return FN_EXIT_FAILED;
    }
    banner(e, ctx->log.color, w != NULL);
    rc = emu_run(e);
    wt_free(w);
    emu_free(e);
    return rc;
}

const struct fn_cmd fn_cmd_start = {
    .name = "start",
    .summary = "run the local emulator in the foreground",
    .usage = NULL,
    .description =
        "Serves the Lambda Invoke API on the aws port (default 127.0.0.1:4566) for the\n"
        "functions of serverless.yml, each in worker processes that talk to fnctl through\n"
        "the Lambda Runtime API. Ctrl-C (or SIGTERM) stops it and every worker.",
    .options = start_opts,
    .flags = FN_CMD_NEEDS_MANIFEST,
    .min_args = 0,
    .max_args = 0,
    .run = start_run,
};
