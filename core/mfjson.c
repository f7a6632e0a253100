/* mfjson: the resolved manifest as JSON, for `fnctl validate --print`. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "manifest.h"
#include "banned.h"

static json_t *strvec_json(const struct strvec *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

static json_t *env_json(const struct strvec *env)
{
    json_t *o = json_object();
    for (size_t i = 0; i < env->n; i++) {
        const char *eq = strchr(env->v[i], '=');
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - env->v[i]), env->v[i]);
        json_object_set_new(o, name, json_string(eq + 1));
    }
    return o;
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *cors_json(const struct mf_cors *c)
{
    if (!c->enabled)
        return json_false();
    json_t *o = json_object();
    json_object_set_new(o, "origins", strvec_json(&c->origins));
    json_object_set_new(o, "headers", strvec_json(&c->headers));
    json_object_set_new(o, "methods", strvec_json(&c->methods));
    json_object_set_new(o, "exposeHeaders", strvec_json(&c->expose_headers));
    json_object_set_new(o, "allowCredentials", json_boolean(c->allow_credentials));
    json_object_set_new(o, "maxAge", c->max_age >= 0 ? json_integer(c->max_age) : json_null());
    if (c->cache_control)
        json_object_set_new(o, "cacheControl", json_string(c->cache_control));
    return o;
}

static json_t *authref_json(const struct mf_authref *a)
{
    if (!a)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "name", opt_str(a->name));
    json_object_set_new(o, "type", opt_str(a->type));
    json_object_set_new(o, "function", opt_str(a->function));
    json_object_set_new(o, "identitySource", opt_str(a->identity_source));
    json_object_set_new(o, "scopes", strvec_json(&a->scopes));
    return o;
}

static json_t *event_json(const struct mf_event *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(mf_event_kind_name(ev->kind)));
    json_object_set_new(o, "line", json_integer(ev->loc.line));
    switch (ev->kind) {
    case MF_EV_HTTPAPI:
        json_object_set_new(o, "method", json_string(ev->u.httpapi.method));
        json_object_set_new(o, "path", opt_str(ev->u.httpapi.path));
        json_object_set_new(o, "payload", json_string(ev->u.httpapi.payload));
        json_object_set_new(o, "authorizer", authref_json(ev->u.httpapi.authorizer));
        break;
    case MF_EV_HTTP:
        json_object_set_new(o, "method", json_string(ev->u.http.method));
        json_object_set_new(o, "path", json_string(ev->u.http.path));
        json_object_set_new(o, "cors", cors_json(&ev->u.http.cors));
        json_object_set_new(o, "private", json_boolean(ev->u.http.private_));
        json_object_set_new(o, "async", json_boolean(ev->u.http.async));
        json_object_set_new(o, "authorizer", authref_json(ev->u.http.authorizer));
        break;
    case MF_EV_S3:
        json_object_set_new(o, "bucket", json_string(ev->u.s3.bucket));
        json_object_set_new(o, "events", strvec_json(&ev->u.s3.events));
        json_object_set_new(o, "prefix", opt_str(ev->u.s3.prefix));
        json_object_set_new(o, "suffix", opt_str(ev->u.s3.suffix));
        json_object_set_new(o, "existing", json_boolean(ev->u.s3.existing));
        break;
    case MF_EV_SQS:
        json_object_set_new(o, "arn", json_string(ev->u.sqs.arn));
        json_object_set_new(o, "queue", json_string(ev->u.sqs.queue));
        json_object_set_new(o, "batchSize", json_integer(ev->u.sqs.batch_size));
        json_object_set_new(o, "maximumBatchingWindow", json_integer(ev->u.sqs.batch_window));
        json_object_set_new(o, "reportBatchItemFailures",
                            json_boolean(ev->u.sqs.report_batch_item_failures));
        json_object_set_new(o, "enabled", json_boolean(ev->u.sqs.enabled));
        break;
    case MF_EV_SCHEDULE:
        json_object_set_new(o, "rates", strvec_json(&ev->u.schedule.rates));
        json_object_set_new(o, "enabled", json_boolean(ev->u.schedule.enabled));
        json_object_set_new(o, "input", ev->u.schedule.input ? json_incref(ev->u.schedule.input)
                                                             : json_null());
        json_object_set_new(o, "name", opt_str(ev->u.schedule.name));
        break;
    }
    return o;
}

static json_t *function_json(const struct mf_function *fn)
{
    json_t *o = json_object();
    json_t *events = json_array();
    json_object_set_new(o, "name", json_string(fn->name));
    json_object_set_new(o, "handler", opt_str(fn->handler));
    json_object_set_new(o, "image", opt_str(fn->image));
    json_object_set_new(o, "runtime", opt_str(fn->runtime));
    json_object_set_new(o, "architecture", json_string(fn->architecture));
    json_object_set_new(o, "memorySize", json_integer(fn->memory));
    json_object_set_new(o, "timeout", json_integer(fn->timeout));
    json_object_set_new(o, "environment", env_json(&fn->env));
    json_object_set_new(o, "reservedConcurrency", fn->reserved_concurrency >= 0
                                                      ? json_integer(fn->reserved_concurrency)
                                                      : json_null());
    json_object_set_new(o, "provisionedConcurrency", json_integer(fn->provisioned_concurrency));
    json_object_set_new(o, "maximumRetryAttempts", json_integer(fn->max_retry));
    json_object_set_new(o, "onFailure", opt_str(fn->on_failure ? fn->on_failure : fn->on_error));
    for (size_t i = 0; i < fn->n_events; i++)
        json_array_append_new(events, event_json(&fn->events[i]));
    json_object_set_new(o, "events", events);
    return o;
}

json_t *mf_to_json(const struct manifest *m)
{
    json_t *o = json_object(), *fns = json_object(), *queues = json_object();
    json_t *buckets = json_array(), *warnings = json_array();

    json_object_set_new(o, "service", json_string(m->service));
    json_object_set_new(o, "file", json_string(m->path));
    json_object_set_new(o, "stage", json_string(m->stage));
    json_object_set_new(o, "region", json_string(m->region));
    json_object_set_new(o, "runtime", opt_str(m->runtime));
    for (size_t i = 0; i < m->n_functions; i++)
        json_object_set_new(fns, m->functions[i].key, function_json(&m->functions[i]));
    json_object_set_new(o, "functions", fns);
    for (size_t i = 0; i < m->n_queues; i++) {
        const struct mf_queue *q = &m->queues[i];
        json_t *jq = json_object();
        json_object_set_new(jq, "logicalId", opt_str(q->logical_id));
        json_object_set_new(jq, "arn", json_string(q->arn));
        json_object_set_new(jq, "url", json_string(q->url));
        json_object_set_new(jq, "fifo", json_boolean(q->fifo));
        json_object_set_new(jq, "visibilityTimeout", json_integer(q->visibility_timeout));
        json_object_set_new(jq, "delaySeconds", json_integer(q->delay));
        json_object_set_new(jq, "messageRetentionPeriod", json_integer(q->retention));
        json_object_set_new(jq, "deadLetterQueue", opt_str(q->dlq));
        if (q->dlq)
            json_object_set_new(jq, "maxReceiveCount", json_integer(q->max_receive_count));
        json_object_set_new(queues, q->name, jq);
    }
    json_object_set_new(o, "queues", queues);
    for (size_t i = 0; i < m->n_buckets; i++)
        json_array_append_new(buckets, json_string(m->buckets[i].name));
    json_object_set_new(o, "buckets", buckets);
    json_object_set_new(o, "httpApiCors", cors_json(&m->httpapi_cors));
    for (size_t i = 0; i < m->n_warnings; i++) {
        json_array_append_new(warnings, fj_err_object(&m->warnings[i]));
    }
    json_object_set_new(o, "warnings", warnings);
    return o;
}
