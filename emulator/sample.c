#include "sample.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "apigw.h"
#include "b64.h"
#include "crypto_dl.h"
#include "invoke.h"
#include "manifest.h"
#include "router.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* apigw.c's API id: the sample's domain is the one its events name */

static const struct {
    const char *name;
    const char *summary;
    const char *options; /* the sample_opts that apply, space-separated */
} types[SAMPLE_N_TYPES] = {
    [SAMPLE_APIGW_HTTP] = { "apigw-http", "API Gateway HTTP API request (payload 2.0)",
                            "path method body query region" },
    [SAMPLE_APIGW_REST] = { "apigw-rest", "API Gateway REST API request (payload 1.0)",
                            "path method body query stage region" },
    [SAMPLE_S3_PUT] = { "s3-put", "S3 notification: ObjectCreated:Put", "bucket key size region" },
    [SAMPLE_S3_DELETE] = { "s3-delete", "S3 notification: ObjectRemoved:Delete",
                           "bucket key region" },
    [SAMPLE_SQS] = { "sqs", "SQS event source mapping batch of one message", "queue body region" },
    [SAMPLE_SCHEDULE] = { "schedule", "EventBridge scheduled event (Scheduled Event)",
                          "rule region" },
    [SAMPLE_TOKEN_AUTH] = { "apigw-token-authorizer", "REST API TOKEN authorizer request",
                            "token method path stage region" },
};

const char *sample_type_name(enum sample_type type)
{
    return types[type].name;
}

const char *sample_type_summary(enum sample_type type)
{
    return types[type].summary;
}

const char *sample_type_options(enum sample_type type)
{
    return types[type].options;
}

bool sample_type_takes(enum sample_type type, const char *option)
{
    size_t len = strlen(option);
    for (const char *p = types[type].options; *p;) {
        size_t n = strcspn(p, " ");
        if (n == len && !strncmp(p, option, n))
            return true;
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

void sample_type_names(struct strvec *out)
{
    for (size_t i = 0; i < SAMPLE_N_TYPES; i++)
        strvec_push(out, types[i].name);
}

int sample_type_parse(const char *name, enum sample_type *out, struct fn_err *err)
{
    const char *names[SAMPLE_N_TYPES + 1];
    char list[256];
    for (size_t i = 0; i < SAMPLE_N_TYPES; i++) {
        names[i] = types[i].name;
        if (!strcmp(name, types[i].name)) {
            *out = (enum sample_type)i;
            return 0;
        }
    }
    names[SAMPLE_N_TYPES] = NULL;
    tx_join_quoted(list, sizeof(list), names);
    fn_err_set(err, "unknown event type '%s'", name);
    const char *guess = tx_suggest(name, names);
    if (guess)
        return fn_err_hint(err, "did you mean '%s'? types: %s", guess, list);
    return fn_err_hint(err, "types: %s", list);
}

/* --- small generators --- */

void sample_hex_id(char *out, size_t n)
{
    unsigned char raw[64];
    if (n > sizeof(raw))
        n = sizeof(raw);
    inv_random(raw, n);
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02X", raw[i]);
    out[2 * n] = '\0';
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* n random bytes in base64 (standard alphabet, as AWS's opaque ids are). */
static char *random_b64(size_t n)
{
    unsigned char raw[128];
    struct buf enc = BUF_INIT;
    if (n > sizeof(raw))
        n = sizeof(raw);
    inv_random(raw, n);
    b64_encode(raw, n, &enc);
    return buf_detach(&enc, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "2024-05-01T12:00:00.123Z" (S3), or without the milliseconds (EventBridge). */
static void iso_time(int64_t ms, bool with_ms, char *out, size_t size)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    char base[32];
    gmtime_r(&s, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    if (with_ms)
        snprintf(out, size, "%s.%03dZ", base, (int)(ms % 1000));
    else
        snprintf(out, size, "%sZ", base);
}

json_t *sample_records(json_t *record)
{
    json_t *records = json_array();
    json_array_append_new(records, record);
    json_t *ev = json_object();
    json_object_set_new(ev, "Records", records);
    return ev;
}

/* --- API Gateway --- */

/* apigw.c writes X-Forwarded-Proto as the local gateway serves it (http);
 * the sample stands for a request that reached AWS's https endpoint. */
static void https_proto(json_t *headers, bool multi)
{
    const char *key;
    json_t *v;
    json_object_foreach(headers, key, v) {
        if (strcasecmp(key, "X-Forwarded-Proto") != 0)
            continue;
        if (multi)
            json_array_set_new(v, 0, json_string("https"));
        else
            json_object_set_new(headers, key, json_string("https"));
        return;
    }
}

json_t *sample_http_event(const struct sample_http *in)
{
    struct mf_event ev;
    struct route rt;
    struct route_match m;
    struct h1_header headers[4];
    size_t nh = 0;
    struct buf out = BUF_INIT;
    char route_key[] = "$default", id[64];
    bool root = !strcmp(in->path, "/");
    char *host = xasprintf("%s.execute-api.%s.amazonaws.com", APIGW_API_ID, in->region);
    char *full = in->v2 ? xstrdup(in->path) : xasprintf("/%s%s", in->stage, in->path);

    memset(&ev, 0, sizeof(ev));
    memset(&rt, 0, sizeof(rt));
    memset(&m, 0, sizeof(m));
    ev.kind = in->v2 ? MF_EV_HTTPAPI : MF_EV_HTTP;
    if (in->v2)
        snprintf(ev.u.httpapi.payload, sizeof(ev.u.httpapi.payload), "2.0");
    rt.api = in->v2 ? ROUTE_HTTP_API : ROUTE_REST;
    rt.ev = &ev;
    rt.method = "ANY";
    rt.path = in->v2 ? NULL : root ? "/" : "/{proxy+}";
    rt.route_key = route_key;
    m.route = &rt;
    m.path = in->path;
    if (!in->v2 && !root) {
        m.n_params = 1;
        m.params[0].name = rt.path + 2; /* "proxy" */
        m.params[0].name_len = 5;
        m.params[0].value = in->path + 1;
        m.params[0].value_len = strlen(in->path + 1);
    }
    headers[nh++] = H1_HEADER("Accept", "*/*");
    if (in->body) {
        json_t *parsed = json_loads(in->body, JSON_DECODE_ANY, NULL);
        const char *ct = parsed ? "application/json" : "text/plain";
        headers[nh++] = H1_HEADER("Content-Type", ct);
        json_decref(parsed);
    }
    headers[nh++] = H1_HEADER("Host", host);
    headers[nh++] = H1_HEADER("User-Agent", "curl/8.5.0");
    if (in->request_id)
        snprintf(id, sizeof(id), "%s", in->request_id);
    else
        apigw_request_id(in->v2, id, sizeof(id));

    struct apigw_request req = {
        .method = in->method,
        .path = full,
        .query = in->query ? in->query : "",
        .headers = headers,
        .nheaders = nh,
        .body = in->body,
        .body_len = in->body ? strlen(in->body) : 0,
        .source_ip = "127.0.0.1",
        .stage = in->stage,
        .request_id = id,
        .epoch_ms = in->epoch_ms,
        .host = host,
        .port = 443,
    };
    if (apigw_event(&req, &m, &out) < 0)
        FN_BUG("apigw_event failed on an unbounded buffer");
    json_error_t jerr;
    json_t *event = json_loadb(out.data, out.len, 0, &jerr);
    if (!event)
        FN_BUG("apigw_event wrote invalid JSON: %s", jerr.text);
    https_proto(json_object_get(event, "headers"), false);
    if (!in->v2)
        https_proto(json_object_get(event, "multiValueHeaders"), true);

    buf_release(&out);
    free(host);
    free(full);
    return event;
}

/* --- S3 --- */

void sample_s3_key_encode(const char *key, struct buf *out)
{
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (isalnum(*p) || strchr("-_.*/", *p))
            buf_addch(out, (char)*p);
        else if (*p == ' ')
            buf_addch(out, '+');
        else
            buf_addf(out, "%%%02X", *p);
    }
}

static json_t *principal(const char *id)
{
    json_t *o = json_object();
    json_object_set_new(o, "principalId", json_string(id));
    return o;
}

json_t *sample_s3_record(const struct sample_s3 *in)
{
    json_t *rec = json_object(), *params = json_object(), *resp = json_object();
    json_t *s3 = json_object(), *bucket = json_object(), *object = json_object();
    char when[40], request_id[17], sequencer[32];
    struct buf key = BUF_INIT;
    bool created = tx_starts_with(in->event_name, "ObjectCreated");

    iso_time(in->time_ms, true, when, sizeof(when));
    json_object_set_new(rec, "eventVersion", json_string("2.1"));
    json_object_set_new(rec, "eventSource", json_string("aws:s3"));
    json_object_set_new(rec, "awsRegion", json_string(in->region));
    json_object_set_new(rec, "eventTime", json_string(when));
    json_object_set_new(rec, "eventName", json_string(in->event_name));
    json_object_set_new(rec, "userIdentity", principal("AWS:" MF_ACCOUNT_ID));
    json_object_set_new(params, "sourceIPAddress", json_string(in->source_ip));
    json_object_set_new(rec, "requestParameters", params);
    if (in->request_id)
        snprintf(request_id, sizeof(request_id), "%s", in->request_id);
    else
        sample_hex_id(request_id, 8);
    char *host_id = random_b64(48);
    json_object_set_new(resp, "x-amz-request-id", json_string(request_id));
    json_object_set_new(resp, "x-amz-id-2", json_string(host_id));
    free(host_id);
    json_object_set_new(rec, "responseElements", resp);

    json_object_set_new(s3, "s3SchemaVersion", json_string("1.0"));
    json_object_set_new(s3, "configurationId", json_string(in->config_id));
    char *arn = xasprintf("arn:aws:s3:::%s", in->bucket);
    json_object_set_new(bucket, "name", json_string(in->bucket));
    json_object_set_new(bucket, "ownerIdentity", principal(MF_ACCOUNT_ID));
    json_object_set_new(bucket, "arn", json_string(arn));
    free(arn);
    json_object_set_new(s3, "bucket", bucket);

    sample_s3_key_encode(in->key, &key);
    json_object_set_new(object, "key", json_string(buf_cstr(&key)));
    buf_release(&key);
    if (created)
        json_object_set_new(object, "size", json_integer(in->size));
    if (in->version_id)
        json_object_set_new(object, "versionId", json_string(in->version_id));
    if (created)
        json_object_set_new(object, "eTag", json_string(in->etag));
    /* later events for a key compare greater: the time in nanoseconds */
    if (in->sequencer)
        snprintf(sequencer, sizeof(sequencer), "%s", in->sequencer);
    else
        snprintf(sequencer, sizeof(sequencer), "%018llX",
                 (unsigned long long)in->time_ms * 1000000ULL);
    json_object_set_new(object, "sequencer", json_string(sequencer));
    json_object_set_new(s3, "object", object);
    json_object_set_new(rec, "s3", s3);
    return rec;
}

/* --- SQS --- */

static json_t *str_of_int(int64_t n)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld", (long long)n);
    return json_string(text);
}

json_t *sample_sqs_record(const struct sample_sqs *in)
{
    json_t *rec = json_object(), *attrs = json_object();

    json_object_set_new(rec, "messageId", json_string(in->message_id));
    json_object_set_new(rec, "receiptHandle", json_string(in->receipt_handle));
    json_t *body = json_string(in->body);
    json_object_set_new(rec, "body", body ? body : json_string(""));
    json_object_set_new(rec, "md5OfBody", json_string(in->md5_of_body));
    if (in->md5_of_attributes)
        json_object_set_new(rec, "md5OfMessageAttributes", json_string(in->md5_of_attributes));
    json_object_set_new(rec, "eventSourceARN", json_string(in->queue_arn));
    json_object_set_new(rec, "eventSource", json_string("aws:sqs"));
    json_object_set_new(rec, "awsRegion", json_string(in->region));
    json_object_set_new(attrs, "ApproximateReceiveCount", str_of_int(in->receive_count));
    json_object_set_new(attrs, "SentTimestamp", str_of_int(in->sent_ms));
    json_object_set_new(attrs, "SenderId", json_string(in->sender_id));
    json_object_set_new(attrs, "ApproximateFirstReceiveTimestamp",
                        str_of_int(in->first_receive_ms));
    if (in->sequence_number)
        json_object_set_new(attrs, "SequenceNumber", json_string(in->sequence_number));
    if (in->group_id)
        json_object_set_new(attrs, "MessageGroupId", json_string(in->group_id));
    if (in->dedup_id)
        json_object_set_new(attrs, "MessageDeduplicationId", json_string(in->dedup_id));
    json_object_set_new(rec, "attributes", attrs);
    json_object_set_new(rec, "messageAttributes", in->message_attributes
                                                      ? json_deep_copy(in->message_attributes)
                                                      : json_object());
    return rec;
}

/* --- EventBridge --- */

json_t *sample_schedule_event(const struct sample_schedule *in)
{
    json_t *ev = json_object(), *resources = json_array();
    char when[40], uuid[37];
    const char *account = MF_ACCOUNT_ID;

    iso_time(in->time_ms, false, when, sizeof(when));
    if (!in->id)
        inv_uuid(uuid);
    json_object_set_new(ev, "version", json_string("0"));
    json_object_set_new(ev, "id", json_string(in->id ? in->id : uuid));
    json_object_set_new(ev, "detail-type", json_string("Scheduled Event"));
    json_object_set_new(ev, "source", json_string("aws.events"));
    json_object_set_new(ev, "account", json_string(account));
    json_object_set_new(ev, "time", json_string(when));
    json_object_set_new(ev, "region", json_string(in->region));
    json_array_append_new(resources, json_string(in->rule_arn));
    json_object_set_new(ev, "resources", resources);
    json_object_set_new(ev, "detail", json_object());
    return ev;
}

/* --- samples from options --- */

static int md5_hex(const char *data, size_t len, char out[33], struct fn_err *err)
{
    unsigned char digest[CRYPTO_MD5_LEN];
    struct crypto_hash *h = crypto_hash_new(CRYPTO_MD5, err);
    if (!h)
        return -1;
    crypto_hash_update(h, data, len);
    crypto_hash_final(h, digest);
    for (size_t i = 0; i < sizeof(digest); i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

/* Upper-cases a method into out; -1 unless it is a token of letters. */
static int method_of(const char *s, char *out, size_t size, struct fn_err *err)
{
    size_t n = strlen(s);
    if (!n || n >= size) {
        fn_err_set(err, "method '%s' is not an HTTP method", s);
        return fn_err_hint(err, "e.g. --method POST");
    }
    for (size_t i = 0; i <= n; i++) {
        if (s[i] && !isalpha((unsigned char)s[i])) {
            fn_err_set(err, "method '%s' is not an HTTP method", s);
            return fn_err_hint(err, "e.g. --method POST");
        }
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    return 0;
}

/* What a client would send for s: bytes a URL cannot carry as they are
 * (spaces, controls, non-ASCII, quotes, braces...) percent-encoded. */
static char *url_escape(const char *s, size_t len)
{
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}#", c))
            buf_addf(&out, "%%%02X", c);
        else
            buf_addch(&out, (char)c);
    }
    return buf_detach(&out, NULL);
}

/* The path and query of an apigw sample: a '?' in --path splits it unless
 * --query is given too. out_path and out_query are new strings. */
static int http_target(const struct sample_opts *o, char **out_path, char **out_query,
                       struct fn_err *err)
{
    const char *path = o->path ? o->path : "/";
    if (path[0] != '/') {
        fn_err_set(err, "path '%s' does not start with '/'", path);
        return fn_err_hint(err, "e.g. --path /orders/1");
    }
    size_t plen = strcspn(path, "?");
    const char *query = o->query ? o->query : path[plen] ? path + plen : "";
    if (*query == '?')
        query++;
    *out_path = url_escape(path, plen);
    *out_query = url_escape(query, strlen(query));
    return 0;
}

static int apigw_sample(enum sample_type type, const struct sample_opts *o, const char *region,
                        int64_t when, json_t **out, struct fn_err *err)
{
    char method[16], *path = NULL, *query = NULL;
    const char *stage = o->stage ? o->stage : MF_DEFAULT_STAGE;

    if (method_of(o->method ? o->method : "GET", method, sizeof(method), err) < 0 ||
        http_target(o, &path, &query, err) < 0)
        return -1;
    if (type == SAMPLE_TOKEN_AUTH) {
        char *arn = xasprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", region, MF_ACCOUNT_ID,
                              APIGW_API_ID, stage, method, path + 1);
        *out = json_object();
        json_object_set_new(*out, "type", json_string("TOKEN"));
        json_object_set_new(*out, "authorizationToken", json_string(o->token ? o->token : "allow"));
        json_object_set_new(*out, "methodArn", json_string(arn));
        free(arn);
    } else {
        struct sample_http in = {
            .v2 = type == SAMPLE_APIGW_HTTP,
            .method = method,
            .path = path,
            .query = query,
            .body = o->body,
            .stage = stage,
            .region = region,
            .epoch_ms = when,
        };
        *out = sample_http_event(&in);
    }
    free(path);
    free(query);
    return 0;
}

static int s3_sample(enum sample_type type, const struct sample_opts *o, const char *region,
                     int64_t when, json_t **out, struct fn_err *err)
{
    long size = 1024;
    char etag[33], version[33], request_id[17];

    if (o->size && !tx_parse_long(o->size, 0, LONG_MAX, &size)) {
        fn_err_set(err, "size '%s' is not a number of bytes", o->size);
        return fn_err_hint(err, "e.g. --size 2048");
    }
    if (o->bucket && !*o->bucket) {
        fn_err_set(err, "the bucket name is empty");
        return fn_err_hint(err, "e.g. --bucket uploads");
    }
    if (o->key && !*o->key) {
        fn_err_set(err, "the object key is empty");
        return fn_err_hint(err, "e.g. --key 'photos/Happy Face.jpg'");
    }
    sample_hex_id(etag, 16);
    lower(etag);
    sample_hex_id(version, 16); /* a versioned bucket, as AWS's sample */
    sample_hex_id(request_id, 8);
    struct sample_s3 in = {
        .event_name = type == SAMPLE_S3_PUT ? "ObjectCreated:Put" : "ObjectRemoved:Delete",
        .region = region,
        .bucket = o->bucket ? o->bucket : "example-bucket",
        .key = o->key ? o->key : "uploads/Happy Face.jpg",
        .size = size,
        .etag = etag,
        .version_id = version,
        .config_id = "fnctl-sample-notification",
        .source_ip = "127.0.0.1",
        .request_id = request_id,
        .time_ms = when,
    };
    *out = sample_records(sample_s3_record(&in));
    return 0;
}

static int sqs_sample(const struct sample_opts *o, const char *region, int64_t when,
                      json_t **out, struct fn_err *err)
{
    const char *queue = o->queue ? o->queue : "example-queue";
    const char *body = o->body ? o->body : "Hello from SQS!";
    char md5[33], message_id[37], dedup[65], seq[32];
    char *arn, *name, *handle = NULL;
    int rc = -1;

    if (!*queue) {
        fn_err_set(err, "the queue name is empty");
        return fn_err_hint(err, "e.g. --queue orders");
    }
    if (tx_starts_with(queue, "arn:")) {
        arn = xstrdup(queue);
        const char *last = strrchr(queue, ':');
        name = xstrdup(last + 1);
    } else {
        arn = xasprintf("arn:aws:sqs:%s:%s:%s", region, MF_ACCOUNT_ID, queue);
        name = xstrdup(queue);
    }
    if (md5_hex(body, strlen(body), md5, err) < 0)
        goto out;
    inv_uuid(message_id);
    char *opaque = random_b64(96);
    handle = xasprintf("AQEB%s", opaque);
    free(opaque);
    bool fifo = tx_ends_with(name, ".fifo");
    if (fifo) {
        sample_hex_id(dedup, 32);
        lower(dedup);
        snprintf(seq, sizeof(seq), "%020llu", (unsigned long long)when * 1000000ULL);
    }
    struct sample_sqs in = {
        .message_id = message_id,
        .receipt_handle = handle,
        .body = body,
        .md5_of_body = md5,
        .queue_arn = arn,
        .region = region,
        .receive_count = 1,
        .sent_ms = when,
        .first_receive_ms = when + 7,
        .sender_id = MF_ACCOUNT_ID,
        .sequence_number = fifo ? seq : NULL,
        .group_id = fifo ? "default" : NULL,
        .dedup_id = fifo ? dedup : NULL,
    };
    *out = sample_records(sample_sqs_record(&in));
    rc = 0;
out:
    free(arn);
    free(name);
    free(handle);
    return rc;
}

static int schedule_sample(const struct sample_opts *o, const char *region, int64_t when,
                           json_t **out, struct fn_err *err)
{
    const char *rule = o->rule ? o->rule : "fnctl-sample-schedule";
    if (!*rule) {
        fn_err_set(err, "the rule name is empty");
        return fn_err_hint(err, "e.g. --rule nightly-report");
    }
    char *arn = tx_starts_with(rule, "arn:")
                    ? xstrdup(rule)
                    : xasprintf("arn:aws:events:%s:%s:rule/%s", region, MF_ACCOUNT_ID, rule);
    struct sample_schedule in = { .region = region, .rule_arn = arn, .time_ms = when };
    *out = sample_schedule_event(&in);
    free(arn);
    return 0;
}

/* JSON carries only UTF-8 text: a value that is not is refused up front
 * rather than dropped from the event. */
static int check_utf8(const struct sample_opts *o, struct fn_err *err)
{
    const char *const values[][2] = {
        { "path", o->path },     { "method", o->method }, { "body", o->body },
        { "query", o->query },   { "bucket", o->bucket }, { "key", o->key },
        { "size", o->size },     { "queue", o->queue },   { "rule", o->rule },
        { "token", o->token },   { "stage", o->stage },   { "region", o->region },
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        json_t *text = values[i][1] ? json_string(values[i][1]) : NULL;
        if (values[i][1] && !text) {
            fn_err_set(err, "the value of '--%s' is not UTF-8 text", values[i][0]);
            return fn_err_hint(err, "events are JSON, which carries UTF-8 text only");
        }
        json_decref(text);
    }
    return 0;
}

int sample_event(enum sample_type type, const struct sample_opts *o, json_t **out,
                 struct fn_err *err)
{
    const char *region = o->region && *o->region ? o->region : MF_DEFAULT_REGION;
    int64_t when = o->now_ms > 0 ? o->now_ms : now_ms();

    *out = NULL;
    if (check_utf8(o, err) < 0)
        return -1;
    switch (type) {
    case SAMPLE_APIGW_HTTP:
    case SAMPLE_APIGW_REST:
    case SAMPLE_TOKEN_AUTH:
        return apigw_sample(type, o, region, when, out, err);
    case SAMPLE_S3_PUT:
    case SAMPLE_S3_DELETE:
        return s3_sample(type, o, region, when, out, err);
    case SAMPLE_SQS:
        return sqs_sample(o, region, when, out, err);
    case SAMPLE_SCHEDULE:
        return schedule_sample(o, region, when, out, err);
    case SAMPLE_N_TYPES:
        break;
    }
    FN_BUG("unknown sample type %d", (int)type);
}
