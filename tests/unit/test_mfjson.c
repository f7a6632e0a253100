/* mfjson: mf_to_json(), the resolved model as `fnctl validate --print
 * --json` prints it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mf_testutil.h"

MT_SUITE(mfjson);


/* --- mf_to_json --- */

static void assert_keys(const json_t *o, const char *const *keys, const char *what)
{
    size_t n = 0;
    cr_assert(json_is_object(o), "%s is not an object", what);
    for (; keys[n]; n++)
        cr_assert_not_null(json_object_get(o, keys[n]), "%s has no '%s'", what, keys[n]);
    cr_assert_eq(json_object_size(o), n, "%s has %zu keys, want %zu", what, json_object_size(o), n);
}

Test(mfjson, to_json_shape)
{
    struct manifest *m = load_ok(HEAD "  httpApi:\n"
                                      "    cors: true\n"
                                      "  environment:\n"
                                      "    A: a\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    reservedConcurrency: 3\n"
                                      "    events:\n"
                                      "      - httpApi: GET /x\n"
                                      "      - http:\n"
                                      "          method: get\n"
                                      "          path: /r\n"
                                      "          cors: true\n"
                                      "      - s3: uploads\n"
                                      "      - sqs: !GetAtt Jobs.Arn\n"
                                      "      - schedule: rate(1 hour)\n"
                                      "      - sns: t\n"
                                      "resources:\n"
                                      "  Resources:\n"
                                      "    Jobs:\n"
                                      "      Type: AWS::SQS::Queue\n"
                                      "      Properties:\n"
                                      "        QueueName: jobs\n"
                                      "        RedrivePolicy:\n"
                                      "          deadLetterTargetArn: !GetAtt Dlq.Arn\n"
                                      "          maxReceiveCount: 4\n"
                                      "    Dlq:\n"
                                      "      Type: AWS::SQS::Queue\n");
    json_t *o = mf_to_json(m);
    static const char *const top[] = {"service",     "file",      "stage",  "region",
                                      "runtime",     "functions", "queues", "buckets",
                                      "httpApiCors", "warnings",  NULL};
    assert_keys(o, top, "model");
    cr_assert_str_eq(json_string_value(json_object_get(o, "service")), "svc");
    cr_assert_str_eq(json_string_value(json_object_get(o, "file")), manifest_path);
    cr_assert_str_eq(json_string_value(json_object_get(o, "stage")), "dev");
    cr_assert_str_eq(json_string_value(json_object_get(o, "region")), "us-east-1");
    cr_assert_str_eq(json_string_value(json_object_get(o, "runtime")), "nodejs20.x");

    json_t *f = json_object_get(json_object_get(o, "functions"), "f");
    static const char *const fkeys[] = {
        "name",
        "handler",
        "image",
        "runtime",
        "architecture",
        "memorySize",
        "timeout",
        "environment",
        "reservedConcurrency",
        "provisionedConcurrency",
        "maximumRetryAttempts",
        "onFailure",
        "events",
        NULL,
    };
    assert_keys(f, fkeys, "function");
    cr_assert_str_eq(json_string_value(json_object_get(f, "name")), "svc-dev-f");
    cr_assert(json_is_null(json_object_get(f, "image")));
    cr_assert_eq(json_integer_value(json_object_get(f, "memorySize")), 1024);
    cr_assert_eq(json_integer_value(json_object_get(f, "reservedConcurrency")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "environment"), "A")),
                     "a");

    json_t *events = json_object_get(f, "events");
    cr_assert_eq(json_array_size(events), 5);
    static const char *const httpapi_keys[] = {"type",    "line",       "method", "path",
                                               "payload", "authorizer", NULL};
    static const char *const http_keys[] = {"type",    "line",  "method",     "path", "cors",
                                            "private", "async", "authorizer", NULL};
    static const char *const s3_keys[] = {"type",   "line",   "bucket",   "events",
                                          "prefix", "suffix", "existing", NULL};
    static const char *const sqs_keys[] = {"type",
                                           "line",
                                           "arn",
                                           "queue",
                                           "batchSize",
                                           "maximumBatchingWindow",
                                           "reportBatchItemFailures",
                                           "enabled",
                                           NULL};
    static const char *const schedule_keys[] = {"type",  "line", "rates", "enabled",
                                                "input", "name", NULL};
    static const char *const cors_keys[] = {
        "origins", "headers", "methods", "exposeHeaders", "allowCredentials", "maxAge", NULL};
    assert_keys(json_array_get(events, 0), httpapi_keys, "httpApi event");
    assert_keys(json_array_get(events, 1), http_keys, "http event");
    assert_keys(json_array_get(events, 2), s3_keys, "s3 event");
    assert_keys(json_array_get(events, 3), sqs_keys, "sqs event");
    assert_keys(json_array_get(events, 4), schedule_keys, "schedule event");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 0), "type")),
                     "httpApi");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(events, 0), "line")), 14);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 3), "queue")),
                     "jobs");
    assert_keys(json_object_get(json_array_get(events, 1), "cors"), cors_keys, "http cors");
    assert_keys(json_object_get(o, "httpApiCors"), cors_keys, "httpApiCors");

    json_t *queues = json_object_get(o, "queues");
    cr_assert_eq(json_object_size(queues), 2);
    static const char *const queue_keys[] = {"logicalId",
                                             "arn",
                                             "url",
                                             "fifo",
                                             "visibilityTimeout",
                                             "delaySeconds",
                                             "messageRetentionPeriod",
                                             "deadLetterQueue",
                                             "maxReceiveCount",
                                             NULL};
    json_t *jobs = json_object_get(queues, "jobs");
    assert_keys(jobs, queue_keys, "queue with a DLQ");
    cr_assert_str_eq(json_string_value(json_object_get(jobs, "deadLetterQueue")), "svc-dev-Dlq");
    cr_assert_eq(json_integer_value(json_object_get(jobs, "maxReceiveCount")), 4);
    cr_assert_null(json_object_get(json_object_get(queues, "svc-dev-Dlq"), "maxReceiveCount"));

    json_t *buckets = json_object_get(o, "buckets");
    cr_assert_eq(json_array_size(buckets), 1);
    cr_assert_str_eq(json_string_value(json_array_get(buckets, 0)), "uploads");

    json_t *warnings = json_object_get(o, "warnings");
    static const char *const warning_keys[] = {"file", "line", "column", "message", "hint", NULL};
    cr_assert_eq(json_array_size(warnings), 1);
    assert_keys(json_array_get(warnings, 0), warning_keys, "warning");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(warnings, 0), "message")),
                     "function 'f': 'sns' events are not emulated");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(warnings, 0), "line")), 22);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(warnings, 0), "column")), 9);
    json_decref(o);
    mf_free(m);
}

Test(mfjson, to_json_without_cors_is_false)
{
    struct manifest *m = load_ok(HEAD);
    json_t *o = mf_to_json(m);
    cr_assert(json_is_false(json_object_get(o, "httpApiCors")));
    cr_assert_eq(json_object_size(json_object_get(o, "functions")), 0);
    json_decref(o);
    mf_free(m);
}
