/* sample: the events AWS sends to Lambda, built as AWS builds them: API
 * Gateway requests (HTTP API payload 2.0, REST payload 1.0), S3
 * notifications (ObjectCreated / ObjectRemoved), SQS batches and
 * EventBridge scheduled events, and REST TOKEN authorizer requests. Field names, JSON types, nesting and key
 * order follow AWS's own samples (../shared/corpus/events/).
 *
 * Two users: `fnctl events TYPE` (and `fnctl invoke --event TYPE`) build a
 * sample with sample_event(); the emulator builds the real S3, SQS and
 * schedule events from real inputs with the record builders below, so what
 * `fnctl events` prints is what a function gets under `fnctl start`.
 *
 * Every json_t returned gives the caller one reference (json_decref). */
#ifndef FN_SAMPLE_H
#define FN_SAMPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "strvec.h"

enum sample_type {
    SAMPLE_APIGW_HTTP,  /* HTTP API request, payload 2.0 */
    SAMPLE_APIGW_REST,  /* REST API request, payload 1.0 */
    SAMPLE_S3_PUT,      /* s3:ObjectCreated:Put */
    SAMPLE_S3_DELETE,   /* s3:ObjectRemoved:Delete */
    SAMPLE_SQS,         /* one message from an SQS event source mapping */
    SAMPLE_SCHEDULE,    /* EventBridge "Scheduled Event" */
    SAMPLE_TOKEN_AUTH,  /* REST TOKEN authorizer request */
    SAMPLE_N_TYPES,
};

/* The type's name ("apigw-http"), one-line summary, and the long names of the
 * sample_opts fields that apply to it ("path method body query region"). */
const char *sample_type_name(enum sample_type type);
const char *sample_type_summary(enum sample_type type);
const char *sample_type_options(enum sample_type type);
bool sample_type_takes(enum sample_type type, const char *option);

/* Appends every type name, in order, to *out. */
void sample_type_names(struct strvec *out);

/* Finds a type by name. Unknown: -1 with "unknown event type 'x'" and a hint
 * (did you mean, and the list of types). */
int sample_type_parse(const char *name, enum sample_type *out, struct fn_err *err);

/* What `fnctl events` lets a user set. Every field may be NULL: a sample
 * value (the README's '### fnctl events' lists them). Strings as typed. */
struct sample_opts {
    const char *path;   /* "/orders/1" (apigw) */
    const char *method; /* "GET" (apigw; any case) */
    const char *body;   /* request body (apigw), message body (sqs) */
    const char *query;  /* "a=1&b=2", with or without the '?' (apigw) */
    const char *bucket; /* s3 */
    const char *key;    /* s3: the object key as stored (not encoded) */
    const char *size;   /* s3-put: bytes, decimal */
    const char *queue;  /* sqs: a queue name or ARN */
    const char *rule;   /* schedule: the rule's name or ARN */
    const char *token;  /* apigw-token-authorizer: authorizationToken */
    const char *stage;  /* apigw-rest */
    const char *region; /* every type; default us-east-1 */
    int64_t now_ms;     /* the event's time; 0: now */
};

/* Builds the sample event of type with o. Bad values (a size that is not a
 * number, a path without '/', a method that is not a token) return -1 with
 * err naming the option. */
int sample_event(enum sample_type type, const struct sample_opts *o, json_t **out,
                 struct fn_err *err);

/* --- API Gateway: one request, through apigw's own event builders --- */

struct sample_http {
    bool v2;               /* HTTP API payload 2.0; false: REST payload 1.0 */
    const char *method;    /* upper case */
    const char *path;      /* the path the function sees, with '/' first */
    const char *query;     /* without '?'; "" for none */
    const char *body;      /* NULL: no body */
    const char *stage;     /* REST */
    const char *region;
    const char *request_id; /* NULL: a new one in the API's own format */
    int64_t epoch_ms;
};

/* The event API Gateway sends for this request on the catch-all route
 * (HTTP API: $default; REST: /{proxy+}, or / for the root). */
json_t *sample_http_event(const struct sample_http *in);

/* --- S3 notifications --- */

struct sample_s3 {
    const char *event_name; /* "ObjectCreated:Put", "ObjectRemoved:Delete", ... */
    const char *region;
    const char *bucket;
    const char *key;        /* as stored; the record carries it URL-encoded */
    int64_t size;           /* ObjectCreated only */
    const char *etag;       /* ObjectCreated only: hex MD5, no quotes */
    const char *version_id; /* NULL: none (an unversioned bucket) */
    const char *sequencer;  /* NULL: derived from time_ms */
    const char *config_id;  /* the notification's configurationId */
    const char *source_ip;  /* requestParameters.sourceIPAddress */
    const char *request_id; /* x-amz-request-id; NULL: a new one */
    int64_t time_ms;
};

/* One record of an S3 notification (wrap it with sample_records). */
json_t *sample_s3_record(const struct sample_s3 *in);

/* Appends key encoded as S3 encodes keys in notifications (form encoding:
 * ' ' is '+', '/' stays, everything but letters, digits and -_.* is %XX). */
void sample_s3_key_encode(const char *key, struct buf *out);

/* --- SQS --- */

struct sample_sqs {
    const char *message_id;
    const char *receipt_handle;
    const char *body;              /* UTF-8 text, as SQS holds it */
    const char *md5_of_body;       /* hex */
    json_t *message_attributes;    /* borrowed, Lambda's shape; NULL: {} */
    const char *md5_of_attributes; /* hex; NULL when there are no attributes */
    const char *queue_arn;
    const char *region;
    long receive_count;
    int64_t sent_ms, first_receive_ms;
    const char *sender_id;
    /* FIFO queues only (NULL otherwise) */
    const char *sequence_number, *group_id, *dedup_id;
};

json_t *sample_sqs_record(const struct sample_sqs *in);

/* --- EventBridge schedules --- */

struct sample_schedule {
    const char *id;       /* NULL: a new UUID */
    const char *region;
    const char *rule_arn; /* arn:aws:events:REGION:ACCOUNT:rule/NAME */
    int64_t time_ms;      /* the scheduled time (the event has seconds) */
};

json_t *sample_schedule_event(const struct sample_schedule *in);

/* {"Records": [record]}: steals record. Batches append more records to the
 * "Records" array. */
json_t *sample_records(json_t *record);

/* Fills out with n random bytes as upper-case hex (out has 2n + 1 bytes). */
void sample_hex_id(char *out, size_t n);

#endif
