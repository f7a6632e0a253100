/* mfevents: the events of a function (httpApi, http, s3, sqs, schedule),
 * CORS and authorizers, as Serverless v3 reads them, through mf_load().
 * Event errors are in test_mfevents_errors.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mf_testutil.h"

MT_SUITE(mfevents);


/* --- httpApi --- */

Test(mfevents, http_api_event_forms)
{
    struct manifest *m = load_ok(EVENTS "      - httpApi: '*'\n"
                                        "      - httpApi: GET /x\n"
                                        "      - httpApi: 'post /orders/{id}'\n"
                                        "      - httpApi:\n"
                                        "          method: '*'\n"
                                        "          path: /any\n"
                                        "      - httpApi:\n"
                                        "          method: delete\n"
                                        "          path: /y\n");
    const struct mf_function *f = mf_function(m, "f");
    static const struct {
        const char *method, *path;
        int line, col;
    } want[] = {
        {"ANY", NULL, 9, 18},    {"GET", "/x", 10, 18},    {"POST", "/orders/{id}", 11, 18},
        {"ANY", "/any", 13, 11}, {"DELETE", "/y", 16, 11},
    };
    cr_assert_eq(f->n_events, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct mf_event *ev = &f->events[i];
        cr_assert_eq(ev->kind, MF_EV_HTTPAPI, "[%zu]", i);
        cr_assert_str_eq(ev->u.httpapi.method, want[i].method, "[%zu]", i);
        if (want[i].path)
            cr_assert_str_eq(ev->u.httpapi.path, want[i].path, "[%zu]", i);
        else
            cr_assert_null(ev->u.httpapi.path, "[%zu] catch-all has no path", i);
        cr_assert_str_eq(ev->u.httpapi.payload, "2.0", "[%zu]", i);
        cr_assert_null(ev->u.httpapi.authorizer, "[%zu]", i);
        cr_assert_str_eq(ev->loc.file, manifest_path);
        cr_assert_eq(ev->loc.line, want[i].line, "[%zu] line %d", i, ev->loc.line);
        cr_assert_eq(ev->loc.col, want[i].col, "[%zu] col %d", i, ev->loc.col);
    }
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);

    /* the catch-all as a map: path '*', no method */
    m = load_ok(EVENTS "      - httpApi:\n"
                       "          path: '*'\n");
    const struct mf_event *ev = &mf_function(m, "f")->events[0];
    cr_assert_str_eq(ev->u.httpapi.method, "ANY");
    cr_assert_null(ev->u.httpapi.path);
    mf_free(m);
}

Test(mfevents, http_api_payload_version_comes_from_function_then_provider)
{
    struct manifest *m = load_ok(HEAD "  httpApi:\n"
                                      "    payload: '1.0'\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    events:\n"
                                      "      - httpApi: GET /f\n"
                                      "  g:\n"
                                      "    handler: h.g\n"
                                      "    httpApi:\n"
                                      "      payload: '2.0'\n"
                                      "    events:\n"
                                      "      - httpApi: GET /g\n");
    cr_assert_str_eq(mf_function(m, "f")->events[0].u.httpapi.payload, "1.0");
    cr_assert_str_eq(mf_function(m, "g")->events[0].u.httpapi.payload, "2.0");
    mf_free(m);
}

Test(mfevents, http_api_cors_true_takes_serverless_defaults)
{
    struct manifest *m = load_ok(HEAD "  httpApi:\n"
                                      "    cors: true\n");
    const struct mf_cors *c = &m->httpapi_cors;
    static const char *const headers[] = {
        "Content-Type",         "X-Amz-Date",       "Authorization",  "X-Api-Key",
        "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"};
    cr_assert(c->enabled);
    cr_assert_eq(c->origins.n, 1);
    cr_assert_str_eq(c->origins.v[0], "*");
    cr_assert_eq(c->headers.n, 7);
    for (size_t i = 0; i < 7; i++)
        cr_assert_str_eq(c->headers.v[i], headers[i]);
    cr_assert_eq(c->methods.n, 0, "filled from the routes by the gateway");
    cr_assert_not(c->allow_credentials);
    cr_assert_eq(c->max_age, -1);
    mf_free(m);
}

Test(mfevents, http_api_cors_object)
{
    struct manifest *m = load_ok(HEAD "  httpApi:\n"
                                      "    cors:\n"
                                      "      allowedOrigins: [https://a.example]\n"
                                      "      allowedHeaders: X-Custom\n"
                                      "      allowedMethods: [GET, POST]\n"
                                      "      exposedResponseHeaders: [X-Id]\n"
                                      "      allowCredentials: true\n"
                                      "      maxAge: 600\n");
    const struct mf_cors *c = &m->httpapi_cors;
    cr_assert(c->enabled);
    cr_assert_str_eq(c->origins.v[0], "https://a.example");
    cr_assert_eq(c->headers.n, 1);
    cr_assert_str_eq(c->headers.v[0], "X-Custom");
    cr_assert_eq(c->methods.n, 2);
    cr_assert_str_eq(c->expose_headers.v[0], "X-Id");
    cr_assert(c->allow_credentials);
    cr_assert_eq(c->max_age, 600);
    mf_free(m);
}

/* --- http (REST) --- */

Test(mfevents, http_event_forms_and_cors)
{
    static const char *const default_headers[] = {
        "Content-Type",         "X-Amz-Date",       "Authorization",   "X-Api-Key",
        "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id",
    };
    struct manifest *m = load_ok(EVENTS "      - http: GET /users\n"
                                        "      - http: 'post /a/b/'\n"
                                        "      - http:\n"
                                        "          method: put\n"
                                        "          path: orders/{id}\n"
                                        "          cors: true\n"
                                        "          private: true\n"
                                        "          async: true\n"
                                        "      - http:\n"
                                        "          method: '*'\n"
                                        "          path: /c\n"
                                        "          cors:\n"
                                        "            origins: [https://x.example]\n"
                                        "            methods: [PATCH]\n"
                                        "            maxAge: 60\n"
                                        "            cacheControl: max-age=1\n"
                                        "            allowCredentials: true\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_eq(f->n_events, 4);

    const struct mf_ev_http *h = &f->events[0].u.http;
    cr_assert_eq(f->events[0].kind, MF_EV_HTTP);
    cr_assert_str_eq(h->method, "GET");
    cr_assert_str_eq(h->path, "/users");
    cr_assert_not(h->cors.enabled);
    cr_assert_null(h->authorizer);

    h = &f->events[1].u.http;
    cr_assert_str_eq(h->method, "POST");
    cr_assert_str_eq(h->path, "/a/b", "leading and trailing '/' as Serverless normalises");

    /* cors: true expands to Serverless's defaults, with the event's method */
    h = &f->events[2].u.http;
    cr_assert_str_eq(h->method, "PUT");
    cr_assert_str_eq(h->path, "/orders/{id}");
    cr_assert(h->private_);
    cr_assert(h->async);
    cr_assert(h->cors.enabled);
    cr_assert_eq(h->cors.origins.n, 1);
    cr_assert_str_eq(h->cors.origins.v[0], "*");
    cr_assert_eq(h->cors.headers.n, 7);
    for (size_t i = 0; i < 7; i++)
        cr_assert_str_eq(h->cors.headers.v[i], default_headers[i]);
    cr_assert_eq(h->cors.methods.n, 2);
    cr_assert_str_eq(h->cors.methods.v[0], "OPTIONS");
    cr_assert_str_eq(h->cors.methods.v[1], "PUT");
    cr_assert_not(h->cors.allow_credentials);
    cr_assert_eq(h->cors.max_age, -1);
    cr_assert_null(h->cors.cache_control);

    /* an object: origins replace '*', OPTIONS and the method are added */
    h = &f->events[3].u.http;
    cr_assert_str_eq(h->method, "ANY");
    cr_assert_eq(h->cors.origins.n, 1);
    cr_assert_str_eq(h->cors.origins.v[0], "https://x.example");
    cr_assert_eq(h->cors.headers.n, 7);
    cr_assert_eq(h->cors.methods.n, 3);
    cr_assert_str_eq(h->cors.methods.v[0], "PATCH");
    cr_assert_str_eq(h->cors.methods.v[1], "OPTIONS");
    cr_assert_str_eq(h->cors.methods.v[2], "ANY");
    cr_assert_eq(h->cors.max_age, 60);
    cr_assert_str_eq(h->cors.cache_control, "max-age=1");
    cr_assert(h->cors.allow_credentials);
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);
}

Test(mfevents, http_path_without_slash_and_other_integrations_are_warnings)
{
    struct manifest *m = load_ok(EVENTS "      - http: GET users\n"
                                        "      - http:\n"
                                        "          method: get\n"
                                        "          path: /l\n"
                                        "          integration: lambda\n"
                                        "      - http:\n"
                                        "          method: get\n"
                                        "          path: /m\n"
                                        "          integration: mock\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_str_eq(f->events[0].u.http.path, "/users");
    cr_assert(f->events[1].u.http.lambda_integration);
    cr_assert_eq(m->n_warnings, 3, "warnings:%s", mt_warnings_text(m));
    static const struct {
        const char *msg, *hint;
        int line, col;
    } want[] = {
        {"http event 'GET users': path without a leading '/'",
         "Serverless v3's schema wants the path to start with '/': 'GET /orders'", 9, 15},
        {"http event: 'lambda' (non-proxy) integration is emulated as lambda-proxy",
         "request and response templates are not applied; the event is the lambda-proxy one", 13,
         24},
        {"http event: integration 'mock' is not emulated", "only Lambda integrations are emulated",
         17, 24},
    };
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(m->warnings[i].msg, want[i].msg);
        cr_assert_str_eq(m->warnings[i].hint, want[i].hint);
        cr_assert_str_eq(m->warnings[i].file, manifest_path);
        cr_assert_eq(m->warnings[i].line, want[i].line, "[%zu] line %d", i, m->warnings[i].line);
        cr_assert_eq(m->warnings[i].col, want[i].col, "[%zu] col %d", i, m->warnings[i].col);
    }
    mf_free(m);
}

/* --- s3 --- */

Test(mfevents, s3_event_forms_create_their_buckets_once)
{
    struct manifest *m = load_ok(HEAD "  s3:\n"
                                      "    photos:\n"
                                      "      name: my-photos\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    events:\n"
                                      "      - s3: uploads\n"
                                      "      - s3:\n"
                                      "          bucket: uploads\n"
                                      "          event: s3:ObjectRemoved:*\n"
                                      "          rules:\n"
                                      "            - prefix: in/\n"
                                      "            - suffix: .jpg\n"
                                      "      - s3:\n"
                                      "          bucket: legacy.bucket\n"
                                      "          existing: true\n"
                                      "      - s3: photos\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_eq(f->n_events, 4);

    const struct mf_ev_s3 *s = &f->events[0].u.s3;
    cr_assert_eq(f->events[0].kind, MF_EV_S3);
    cr_assert_str_eq(s->bucket, "uploads");
    cr_assert_eq(s->events.n, 1);
    cr_assert_str_eq(s->events.v[0], "s3:ObjectCreated:*");
    cr_assert_null(s->prefix);
    cr_assert_null(s->suffix);
    cr_assert_not(s->existing);

    s = &f->events[1].u.s3;
    cr_assert_str_eq(s->bucket, "uploads");
    cr_assert_str_eq(s->events.v[0], "s3:ObjectRemoved:*");
    cr_assert_str_eq(s->prefix, "in/");
    cr_assert_str_eq(s->suffix, ".jpg");

    s = &f->events[2].u.s3;
    cr_assert_str_eq(s->bucket, "legacy.bucket");
    cr_assert(s->existing);
    cr_assert_str_eq(s->events.v[0], "s3:ObjectCreated:*");

    /* a key of provider.s3 names a bucket configured there */
    cr_assert_str_eq(f->events[3].u.s3.bucket, "my-photos");

    cr_assert_eq(m->n_buckets, 3);
    cr_assert_str_eq(m->buckets[0].name, "uploads");
    cr_assert_null(m->buckets[0].logical_id);
    cr_assert_eq(m->buckets[0].loc.line, 12);
    cr_assert_str_eq(m->buckets[1].name, "legacy.bucket");
    cr_assert_str_eq(m->buckets[2].name, "my-photos");
    mf_free(m);
}

/* --- sqs --- */

Test(mfevents, sqs_event_forms)
{
    struct manifest *m = load_ok(EVENTS "      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs\n"
                                        "      - sqs:\n"
                                        "          arn: arn:aws:sqs:us-east-1:123456789012:big\n"
                                        "          batchSize: 100\n"
                                        "          maximumBatchingWindow: 5\n"
                                        "          functionResponseType: ReportBatchItemFailures\n"
                                        "          maximumConcurrency: 5\n"
                                        "      - sqs:\n"
                                        "          arn: arn:aws:sqs:us-east-1:123456789012:jobs\n"
                                        "          enabled: false\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_eq(f->n_events, 3);

    const struct mf_ev_sqs *q = &f->events[0].u.sqs;
    cr_assert_eq(f->events[0].kind, MF_EV_SQS);
    cr_assert_str_eq(q->arn, "arn:aws:sqs:us-east-1:123456789012:jobs");
    cr_assert_str_eq(q->queue, "jobs");
    cr_assert_eq(q->batch_size, 10);
    cr_assert_eq(q->batch_window, 0);
    cr_assert_not(q->report_batch_item_failures);
    cr_assert(q->enabled);
    cr_assert_eq(q->max_concurrency, -1);

    q = &f->events[1].u.sqs;
    cr_assert_str_eq(q->queue, "big");
    cr_assert_eq(q->batch_size, 100);
    cr_assert_eq(q->batch_window, 5);
    cr_assert(q->report_batch_item_failures);
    cr_assert_eq(q->max_concurrency, 5);

    cr_assert_not(f->events[2].u.sqs.enabled);

    /* queues that events name are created locally, once */
    cr_assert_eq(m->n_queues, 2);
    const struct mf_queue *jobs = mf_queue_by_name(m, "jobs");
    cr_assert_not_null(jobs);
    cr_assert_null(jobs->logical_id);
    cr_assert_str_eq(jobs->arn, "arn:aws:sqs:us-east-1:000000000000:jobs");
    cr_assert_str_eq(jobs->url, "http://127.0.0.1:4566/000000000000/jobs");
    cr_assert_eq(jobs->visibility_timeout, 30);
    cr_assert_not_null(mf_queue_by_name(m, "big"));
    cr_assert_null(mf_queue_by_name(m, "nope"));
    mf_free(m);
}

Test(mfevents, sqs_filter_patterns_are_not_applied_warning)
{
    struct manifest *m = load_ok(EVENTS "      - sqs:\n"
                                        "          arn: arn:aws:sqs:us-east-1:1:q\n"
                                        "          filterPatterns:\n"
                                        "            - body: {a: [1]}\n");
    const struct fn_err *w = mt_warning(m, "sqs event: filterPatterns are not applied");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "every message reaches the function locally");
    cr_assert_eq(w->line, 12);
    cr_assert_eq(w->col, 13);
    mf_free(m);
}

/* --- schedule --- */

Test(mfevents, schedule_event_forms)
{
    struct manifest *m = load_ok(EVENTS "      - schedule: rate(5 minutes)\n"
                                        "      - schedule: cron(0 12 * * ? *)\n"
                                        "      - schedule:\n"
                                        "          rate: [rate(1 hour), cron(0 1 * * ? *)]\n"
                                        "      - schedule:\n"
                                        "          rate: rate(1 day)\n"
                                        "          enabled: false\n"
                                        "          name: nightly\n"
                                        "          description: every night\n"
                                        "          input:\n"
                                        "            key: value\n"
                                        "            n: 1\n"
                                        "      - schedule:\n"
                                        "          rate: rate(2 days)\n"
                                        "          input: '{\"a\": [1, 2]}'\n"
                                        "          inputPath: $.detail\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_eq(f->n_events, 5);

    const struct mf_ev_schedule *s = &f->events[0].u.schedule;
    cr_assert_eq(f->events[0].kind, MF_EV_SCHEDULE);
    cr_assert_eq(s->rates.n, 1);
    cr_assert_str_eq(s->rates.v[0], "rate(5 minutes)");
    cr_assert(s->enabled);
    cr_assert_null(s->input);
    cr_assert_null(s->name);

    cr_assert_str_eq(f->events[1].u.schedule.rates.v[0], "cron(0 12 * * ? *)");

    s = &f->events[2].u.schedule;
    cr_assert_eq(s->rates.n, 2);
    cr_assert_str_eq(s->rates.v[0], "rate(1 hour)");
    cr_assert_str_eq(s->rates.v[1], "cron(0 1 * * ? *)");

    s = &f->events[3].u.schedule;
    cr_assert_not(s->enabled);
    cr_assert_str_eq(s->name, "nightly");
    cr_assert_str_eq(s->description, "every night");
    json_t *want = json_pack("{s:s, s:i}", "key", "value", "n", 1);
    cr_assert(json_equal(s->input, want), "input");
    json_decref(want);

    s = &f->events[4].u.schedule;
    want = json_pack("{s:[i,i]}", "a", 1, 2);
    cr_assert(json_equal(s->input, want), "JSON text input");
    json_decref(want);
    cr_assert_str_eq(s->input_path, "$.detail");
    mf_free(m);
}

Test(mfevents, schedule_expressions_follow_serverless_pattern)
{
    static const struct {
        const char *expr;
        bool ok;
    } rows[] = {
        {"rate(1 minute)", true},
        {"rate(1 hour)", true},
        {"rate(1 day)", true},
        {"rate(2 minutes)", true},
        {"rate(10 minutes)", true},
        {"rate(15 hours)", true},
        {"rate(7 days)", true},
        {"cron(0 12 * * ? *)", true},
        {"cron(0/5 8-17 ? * MON-FRI *)", true},
        {"rate(1 minutes)", false},
        {"rate(0 minutes)", false},
        {"rate(0 minute)", false},
        {"rate(5 minute)", false},
        {"rate(2 weeks)", false},
        {"rate(-1 minutes)", false},
        {"rate(5minutes)", false},
        {"rate(5 minutes", false},
        {"cron(0 12 * * ?)", false},
        {"cron(0 12 * * ? * *)", false},
        {"cron()", false},
        {"every 5 minutes", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *text = xasprintf(EVENTS "      - schedule: '%s'\n", rows[i].expr);
        struct manifest *m;
        struct fn_err err = FN_ERR_INIT;
        int rc = mt_load(dir, text, &m, &err);
        if (rows[i].ok) {
            cr_assert_eq(rc, 0, "[%s] refused: %s", rows[i].expr, err.msg);
            mf_free(m);
        } else {
            char *msg = xasprintf("invalid schedule expression '%s'", rows[i].expr);
            cr_assert_eq(rc, -1, "[%s] accepted", rows[i].expr);
            cr_assert_str_eq(err.msg, msg, "[%s]", rows[i].expr);
            cr_assert_str_eq(err.hint,
                             "e.g. 'rate(5 minutes)', 'rate(1 hour)' or 'cron(0 12 * * ? *)'");
            cr_assert_eq(err.line, 9);
            cr_assert_eq(err.col, 19);
            free(msg);
        }
        free(text);
    }
}

Test(mfevents, schedule_input_transformer_is_a_warning)
{
    struct manifest *m = load_ok(EVENTS "      - schedule:\n"
                                        "          rate: rate(5 minutes)\n"
                                        "          inputTransformer:\n"
                                        "            inputTemplate: x\n");
    const struct fn_err *w =
        mt_warning(m, "schedule event: inputTransformer is not applied locally");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "the function receives the scheduled event itself");
    cr_assert_eq(w->line, 12);
    mf_free(m);
}

/* --- authorizers --- */

#define AUTH_HEAD                                                                                  \
    HEAD "  httpApi:\n"                                                                            \
         "    authorizers:\n"                                                                      \
         "      jwtAuth:\n"                                                                        \
         "        type: jwt\n"                                                                     \
         "        issuerUrl: https://issuer.example\n"                                             \
         "        audience: [aud1, aud2]\n"                                                        \
         "      reqAuth:\n"                                                                        \
         "        type: request\n"                                                                 \
         "        functionName: auth\n"                                                            \
         "        identitySource: $request.header.X-Key\n"                                         \
         "        enableSimpleResponses: true\n"                                                   \
         "        resultTtlInSeconds: 60\n"

Test(mfevents, authorizers_http_api_and_rest)
{
    struct manifest *m = load_ok(AUTH_HEAD "functions:\n"
                                           "  auth:\n"
                                           "    handler: h.auth\n"
                                           "  f:\n"
                                           "    handler: h.main\n"
                                           "    events:\n"
                                           "      - httpApi:\n"
                                           "          method: get\n"
                                           "          path: /jwt\n"
                                           "          authorizer:\n"
                                           "            name: jwtAuth\n"
                                           "            scopes: [read]\n"
                                           "      - httpApi:\n"
                                           "          method: get\n"
                                           "          path: /req\n"
                                           "          authorizer: reqAuth\n"
                                           "      - http:\n"
                                           "          method: get\n"
                                           "          path: /rest\n"
                                           "          authorizer: auth\n"
                                           "      - http:\n"
                                           "          method: get\n"
                                           "          path: /rest2\n"
                                           "          authorizer:\n"
                                           "            name: auth\n"
                                           "            type: REQUEST\n"
                                           "            identitySource: method.request.header.X\n"
                                           "            resultTtlInSeconds: 0\n");
    cr_assert_eq(m->n_authorizers, 2);
    const struct mf_authorizer *a = &m->authorizers[0];
    cr_assert_str_eq(a->name, "jwtAuth");
    cr_assert_str_eq(a->type, "jwt");
    cr_assert_str_eq(a->issuer, "https://issuer.example");
    cr_assert_eq(a->audience.n, 2);
    cr_assert_str_eq(a->audience.v[1], "aud2");
    cr_assert_str_eq(a->identity_source, "$request.header.Authorization");
    cr_assert_null(a->function);
    cr_assert_eq(a->result_ttl, -1);
    cr_assert_eq(a->loc.line, 8);

    a = &m->authorizers[1];
    cr_assert_str_eq(a->name, "reqAuth");
    cr_assert_str_eq(a->type, "request");
    cr_assert_str_eq(a->function, "auth");
    cr_assert_str_eq(a->identity_source, "$request.header.X-Key");
    cr_assert(a->simple_responses);
    cr_assert_str_eq(a->payload_version, "2.0");
    cr_assert_eq(a->result_ttl, 60);

    const struct mf_function *f = mf_function(m, "f");
    const struct mf_authref *r = f->events[0].u.httpapi.authorizer;
    cr_assert_not_null(r);
    cr_assert_str_eq(r->name, "jwtAuth");
    cr_assert_str_eq(r->type, "jwt");
    cr_assert_null(r->function);
    cr_assert_eq(r->scopes.n, 1);
    cr_assert_str_eq(r->scopes.v[0], "read");

    r = f->events[1].u.httpapi.authorizer;
    cr_assert_str_eq(r->name, "reqAuth");
    cr_assert_str_eq(r->type, "request");
    cr_assert_str_eq(r->function, "auth");

    /* REST: a function of this service by name, a TOKEN authorizer by default */
    r = f->events[2].u.http.authorizer;
    cr_assert_str_eq(r->name, "auth");
    cr_assert_str_eq(r->type, "token");
    cr_assert_str_eq(r->function, "auth");
    cr_assert_str_eq(r->identity_source, "method.request.header.Authorization");
    cr_assert_eq(r->result_ttl, 300);

    r = f->events[3].u.http.authorizer;
    cr_assert_str_eq(r->type, "request");
    cr_assert_str_eq(r->identity_source, "method.request.header.X");
    cr_assert_eq(r->result_ttl, 0);
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);
}

Test(mfevents, authorizers_fnctl_cannot_run_are_warnings)
{
    struct manifest *m =
        load_ok(EVENTS "      - http:\n"
                       "          method: get\n"
                       "          path: /a\n"
                       "          authorizer: arn:aws:lambda:us-east-1:1:function:x\n"
                       "      - http:\n"
                       "          method: get\n"
                       "          path: /b\n"
                       "          authorizer:\n"
                       "            type: aws_iam\n"
                       "      - httpApi:\n"
                       "          method: get\n"
                       "          path: /c\n"
                       "          authorizer:\n"
                       "            type: aws_iam\n");
    const struct fn_err *w = mt_warning(m, "authorizer 'arn:aws:lambda:us-east-1:1:function:x' is "
                                           "outside this service; requests to this route are "
                                           "refused locally");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "name a function of this service to run the authorizer locally");
    cr_assert_eq(w->line, 12);
    cr_assert_eq(w->col, 23);
    cr_assert_null(mf_function(m, "f")->events[0].u.http.authorizer->function);
    cr_assert_eq(m->n_warnings, 3, "warnings:%s", mt_warnings_text(m));
    w = mt_warning(m, "aws_iam authorizers are not enforced locally");
    cr_assert_not_null(w);
    cr_assert_str_eq(w->hint, "requests to this route are passed through without the check");
    cr_assert_eq(w->line, 17);
    mf_free(m);
}

static const struct mt_error_row authorizer_errors[] = {
    {"unknown httpApi authorizer with a did-you-mean",
     AUTH_HEAD "functions:\n  auth:\n    handler: h.a\n  f:\n    handler: h.main\n    events:\n"
               "      - httpApi:\n          method: get\n          path: /x\n"
               "          authorizer: jwtAuht\n",
     "unknown httpApi authorizer 'jwtAuht'", "did you mean 'jwtAuth'?", 26, 23},
    {"unknown httpApi authorizer",
     EVENTS "      - httpApi:\n          method: get\n          path: /x\n"
            "          authorizer:\n            name: nope\n",
     "unknown httpApi authorizer 'nope'", "define it under provider.httpApi.authorizers", 13, 13},
    {"REST authorizer function not in the service",
     EVENTS "      - http:\n          method: get\n          path: /x\n"
            "          authorizer: auht\n"
            "  auth:\n    handler: h.a\n",
     "authorizer function 'auht' is not a function of this service", "did you mean 'auth'?", 10,
     11},
    {"REST authorizer unknown type",
     EVENTS "      - http:\n          method: get\n          path: /x\n"
            "          authorizer:\n            name: a\n            type: cognito\n",
     "unknown authorizer type 'cognito'", "use token, request, cognito_user_pools or aws_iam", 13,
     13},
    {"authorizer without name",
     EVENTS "      - http:\n          method: get\n          path: /x\n"
            "          authorizer:\n            identitySource: x\n",
     "authorizer has no name", "add 'name:' naming the authorizer", 13, 13},
    {"jwt without audience",
     HEAD "  httpApi:\n    authorizers:\n      a:\n        type: jwt\n        issuerUrl: x\n",
     "authorizer 'a': missing audience", "a JWT authorizer needs issuerUrl and audience", 8, 9},
    {"jwt without issuer", HEAD "  httpApi:\n    authorizers:\n      a:\n        audience: x\n",
     "authorizer 'a': missing issuerUrl", "a JWT authorizer needs issuerUrl and audience", 8, 9},
    {"unknown authorizer type",
     HEAD "  httpApi:\n    authorizers:\n      a:\n        type: lambda\n",
     "authorizer 'a': unknown type 'lambda'", "use 'jwt' or 'request'", 8, 15},
    {"request authorizer without function",
     HEAD "  httpApi:\n    authorizers:\n      a:\n        type: request\n",
     "authorizer 'a': a request authorizer needs functionName", "add 'functionName: <function>'", 8,
     9},
    {"request authorizer naming no function",
     HEAD "  httpApi:\n    authorizers:\n      a:\n        type: request\n"
          "        functionName: nope\n"
          "functions:\n  nop:\n    handler: h.x\n",
     "authorizer function 'nope' is not a function of this service", "did you mean 'nop'?", 8, 9},
    {"request authorizer payload version",
     HEAD "  httpApi:\n    authorizers:\n      a:\n        type: request\n"
          "        functionName: f\n        payloadVersion: '3.0'\n",
     "authorizer 'a': unknown payloadVersion '3.0'", "use '1.0' or '2.0'", 10, 25},
    {"authorizers a list", HEAD "  httpApi:\n    authorizers: [a]\n",
     "provider.httpApi.authorizers must be a map, not a list", NULL, 6, 18},
};

Test(mfevents, authorizer_errors)
{
    CHECK_ERRORS(authorizer_errors);
}
