/* fnctl invoke: run a function once, locally or through a running emulator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "b64.h"
#include "buf.h"
#include "cli.h"
#include "curl_dl.h"
#include "emu.h"
#include "file.h"
#include "invoke.h"
#include "json.h"
#include "pool.h"
#include "sample.h"
#include "term.h"
#include "text.h"
#include "banned.h"

static const struct fn_opt invoke_opts[] = {
    { "data", 'd', FN_OPT_STRING, "JSON", "the event, as JSON text", FN_COMPLETE_NONE },
    { "event-file", 'e', FN_OPT_STRING, "FILE", "read the event from FILE ('-': stdin)",
      FN_COMPLETE_FILE },
    { "event", 0, FN_OPT_STRING, "TYPE",
      "a sample event of TYPE, as 'fnctl events TYPE' prints it (apigw-http, s3-put, sqs, ...)",
      FN_COMPLETE_EVENT_TYPE },
    { "endpoint", 0, FN_OPT_STRING, "URL",
      "invoke through a running emulator (e.g. http://127.0.0.1:4566) instead of locally",
      FN_COMPLETE_NONE },
    { "log-format", 0, FN_OPT_STRING, "FORMAT", "the function's log on stderr: text or json",
      FN_COMPLETE_NONE },
    FN_OPT_END,
};

struct outcome {
    struct emu *emu;
    struct invocation *inv;
    bool done;
};

/* --event TYPE: the sample, with the manifest's region and stage */
static int sample_of(const struct fn_ctx *ctx, const char *name, struct buf *event,
                     struct fn_err *err)
{
    enum sample_type type;
    json_t *ev = NULL;
    struct sample_opts o = { .region = ctx->manifest->region, .stage = ctx->manifest->stage };
    if (sample_type_parse(name, &type, err) < 0 || sample_event(type, &o, &ev, err) < 0)
        return -1;
    int rc = fj_dump(ev, event);
    json_decref(ev);
    return rc < 0 ? fn_err_set(err, "event too large") : 0;
}

static int read_event(struct fn_ctx *ctx, struct buf *event, struct fn_err *err)
{
    const char *data = fn_opt_value(ctx, "data");
    const char *file = fn_opt_value(ctx, "event-file");
    const char *type = fn_opt_value(ctx, "event");

    if (type && (data || file)) {
        fn_err_set(err, "give the event once: --event, --data or --event-file, not two of them");
        return fn_err_hint(err, "fnctl invoke FUNCTION --event %s", type);
    }
    if (type)
        return sample_of(ctx, type, event, err);
    if (data && file) {
        fn_err_set(err, "give the event once: --data or --event-file, not both");
        return fn_err_hint(err, "fnctl invoke FUNCTION --data '{\"id\": 1}'");
    }
    if (data)
        return buf_addstr(event, data) < 0 ? fn_err_set(err, "event too large") : 0;
    if (file && strcmp(file, "-") != 0)
        return fs_read_file(file, event, INV_MAX_SYNC_REQUEST, err);
    if (file || !isatty(STDIN_FILENO)) {
        if (fs_read_file("/dev/stdin", event, INV_MAX_SYNC_REQUEST, err) < 0)
            return -1;
    }
    if (!event->len)
        buf_addstr(event, "{}");
    return 0;
}

static int check_json(const struct buf *event, const char *name, struct fn_err *err)
{
    json_t *v = fj_parse(buf_cstr(event), event->len, name, err);
    if (!v)
        return fn_err_hint(err, "the event must be JSON, e.g. --data '{\"id\": 1}'");
    json_decref(v);
    return 0;
}

static void on_done(struct invocation *inv, void *arg)
{
    struct outcome *o = arg;
    o->inv = inv;
    o->done = true;
    emu_stop(o->emu, 0);
}

static void print_payload(const void *data, size_t len)
{
    fwrite(data, 1, len, stdout);
    if (len && ((const char *)data)[len - 1] != '\n')
        fputc('\n', stdout);
    fflush(stdout);
}

static int invoke_local(struct fn_ctx *ctx, const char *name, struct buf *event)
{
    const struct manifest *m = ctx->manifest;
    bool json_log = false;
    fn_opt_log_format(ctx, &json_log);
    struct emu_opts opts = {
        .aws_port = -1,
        .log_out = ctx->log.level == FN_LOG_QUIET ? NULL : stderr, /* -q: the response only */
        .color = ctx->log.color,
        .log_format = json_log ? EMU_LOG_JSON : EMU_LOG_TEXT,
    };
    struct fn_err err = FN_ERR_INIT;
    struct outcome o = { 0 };
    struct emu *e = NULL;
    int rc = FN_EXIT_FAILED;

    if (emu_new(&opts, m, &e, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_FAILED;
    }
    /* the function's SDK calls go to a running `fnctl start`, if any */
    snprintf(e->aws_endpoint, sizeof(e->aws_endpoint), "%s", MF_DEFAULT_AWS_ENDPOINT);
    struct pool *p = emu_pool(e, name);
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    evbuffer_add(inv->event, event->data, event->len);
    inv->done = on_done;
    inv->done_arg = &o;
    o.emu = e;
    if (pool_submit(p, inv) < 0) {
        inv_free(inv);
        fn_err_set(&err, "function '%s' has reservedConcurrency 0: every invocation is throttled",
                   name);
        fn_cli_error(ctx, &err);
        goto out;
    }
    emu_run(e);
    if (!o.done) {
        /* interrupted: emu_free fails the invocation and calls on_done */
        emu_free(e);
        e = NULL;
        if (o.inv)
            inv_free(o.inv);
        return FN_EXIT_FAILED;
    }
    size_t len = evbuffer_get_length(o.inv->response);
    print_payload(evbuffer_pullup(o.inv->response, -1), len);
    rc = o.inv->outcome == INV_SUCCESS ? FN_EXIT_OK : FN_EXIT_FAILED;
    inv_free(o.inv);
out:
    emu_free(e);
    return rc;
}

static size_t on_curl_body(char *data, size_t size, size_t n, void *arg)
{
    return buf_add(arg, data, size * n) < 0 ? 0 : size * n;
}

struct headers {
    bool function_error;
    struct buf log;
};

static size_t on_curl_header(char *data, size_t size, size_t n, void *arg)
{
    struct headers *h = arg;
    size_t len = size * n;
    if (len > 21 && !strncasecmp(data, "X-Amz-Function-Error:", 21))
        h->function_error = true;
    if (len > 17 && !strncasecmp(data, "X-Amz-Log-Result:", 17)) {
        const char *v = data + 17;
        size_t vlen = len - 17;
        while (vlen && (*v == ' '))
            v++, vlen--;
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
            vlen--;
        b64_decode(v, vlen, &h->log);
    }
    return len;
}

static int invoke_remote(struct fn_ctx *ctx, const char *endpoint, const char *name,
                         struct buf *event)
{
    struct fn_err err = FN_ERR_INIT;
    struct buf url = BUF_INIT, body = BUF_INIT;
    struct headers h = { false, BUF_INIT };
    struct curl_slist *hdrs = NULL;
    long status = 0;
    int rc = FN_EXIT_FAILED;
    const struct curl_api *c = curl_dl(&err);
    if (!c) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_FAILED;
    }
    CURL *curl = c->easy_init();

    char *escaped = c->easy_escape(curl, name, 0);
    buf_addf(&url, "%s%s2015-03-31/functions/%s/invocations", endpoint,
             tx_ends_with(endpoint, "/") ? "" : "/", escaped);
    c->free(escaped);
    hdrs = c->slist_append(hdrs, "X-Amz-Log-Type: Tail");
    hdrs = c->slist_append(hdrs, "Content-Type: application/json");
    c->easy_setopt(curl, CURLOPT_URL, buf_cstr(&url));
    c->easy_setopt(curl, CURLOPT_POSTFIELDS, event->data);
    c->easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)event->len);
    c->easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    c->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_curl_body);
    c->easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    c->easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_curl_header);
    c->easy_setopt(curl, CURLOPT_HEADERDATA, &h);
    c->easy_setopt(curl, CURLOPT_NOPROXY, "*");
    CURLcode cc = c->easy_perform(curl);
    if (cc != CURLE_OK) {
        fn_err_set(&err, "cannot reach %s: %s", buf_cstr(&url), c->easy_strerror(cc));
        fn_err_hint(&err, "is 'fnctl start' running? its aws endpoint is printed when it starts");
        fn_cli_error(ctx, &err);
        goto out;
    }
    c->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (h.log.len)
        fwrite(h.log.data, 1, h.log.len, stderr);
    if (status != 200) {
        fn_err_set(&err, "%s answered %ld: %s", endpoint, status, buf_cstr(&body));
        fn_cli_error(ctx, &err);
        rc = status == 404 ? FN_EXIT_USAGE : FN_EXIT_FAILED;
        goto out;
    }
    print_payload(body.data ? body.data : "", body.len);
    rc = h.function_error ? FN_EXIT_FAILED : FN_EXIT_OK;
out:
    c->slist_free_all(hdrs);
    c->easy_cleanup(curl);
    buf_release(&url);
    buf_release(&body);
    buf_release(&h.log);
    return rc;
}

static int invoke_run(struct fn_ctx *ctx)
{
    const char *name = ctx->args[0];
    const char *endpoint = fn_opt_value(ctx, "endpoint");
    struct fn_err err = FN_ERR_INIT;
    struct buf event = BUF_INIT;
    int rc = FN_EXIT_USAGE;

    bool json_log;
    if (fn_opt_log_format(ctx, &json_log) < 0)
        return FN_EXIT_USAGE;
    const struct mf_function *fn = mf_function(ctx->manifest, name);
    if (!fn && !endpoint) {
        const char **keys = calloc(ctx->manifest->n_functions + 1, sizeof(*keys));
        for (size_t i = 0; keys && i < ctx->manifest->n_functions; i++)
            keys[i] = ctx->manifest->functions[i].key;
        const char *guess = keys ? tx_suggest(name, keys) : NULL;
        fn_err_set(&err, "no function '%s' in %s", name, ctx->manifest->path);
        if (guess)
            fn_err_hint(&err, "did you mean '%s'?", guess);
        else
            fn_err_hint(&err, "'fnctl validate --print' lists the functions");
        free(keys);
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    if (read_event(ctx, &event, &err) < 0 ||
        check_json(&event, fn_opt_value(ctx, "event-file") ? fn_opt_value(ctx, "event-file")
                                                              : "the event",
                   &err) < 0) {
        fn_cli_error(ctx, &err);
        goto out;
    }
    if (endpoint)
        rc = invoke_remote(ctx, endpoint, fn ? fn->name : name, &event);
    else
        rc = invoke_local(ctx, fn->key, &event);
out:
    buf_release(&event);
    return rc;
}

const struct fn_cmd fn_cmd_invoke = {
    .name = "invoke",
    .summary = "run a function once and print its response",
    .usage = "FUNCTION",
    .description =
        "Runs FUNCTION once with the event from --data, --event-file, --event TYPE (a sample\n"
        "event, as 'fnctl events TYPE' prints it) or stdin (default {}),\n"
        "in a worker exactly as 'fnctl start' runs it: the Lambda environment, the Runtime API,\n"
        "the timeout and memory size enforced. The response goes to stdout, the log (START,\n"
        "the function's output, END, REPORT) to stderr. Exit status: 0 success, 1 the function\n"
        "failed (the error JSON is printed), 2 bad usage.\n"
        "With --endpoint, the invocation goes through a running emulator's Invoke API.",
    .options = invoke_opts,
    .flags = FN_CMD_NEEDS_MANIFEST,
    .min_args = 1,
    .max_args = 1,
    .complete_args = FN_COMPLETE_FUNCTION,
    .run = invoke_run,
};
