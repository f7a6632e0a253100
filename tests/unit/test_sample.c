/* sample: every event type against AWS's own sample of it (the corpus),
 * field for field: the same key paths with the same JSON types. Differences
 * are listed per case with the reason, so a new one fails the test. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sample.h"
#include "strvec.h"
#include "xalloc.h"

/* 2020-05-15T06:01:09.693Z: the corpus REST sample's requestTimeEpoch */
#define WHEN 1589522469693LL

/* Objects whose keys are data (header names, attribute names), not shape. */
static const char *const maps[] = { "headers", "multiValueHeaders", "queryStringParameters",
                                    "multiValueQueryStringParameters", "pathParameters",
                                    "stageVariables", "messageAttributes", "detail",
                                    "authorizer", NULL };

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "real";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static bool is_map(const char *key)
{
    for (size_t i = 0; maps[i]; i++)
        if (!strcmp(key, maps[i]))
            return true;
    return false;
}

/* Appends "path:type" for v and everything under it (arrays: their first
 * element as path[]). */
static void shape(const json_t *v, const char *path, const char *key, struct strvec *out)
{
    strvec_pushf(out, "%s:%s", path, type_name(v));
    if (json_is_object(v) && !(key && is_map(key))) {
        const char *k;
        json_t *child;
        json_object_foreach((json_t *)v, k, child) {
            char *p = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
            shape(child, p, k, out);
            free(p);
        }
    } else if (json_is_array(v) && json_array_size(v)) {
        char *p = xasprintf("%s[]", path);
        shape(json_array_get(v, 0), p, NULL, out);
        free(p);
    }
}

static json_t *corpus(const char *name)
{
    char path[512];
    json_error_t jerr;
    snprintf(path, sizeof(path), "%s/events/%s", FNCTL_CORPUS, name);
    json_t *v = json_load_file(path, JSON_PRESERVE_ORDER, &jerr);
    cr_assert(v, "%s: %s", path, jerr.text);
    return v;
}

static bool prefixed(const char *line, const char *const *prefixes)
{
    for (size_t i = 0; prefixes && prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if (!strncmp(line, prefixes[i], n) && (line[n] == ':' || line[n] == '.' || line[n] == '['))
            return true;
    }
    return false;
}

/* The line for path in sv (any type), or NULL. */
static const char *find_path(const struct strvec *sv, const char *line)
{
    size_t n = strrchr(line, ':') - line;
    for (size_t i = 0; i < sv->n; i++)
        if (!strncmp(sv->v[i], line, n) && sv->v[i][n] == ':')
            return sv->v[i];
    return NULL;
}

/* ours and AWS's have the same key paths and types, except:
 * - paths under only_ours / only_aws (each with its reason at the call);
 * - a null of ours where AWS's sample has a value: AWS sends null for an
 *   absent value (identity fields without IAM auth, no stage variables). */
static void assert_same_shape(const json_t *ours, const json_t *aws, const char *const *only_ours,
                              const char *const *only_aws)
{
    struct strvec a = STRVEC_INIT, b = STRVEC_INIT;
    shape(ours, "", NULL, &a);
    shape(aws, "", NULL, &b);
    for (size_t i = 0; i < a.n; i++) {
        if (strvec_find(&b, a.v[i]) >= 0 || prefixed(a.v[i], only_ours))
            continue;
        const char *theirs = find_path(&b, a.v[i]);
        bool null_for_value = theirs && strstr(a.v[i], ":null") &&
                              strcmp(strrchr(theirs, ':'), ":null") != 0;
        cr_assert(null_for_value, "ours has '%s'; AWS's sample has '%s'", a.v[i],
                  theirs ? theirs : "nothing there");
    }
    for (size_t i = 0; i < b.n; i++) {
        if (strvec_find(&a, b.v[i]) >= 0 || prefixed(b.v[i], only_aws))
            continue;
        const char *mine = find_path(&a, b.v[i]);
        cr_assert(mine && strstr(mine, ":null"), "AWS's sample has '%s'; ours has '%s'", b.v[i],
                  mine ? mine : "nothing there");
    }
    strvec_clear(&a);
    strvec_clear(&b);
}

/* The keys both objects have appear in the same order. */
static void assert_same_order(const json_t *ours, const json_t *aws)
{
    const char *key, *prev = NULL;
    json_t *v;
    size_t last = 0;
    json_object_foreach((json_t *)ours, key, v) {
        size_t pos = 0;
        const char *k2;
        json_t *v2;
        bool found = false;
        json_object_foreach((json_t *)aws, k2, v2) {
            if (!strcmp(k2, key)) {
                found = true;
                break;
            }
            pos++;
        }
        if (!found)
            continue;
        cr_assert(pos >= last, "'%s' comes after '%s' in AWS's sample", prev, key);
        last = pos;
        prev = key;
    }
}

static json_t *make(enum sample_type type, struct sample_opts *o)
{
    struct fn_err err = FN_ERR_INIT;
    json_t *ev = NULL;
    if (!o->now_ms)
        o->now_ms = WHEN;
    cr_assert_eq(sample_event(type, o, &ev, &err), 0, "%s: %s", sample_type_name(type), err.msg);
    cr_assert(ev);
    return ev;
}

static const char *str_at(const json_t *root, const char *path)
{
    /* a dotted path; "Records" steps into its first element */
    char *copy = xstrdup(path), *save = NULL;
    const json_t *v = root;
    for (char *part = strtok_r(copy, ".", &save); part && v; part = strtok_r(NULL, ".", &save)) {
        v = json_object_get(v, part);
        if (json_is_array(v))
            v = json_array_get(v, 0);
    }
    free(copy);
    cr_assert(json_is_string(v), "%s is not a string", path);
    return json_string_value(v);
}

static json_t *at(const json_t *root, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    json_t *v = (json_t *)root;
    for (char *part = strtok_r(copy, ".", &save); part && v; part = strtok_r(NULL, ".", &save)) {
        v = json_object_get(v, part);
        if (json_is_array(v) && !strcmp(part, "Records"))
            v = json_array_get(v, 0);
    }
    free(copy);
    cr_assert(v, "no %s", path);
    return v;
}

static bool matches(const char *s, const char *pattern)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    bool ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* --- shapes against the corpus --- */

Test(sample_shape, apigw_http_get_matches_the_no_authorizer_sample)
{
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_APIGW_HTTP, &o), *aws = corpus("apigw-v2-request-no-authorizer.json");
    /* authentication: only with mutual TLS */
    const char *const only_aws[] = { "requestContext.authentication", NULL };
    assert_same_shape(ev, aws, NULL, only_aws);
    assert_same_order(ev, aws);
    assert_same_order(json_object_get(ev, "requestContext"), json_object_get(aws, "requestContext"));
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, apigw_http_post_matches_the_jwt_authorizer_sample)
{
    struct sample_opts o = { .method = "POST", .path = "/orders", .query = "a=1&a=2",
                             .body = "{\"id\": 1}" };
    json_t *ev = make(SAMPLE_APIGW_HTTP, &o), *aws = corpus("apigw-v2-request-jwt-authorizer.json");
    /* cookies: only with a Cookie header; pathParameters: only on a route
     * with {params} ($default has none); authorizer, authentication: only
     * with one; stageVariables: HTTP API's $default stage has none */
    const char *const only_aws[] = { "cookies", "pathParameters", "requestContext.authorizer",
                                     "requestContext.authentication", "stageVariables", NULL };
    assert_same_shape(ev, aws, NULL, only_aws);
    assert_same_order(ev, aws);
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, apigw_rest_matches_the_rest_sample)
{
    struct sample_opts o = { .method = "POST", .path = "/hello/world", .query = "name=me",
                             .body = "{\"a\": 1}" };
    json_t *ev = make(SAMPLE_APIGW_REST, &o), *aws = corpus("apigw-request.json");
    /* principalOrgId and isBase64Encoded: sent by API Gateway today, newer
     * than the sample */
    const char *const only_ours[] = { "requestContext.identity.principalOrgId", "isBase64Encoded",
                                      NULL };
    /* apiKey(Id): only on methods that require a key; clientCert: mutual
     * TLS; authorizer: only with one */
    const char *const only_aws[] = { "requestContext.identity.apiKey",
                                     "requestContext.identity.apiKeyId",
                                     "requestContext.identity.clientCert",
                                     "requestContext.authorizer", NULL };
    assert_same_shape(ev, aws, only_ours, only_aws);
    assert_same_order(ev, aws);
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, s3_put_matches_the_s3_sample_exactly)
{
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_S3_PUT, &o), *aws = corpus("s3-event.json");
    assert_same_shape(ev, aws, NULL, NULL);
    assert_same_order(at(ev, "Records"), at(aws, "Records"));
    assert_same_order(at(ev, "Records.s3.object"), at(aws, "Records.s3.object"));
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, s3_delete_is_the_s3_sample_without_size_and_etag)
{
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_S3_DELETE, &o), *aws = corpus("s3-event.json");
    /* a deleted object has no size and no ETag any more */
    const char *const only_aws[] = { "Records[].s3.object.size", "Records[].s3.object.eTag", NULL };
    assert_same_shape(ev, aws, NULL, only_aws);
    cr_assert_str_eq(str_at(ev, "Records.eventName"), "ObjectRemoved:Delete");
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, sqs_matches_the_sqs_sample_but_for_attribute_md5)
{
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_SQS, &o), *aws = corpus("sqs-event.json");
    /* md5OfMessageAttributes: only when the message has attributes */
    const char *const only_aws[] = { "Records[].md5OfMessageAttributes", NULL };
    assert_same_shape(ev, aws, NULL, only_aws);
    assert_same_order(at(ev, "Records"), at(aws, "Records"));
    assert_same_order(at(ev, "Records.attributes"), at(aws, "Records.attributes"));
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, sqs_record_with_attributes_matches_the_sample_exactly)
{
    json_t *aws = corpus("sqs-event.json");
    json_t *attrs = at(aws, "Records.messageAttributes");
    struct sample_sqs in = {
        .message_id = "m", .receipt_handle = "r", .body = "b",
        .md5_of_body = "92eb5ffee6ae2fec3ad71c777531578f", .message_attributes = attrs,
        .md5_of_attributes = "582c92c5c5b6ac403040a4f3ab3115c9",
        .queue_arn = "arn:aws:sqs:us-west-2:000000000000:q", .region = "us-west-2",
        .receive_count = 2, .sent_ms = 1, .first_receive_ms = 2, .sender_id = "000000000000",
    };
    json_t *ev = sample_records(sample_sqs_record(&in));
    assert_same_shape(ev, aws, NULL, NULL);
    cr_assert(json_equal(at(ev, "Records.messageAttributes"), attrs));
    cr_assert_str_eq(str_at(ev, "Records.attributes.ApproximateReceiveCount"), "2");
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, token_authorizer_matches_the_custom_auth_sample_exactly)
{
    struct sample_opts o = { .method = "get", .path = "/orders/1", .token = "Bearer xyz" };
    json_t *ev = make(SAMPLE_TOKEN_AUTH, &o), *aws = corpus("apigw-custom-auth-request.json");
    assert_same_shape(ev, aws, NULL, NULL);
    assert_same_order(ev, aws);
    cr_assert_str_eq(str_at(ev, "authorizationToken"), "Bearer xyz");
    cr_assert_str_eq(str_at(ev, "methodArn"),
                     "arn:aws:execute-api:us-east-1:000000000000:fnctllocal/dev/GET/orders/1");
    json_decref(ev);
    json_decref(aws);
}

Test(sample_shape, schedule_has_exactly_eventbridges_fields_in_order)
{
    /* no corpus file: the fields corpus/README.md lists */
    static const char *const fields[][2] = {
        { "version", "string" }, { "id", "string" },     { "detail-type", "string" },
        { "source", "string" },  { "account", "string" }, { "time", "string" },
        { "region", "string" },  { "resources", "array" }, { "detail", "object" },
    };
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_SCHEDULE, &o);
    const char *key;
    json_t *v;
    size_t i = 0;
    json_object_foreach(ev, key, v) {
        cr_assert_lt(i, 9, "extra field '%s'", key);
        cr_assert_str_eq(key, fields[i][0]);
        cr_assert_str_eq(type_name(v), fields[i][1], "%s", key);
        i++;
    }
    cr_assert_eq(i, 9);
    cr_assert_str_eq(str_at(ev, "version"), "0");
    cr_assert_str_eq(str_at(ev, "detail-type"), "Scheduled Event");
    cr_assert_str_eq(str_at(ev, "source"), "aws.events");
    cr_assert_str_eq(str_at(ev, "time"), "2020-05-15T06:01:09Z");
    cr_assert_eq(json_object_size(json_object_get(ev, "detail")), 0);
    json_decref(ev);
}

/* --- options land in their fields --- */

Test(sample_opts, s3_key_is_url_encoded_as_s3_encodes_it)
{
    static const char *const cases[][2] = {
        { "Happy Face.jpg", "Happy+Face.jpg" },
        { "photos/2024/a b.png", "photos/2024/a+b.png" },
        { "a+b=c&d.txt", "a%2Bb%3Dc%26d.txt" },
        { "time:12:00", "time%3A12%3A00" },
        { "caf\xc3\xa9", "caf%C3%A9" },
        { "x-y_z.*~", "x-y_z.*%7E" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sample_opts o = { .bucket = "b", .key = cases[i][0] };
        json_t *ev = make(SAMPLE_S3_PUT, &o);
        cr_assert_str_eq(str_at(ev, "Records.s3.object.key"), cases[i][1], "key '%s'", cases[i][0]);
        json_decref(ev);
    }
}

Test(sample_opts, s3_bucket_size_region_and_time)
{
    struct sample_opts o = { .bucket = "uploads", .key = "k", .size = "2048",
                             .region = "eu-west-1" };
    json_t *ev = make(SAMPLE_S3_PUT, &o);
    cr_assert_str_eq(str_at(ev, "Records.s3.bucket.name"), "uploads");
    cr_assert_str_eq(str_at(ev, "Records.s3.bucket.arn"), "arn:aws:s3:::uploads");
    cr_assert_eq(json_integer_value(at(ev, "Records.s3.object.size")), 2048);
    cr_assert_str_eq(str_at(ev, "Records.awsRegion"), "eu-west-1");
    cr_assert_str_eq(str_at(ev, "Records.eventTime"), "2020-05-15T06:01:09.693Z");
    cr_assert_str_eq(str_at(ev, "Records.eventName"), "ObjectCreated:Put");
    cr_assert(matches(str_at(ev, "Records.s3.object.eTag"), "^[0-9a-f]{32}$"));
    cr_assert(matches(str_at(ev, "Records.s3.object.sequencer"), "^[0-9A-F]{16,}$"));
    cr_assert(matches(str_at(ev, "Records.responseElements.x-amz-request-id"), "^[0-9A-F]{16}$"));
    json_decref(ev);
}

Test(sample_opts, s3_record_from_real_inputs)
{
    struct sample_s3 in = { .event_name = "ObjectCreated:Copy", .region = "us-east-1",
                            .bucket = "b", .key = "dir/x y", .size = 5,
                            .etag = "5d41402abc4b2a76b9719d911017c592", .config_id = "c",
                            .source_ip = "127.0.0.1", .request_id = "0123456789ABCDEF",
                            .sequencer = "0055AED6DCD90281E5", .time_ms = 0 };
    json_t *rec = sample_s3_record(&in);
    cr_assert_null(json_object_get(at(rec, "s3.object"), "versionId"), "unversioned: no versionId");
    cr_assert_str_eq(str_at(rec, "s3.object.key"), "dir/x+y");
    cr_assert_str_eq(str_at(rec, "s3.object.eTag"), in.etag);
    cr_assert_str_eq(str_at(rec, "s3.object.sequencer"), "0055AED6DCD90281E5");
    cr_assert_str_eq(str_at(rec, "responseElements.x-amz-request-id"), "0123456789ABCDEF");
    cr_assert_str_eq(str_at(rec, "eventTime"), "1970-01-01T00:00:00.000Z");
    cr_assert_str_eq(str_at(rec, "s3.configurationId"), "c");
    json_decref(rec);
}

Test(sample_opts, apigw_http_path_query_method_and_body)
{
    struct sample_opts o = { .method = "post", .path = "/orders/1?x=1&x=2&y=a%20b",
                             .body = "{\"id\": 1}" };
    json_t *ev = make(SAMPLE_APIGW_HTTP, &o);
    cr_assert_str_eq(str_at(ev, "rawPath"), "/orders/1");
    cr_assert_str_eq(str_at(ev, "rawQueryString"), "x=1&x=2&y=a%20b");
    cr_assert_str_eq(str_at(ev, "queryStringParameters.x"), "1,2");
    cr_assert_str_eq(str_at(ev, "queryStringParameters.y"), "a b");
    cr_assert_str_eq(str_at(ev, "requestContext.http.method"), "POST");
    cr_assert_str_eq(str_at(ev, "requestContext.http.path"), "/orders/1");
    cr_assert_str_eq(str_at(ev, "body"), "{\"id\": 1}");
    cr_assert(json_is_false(at(ev, "isBase64Encoded")));
    cr_assert_str_eq(str_at(ev, "headers.content-type"), "application/json");
    cr_assert_str_eq(str_at(ev, "headers.content-length"), "9");
    cr_assert_str_eq(str_at(ev, "requestContext.time"), "15/May/2020:06:01:09 +0000");
    cr_assert_eq(json_integer_value(at(ev, "requestContext.timeEpoch")), WHEN);
    cr_assert_str_eq(str_at(ev, "requestContext.accountId"), "000000000000");
    cr_assert(matches(str_at(ev, "requestContext.requestId"), "^[A-Za-z0-9+=-]{16}$"));
    json_decref(ev);
}

Test(sample_opts, apigw_http_query_option_and_text_body)
{
    struct sample_opts o = { .path = "/p", .query = "?a=1", .body = "plain words",
                             .region = "ap-south-1" };
    json_t *ev = make(SAMPLE_APIGW_HTTP, &o);
    cr_assert_str_eq(str_at(ev, "rawQueryString"), "a=1");
    cr_assert_str_eq(str_at(ev, "body"), "plain words");
    cr_assert(json_is_false(at(ev, "isBase64Encoded")));
    cr_assert_str_eq(str_at(ev, "requestContext.domainName"),
                     "fnctllocal.execute-api.ap-south-1.amazonaws.com");
    json_decref(ev);
}

Test(sample_opts, apigw_path_and_query_are_sent_as_a_client_sends_them)
{
    struct sample_opts o = { .path = "/my files/caf\xc3\xa9", .query = "q=a b&r=\"x\"" };
    json_t *ev = make(SAMPLE_APIGW_HTTP, &o);
    cr_assert_str_eq(str_at(ev, "rawPath"), "/my%20files/caf%C3%A9");
    cr_assert_str_eq(str_at(ev, "rawQueryString"), "q=a%20b&r=%22x%22");
    cr_assert_str_eq(str_at(ev, "queryStringParameters.q"), "a b");
    json_decref(ev);
}

Test(sample_opts, apigw_rest_stage_proxy_and_multi_values)
{
    struct sample_opts o = { .method = "PUT", .path = "/orders/1", .query = "t=a&t=b",
                             .stage = "prod" };
    json_t *ev = make(SAMPLE_APIGW_REST, &o);
    cr_assert_str_eq(str_at(ev, "resource"), "/{proxy+}");
    cr_assert_str_eq(str_at(ev, "path"), "/orders/1");
    cr_assert_str_eq(str_at(ev, "httpMethod"), "PUT");
    cr_assert_str_eq(str_at(ev, "pathParameters.proxy"), "orders/1");
    cr_assert_str_eq(str_at(ev, "queryStringParameters.t"), "b");
    cr_assert_eq(json_array_size(at(ev, "multiValueQueryStringParameters.t")), 2);
    cr_assert_str_eq(str_at(ev, "requestContext.stage"), "prod");
    cr_assert_str_eq(str_at(ev, "requestContext.path"), "/prod/orders/1");
    cr_assert_str_eq(str_at(ev, "requestContext.requestTime"), "15/May/2020:06:01:09 +0000");
    cr_assert_str_eq(str_at(ev, "headers.X-Forwarded-Proto"), "https");
    cr_assert(json_is_null(at(ev, "body")));
    cr_assert(matches(str_at(ev, "requestContext.requestId"),
                      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    json_decref(ev);
}

Test(sample_opts, apigw_rest_root_has_no_proxy_parameter)
{
    struct sample_opts o = { 0 };
    json_t *ev = make(SAMPLE_APIGW_REST, &o);
    cr_assert_str_eq(str_at(ev, "resource"), "/");
    cr_assert(json_is_null(at(ev, "pathParameters")));
    cr_assert_str_eq(str_at(ev, "requestContext.stage"), "dev");
    json_decref(ev);
}

Test(sample_opts, sqs_queue_body_and_md5)
{
    struct sample_opts o = { .queue = "orders", .body = "hello", .region = "eu-central-1" };
    json_t *ev = make(SAMPLE_SQS, &o);
    cr_assert_str_eq(str_at(ev, "Records.eventSourceARN"),
                     "arn:aws:sqs:eu-central-1:000000000000:orders");
    cr_assert_str_eq(str_at(ev, "Records.awsRegion"), "eu-central-1");
    cr_assert_str_eq(str_at(ev, "Records.body"), "hello");
    cr_assert_str_eq(str_at(ev, "Records.md5OfBody"), "5d41402abc4b2a76b9719d911017c592");
    cr_assert_str_eq(str_at(ev, "Records.attributes.SentTimestamp"), "1589522469693");
    cr_assert_null(json_object_get(at(ev, "Records.attributes"), "MessageGroupId"));
    cr_assert(matches(str_at(ev, "Records.messageId"),
                      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    cr_assert(matches(str_at(ev, "Records.receiptHandle"), "^AQEB[A-Za-z0-9+/=]{100,}$"));
    json_decref(ev);
}

Test(sample_opts, sqs_queue_arn_and_fifo_attributes)
{
    struct sample_opts o = { .queue = "arn:aws:sqs:us-west-2:111122223333:jobs.fifo" };
    json_t *ev = make(SAMPLE_SQS, &o);
    cr_assert_str_eq(str_at(ev, "Records.eventSourceARN"),
                     "arn:aws:sqs:us-west-2:111122223333:jobs.fifo");
    cr_assert_str_eq(str_at(ev, "Records.attributes.MessageGroupId"), "default");
    cr_assert(matches(str_at(ev, "Records.attributes.MessageDeduplicationId"), "^[0-9a-f]{64}$"));
    cr_assert(matches(str_at(ev, "Records.attributes.SequenceNumber"), "^[0-9]{20}$"));
    json_decref(ev);
}

Test(sample_opts, schedule_rule_name_or_arn)
{
    struct sample_opts o = { .rule = "nightly", .region = "eu-west-1" };
    json_t *ev = make(SAMPLE_SCHEDULE, &o);
    cr_assert_str_eq(json_string_value(json_array_get(at(ev, "resources"), 0)),
                     "arn:aws:events:eu-west-1:000000000000:rule/nightly");
    cr_assert_str_eq(str_at(ev, "region"), "eu-west-1");
    json_decref(ev);
    struct sample_opts o2 = { .rule = "arn:aws:events:us-east-1:1:rule/x" };
    ev = make(SAMPLE_SCHEDULE, &o2);
    cr_assert_str_eq(json_string_value(json_array_get(at(ev, "resources"), 0)),
                     "arn:aws:events:us-east-1:1:rule/x");
    json_decref(ev);
}

Test(sample_opts, bad_values_are_errors_naming_the_option)
{
    static const struct {
        enum sample_type type;
        struct sample_opts o;
        const char *msg;
    } cases[] = {
        { SAMPLE_S3_PUT, { .size = "big" }, "size 'big' is not a number of bytes" },
        { SAMPLE_S3_PUT, { .size = "-1" }, "size '-1' is not a number of bytes" },
        { SAMPLE_S3_PUT, { .key = "" }, "the object key is empty" },
        { SAMPLE_APIGW_HTTP, { .path = "orders" }, "path 'orders' does not start with '/'" },
        { SAMPLE_APIGW_REST, { .method = "GE T" }, "method 'GE T' is not an HTTP method" },
        { SAMPLE_SQS, { .queue = "" }, "the queue name is empty" },
        { SAMPLE_SCHEDULE, { .rule = "" }, "the rule name is empty" },
        { SAMPLE_SQS, { .body = "caf\xe9" }, "the value of '--body' is not UTF-8 text" },
        { SAMPLE_S3_PUT, { .bucket = "\xff" }, "the value of '--bucket' is not UTF-8 text" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fn_err err = FN_ERR_INIT;
        json_t *ev = (json_t *)1;
        cr_assert_eq(sample_event(cases[i].type, &cases[i].o, &ev, &err), -1, "case %zu", i);
        cr_assert_null(ev);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
        cr_assert_neq(err.hint[0], '\0', "case %zu has a hint", i);
    }
}

/* --- types --- */

Test(sample_types, names_parse_back_and_unknown_ones_get_a_suggestion)
{
    struct strvec names = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    enum sample_type t;
    sample_type_names(&names);
    cr_assert_eq(names.n, SAMPLE_N_TYPES);
    cr_assert_str_eq(names.v[0], "apigw-http");
    for (size_t i = 0; i < names.n; i++) {
        cr_assert_eq(sample_type_parse(names.v[i], &t, &err), 0);
        cr_assert_eq((size_t)t, i);
        cr_assert_str_eq(sample_type_name(t), names.v[i]);
        cr_assert_neq(sample_type_summary(t)[0], '\0');
        cr_assert(sample_type_takes(t, "region"), "%s takes --region", names.v[i]);
    }
    strvec_clear(&names);
    cr_assert_eq(sample_type_parse("s3-pt", &t, &err), -1);
    cr_assert_str_eq(err.msg, "unknown event type 's3-pt'");
    cr_assert(strstr(err.hint, "did you mean 's3-put'?"), "%s", err.hint);
    cr_assert(strstr(err.hint, "'schedule'"), "%s", err.hint);
    cr_assert_eq(sample_type_parse("kinesis", &t, &err), -1);
    cr_assert(!strstr(err.hint, "did you mean"), "%s", err.hint);
    cr_assert(strstr(err.hint, "'apigw-http', 'apigw-rest'"), "%s", err.hint);
}

Test(sample_types, options_apply_to_their_types_only)
{
    cr_assert(sample_type_takes(SAMPLE_S3_PUT, "key"));
    cr_assert(sample_type_takes(SAMPLE_S3_PUT, "size"));
    cr_assert(!sample_type_takes(SAMPLE_S3_DELETE, "size"));
    cr_assert(!sample_type_takes(SAMPLE_APIGW_HTTP, "stage"));
    cr_assert(sample_type_takes(SAMPLE_APIGW_REST, "stage"));
    cr_assert(sample_type_takes(SAMPLE_SQS, "body"));
    cr_assert(!sample_type_takes(SAMPLE_SQS, "bod"));
    cr_assert(!sample_type_takes(SAMPLE_SCHEDULE, "queue"));
}
