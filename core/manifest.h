/* manifest: serverless.yml (Serverless Framework v3) loaded into one
 * immutable model.
 *
 * mf_load() reads the file, resolves its variables (mfvars.h) and the
 * CloudFormation intrinsics that point at resources in the same file
 * (mfcfn.h), applies Serverless v3's defaults (stage 'dev', region
 * 'us-east-1', memorySize 1024, timeout 6), merges provider settings into
 * each function, and checks everything fnctl needs. It never prints and never
 * aborts the process: problems are an error (with file:line:column and a
 * hint) or, for valid Serverless features fnctl does not emulate, warnings
 * kept in the model.
 *
 * The model is owned by its struct manifest; mf_free() releases it all.
 * Nothing in it changes after mf_load() returns. */
#ifndef FN_MANIFEST_H
#define FN_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "strvec.h"

#define MF_ACCOUNT_ID "000000000000"
#define MF_DEFAULT_STAGE "dev"
#define MF_DEFAULT_REGION "us-east-1"
#define MF_DEFAULT_MEMORY 1024
#define MF_DEFAULT_TIMEOUT 6
#define MF_DEFAULT_AWS_ENDPOINT "http://127.0.0.1:4566"

struct mf_loc {
    const char *file; /* owned by the manifest */
    int line, col;
};

/* CORS as API Gateway applies it (HTTP API's corsConfiguration, or REST's
 * generated OPTIONS method); lists are empty when unset. */
struct mf_cors {
    bool enabled;
    struct strvec origins;
    struct strvec headers;
    struct strvec methods;
    struct strvec expose_headers;
    bool allow_credentials;
    long max_age; /* seconds; -1 when unset */
    char *cache_control; /* REST only; NULL when unset */
};

/* A reference from an event to an authorizer. */
struct mf_authref {
    char *name;           /* provider.httpApi.authorizers key, or the function for REST */
    char *type;           /* "jwt", "request", "token", "aws_iam", ...; NULL: from definition */
    char *function;       /* the authorizer function's key, when it is a Lambda authorizer */
    char *identity_source; /* NULL: the type's default */
    struct strvec scopes;
    long result_ttl;      /* seconds; -1 when unset */
};

enum mf_event_kind { MF_EV_HTTPAPI, MF_EV_HTTP, MF_EV_S3, MF_EV_SQS, MF_EV_SCHEDULE };

struct mf_ev_httpapi {
    char *method; /* "GET", ..., or "ANY" (written '*' or ANY) */
    char *path;   /* "/orders/{id}"; NULL for the catch-all route ('*', $default) */
    struct mf_authref *authorizer; /* NULL: none */
    char payload[4]; /* "2.0" (default) or "1.0" */
};

struct mf_ev_http {
    char *method; /* "GET", ..., or "ANY" */
    char *path;   /* always starts with '/' */
    struct mf_cors cors;
    bool private_; /* requires an API key */
    bool async;    /* integration: lambda with X-Amz-Invocation-Type Event */
    bool lambda_integration; /* 'lambda' (non-proxy) integration, not emulated */
    struct mf_authref *authorizer;
};

struct mf_ev_s3 {
    char *bucket;      /* bucket name */
    struct strvec events; /* e.g. "s3:ObjectCreated:*" */
    char *prefix, *suffix; /* NULL when unset */
    bool existing;     /* the bucket is not created by the service */
};

struct mf_ev_sqs {
    char *arn;
    char *queue;       /* queue name (the ARN's last part) */
    long batch_size;   /* default 10 */
    long batch_window; /* maximumBatchingWindow seconds, default 0 */
    bool report_batch_item_failures;
    bool enabled;
    long max_concurrency; /* -1 when unset */
};

struct mf_ev_schedule {
    struct strvec rates; /* "rate(5 minutes)" / "cron(0 12 * * ? *)" */
    bool enabled;
    json_t *input;    /* constant input (owned), or NULL */
    char *input_path; /* NULL when unset */
    char *name, *description;
};

struct mf_event {
    enum mf_event_kind kind;
    struct mf_loc loc;
    union {
        struct mf_ev_httpapi httpapi;
        struct mf_ev_http http;
        struct mf_ev_s3 s3;
        struct mf_ev_sqs sqs;
        struct mf_ev_schedule schedule;
    } u;
};

struct mf_package {
    struct strvec patterns; /* package.patterns, in order */
    struct strvec include;  /* package.include (deprecated form) */
    struct strvec exclude;  /* package.exclude (deprecated form) */
    char *artifact;         /* prebuilt zip; NULL when unset */
    int individually;       /* -1 unset, 0 false, 1 true */
};

struct mf_function {
    char *key;  /* the key under functions: */
    char *name; /* deployed name: `name:` or <service>-<stage>-<key> */
    char *handler; /* NULL for image functions */
    char *image;   /* container image functions (not runnable locally) */
    char *runtime; /* function's, else provider's; NULL when neither */
    char *architecture; /* "x86_64" or "arm64" */
    char *description;
    long memory;   /* MB */
    long timeout;  /* seconds */
    long ephemeral_storage; /* MB, default 512 */
    struct strvec env; /* "NAME=value": provider's merged with the function's */
    long reserved_concurrency;    /* -1 when unset */
    long provisioned_concurrency; /* 0 when unset */
    long max_retry;     /* async retries, default 2 */
    long max_event_age; /* seconds, default 21600 */
    char *on_error;     /* DLQ ARN (onError), or NULL */
    char *on_failure;   /* destinations.onFailure, or NULL */
    char *on_success;   /* destinations.onSuccess, or NULL */
    struct mf_package package;
    struct mf_event *events;
    size_t n_events;
    struct mf_loc loc;
};

struct mf_queue {
    char *logical_id; /* resources key */
    char *name;
    char *arn;
    char *url;
    bool fifo;
    bool content_based_dedup;
    long visibility_timeout; /* 30 */
    long delay;              /* 0 */
    long retention;          /* 345600 */
    long max_message_size;   /* 262144 */
    long receive_wait;       /* 0 */
    char *dlq;               /* RedrivePolicy target queue name, or NULL */
    long max_receive_count;  /* 0 when no RedrivePolicy */
    struct mf_loc loc;
};

struct mf_bucket {
    char *logical_id; /* NULL when created by an s3 event rather than resources */
    char *name;
    struct mf_loc loc;
};

struct mf_authorizer {
    char *name;
    char *type; /* "jwt" or "request" */
    char *identity_source;
    char *issuer;            /* jwt */
    struct strvec audience;  /* jwt */
    char *function;          /* request: the authorizer function's key */
    bool simple_responses;   /* request: enableSimpleResponses */
    char *payload_version;   /* request: "1.0" or "2.0" (default) */
    long result_ttl;         /* seconds; -1 unset */
    struct mf_loc loc;
};

struct manifest {
    char *path;  /* the manifest file */
    char *dir;   /* the service directory */
    char *service;
    char *provider_name;
    char *stage;
    char *region;
    char *runtime; /* provider.runtime, or NULL */
    long memory;
    long timeout;
    char *aws_endpoint; /* where functions reach the local AWS APIs */
    struct mf_function *functions;
    size_t n_functions;
    struct mf_queue *queues;
    size_t n_queues;
    struct mf_bucket *buckets;
    size_t n_buckets;
    struct mf_authorizer *authorizers; /* provider.httpApi.authorizers */
    size_t n_authorizers;
    struct mf_cors httpapi_cors;       /* provider.httpApi.cors */
    struct mf_package package;         /* service-level package: */
    struct strvec binary_media_types;  /* provider.apiGateway.binaryMediaTypes (REST) */
    struct strvec plugins;
    struct fn_err *warnings;
    size_t n_warnings;
    struct strvec file_names; /* storage for every mf_loc.file */
};

struct mf_opts {
    const char *path;    /* -c FILE; NULL: serverless.yml or .yaml in dir */
    const char *dir;     /* where to look when path is NULL; NULL: "." */
    const char *stage;   /* --stage, or NULL */
    const char *region;  /* --region, or NULL */
    const char *aws_endpoint; /* NULL: MF_DEFAULT_AWS_ENDPOINT */
    const struct strvec *options; /* other ${opt:...} values as "name=value" */
};

/* Loads, resolves and checks the manifest. On success *out is the model
 * (free with mf_free); on failure *out is NULL and err says what and where. */
int mf_load(const struct mf_opts *opts, struct manifest **out, struct fn_err *err);

/* The same from text already in memory; `name` names it in messages and
 * ${file()} paths start at opts->dir ("." when NULL). For tests and fuzzing. */
int mf_load_text(const char *text, size_t len, const char *name, const struct mf_opts *opts,
                 struct manifest **out, struct fn_err *err);

void mf_free(struct manifest *m);

/* The function with this key, or NULL. */
const struct mf_function *mf_function(const struct manifest *m, const char *key);
const struct mf_queue *mf_queue_by_name(const struct manifest *m, const char *name);

/* The resolved model as JSON (for `fnctl validate --print --json`). */
json_t *mf_to_json(const struct manifest *m);

const char *mf_event_kind_name(enum mf_event_kind kind);

/* True for runtimes fnctl can run: nodejs*, python*, provided*. */
bool mf_runtime_runs_locally(const char *runtime);

/* S3's bucket naming rules (3-63 chars, lowercase, not an IP address). */
bool mf_valid_bucket_name(const char *name);

#endif
