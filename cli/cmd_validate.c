/* fnctl validate: load and check the manifest; --print shows it resolved. */
#include <string.h>

#include "cli.h"
#include "json.h"
#include "term.h"
#include "banned.h"

static const struct fn_opt validate_opts[] = {
    { "print", 'p', FN_OPT_FLAG, NULL, "show the resolved service: functions, events, queues, buckets",
      FN_COMPLETE_NONE },
    { "json", 0, FN_OPT_FLAG, NULL, "print the resolved service (or the error) as JSON on stdout",
      FN_COMPLETE_NONE },
    FN_OPT_END,
};

static void print_event(FILE *out, const struct mf_event *ev)
{
    switch (ev->kind) {
    case MF_EV_HTTPAPI:
        if (ev->u.httpapi.path)
            fprintf(out, "httpApi %s %s", ev->u.httpapi.method, ev->u.httpapi.path);
        else
            fprintf(out, "httpApi * (catch-all)");
        if (ev->u.httpapi.authorizer)
            fprintf(out, " [authorizer %s]", ev->u.httpapi.authorizer->name
                                                 ? ev->u.httpapi.authorizer->name
                                                 : ev->u.httpapi.authorizer->type);
        break;
    case MF_EV_HTTP:
        fprintf(out, "http %s %s%s", ev->u.http.method, ev->u.http.path,
                ev->u.http.cors.enabled ? " [cors]" : "");
        if (ev->u.http.authorizer)
            fprintf(out, " [authorizer %s]", ev->u.http.authorizer->name
                                                 ? ev->u.http.authorizer->name
                                                 : ev->u.http.authorizer->type);
        break;
    case MF_EV_S3:
        fprintf(out, "s3 %s %s", ev->u.s3.bucket, ev->u.s3.events.v[0]);
        if (ev->u.s3.prefix)
            fprintf(out, " prefix=%s", ev->u.s3.prefix);
        if (ev->u.s3.suffix)
            fprintf(out, " suffix=%s", ev->u.s3.suffix);
        break;
    case MF_EV_SQS:
        fprintf(out, "sqs %s (batch %ld%s%s)", ev->u.sqs.queue, ev->u.sqs.batch_size,
                ev->u.sqs.report_batch_item_failures ? ", partial failures" : "",
                ev->u.sqs.enabled ? "" : ", disabled");
        break;
    case MF_EV_SCHEDULE:
        fprintf(out, "schedule");
        for (size_t i = 0; i < ev->u.schedule.rates.n; i++)
            fprintf(out, " %s", ev->u.schedule.rates.v[i]);
        if (!ev->u.schedule.enabled)
            fprintf(out, " (disabled)");
        break;
    }
    fputc('\n', out);
}

static void print_model(FILE *out, const struct manifest *m, bool color)
{
    const char *b = term_sgr(color, TERM_BOLD), *r = term_sgr(color, TERM_RESET);
    fprintf(out, "%sservice%s  %s  (stage %s, region %s)\n", b, r, m->service, m->stage, m->region);
    fprintf(out, "%sfile%s     %s\n", b, r, m->path);
    fprintf(out, "\n%sfunctions%s\n", b, r);
    if (!m->n_functions)
        fprintf(out, "  (none)\n");
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct mf_function *fn = &m->functions[i];
        fprintf(out, "  %s%s%s  %s  %s  %ld MB  %ld s\n", b, fn->key, r,
                fn->runtime ? fn->runtime : "(no runtime)",
                fn->handler ? fn->handler : fn->image, fn->memory, fn->timeout);
        fprintf(out, "    %-11s  %s\n", "name", fn->name);
        if (fn->reserved_concurrency >= 0)
            fprintf(out, "    %-11s  %ld reserved, %ld provisioned\n", "concurrency",
                    fn->reserved_concurrency, fn->provisioned_concurrency);
        for (size_t e = 0; e < fn->env.n; e++)
            fprintf(out, "    %-11s  %s\n", e ? "" : "environment", fn->env.v[e]);
        for (size_t e = 0; e < fn->n_events; e++) {
            fprintf(out, "    %-11s  ", e ? "" : "events");
            print_event(out, &fn->events[e]);
        }
    }
    if (m->n_queues) {
        fprintf(out, "\n%squeues%s\n", b, r);
        for (size_t i = 0; i < m->n_queues; i++) {
            const struct mf_queue *q = &m->queues[i];
            fprintf(out, "  %s  %s  (visibility %ld s%s", q->name, q->url, q->visibility_timeout,
                    q->fifo ? ", fifo" : "");
            if (q->dlq)
                fprintf(out, ", dead letters to %s after %ld receives", q->dlq,
                        q->max_receive_count);
            fprintf(out, ")\n");
        }
    }
    if (m->n_buckets) {
        fprintf(out, "\n%sbuckets%s\n", b, r);
        for (size_t i = 0; i < m->n_buckets; i++)
            fprintf(out, "  %s\n", m->buckets[i].name);
    }
}

static int validate_run(struct fn_ctx *ctx)
{
    const struct manifest *m = ctx->manifest;
    bool json = fn_opt_flag(ctx, "json");

    for (size_t i = 0; i < m->n_warnings; i++)
        fn_log_warn_err(&ctx->log, &m->warnings[i]);
    if (json) {
        json_t *model = mf_to_json(m);
        json_t *doc = json_pack("{s:b, s:o}", "ok", 1, "service", model);
        fj_print(stdout, doc, true);
        json_decref(doc);
    } else if (fn_opt_flag(ctx, "print")) {
        print_model(stdout, m, ctx->color_out);
    } else {
        printf("%s: ok: service '%s', stage '%s', %zu function%s, %zu queue%s, %zu bucket%s",
               m->path, m->service, m->stage, m->n_functions, m->n_functions == 1 ? "" : "s",
               m->n_queues, m->n_queues == 1 ? "" : "s", m->n_buckets,
               m->n_buckets == 1 ? "" : "s");
        if (m->n_warnings)
            printf(", %zu warning%s", m->n_warnings, m->n_warnings == 1 ? "" : "s");
        putchar('\n');
    }
    return FN_EXIT_OK;
}

const struct fn_cmd fn_cmd_validate = {
    .name = "validate",
    .summary = "load and check serverless.yml; --print shows it resolved",
    .usage = NULL,
    .description =
        "Reads the manifest, resolves its variables (${self:}, ${env:}, ${opt:}, ${sls:},\n"
        "${file()}, ...) and the CloudFormation references to its own queues and buckets,\n"
        "and checks every function and event. Errors name the file, line and column.\n"
        "Serverless features that fnctl does not emulate are reported as warnings.\n"
        "Exit status: 0 valid, 2 invalid.",
    .options = validate_opts,
    .flags = FN_CMD_NEEDS_MANIFEST,
    .min_args = 0,
    .max_args = 0,
    .run = validate_run,
};
