/* mfcfn: CloudFormation intrinsics that point at resources of the same
 * serverless.yml, resolved to local values, through mf_load().
 *
 * Most cases set one environment variable (functions.f.environment.X, at
 * 10:10 of DOC below) to an intrinsic and check the value the function
 * gets, the warning, or the error. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mf_testutil.h"
#include "mfcfn.h"
#include "ytree.h"

MT_SUITE(mfcfn);

#define X_LINE 10
#define X_COL 10
#define DOC                                                                                        \
    "service: svc\n"                                                                               \
    "provider:\n"                                                                                  \
    "  name: aws\n"                                                                                \
    "  runtime: nodejs20.x\n"                                                                      \
    "  region: eu-west-1\n"                                                                        \
    "functions:\n"                                                                                 \
    "  f:\n"                                                                                       \
    "    handler: h.main\n"                                                                        \
    "    environment:\n"                                                                           \
    "      X: %s\n"                                                                                \
    "resources:\n"                                                                                 \
    "  Resources:\n"                                                                               \
    "    Jobs:\n"                                                                                  \
    "      Type: AWS::SQS::Queue\n"                                                                \
    "      Properties:\n"                                                                          \
    "        QueueName: jobs\n"                                                                    \
    "    Anon:\n"                                                                                  \
    "      Type: AWS::SQS::Queue\n"                                                                \
    "    Uploads:\n"                                                                               \
    "      Type: AWS::S3::Bucket\n"                                                                \
    "      Properties:\n"                                                                          \
    "        BucketName: my-uploads\n"                                                             \
    "    GenBucket:\n"                                                                             \
    "      Type: AWS::S3::Bucket\n"                                                                \
    "    Table:\n"                                                                                 \
    "      Type: AWS::DynamoDB::Table\n"                                                           \
    "      Properties:\n"                                                                          \
    "        TableName: orders\n"

#define JOBS_URL "http://127.0.0.1:4566/000000000000/jobs"
#define JOBS_ARN "arn:aws:sqs:eu-west-1:000000000000:jobs"

/* Loads DOC with X set to value. */
static int load_x(const char *value, struct manifest **m, struct fn_err *err)
{
    char *text = xasprintf(DOC, value);
    int rc = mt_load(dir, text, m, err);
    free(text);
    return rc;
}

static const char *x_of(const struct manifest *m)
{
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_not_null(f);
    return mt_env(f, "X");
}

/* --- values --- */

struct value_row {
    const char *intrinsic;
    const char *want;
};

static const struct value_row values[] = {
    /* queues: Ref is the URL, GetAtt the ARN, name and URL */
    {"!Ref Jobs", JOBS_URL},
    {"{Ref: Jobs}", JOBS_URL},
    {"!GetAtt Jobs.Arn", JOBS_ARN},
    {"!GetAtt [Jobs, QueueName]", "jobs"},
    {"!GetAtt Jobs.QueueUrl", JOBS_URL},
    {"{'Fn::GetAtt': [Jobs, QueueUrl]}", JOBS_URL},
    {"{'Fn::GetAtt': Jobs.Arn}", JOBS_ARN},
    /* a queue without QueueName: <service>-<stage>-<LogicalId> */
    {"!Ref Anon", "http://127.0.0.1:4566/000000000000/svc-dev-Anon"},
    {"!GetAtt Anon.Arn", "arn:aws:sqs:eu-west-1:000000000000:svc-dev-Anon"},
    {"!GetAtt Anon.QueueName", "svc-dev-Anon"},
    /* buckets: Ref is the name */
    {"!Ref Uploads", "my-uploads"},
    {"!GetAtt Uploads.Arn", "arn:aws:s3:::my-uploads"},
    {"!GetAtt Uploads.DomainName", "my-uploads.s3.amazonaws.com"},
    {"!GetAtt Uploads.RegionalDomainName", "my-uploads.s3.eu-west-1.amazonaws.com"},
    {"!GetAtt Uploads.WebsiteURL", "http://my-uploads.s3-website-eu-west-1.amazonaws.com"},
    {"!Ref GenBucket", "svc-dev-genbucket"},
    /* pseudo parameters */
    {"!Ref AWS::Region", "eu-west-1"},
    {"!Ref AWS::AccountId", "000000000000"},
    {"!Ref AWS::StackName", "svc-dev"},
    {"!Ref AWS::Partition", "aws"},
    {"!Ref AWS::URLSuffix", "amazonaws.com"},
    {"{Ref: 'AWS::StackId'}", "arn:aws:cloudformation:eu-west-1:000000000000:stack/svc-dev/local"},
    /* Fn::Sub */
    {"!Sub "
     "'${AWS::Region}:${AWS::AccountId}:${AWS::StackName}:${AWS::Partition}:${AWS::URLSuffix}'",
     "eu-west-1:000000000000:svc-dev:aws:amazonaws.com"},
    {"!Sub 'q=${Jobs.Arn}'", "q=" JOBS_ARN},
    {"!Sub '${Jobs}'", JOBS_URL},
    {"!Sub '${Uploads}|${Uploads.Arn}'", "my-uploads|arn:aws:s3:::my-uploads"},
    {"!Sub 'cost ${!Literal} stays'", "cost ${Literal} stays"},
    {"!Sub no variables", "no variables"},
    {"{'Fn::Sub': ['${Q}-x', {Q: !GetAtt Jobs.QueueName}]}", "jobs-x"},
    {"!Sub ['${A}@${AWS::Region}', {A: !Ref Uploads}]", "my-uploads@eu-west-1"},
    /* Fn::Join, Fn::Select, Fn::Split */
    {"!Join [':', [a, !Ref Uploads, c]]", "a:my-uploads:c"},
    {"{'Fn::Join': ['', [x, {'Fn::GetAtt': [Jobs, QueueName]}]]}", "xjobs"},
    {"!Join ['-', []]", ""},
    {"!Join ['/', [!Sub '${AWS::Region}', !GetAtt Jobs.QueueName]]", "eu-west-1/jobs"},
    {"!Select [1, [a, b, c]]", "b"},
    {"{'Fn::Select': ['0', {'Fn::Split': [',', 'p,q']}]}", "p"},
    {"!Select [2, !Split ['-', 'a-b-c']]", "c"},
    {"!Select [1, !Split ['|', !Join ['|', [x, !Ref Jobs]]]]", JOBS_URL},
    {"!Select [0, !Split ['::', 'a::b']]", "a"},
};

Test(mfcfn, intrinsics_resolve_to_local_values)
{
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        const struct value_row *row = &values[i];
        struct manifest *m;
        struct fn_err err = FN_ERR_INIT;
        int rc = load_x(row->intrinsic, &m, &err);
        cr_assert_eq(rc, 0, "[%s] %d:%d: %s (hint: %s)", row->intrinsic, err.line, err.col, err.msg,
                     err.hint);
        cr_assert_str_eq(x_of(m), row->want, "[%s]", row->intrinsic);
        /* the only warning is about the DynamoDB table of DOC */
        cr_assert_eq(m->n_warnings, 1, "[%s] warnings:%s", row->intrinsic, mt_warnings_text(m));
        cr_assert_not_null(mt_warning(m, "resources not emulated: Table (AWS::DynamoDB::Table)"));
        mf_free(m);
    }
}

Test(mfcfn, region_and_stage_options_reach_arns_and_generated_names)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    char *text = xasprintf(DOC, "!Join [' ', [!GetAtt Jobs.Arn, !GetAtt Anon.QueueName, "
                                "!Ref GenBucket, !Ref AWS::Region]]");
    cr_assert_eq(mt_load_opts(dir, text, "prod", "ap-south-1", &m, &err), 0, "%s", err.msg);
    cr_assert_str_eq(x_of(m), "arn:aws:sqs:ap-south-1:000000000000:jobs svc-prod-Anon "
                              "svc-prod-genbucket ap-south-1");
    mf_free(m);
    free(text);
}

Test(mfcfn, queue_urls_use_the_configured_endpoint)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    char *text = xasprintf(DOC, "!Ref Jobs");
    struct mf_opts opts = {.dir = dir, .aws_endpoint = "http://localhost:9324"};
    mt_write(dir, "serverless.yml", text);
    cr_assert_eq(mf_load(&opts, &m, &err), 0, "%s", err.msg);
    cr_assert_str_eq(x_of(m), "http://localhost:9324/000000000000/jobs");
    cr_assert_str_eq(mf_queue_by_name(m, "jobs")->url, "http://localhost:9324/000000000000/jobs");
    mf_free(m);
    free(text);
}

/* --- what cannot be known locally: a value and a warning --- */

struct warn_row {
    const char *intrinsic;
    const char *want;
    const char *msg;
    const char *hint;
};

#define HINT_NOT_EMULATED                                                                          \
    "fnctl emulates SQS queues and S3 buckets; set the value with ${env:...} to point elsewhere"
#define HINT_NOT_LOCAL "set this value with a ${env:NAME, 'local-value'} variable for local runs"

static const struct warn_row warn_rows[] = {
    {"!Ref Table", "orders",
     "Ref to 'Table' (AWS::DynamoDB::Table) is not emulated; using 'orders'", HINT_NOT_EMULATED},
    {"!GetAtt Table.Arn", "arn:aws:dynamodb:eu-west-1:000000000000:orders",
     "Fn::GetAtt Table.Arn: AWS::DynamoDB::Table is not emulated; using "
     "'arn:aws:dynamodb:eu-west-1:000000000000:orders'",
     HINT_NOT_EMULATED},
    {"!GetAtt Table.StreamArn", "Table.StreamArn",
     "Fn::GetAtt Table.StreamArn: AWS::DynamoDB::Table is not emulated; using 'Table.StreamArn'",
     HINT_NOT_EMULATED},
    {"!Ref ApiGatewayRestApi", "ApiGatewayRestApi",
     "Ref to 'ApiGatewayRestApi', which is not declared under resources.Resources; using "
     "'ApiGatewayRestApi'",
     "resources created by Serverless itself (API Gateway, the deployment bucket, ...) do not "
     "exist locally"},
    {"!ImportValue shared-output", "",
     "Fn::ImportValue cannot be evaluated locally; using an empty string", HINT_NOT_LOCAL},
    {"!If [IsProd, a, b]", "", "Fn::If cannot be evaluated locally; using an empty string",
     HINT_NOT_LOCAL},
    {"{'Fn::FindInMap': [M, a, b]}", "",
     "Fn::FindInMap cannot be evaluated locally; using an empty string", HINT_NOT_LOCAL},
};

Test(mfcfn, unknown_resources_give_a_best_effort_value_and_a_located_warning)
{
    for (size_t i = 0; i < sizeof(warn_rows) / sizeof(warn_rows[0]); i++) {
        const struct warn_row *row = &warn_rows[i];
        struct manifest *m;
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(load_x(row->intrinsic, &m, &err), 0, "[%s] %s", row->intrinsic, err.msg);
        cr_assert_str_eq(x_of(m), row->want, "[%s]", row->intrinsic);
        const struct fn_err *w = mt_warning(m, row->msg);
        cr_assert_not_null(w, "[%s] no warning '%s'; got:%s", row->intrinsic, row->msg,
                           mt_warnings_text(m));
        cr_assert_str_eq(w->hint, row->hint, "[%s]", row->intrinsic);
        cr_assert_str_eq(w->file, manifest_path, "[%s]", row->intrinsic);
        cr_assert_eq(w->line, X_LINE, "[%s] line %d", row->intrinsic, w->line);
        cr_assert_eq(w->col, X_COL, "[%s] col %d", row->intrinsic, w->col);
        mf_free(m);
    }
}

Test(mfcfn, undeclared_resource_arn_warning_reads_as_a_sentence)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(load_x("!GetAtt Nope.Arn", &m, &err), 0, "%s", err.msg);
    const struct fn_err *w = NULL;
    for (size_t i = 0; i < m->n_warnings; i++)
        if (!strncmp(m->warnings[i].msg, "Fn::GetAtt Nope.Arn: ", 21))
            w = &m->warnings[i];
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_null(strstr(w->msg, "resources.Resources is not emulated"), "%s", w->msg);
    mf_free(m);
}

/* --- errors --- */

struct error_row {
    const char *intrinsic;
    const char *msg;
    const char *hint; /* NULL: none */
    int col;
};

static const struct error_row error_rows[] = {
    {"!GetAtt Jobs.Foo", "queue has no attribute 'Foo'",
     "an AWS::SQS::Queue has Arn, QueueName and QueueUrl", X_COL},
    {"!GetAtt Uploads.Foo", "bucket has no attribute 'Foo'",
     "an AWS::S3::Bucket has Arn, DomainName, RegionalDomainName and WebsiteURL", X_COL},
    {"!Sub '${Jobs.Foo}'", "queue has no attribute 'Foo'",
     "an AWS::SQS::Queue has Arn, QueueName and QueueUrl", X_COL},
    {"!Ref AWS::Foo", "unknown pseudo parameter 'AWS::Foo'",
     "known: AWS::Region, AWS::AccountId, AWS::StackName, AWS::Partition, AWS::URLSuffix", X_COL},
    {"!GetAtt Jobs", "Fn::GetAtt needs a resource and an attribute, not a string",
     "write Fn::GetAtt: [LogicalId, Arn] or !GetAtt LogicalId.Arn", X_COL},
    {"!Ref [a]", "Ref needs a name, not a list", "write Ref: LogicalId", X_COL},
    {"!Join [a]", "Fn::Join needs a delimiter and a list, not a list",
     "write Fn::Join: ['-', [a, b]]", X_COL},
    {"!Select [5, [a]]", "Fn::Select needs an index and a list, not a list",
     "write Fn::Select: [0, [a, b]] with an index inside the list", X_COL},
    {"!Split ['', abc]", "Fn::Split needs a delimiter and a string, not a list",
     "write Fn::Split: [',', 'a,b']", X_COL},
    {"!Split [',', [a]]", "expected a string here, found a list",
     "use a string, or an intrinsic that gives one", 23},
    {"!Sub [a]", "Fn::Sub takes a template and a map of variables, not this list",
     "write Fn::Sub: [template, {Name: value}]", X_COL},
    {"!Sub ['${A}', [1]]", "Fn::Sub variables must be a map, not a list", NULL, 24},
    {"!Sub [[a], {}]", "Fn::Sub template must be a string, not a list", NULL, 16},
    /* Fn::Split gives a list, which an environment value cannot be */
    {"{'Fn::Split': [',', 'a,b']}", "function 'f'.environment.X must be a string, not a list",
     "environment values are strings; use JSON text for structured values", X_COL},
};

Test(mfcfn, malformed_intrinsics_are_located_errors)
{
    for (size_t i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
        const struct error_row *row = &error_rows[i];
        struct manifest *m;
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(load_x(row->intrinsic, &m, &err), -1, "[%s] loaded", row->intrinsic);
        cr_assert_null(m);
        cr_assert_str_eq(err.msg, row->msg, "[%s]", row->intrinsic);
        cr_assert_str_eq(err.hint, row->hint ? row->hint : "", "[%s]", row->intrinsic);
        cr_assert_str_eq(err.file, manifest_path, "[%s]", row->intrinsic);
        cr_assert_eq(err.line, X_LINE, "[%s] line %d", row->intrinsic, err.line);
        cr_assert_eq(err.col, row->col, "[%s] col %d", row->intrinsic, err.col);
    }
}

/* --- intrinsics where the loader reads them --- */

static const char *const events_doc =
    "service: svc\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "functions:\n"
    "  f:\n"
    "    handler: h.main\n"
    "    name: !Sub '${AWS::StackName}-worker'\n"
    "    description: !Join [' ', [reads, !GetAtt Jobs.QueueName]]\n"
    "    destinations:\n"
    "      onFailure: !GetAtt Failed.Arn\n"
    "    events:\n"
    "      - sqs:\n"
    "          arn: !GetAtt Jobs.Arn\n"
    "          batchSize: 5\n"
    "      - sqs: {arn: {'Fn::GetAtt': [Jobs, Arn]}, functionResponseType: "
    "ReportBatchItemFailures}\n"
    "      - s3:\n"
    "          bucket: !Ref Uploads\n"
    "          existing: true\n"
    "resources:\n"
    "  Resources:\n"
    "    Jobs:\n"
    "      Type: AWS::SQS::Queue\n"
    "      Properties:\n"
    "        QueueName: !Sub '${AWS::StackName}-jobs'\n"
    "    Failed:\n"
    "      Type: AWS::SQS::Queue\n"
    "    Uploads:\n"
    "      Type: AWS::S3::Bucket\n"
    "      Properties:\n"
    "        BucketName: !Join ['-', [!Ref AWS::StackName, uploads]]\n";

Test(mfcfn, events_names_and_resource_properties_resolve_intrinsics)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, events_doc, &m, &err), 0, "%d:%d: %s", err.line, err.col, err.msg);
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));

    const struct mf_function *f = mf_function(m, "f");
    cr_assert_str_eq(f->name, "svc-dev-worker");
    cr_assert_str_eq(f->description, "reads svc-dev-jobs");
    cr_assert_str_eq(f->on_failure, "arn:aws:sqs:us-east-1:000000000000:svc-dev-Failed");

    cr_assert_eq(f->n_events, 3);
    cr_assert_eq(f->events[0].kind, MF_EV_SQS);
    cr_assert_str_eq(f->events[0].u.sqs.arn, "arn:aws:sqs:us-east-1:000000000000:svc-dev-jobs");
    cr_assert_str_eq(f->events[0].u.sqs.queue, "svc-dev-jobs");
    cr_assert_eq(f->events[0].u.sqs.batch_size, 5);
    cr_assert_str_eq(f->events[1].u.sqs.queue, "svc-dev-jobs");
    cr_assert(f->events[1].u.sqs.report_batch_item_failures);
    cr_assert_eq(f->events[2].kind, MF_EV_S3);
    cr_assert_str_eq(f->events[2].u.s3.bucket, "svc-dev-uploads");

    /* the events' queue and bucket are the declared ones, not copies */
    cr_assert_eq(m->n_queues, 2);
    cr_assert_str_eq(m->queues[0].logical_id, "Jobs");
    cr_assert_str_eq(m->queues[0].name, "svc-dev-jobs");
    cr_assert_eq(m->n_buckets, 1);
    cr_assert_str_eq(m->buckets[0].name, "svc-dev-uploads");
    cr_assert_str_eq(m->buckets[0].logical_id, "Uploads");
    mf_free(m);
}

Test(mfcfn, s3_event_string_form_resolves_a_ref_tag)
{
    static const char *const text = "service: svc\n"
                                    "provider:\n"
                                    "  name: aws\n"
                                    "  runtime: nodejs20.x\n"
                                    "functions:\n"
                                    "  f:\n"
                                    "    handler: h.main\n"
                                    "    events:\n"
                                    "      - s3: !Ref uploads\n"
                                    "resources:\n"
                                    "  Resources:\n"
                                    "    uploads:\n"
                                    "      Type: AWS::S3::Bucket\n"
                                    "      Properties:\n"
                                    "        BucketName: real-name\n";
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    int rc = mt_load(dir, text, &m, &err);
    if (rc == 0) {
        cr_assert_str_eq(mf_function(m, "f")->events[0].u.s3.bucket, "real-name");
        cr_assert_eq(m->n_buckets, 1);
        mf_free(m);
    } else {
        cr_assert_eq(err.line, 9);
        cr_assert_neq(err.hint[0], '\0');
    }
}

/* --- RedrivePolicy --- */

static const char *const redrive_doc =
    "service: svc\n"
    "provider:\n"
    "  name: aws\n"
    "resources:\n"
    "  Resources:\n"
    "    Jobs:\n"
    "      Type: AWS::SQS::Queue\n"
    "      Properties:\n"
    "        RedrivePolicy:\n"
    "          deadLetterTargetArn: !GetAtt Dlq.Arn\n"
    "          maxReceiveCount: 3\n"
    "    Fifo:\n"
    "      Type: AWS::SQS::Queue\n"
    "      Properties:\n"
    "        FifoQueue: true\n"
    "        RedrivePolicy: '{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:000000000000:"
    "svc-dev-Dlq\", \"maxReceiveCount\": \"5\"}'\n"
    "    Dlq:\n"
    "      Type: AWS::SQS::Queue\n";

Test(mfcfn, redrive_policy_as_a_map_or_a_json_string_names_the_dead_letter_queue)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, redrive_doc, &m, &err), 0, "%d:%d: %s", err.line, err.col, err.msg);
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    cr_assert_eq(m->n_queues, 3);

    const struct mf_queue *jobs = mf_queue_by_name(m, "svc-dev-Jobs");
    cr_assert_not_null(jobs);
    cr_assert_str_eq(jobs->dlq, "svc-dev-Dlq");
    cr_assert_eq(jobs->max_receive_count, 3);

    const struct mf_queue *fifo = mf_queue_by_name(m, "svc-dev-Fifo.fifo");
    cr_assert_not_null(fifo);
    cr_assert(fifo->fifo);
    cr_assert_str_eq(fifo->dlq, "svc-dev-Dlq");
    cr_assert_eq(fifo->max_receive_count, 5);

    const struct mf_queue *dlq = mf_queue_by_name(m, "svc-dev-Dlq");
    cr_assert_not_null(dlq);
    cr_assert_null(dlq->dlq);
    cr_assert_eq(dlq->max_receive_count, 0);
    mf_free(m);
}

static const char *const redrive_undeclared_doc =
    "service: svc\n"
    "provider:\n"
    "  name: aws\n"
    "resources:\n"
    "  Resources:\n"
    "    Jobs:\n"
    "      Type: AWS::SQS::Queue\n"
    "      Properties:\n"
    "        RedrivePolicy:\n"
    "          deadLetterTargetArn: arn:aws:sqs:us-east-1:123456789012:elsewhere\n"
    "          maxReceiveCount: 2\n";

Test(mfcfn, undeclared_dead_letter_queue_is_created_with_a_warning)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, redrive_undeclared_doc, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m->n_queues, 2);
    cr_assert_str_eq(mf_queue_by_name(m, "svc-dev-Jobs")->dlq, "elsewhere");
    cr_assert_not_null(mf_queue_by_name(m, "elsewhere"));
    cr_assert_null(mf_queue_by_name(m, "elsewhere")->logical_id);
    const struct fn_err *w = mt_warning(m, "dead-letter queue 'elsewhere' of 'Jobs' is not "
                                           "declared in this service; fnctl creates it locally");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "declare the queue under resources.Resources so fnctl creates it");
    cr_assert_str_eq(w->file, manifest_path);
    cr_assert_eq(w->line, 10);
    cr_assert_eq(w->col, 32);
    mf_free(m);
}

Test(mfcfn, redrive_policy_json_string_problems_point_at_the_policy)
{
    static const char *const text =
        "service: svc\n"
        "provider:\n"
        "  name: aws\n"
        "resources:\n"
        "  Resources:\n"
        "    Jobs:\n"
        "      Type: AWS::SQS::Queue\n"
        "      Properties:\n"
        "        RedrivePolicy: '{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:1:other\", "
        "\"maxReceiveCount\": 3}'\n";
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, text, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m->n_warnings, 1);
    cr_assert_eq(m->warnings[0].line, 9, "line %d", m->warnings[0].line);
    mf_free(m);
}

struct redrive_error_row {
    const char *name;
    const char *policy; /* the text after `RedrivePolicy:` on line 9 */
    const char *msg;
    const char *hint;
    int line, col;
};

static const struct redrive_error_row redrive_errors[] = {
    {"not JSON", "'not json'", "RedrivePolicy of 'Jobs' is not a JSON object",
     "write RedrivePolicy as a map with deadLetterTargetArn and maxReceiveCount", 9, 24},
    {"a list", "[a]", "RedrivePolicy of 'Jobs' must be a map, not a list", "", 9, 24},
    {"no maxReceiveCount", "\n          deadLetterTargetArn: !GetAtt Jobs.Arn",
     "RedrivePolicy of 'Jobs' has no maxReceiveCount",
     "add maxReceiveCount: 3 (or how many receives before a message moves)", 10, 11},
    {"no deadLetterTargetArn", "\n          maxReceiveCount: 3",
     "RedrivePolicy of 'Jobs' has no deadLetterTargetArn",
     "write deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn", 10, 11},
    {"bad target attribute",
     "\n          deadLetterTargetArn: !GetAtt Jobs.Url\n"
     "          maxReceiveCount: 3",
     "queue has no attribute 'Url'", "an AWS::SQS::Queue has Arn, QueueName and QueueUrl", 10, 32},
};

Test(mfcfn, redrive_policy_errors)
{
    for (size_t i = 0; i < sizeof(redrive_errors) / sizeof(redrive_errors[0]); i++) {
        const struct redrive_error_row *row = &redrive_errors[i];
        char *text = xasprintf("service: svc\n"
                               "provider:\n"
                               "  name: aws\n"
                               "resources:\n"
                               "  Resources:\n"
                               "    Jobs:\n"
                               "      Type: AWS::SQS::Queue\n"
                               "      Properties:\n"
                               "        RedrivePolicy: %s\n",
                               row->policy);
        struct manifest *m;
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(mt_load(dir, text, &m, &err), -1, "[%s] loaded", row->name);
        cr_assert_str_eq(err.msg, row->msg, "[%s]", row->name);
        cr_assert_str_eq(err.hint, row->hint, "[%s]", row->name);
        cr_assert_str_eq(err.file, manifest_path, "[%s]", row->name);
        cr_assert_eq(err.line, row->line, "[%s] line %d", row->name, err.line);
        cr_assert_eq(err.col, row->col, "[%s] col %d", row->name, err.col);
        free(text);
    }
}

/* --- cfn_is_intrinsic --- */

Test(mfcfn, what_counts_as_an_intrinsic)
{
    static const struct {
        const char *yaml;
        bool want;
    } rows[] = {
        {"v: !Ref X", true},
        {"v: !GetAtt X.Arn", true},
        {"v: !Sub x", true},
        {"v: !Join [a, [b]]", true},
        {"v: !Select [0, [a]]", true},
        {"v: !Split [a, b]", true},
        {"v: !ImportValue x", true},
        {"v: {Ref: X}", true},
        {"v: {'Fn::GetAtt': [X, Arn]}", true},
        {"v: {'Fn::Sub': x}", true},
        {"v: {Ref: X, Other: 1}", false},
        {"v: {Condition: IsProd}", false},
        {"v: {'Fn::Nope': x}", false},
        {"v: Ref", false},
        {"v: !!str Ref", false},
        {"v: !Custom x", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct yt_node *root;
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(yt_load(rows[i].yaml, strlen(rows[i].yaml), "t.yml", &root, &err), 0,
                     "[%s] %s", rows[i].yaml, err.msg);
        cr_assert_eq(cfn_is_intrinsic(yt_get(root, "v")), rows[i].want, "[%s]", rows[i].yaml);
        yt_free(root);
    }
    cr_assert_not(cfn_is_intrinsic(NULL));
}
