/* mfevents: every event error, located and with its hint; duplicate
 * routes; events and plugins fnctl does not emulate. Tables: the events of
 * function f (from line 9), the message, the hint, the line:column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mf_testutil.h"

MT_SUITE(mfevents_errors);


/* --- event errors --- */

#define EV_ROUTE_HINT "write '*', 'GET /orders/{id}', or a map with method and path"
#define HTTP_HINT "write 'GET /orders/{id}' or a map with method and path"
#define SUPPORTED "supported: 'httpApi', 'http', 's3', 'sqs', 'schedule'"
#define SCHED_HINT "e.g. 'rate(5 minutes)', 'rate(1 hour)' or 'cron(0 12 * * ? *)'"

static const struct mt_error_row event_errors[] = {
    /* the events list */
    {"unknown type with a did-you-mean", EVENTS "      - htttp: GET /x\n",
     "function 'f': unknown event type 'htttp'", "did you mean 'http'? " SUPPORTED, 9, 9},
    {"unknown type with a did-you-mean (case)", EVENTS "      - httpapi: GET /x\n",
     "function 'f': unknown event type 'httpapi'", "did you mean 'httpApi'? " SUPPORTED, 9, 9},
    {"unknown type", EVENTS "      - foo: x\n", "function 'f': unknown event type 'foo'", SUPPORTED,
     9, 9},
    {"two types in one item", EVENTS "      - {httpApi: GET /x, http: GET /y}\n",
     "function 'f': event 1 must have exactly one type",
     "each event is a map with one key, e.g. '- httpApi: GET /hello'", 9, 9},
    {"a number as an event", EVENTS "      - httpApi: GET /a\n      - 5\n",
     "function 'f': event 2 must have exactly one type",
     "each event is a map with one key, e.g. '- httpApi: GET /hello'", 10, 9},
    {"events as a map", HEAD "functions:\n  f:\n    handler: h.main\n    events: {}\n",
     "function 'f': events must be a list, not a map",
     "write events as a list: '- httpApi: GET /hello'", 8, 13},
    {"bare emulated type", EVENTS "      - httpApi\n",
     "function 'f': 'httpApi' event has no settings",
     "write '- httpApi: GET /hello' (an event type with its settings)", 9, 9},
    {"sqs without settings", EVENTS "      - sqs:\n", "function 'f': 'sqs' event has no settings",
     NULL, 9, 13},
    /* httpApi */
    {"httpApi without route", EVENTS "      - httpApi:\n", "httpApi event has no route",
     "write '- httpApi: GET /path' or '- httpApi: \"*\"'", 9, 9},
    {"httpApi path without /", EVENTS "      - httpApi: get x\n", "invalid httpApi route 'get x'",
     EV_ROUTE_HINT, 9, 18},
    {"httpApi unknown method", EVENTS "      - httpApi: FETCH /x\n",
     "invalid httpApi route 'FETCH /x'", EV_ROUTE_HINT, 9, 18},
    {"httpApi route with a space", EVENTS "      - httpApi: GET /x y\n",
     "invalid httpApi route 'GET /x y'", EV_ROUTE_HINT, 9, 18},
    {"httpApi list", EVENTS "      - httpApi: [a]\n",
     "httpApi event must be a string or a map, not a list", EV_ROUTE_HINT, 9, 18},
    {"httpApi object without path", EVENTS "      - httpApi:\n          method: get\n",
     "httpApi event has no path", EV_ROUTE_HINT, 10, 11},
    {"httpApi object without method", EVENTS "      - httpApi:\n          path: /x\n",
     "missing \"method\" property in function 'f' for httpApi event",
     "add 'method: GET' (or '*' for any method)", 10, 11},
    {"httpApi object path without /",
     EVENTS "      - httpApi:\n          path: x\n          method: get\n",
     "invalid httpApi path 'x'", "httpApi paths start with '/', e.g. '/orders/{id}'", 10, 17},
    {"httpApi catch-all with a method",
     EVENTS "      - httpApi:\n          path: '*'\n          method: get\n",
     "httpApi path '*' with method 'get'", "the catch-all path '*' takes method '*' (or none)", 11,
     19},
    {"httpApi object unknown method",
     EVENTS "      - httpApi:\n          path: /x\n          method: fetch\n",
     "unknown HTTP method 'fetch'", "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or '*'", 11,
     19},
    {"httpApi payload version",
     HEAD "functions:\n  f:\n    handler: h.main\n    httpApi:\n"
          "      payload: '3.0'\n",
     "unknown httpApi payload version '3.0'", "use '1.0' or '2.0'", 9, 16},
    /* http */
    {"http without path", EVENTS "      - http: GET\n", "invalid http event 'GET'", HTTP_HINT, 9,
     15},
    {"http unknown method", EVENTS "      - http: FETCH /x\n", "invalid http event 'FETCH /x'",
     HTTP_HINT, 9, 15},
    {"http list", EVENTS "      - http: [1]\n", "http event must be a string or a map, not a list",
     HTTP_HINT, 9, 15},
    {"http object without method", EVENTS "      - http:\n          path: /x\n",
     "http event has no method", HTTP_HINT, 10, 11},
    {"http object without path", EVENTS "      - http:\n          method: get\n",
     "http event has no path", HTTP_HINT, 10, 11},
    {"http object unknown method",
     EVENTS "      - http:\n          path: /x\n          method: fetch\n",
     "unknown HTTP method 'fetch'", "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY", 11,
     19},
    {"http cors not a boolean",
     EVENTS "      - http:\n          path: /x\n          method: get\n          cors: yes\n",
     "cors must be true, false or a map, not 'yes'", "write 'cors: true' or a map of settings", 12,
     17},
    {"http cors list",
     EVENTS "      - http:\n          path: /x\n          method: get\n          cors: [a]\n",
     "cors must be true, false or a map, not a list", "write 'cors: true' or a map of settings", 12,
     17},
    /* s3 */
    {"s3 invalid bucket name", EVENTS "      - s3: Bad_Bucket\n",
     "invalid bucket name 'Bad_Bucket'", BUCKET_HINT, 9, 13},
    {"s3 bucket name like an IP address", EVENTS "      - s3: 192.168.1.1\n",
     "invalid bucket name '192.168.1.1'", BUCKET_HINT, 9, 13},
    {"s3 object without bucket", EVENTS "      - s3:\n          event: s3:ObjectCreated:*\n",
     "s3 event has no bucket", "add 'bucket: my-bucket'", 10, 11},
    {"s3 bucket list", EVENTS "      - s3:\n          bucket: [a]\n",
     "s3 event bucket must be a string, not a list",
     "write 's3: my-bucket' or a map with bucket and event", 10, 19},
    {"s3 event type without s3:",
     EVENTS "      - s3:\n          bucket: okbucket\n          event: ObjectCreated\n",
     "invalid s3 event type 'ObjectCreated'",
     "e.g. 's3:ObjectCreated:*' or 's3:ObjectRemoved:Delete'", 11, 18},
    {"s3 rules as a map",
     EVENTS "      - s3:\n          bucket: okbucket\n          rules: {prefix: a}\n",
     "s3 event rules must be a list, not a map", "write rules as a list: '- prefix: uploads/'", 11,
     18},
    {"s3 rule with two keys",
     EVENTS "      - s3:\n          bucket: okbucket\n          rules:\n"
            "            - prefix: a\n              suffix: b\n",
     "invalid s3 event rule", "each rule is '- prefix: x/' or '- suffix: .jpg'", 12, 15},
    {"s3 bucket from an unresolvable variable", EVENTS "      - s3: ${ssm:/bucket}\n",
     "s3 event bucket name is empty",
     "its value comes from a variable fnctl cannot resolve locally (see the warnings); add a "
     "fallback",
     9, 13},
    /* sqs */
    {"sqs queue name instead of an ARN", EVENTS "      - sqs: my-queue\n",
     "sqs event needs a queue ARN, not a string 'my-queue'",
     "give the queue's ARN, e.g. !GetAtt MyQueue.Arn or "
     "arn:aws:sqs:us-east-1:123456789012:my-queue",
     9, 14},
    {"sqs ARN of another service", EVENTS "      - sqs: arn:aws:sns:us-east-1:1:topic\n",
     "'arn:aws:sns:us-east-1:1:topic' is not an SQS queue ARN",
     "an SQS queue ARN looks like arn:aws:sqs:<region>:<account>:<name>", 9, 14},
    {"sqs object without arn", EVENTS "      - sqs:\n          batchSize: 5\n",
     "sqs event has no arn", "add 'arn: !GetAtt MyQueue.Arn'", 10, 11},
    {"sqs batch over 10 without a window",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n          batchSize: 20\n",
     "sqs event: batchSize 20 needs a maximumBatchingWindow",
     "set maximumBatchingWindow (1-300 seconds) for batches over 10", 10, 11},
    {"sqs batch out of range",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n          batchSize: 20000\n"
            "          maximumBatchingWindow: 1\n",
     "sqs event: 'batchSize' is 20000, out of range", "allowed: 1 to 10000", 11, 22},
    {"sqs batch zero",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n          batchSize: 0\n",
     "sqs event: 'batchSize' is 0, out of range", "allowed: 1 to 10000", 11, 22},
    {"sqs FIFO batch over 10",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q.fifo\n          batchSize: 20\n"
            "          maximumBatchingWindow: 1\n",
     "sqs event: batchSize 20 is over 10 for FIFO queue 'q.fifo'",
     "FIFO queues deliver at most 10 messages a batch", 10, 11},
    {"sqs unknown functionResponseType",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n"
            "          functionResponseType: Partial\n",
     "unknown functionResponseType 'Partial'", "the only value is ReportBatchItemFailures", 11, 33},
    {"sqs batchSize not a number",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n          batchSize: ten\n",
     "sqs event: 'batchSize' must be a whole number, not a string 'ten'", NULL, 11, 22},
    {"sqs window out of range",
     EVENTS "      - sqs:\n          arn: arn:aws:sqs:us-east-1:1:q\n"
            "          maximumBatchingWindow: 301\n",
     "sqs event: 'maximumBatchingWindow' is 301, out of range", "allowed: 0 to 300", 11, 34},
    /* schedule */
    {"schedule rate(1 minutes)", EVENTS "      - schedule: rate(1 minutes)\n",
     "invalid schedule expression 'rate(1 minutes)'", SCHED_HINT, 9, 19},
    {"schedule rate(0 minutes)", EVENTS "      - schedule: rate(0 minutes)\n",
     "invalid schedule expression 'rate(0 minutes)'", SCHED_HINT, 9, 19},
    {"schedule object without rate", EVENTS "      - schedule:\n          enabled: true\n",
     "schedule event has no rate", SCHED_HINT, 10, 11},
    {"schedule empty rate list", EVENTS "      - schedule:\n          rate: []\n",
     "schedule event has no rate", SCHED_HINT, 10, 17},
    {"schedule bad rate in a list",
     EVENTS "      - schedule:\n          rate: [rate(5 minutes), rate(1 minutes)]\n",
     "invalid schedule expression 'rate(1 minutes)'", SCHED_HINT, 10, 35},
    {"schedule name with several rates",
     EVENTS "      - schedule:\n          rate: [rate(5 minutes), rate(1 hour)]\n"
            "          name: two\n",
     "schedule event: 'name' cannot be used with several rates", "remove 'name' or keep one rate",
     11, 17},
    {"schedule input not JSON",
     EVENTS "      - schedule:\n          rate: rate(5 minutes)\n          input: '{bad'\n",
     "schedule input is not valid JSON: invalid JSON: string or '}' expected near 'bad'",
     "input is JSON text, or a map written in YAML", 11, 18},
};

Test(mfevents_errors, event_errors)
{
    CHECK_ERRORS(event_errors);
}

Test(mfevents_errors, duplicate_http_api_routes)
{
    static const struct mt_error_row rows[] = {
        {"same function",
         EVENTS "      - httpApi: GET /x\n"
                "      - httpApi:\n"
                "          path: /x\n"
                "          method: get\n",
         "duplicate httpApi route 'GET /x'", "function 'f' already has it (line 9)", 11, 11},
        {"another function",
         EVENTS "      - httpApi: 'POST /orders'\n"
                "  g:\n"
                "    handler: h.g\n"
                "    events:\n"
                "      - httpApi: 'post /orders'\n",
         "duplicate httpApi route 'POST /orders'", "function 'f' already has it (line 9)", 13, 18},
        {"two catch-alls",
         EVENTS "      - httpApi: '*'\n"
                "      - httpApi:\n"
                "          path: '*'\n",
         "duplicate httpApi route 'ANY $default'", "function 'f' already has it (line 9)", 11, 11},
    };
    CHECK_ERRORS(rows);

    /* the same path with another method is another route */
    struct manifest *m = load_ok(EVENTS "      - httpApi: GET /x\n"
                                        "      - httpApi: POST /x\n"
                                        "      - httpApi: ANY /x\n");
    cr_assert_eq(mf_function(m, "f")->n_events, 3);
    mf_free(m);
}

/* --- events fnctl does not emulate, plugins --- */

Test(mfevents_errors, events_not_emulated_are_warnings_naming_them)
{
    struct manifest *m = load_ok(EVENTS "      - websocket: $connect\n"
                                        "      - sns: topic\n"
                                        "      - eventBridge:\n"
                                        "          pattern: {source: [x]}\n"
                                        "      - alexaSkill\n"
                                        "      - httpApi: GET /x\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_eq(f->n_events, 1, "only the httpApi event is in the model");
    cr_assert_eq(m->n_warnings, 4, "warnings:%s", mt_warnings_text(m));
    static const struct {
        const char *type;
        int line;
    } want[] = {{"websocket", 9}, {"sns", 10}, {"eventBridge", 11}, {"alexaSkill", 13}};
    for (size_t i = 0; i < 4; i++) {
        char *msg = xasprintf("function 'f': '%s' events are not emulated", want[i].type);
        cr_assert_str_eq(m->warnings[i].msg, msg);
        cr_assert_str_eq(m->warnings[i].hint,
                         "fnctl emulates httpApi, http, s3, sqs and schedule events; invoke the "
                         "function with 'fnctl invoke' to try it");
        cr_assert_str_eq(m->warnings[i].file, manifest_path);
        cr_assert_eq(m->warnings[i].line, want[i].line, "[%s]", want[i].type);
        cr_assert_eq(m->warnings[i].col, 9, "[%s]", want[i].type);
        free(msg);
    }
    mf_free(m);
}

Test(mfevents_errors, plugins_are_a_warning_naming_them)
{
    struct manifest *m = load_ok(HEAD "plugins:\n"
                                      "  - serverless-offline\n"
                                      "  - serverless-webpack\n");
    cr_assert_eq(m->plugins.n, 2);
    cr_assert_str_eq(m->plugins.v[0], "serverless-offline");
    cr_assert_str_eq(m->plugins.v[1], "serverless-webpack");
    cr_assert_eq(m->n_warnings, 1, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(m->warnings[0].msg,
                     "plugins are not run by fnctl: 'serverless-offline', 'serverless-webpack'");
    cr_assert_str_eq(m->warnings[0].hint,
                     "fnctl runs the service itself; what a plugin adds is not emulated");
    cr_assert_eq(m->warnings[0].line, 6);
    cr_assert_eq(m->warnings[0].col, 3);
    mf_free(m);

    m = load_ok(HEAD "plugins:\n"
                     "  localPath: ./plugins\n"
                     "  modules: [my-plugin]\n");
    cr_assert_eq(m->plugins.n, 1);
    cr_assert_not_null(mt_warning(m, "plugins are not run by fnctl: 'my-plugin'"));
    mf_free(m);
}

Test(mfevents_errors, with_plugins_unknown_event_types_and_keys_are_warnings)
{
    struct manifest *m = load_ok(HEAD "plugins: [serverless-step-functions]\n"
                                      "stepFunctions: {}\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    events:\n"
                                      "      - stepTrigger: x\n");
    const struct fn_err *w =
        mt_warning(m, "function 'f': unknown event type 'stepTrigger' (from a plugin?) is ignored");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, SUPPORTED);
    cr_assert_eq(w->line, 11);
    cr_assert_eq(w->col, 9);
    w = mt_warning(m, "serverless.yml: unrecognized property 'stepFunctions'");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "if a plugin defines it, fnctl ignores it");
    cr_assert_eq(mf_function(m, "f")->n_events, 0);
    mf_free(m);
}

/* --- hints that contradict the checks --- */

Test(mfevents_errors, http_event_hint_shows_the_path_with_a_slash)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, EVENTS "      - http: GET\n", &m, &err), -1);
    cr_assert_str_eq(err.hint, "write 'GET /orders/{id}' or a map with method and path");
}
