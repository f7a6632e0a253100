/* fnctl events: print a sample event, shaped as AWS sends it (emulator/sample.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "sample.h"
#include "text.h"
#include "banned.h"

/* Each name is also a word of sample_type_options(): which types take it. */
static const struct fn_opt events_opts[] = {
    { "path", 0, FN_OPT_STRING, "PATH", "request path, '?query' allowed (apigw; default /)",
      FN_COMPLETE_NONE },
    { "method", 0, FN_OPT_STRING, "METHOD", "HTTP method (apigw; default GET)", FN_COMPLETE_NONE },
    { "body", 0, FN_OPT_STRING, "TEXT", "request body (apigw) or message body (sqs)",
      FN_COMPLETE_NONE },
    { "query", 0, FN_OPT_STRING, "QUERY", "query string, e.g. 'a=1&b=2' (apigw)", FN_COMPLETE_NONE },
    { "bucket", 0, FN_OPT_STRING, "NAME", "bucket name (s3)", FN_COMPLETE_NONE },
    { "key", 0, FN_OPT_STRING, "KEY", "object key as stored; URL-encoded in the event (s3)",
      FN_COMPLETE_NONE },
    { "size", 0, FN_OPT_STRING, "BYTES", "object size (s3-put; default 1024)", FN_COMPLETE_NONE },
    { "queue", 0, FN_OPT_STRING, "NAME|ARN", "queue name or ARN; '.fifo' adds FIFO attributes (sqs)",
      FN_COMPLETE_NONE },
    { "rule", 0, FN_OPT_STRING, "NAME|ARN", "rule name or ARN (schedule)", FN_COMPLETE_NONE },
    { "token", 0, FN_OPT_STRING, "TOKEN", "authorizationToken (apigw-token-authorizer)",
      FN_COMPLETE_NONE },
    { "stage", 0, FN_OPT_STRING, "S", "REST stage (apigw-rest, apigw-token-authorizer; default dev)",
      FN_COMPLETE_NONE },
    { "region", 0, FN_OPT_STRING, "R", "region (default us-east-1)", FN_COMPLETE_NONE },
    FN_OPT_END,
};

static void type_list(char *out, size_t size)
{
    struct strvec names = STRVEC_INIT;
    sample_type_names(&names);
    tx_join_quoted(out, size, (const char *const *)names.v);
    strvec_clear(&names);
}

/* An option given for a type that does not use it is a mistake worth
 * saying: `--key` on an apigw event would otherwise be dropped silently. */
static int check_options(const struct fn_ctx *ctx, enum sample_type type, struct fn_err *err)
{
    for (size_t i = 0; events_opts[i].name; i++) {
        const char *name = events_opts[i].name;
        if (!fn_opt_value(ctx, name) || sample_type_takes(type, name))
            continue;
        char takes[256] = "";
        const char *p = sample_type_options(type);
        size_t used = 0;
        while (*p && used < sizeof(takes)) {
            size_t n = strcspn(p, " ");
            int w = snprintf(takes + used, sizeof(takes) - used, "%s--%.*s", used ? ", " : "",
                             (int)n, p);
            used += w > 0 ? (size_t)w : 0;
            p += n;
            p += strspn(p, " ");
        }
        fn_err_set(err, "option '--%s' does not apply to '%s'", name, sample_type_name(type));
        return fn_err_hint(err, "'%s' takes %s", sample_type_name(type), takes);
    }
    return 0;
}

static int events_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    enum sample_type type;
    json_t *event = NULL;
    char list[256];

    if (ctx->n_args == 0) {
        type_list(list, sizeof(list));
        fn_err_set(&err, "'events' needs TYPE");
        fn_err_hint(&err, "types: %s", list);
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    if (sample_type_parse(ctx->args[0], &type, &err) < 0 || check_options(ctx, type, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    struct sample_opts o = {
        .path = fn_opt_value(ctx, "path"),
        .method = fn_opt_value(ctx, "method"),
        .body = fn_opt_value(ctx, "body"),
        .query = fn_opt_value(ctx, "query"),
        .bucket = fn_opt_value(ctx, "bucket"),
        .key = fn_opt_value(ctx, "key"),
        .size = fn_opt_value(ctx, "size"),
        .queue = fn_opt_value(ctx, "queue"),
        .rule = fn_opt_value(ctx, "rule"),
        .token = fn_opt_value(ctx, "token"),
        .stage = fn_opt_value(ctx, "stage"),
        .region = fn_opt_value(ctx, "region"),
    };
    if (sample_event(type, &o, &event, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    fj_print(stdout, event, true);
    json_decref(event);
    return fflush(stdout) == 0 ? FN_EXIT_OK : FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_events = {
    .name = "events",
    .summary = "print a sample event, shaped as AWS sends it",
    .usage = "TYPE",
    .description =
        "Prints the event AWS would send a function, as pretty JSON on stdout: the same\n"
        "fields, types and nesting as AWS's own samples, with fnctl's account (000000000000),\n"
        "fresh request ids and the current time. The options set the interesting fields.\n"
        "\n"
        "types:\n"
        "  apigw-http              HTTP API request, payload 2.0 (--path --method --body --query)\n"
        "  apigw-rest              REST API request, payload 1.0 (--path --method --body --query\n"
        "                          --stage)\n"
        "  s3-put                  S3 ObjectCreated:Put (--bucket --key --size)\n"
        "  s3-delete               S3 ObjectRemoved:Delete (--bucket --key)\n"
        "  sqs                     SQS batch of one message (--queue --body)\n"
        "  schedule                EventBridge Scheduled Event (--rule)\n"
        "  apigw-token-authorizer  REST TOKEN authorizer request (--token --method --path\n"
        "                          --stage)\n"
        "Every type takes --region.\n"
        "\n"
        "  fnctl events s3-put --bucket uploads --key 'photos/Happy Face.jpg'\n"
        "  fnctl events apigw-http --method POST --path /orders --body '{\"id\": 1}' |\n"
        "    fnctl invoke createOrder --event-file -\n"
        "  fnctl invoke createOrder --event apigw-http",
    .options = events_opts,
    .min_args = 0, /* TYPE missing: the usage error lists the types */
    .max_args = 1,
    .complete_args = FN_COMPLETE_EVENT_TYPE,
    .run = events_run,
};

void fn_event_type_names(struct strvec *out)
{
    sample_type_names(out);
}
