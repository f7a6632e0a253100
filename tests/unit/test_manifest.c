/* manifest: serverless.yml loaded into the model with Serverless v3's
 * defaults and rules, through mf_load() on files in a temporary directory:
 * defaults, options, environment, the service and its functions, queues and
 * buckets under resources, finding the file.
 *
 * Error cases are tables: the manifest, the exact message, the hint and the
 * line:column; a failing row prints its name. Events are in
 * test_mfevents*.c, unknown keys in test_mfutil.c, JSON in test_mfjson.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mf_testutil.h"

MT_SUITE(manifest);


/* --- defaults and options --- */

Test(manifest, serverless_v3_defaults_apply)
{
    struct manifest *m = load_ok(HEAD "functions:\n"
                                      "  hello:\n"
                                      "    handler: src/h.main\n");
    cr_assert_str_eq(m->service, "svc");
    cr_assert_str_eq(m->provider_name, "aws");
    cr_assert_str_eq(m->stage, "dev");
    cr_assert_str_eq(m->region, "us-east-1");
    cr_assert_eq(m->memory, 1024);
    cr_assert_eq(m->timeout, 6);
    cr_assert_str_eq(m->aws_endpoint, MF_DEFAULT_AWS_ENDPOINT);
    cr_assert_str_eq(m->path, manifest_path);
    cr_assert_str_eq(m->dir, dir);
    cr_assert_eq(m->package.individually, -1);
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));

    cr_assert_eq(m->n_functions, 1);
    const struct mf_function *f = mf_function(m, "hello");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->key, "hello");
    cr_assert_str_eq(f->name, "svc-dev-hello");
    cr_assert_str_eq(f->handler, "src/h.main");
    cr_assert_null(f->image);
    cr_assert_str_eq(f->runtime, "nodejs20.x");
    cr_assert_str_eq(f->architecture, "x86_64");
    cr_assert_eq(f->memory, 1024);
    cr_assert_eq(f->timeout, 6);
    cr_assert_eq(f->ephemeral_storage, 512);
    cr_assert_eq(f->reserved_concurrency, -1);
    cr_assert_eq(f->provisioned_concurrency, 0);
    cr_assert_eq(f->max_retry, 2);
    cr_assert_eq(f->max_event_age, 21600);
    cr_assert_eq(f->env.n, 0);
    cr_assert_eq(f->n_events, 0);
    cr_assert_eq(f->package.individually, -1);
    cr_assert_eq(f->loc.line, 7); /* the function's map */
    cr_assert_eq(f->loc.col, 5);
    cr_assert_null(mf_function(m, "nope"));
    mf_free(m);
}

Test(manifest, no_runtime_is_a_warning_naming_serverless_default)
{
    struct manifest *m = load_ok("service: svc\n"
                                 "provider:\n"
                                 "  name: aws\n"
                                 "functions:\n"
                                 "  f:\n"
                                 "    handler: h.main\n");
    cr_assert_null(m->runtime);
    cr_assert_null(mf_function(m, "f")->runtime);
    const struct fn_err *w = mt_warning(m, "no runtime set: Serverless v3 would deploy "
                                           "nodejs16.x, which Lambda no longer accepts for new "
                                           "functions");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "set provider.runtime, e.g. 'runtime: nodejs20.x'");
    cr_assert_eq(w->line, 3);
    cr_assert_eq(w->col, 3);
    mf_free(m);
}

Test(manifest, stage_and_region_options_win_over_the_provider)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load_opts(dir,
                              HEAD "  stage: prod\n"
                                   "  region: eu-west-1\n"
                                   "functions:\n"
                                   "  f:\n"
                                   "    handler: h.main\n",
                              "test", "ap-south-1", &m, &err),
                 0, "%s", err.msg);
    cr_assert_str_eq(m->stage, "test");
    cr_assert_str_eq(m->region, "ap-south-1");
    cr_assert_str_eq(mf_function(m, "f")->name, "svc-test-f");
    mf_free(m);
}

Test(manifest, functions_override_provider_settings)
{
    struct manifest *m = load_ok(HEAD "  memorySize: 512\n"
                                      "  timeout: 10\n"
                                      "  stage: prod\n"
                                      "  region: eu-west-1\n"
                                      "  architecture: arm64\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: app.handler\n"
                                      "    name: custom-name\n"
                                      "    runtime: python3.12\n"
                                      "    memorySize: '256'\n"
                                      "    timeout: 30\n"
                                      "    architecture: x86_64\n"
                                      "    ephemeralStorageSize: 1024\n"
                                      "    reservedConcurrency: 5\n"
                                      "    provisionedConcurrency: 2\n"
                                      "    maximumRetryAttempts: 0\n"
                                      "    maximumEventAge: 60\n"
                                      "    description: does things\n"
                                      "    onError: arn:aws:sns:eu-west-1:1:dlq\n"
                                      "  g:\n"
                                      "    handler: h.g\n");
    cr_assert_str_eq(m->stage, "prod");
    cr_assert_str_eq(m->region, "eu-west-1");
    cr_assert_eq(m->memory, 512);
    cr_assert_eq(m->timeout, 10);

    const struct mf_function *f = mf_function(m, "f");
    cr_assert_str_eq(f->name, "custom-name");
    cr_assert_str_eq(f->runtime, "python3.12");
    cr_assert_eq(f->memory, 256);
    cr_assert_eq(f->timeout, 30);
    cr_assert_str_eq(f->architecture, "x86_64");
    cr_assert_eq(f->ephemeral_storage, 1024);
    cr_assert_eq(f->reserved_concurrency, 5);
    cr_assert_eq(f->provisioned_concurrency, 2);
    cr_assert_eq(f->max_retry, 0);
    cr_assert_eq(f->max_event_age, 60);
    cr_assert_str_eq(f->description, "does things");
    cr_assert_str_eq(f->on_error, "arn:aws:sns:eu-west-1:1:dlq");

    const struct mf_function *g = mf_function(m, "g");
    cr_assert_str_eq(g->name, "svc-prod-g");
    cr_assert_str_eq(g->runtime, "nodejs20.x");
    cr_assert_eq(g->memory, 512);
    cr_assert_eq(g->timeout, 10);
    cr_assert_str_eq(g->architecture, "arm64");
    mf_free(m);
}

Test(manifest, package_settings_are_read)
{
    struct manifest *m = load_ok(HEAD "package:\n"
                                      "  individually: true\n"
                                      "  patterns: ['!node_modules/**', 'src/**']\n"
                                      "  exclude: tests/**\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    package:\n"
                                      "      artifact: dist/f.zip\n"
                                      "      include: [a, b]\n");
    cr_assert_eq(m->package.individually, 1);
    cr_assert_eq(m->package.patterns.n, 2);
    cr_assert_str_eq(m->package.patterns.v[0], "!node_modules/**");
    cr_assert_str_eq(m->package.patterns.v[1], "src/**");
    cr_assert_eq(m->package.exclude.n, 1);
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_str_eq(f->package.artifact, "dist/f.zip");
    cr_assert_eq(f->package.include.n, 2);
    cr_assert_eq(f->package.individually, -1);
    mf_free(m);
}

/* --- environment --- */

Test(manifest, environment_is_the_providers_merged_with_the_functions)
{
    struct manifest *m = load_ok(HEAD "  environment:\n"
                                      "    A: pa\n"
                                      "    B: pb\n"
                                      "    N: 5\n"
                                      "    T: true\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    environment:\n"
                                      "      B: fb\n"
                                      "      C: ${sls:stage}\n"
                                      "      D: null\n"
                                      "      E: ''\n"
                                      "  g:\n"
                                      "    handler: h.g\n");
    const struct mf_function *f = mf_function(m, "f");
    cr_assert_str_eq(mt_env(f, "A"), "pa");
    cr_assert_str_eq(mt_env(f, "B"), "fb");
    cr_assert_str_eq(mt_env(f, "N"), "5");
    cr_assert_str_eq(mt_env(f, "T"), "true");
    cr_assert_str_eq(mt_env(f, "C"), "dev");
    cr_assert_null(mt_env(f, "D"), "null values are dropped, as Serverless does");
    cr_assert_str_eq(mt_env(f, "E"), "");
    cr_assert_eq(f->env.n, 6);
    /* the provider's order first, a function's new names after */
    cr_assert_str_eq(f->env.v[0], "A=pa");
    cr_assert_str_eq(f->env.v[1], "B=fb");

    const struct mf_function *g = mf_function(m, "g");
    cr_assert_str_eq(mt_env(g, "B"), "pb");
    cr_assert_null(mt_env(g, "C"));
    cr_assert_eq(g->env.n, 4);
    mf_free(m);
}

#define FN_ENV(lines)                                                                              \
    HEAD "functions:\n"                                                                            \
         "  f:\n"                                                                                  \
         "    handler: h.main\n"                                                                   \
         "    environment:\n" lines

#define RESERVED_HINT "Lambda sets this variable itself and refuses it in configuration; rename it"

static const struct mt_error_row env_errors[] = {
    {"reserved AWS_REGION in the provider",
     HEAD "  environment:\n"
          "    AWS_REGION: eu-west-1\n"
          "functions:\n"
          "  f:\n"
          "    handler: h.main\n",
     "provider.environment: 'AWS_REGION' is a reserved Lambda variable", RESERVED_HINT, 6, 5},
    {"reserved _HANDLER", FN_ENV("      _HANDLER: x\n"),
     "function 'f'.environment: '_HANDLER' is a reserved Lambda variable", RESERVED_HINT, 9, 7},
    {"reserved AWS_LAMBDA_FUNCTION_NAME", FN_ENV("      AWS_LAMBDA_FUNCTION_NAME: x\n"),
     "function 'f'.environment: 'AWS_LAMBDA_FUNCTION_NAME' is a reserved Lambda variable",
     RESERVED_HINT, 9, 7},
    {"reserved AWS_ACCESS_KEY_ID", FN_ENV("      OK: 1\n      AWS_ACCESS_KEY_ID: x\n"),
     "function 'f'.environment: 'AWS_ACCESS_KEY_ID' is a reserved Lambda variable", RESERVED_HINT,
     10, 7},
    {"reserved LAMBDA_TASK_ROOT", FN_ENV("      LAMBDA_TASK_ROOT: /x\n"),
     "function 'f'.environment: 'LAMBDA_TASK_ROOT' is a reserved Lambda variable", RESERVED_HINT, 9,
     7},
    {"name starting with a digit", FN_ENV("      1BAD: x\n"),
     "function 'f'.environment: invalid variable name '1BAD'",
     "names are letters, digits and '_', not starting with a digit", 9, 7},
    {"name with a dash", FN_ENV("      MY-VAR: x\n"),
     "function 'f'.environment: invalid variable name 'MY-VAR'",
     "names are letters, digits and '_', not starting with a digit", 9, 7},
    {"map value", FN_ENV("      OBJ: {a: 1}\n"),
     "function 'f'.environment.OBJ must be a string, not a map",
     "environment values are strings; use JSON text for structured values", 9, 12},
    {"list instead of a map",
     HEAD "functions:\n"
          "  f:\n"
          "    handler: h.main\n"
          "    environment: [A=1]\n",
     "function 'f'.environment must be a map, not a list", "write NAME: value pairs", 8, 18},
};

Test(manifest, environment_errors)
{
    CHECK_ERRORS(env_errors);
}

/* --- the service, the provider, functions --- */

static const struct mt_error_row structure_errors[] = {
    {"missing service", "provider:\n  name: aws\n", "missing 'service'",
     "add 'service: my-service' at the top of the file", 1, 1},
    {"missing provider", "service: svc\n", "missing 'provider'",
     "add 'provider:' with 'name: aws' and a runtime", 1, 1},
    {"empty file", "", "missing 'provider'", "add 'provider:' with 'name: aws' and a runtime", 1,
     1},
    {"provider as a string", "service: svc\nprovider: aws\n",
     "'provider' must be a map, not a string", "write 'provider:' then 'name: aws'", 2, 11},
    {"provider without name", "service: svc\nprovider:\n  runtime: nodejs20.x\n",
     "provider has no name", "add 'name: aws' under provider", 3, 3},
    {"provider google", "service: svc\nprovider:\n  name: google\n",
     "provider 'google' is not supported",
     "fnctl emulates AWS Lambda; other providers are not supported", 3, 9},
    {"provider from a variable", "service: svc\nprovider:\n  name: ${opt:provider, 'azure'}\n",
     "provider 'azure' is not supported",
     "fnctl emulates AWS Lambda; other providers are not supported", 3, 9},
    {"the manifest is a list", "- a\n- b\n", "the manifest must be a map, not a list",
     "a serverless.yml is a map with service, provider and functions", 1, 1},
    {"service as a list", "service: [a]\nprovider:\n  name: aws\n",
     "'service' must be a string, not a list", NULL, 1, 10},
    {"service starting with a digit", "service: 1svc\nprovider:\n  name: aws\n",
     "invalid service name '1svc'", "start with a letter; then letters, digits and '-'", 1, 10},
    {"service with an underscore", "service: my_svc\nprovider:\n  name: aws\n",
     "invalid service name 'my_svc'", "start with a letter; then letters, digits and '-'", 1, 10},
    {"invalid stage", HEAD "  stage: dev_1\n", "invalid stage 'dev_1'",
     "stages are letters, digits and '-'", 5, 10},
    {"unknown provider runtime", "service: svc\nprovider:\n  name: aws\n  runtime: nodejs21.x\n",
     "provider: unknown runtime 'nodejs21.x'", "did you mean 'nodejs22.x'?", 4, 12},
    {"provider memory too small", HEAD "  memorySize: 64\n",
     "provider: 'memorySize' is 64, out of range", "allowed: 128 to 10240", 5, 15},
    {"provider timeout too long", HEAD "  timeout: 901\n",
     "provider: 'timeout' is 901, out of range", "allowed: 1 to 900", 5, 12},
    {"provider timeout not a number", HEAD "  timeout: [1]\n",
     "provider: 'timeout' must be a whole number, not a list", NULL, 5, 12},
    {"functions as a list", HEAD "functions:\n  - f:\n      handler: h.x\n",
     "functions must be a map, not a list",
     "write functions as a map: 'functions:' then 'hello: {handler: ...}'", 6, 3},
    {"function without handler", HEAD "functions:\n  f:\n    runtime: nodejs20.x\n",
     "function 'f' has no handler",
     "add 'handler: <file>.<export>' (or 'image:' for a container image)", 6, 3},
    {"empty function", HEAD "functions:\n  f:\n", "function 'f' is empty",
     "give it at least a handler: 'handler: handler.main'", 6, 3},
    {"function as a string", HEAD "functions:\n  f: h.main\n",
     "function 'f' must be a map, not a string", NULL, 6, 6},
    {"invalid function name", HEAD "functions:\n  my.f:\n    handler: h.x\n",
     "invalid function name 'my.f'", "use letters, digits, '-' and '_'", 6, 3},
    {"handler and image", HEAD "functions:\n  f:\n    handler: h.x\n    image: img\n",
     "function 'f' sets both handler and image", "keep either 'handler' or 'image'", 8, 12},
    {"node handler without export", HEAD "functions:\n  f:\n    handler: nodot\n",
     "function 'f': handler 'nodot' is not <file>.<export>",
     "write '<file>.<export>', e.g. 'src/handler.main'", 7, 14},
    {"python handler without function",
     HEAD "functions:\n  f:\n    handler: app.\n    runtime: python3.12\n",
     "function 'f': handler 'app.' is not <file>.<function>",
     "write '<file>.<function>', e.g. 'app.lambda_handler'", 7, 14},
    {"unknown function runtime",
     HEAD "functions:\n  f:\n    handler: h.x\n    runtime: pyhton3.12\n",
     "function 'f': unknown runtime 'pyhton3.12'", "did you mean 'python3.12'?", 8, 14},
    {"unknown architecture", HEAD "functions:\n  f:\n    handler: h.x\n    architecture: arm\n",
     "unknown architecture 'arm'", "use x86_64 or arm64", 8, 19},
    {"function memory out of range",
     HEAD "functions:\n  f:\n    handler: h.x\n    memorySize: 20000\n",
     "function 'f': 'memorySize' is 20000, out of range", "allowed: 128 to 10240", 8, 17},
    {"function timeout out of range", HEAD "functions:\n  f:\n    handler: h.x\n    timeout: 0\n",
     "function 'f': 'timeout' is 0, out of range", "allowed: 1 to 900", 8, 14},
    {"provisioned over reserved",
     HEAD "functions:\n  f:\n    handler: h.x\n    reservedConcurrency: 1\n"
          "    provisionedConcurrency: 2\n",
     "function 'f': provisionedConcurrency 2 exceeds reservedConcurrency 1",
     "provisioned concurrency must fit within reserved concurrency", 9, 29},
    {"function name too long",
     HEAD "functions:\n  f:\n    handler: h.x\n"
          "    name: a-function-name-that-is-far-too-long-for-lambda-to-accept-it-at-all\n",
     "function name 'a-function-name-that-is-far-too-long-for-lambda-to-accept-it-at-all' is too "
     "long",
     "Lambda function names are at most 64 characters; set a shorter 'name:'", 8, 11},
    {"invalid YAML", "service: svc\nprovider:\n  name: aws\n bad: [\n",
     "invalid YAML: did not find expected key while parsing a block mapping",
     "check the indentation and quoting around this position", 4, 2},
    {"variable error is located", HEAD "custom:\n  a: ${env:FNCTL_UT_UNSET_VAR}\n",
     "cannot resolve '${env:FNCTL_UT_UNSET_VAR}': environment variable 'FNCTL_UT_UNSET_VAR' is "
     "not set",
     "export FNCTL_UT_UNSET_VAR=..., or add a fallback: ${env:FNCTL_UT_UNSET_VAR, 'value'}", 6, 6},
};

Test(manifest, structure_errors)
{
    unsetenv("FNCTL_UT_UNSET_VAR");
    CHECK_ERRORS(structure_errors);
}

Test(manifest, runtimes_lambda_retired_or_not_runnable_are_warnings)
{
    struct manifest *m = load_ok(HEAD "functions:\n"
                                      "  old:\n"
                                      "    handler: h.x\n"
                                      "    runtime: nodejs12.x\n"
                                      "  java:\n"
                                      "    handler: com.example.Handler\n"
                                      "    runtime: java21\n"
                                      "  img:\n"
                                      "    image: 123.dkr.ecr.us-east-1.amazonaws.com/x:latest\n");
    const struct fn_err *w = mt_warning(
        m, "function 'old': runtime 'nodejs12.x' is retired: Lambda no longer accepts it");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "move to a current runtime, e.g. nodejs20.x or python3.12");
    cr_assert_eq(w->line, 8);
    cr_assert_eq(w->col, 14);
    w = mt_warning(m, "function 'java': runtime 'java21' cannot run locally");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint,
                     "fnctl runs nodejs*, python* and provided* (custom runtime) functions");
    cr_assert_eq(w->line, 11);
    w = mt_warning(m, "function 'img' is a container image function; it cannot run locally");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "container image functions need Docker; fnctl runs zip functions");
    const struct mf_function *img = mf_function(m, "img");
    cr_assert_null(img->handler);
    cr_assert_str_eq(img->image, "123.dkr.ecr.us-east-1.amazonaws.com/x:latest");
    mf_free(m);
}

Test(manifest, service_object_form_is_a_warning)
{
    struct manifest *m = load_ok("service:\n"
                                 "  name: svc\n"
                                 "provider:\n"
                                 "  name: aws\n"
                                 "  runtime: nodejs20.x\n");
    cr_assert_str_eq(m->service, "svc");
    const struct fn_err *w = mt_warning(m, "'service' as an object is the Serverless v1 form");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "write 'service: name' (Serverless v3 refuses the object form)");
    cr_assert_eq(w->line, 2);
    mf_free(m);
}

/* --- queues and buckets declared under resources --- */

Test(manifest, queues_and_buckets_from_resources)
{
    struct manifest *m = load_ok(HEAD "  stage: prod\n"
                                      "resources:\n"
                                      "  Resources:\n"
                                      "    Jobs:\n"
                                      "      Type: AWS::SQS::Queue\n"
                                      "      Properties:\n"
                                      "        QueueName: jobs\n"
                                      "        VisibilityTimeout: 60\n"
                                      "        DelaySeconds: 5\n"
                                      "        MessageRetentionPeriod: 3600\n"
                                      "        MaximumMessageSize: 2048\n"
                                      "        ReceiveMessageWaitTimeSeconds: 20\n"
                                      "    Orders:\n"
                                      "      Type: AWS::SQS::Queue\n"
                                      "      Properties:\n"
                                      "        FifoQueue: true\n"
                                      "        ContentBasedDeduplication: true\n"
                                      "    Named:\n"
                                      "      Type: AWS::SQS::Queue\n"
                                      "      Properties:\n"
                                      "        QueueName: named.fifo\n"
                                      "        FifoQueue: 'true'\n"
                                      "    Plain:\n"
                                      "      Type: AWS::SQS::Queue\n"
                                      "    Uploads:\n"
                                      "      Type: AWS::S3::Bucket\n"
                                      "      Properties:\n"
                                      "        BucketName: my-uploads\n"
                                      "    Assets:\n"
                                      "      Type: AWS::S3::Bucket\n");
    cr_assert_eq(m->n_queues, 4);

    const struct mf_queue *q = &m->queues[0];
    cr_assert_str_eq(q->logical_id, "Jobs");
    cr_assert_str_eq(q->name, "jobs");
    cr_assert_str_eq(q->arn, "arn:aws:sqs:us-east-1:000000000000:jobs");
    cr_assert_str_eq(q->url, "http://127.0.0.1:4566/000000000000/jobs");
    cr_assert_not(q->fifo);
    cr_assert_eq(q->visibility_timeout, 60);
    cr_assert_eq(q->delay, 5);
    cr_assert_eq(q->retention, 3600);
    cr_assert_eq(q->max_message_size, 2048);
    cr_assert_eq(q->receive_wait, 20);
    cr_assert_null(q->dlq);
    cr_assert_str_eq(q->loc.file, manifest_path);
    cr_assert_eq(q->loc.line, 9);
    cr_assert_eq(q->loc.col, 7);

    /* generated names: <service>-<stage>-<LogicalId>, '.fifo' for FIFO */
    q = &m->queues[1];
    cr_assert_str_eq(q->name, "svc-prod-Orders.fifo");
    cr_assert(q->fifo);
    cr_assert(q->content_based_dedup);
    cr_assert_eq(q->visibility_timeout, 30);
    cr_assert_eq(q->delay, 0);
    cr_assert_eq(q->retention, 345600);
    cr_assert_eq(q->max_message_size, 262144);
    cr_assert_eq(q->receive_wait, 0);

    cr_assert_str_eq(m->queues[2].name, "named.fifo");
    cr_assert(m->queues[2].fifo);
    cr_assert_str_eq(m->queues[3].name, "svc-prod-Plain");
    cr_assert_not(m->queues[3].fifo);

    cr_assert_eq(m->n_buckets, 2);
    cr_assert_str_eq(m->buckets[0].logical_id, "Uploads");
    cr_assert_str_eq(m->buckets[0].name, "my-uploads");
    cr_assert_eq(m->buckets[0].loc.line, 30);
    cr_assert_str_eq(m->buckets[1].name, "svc-prod-assets", "generated names are lowercase");
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);
}

Test(manifest, resources_as_a_list_of_fragments_are_merged)
{
    struct manifest *m = load_ok(HEAD "resources:\n"
                                      "  - Resources:\n"
                                      "      Q:\n"
                                      "        Type: AWS::SQS::Queue\n"
                                      "  - Resources:\n"
                                      "      B:\n"
                                      "        Type: AWS::S3::Bucket\n"
                                      "  - Outputs: {}\n");
    cr_assert_eq(m->n_queues, 1);
    cr_assert_str_eq(m->queues[0].name, "svc-dev-Q");
    cr_assert_eq(m->n_buckets, 1);
    cr_assert_str_eq(m->buckets[0].name, "svc-dev-b");
    mf_free(m);
}

Test(manifest, resources_fnctl_does_not_emulate_are_one_warning)
{
    struct manifest *m = load_ok(HEAD "resources:\n"
                                      "  Resources:\n"
                                      "    Table:\n"
                                      "      Type: AWS::DynamoDB::Table\n"
                                      "    Topic:\n"
                                      "      Type: AWS::SNS::Topic\n"
                                      "    NoType:\n"
                                      "      Properties: {}\n");
    cr_assert_eq(m->n_warnings, 2, "warnings:%s", mt_warnings_text(m));
    const struct fn_err *w = mt_warning(m, "resource 'NoType' has no Type");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "every resource needs a Type, e.g. AWS::SQS::Queue");
    cr_assert_eq(w->line, 12);
    cr_assert_eq(w->col, 7);
    w = mt_warning(m,
                   "resources not emulated: Table (AWS::DynamoDB::Table), Topic (AWS::SNS::Topic)");
    cr_assert_not_null(w, "warnings:%s", mt_warnings_text(m));
    cr_assert_str_eq(w->hint, "fnctl emulates AWS::SQS::Queue and AWS::S3::Bucket; point the "
                              "others at real or other local services");
    cr_assert_eq(w->line, 7);
    cr_assert_eq(w->col, 5);
    mf_free(m);
}

#define QUEUE(props)                                                                               \
    HEAD "resources:\n"                                                                            \
         "  Resources:\n"                                                                          \
         "    Jobs:\n"                                                                             \
         "      Type: AWS::SQS::Queue\n"                                                           \
         "      Properties:\n" props

static const struct mt_error_row resource_errors[] = {
    {"queue name with a dot", QUEUE("        QueueName: bad.name\n"),
     "invalid queue name 'bad.name'",
     "up to 80 letters, digits, '-' and '_'; only FIFO queues end in '.fifo' (set FifoQueue: "
     "true)",
     10, 20},
    {"FIFO queue name without .fifo", QUEUE("        QueueName: jobs\n        FifoQueue: true\n"),
     "invalid queue name 'jobs'",
     "a FIFO queue's name ends in '.fifo'; up to 80 letters, digits, '-' and '_' before it", 10,
     20},
    {".fifo name on a standard queue", QUEUE("        QueueName: jobs.fifo\n"),
     "invalid queue name 'jobs.fifo'",
     "up to 80 letters, digits, '-' and '_'; only FIFO queues end in '.fifo' (set FifoQueue: "
     "true)",
     10, 20},
    {"visibility timeout too long", QUEUE("        VisibilityTimeout: 50000\n"),
     "resources.Resources.Jobs.Properties: 'VisibilityTimeout' is 50000, out of range",
     "allowed: 0 to 43200", 10, 28},
    {"FifoQueue not a boolean", QUEUE("        FifoQueue: maybe\n"),
     "resources.Resources.Jobs.Properties: 'FifoQueue' must be true or false, not a string",
     "write true or false", 10, 20},
    {"queue Properties a list", QUEUE("        - a\n"),
     "resources.Resources.Jobs.Properties must be a map, not a list", NULL, 10, 9},
    {"bucket name with capitals",
     HEAD "resources:\n  Resources:\n    B:\n      Type: AWS::S3::Bucket\n      Properties:\n"
          "        BucketName: Bad_Name\n",
     "invalid bucket name 'Bad_Name'", BUCKET_HINT, 10, 21},
    {"Resources a list", HEAD "resources:\n  Resources: [a]\n",
     "resources.Resources must be a map, not a list", NULL, 6, 14},
};

Test(manifest, resource_errors)
{
    CHECK_ERRORS(resource_errors);
}

Test(manifest, queue_range_hints_name_sqs_not_lambda)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mt_load(dir, QUEUE("        VisibilityTimeout: 50000\n"), &m, &err), -1);
    cr_assert_null(strstr(err.hint, "Lambda"), "%s", err.hint);
}

/* --- finding the file --- */

Test(manifest, no_serverless_yml_is_an_error_with_a_hint)
{
    struct manifest *m = (struct manifest *)1;
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {.dir = dir};
    char *msg = xasprintf("no serverless.yml in '%s'", dir);
    cr_assert_eq(mf_load(&opts, &m, &err), -1);
    cr_assert_null(m);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_str_eq(err.hint, "run fnctl in a service directory, pass -c FILE, or create a "
                               "service with 'fnctl new'");
    cr_assert_str_eq(err.file, "");
    cr_assert_eq(err.line, 0);
    free(msg);
}

Test(manifest, serverless_yaml_is_found_too)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {.dir = dir};
    char *path = mt_path(dir, "serverless.yaml");
    mt_write(dir, "serverless.yaml", HEAD);
    cr_assert_eq(mf_load(&opts, &m, &err), 0, "%s", err.msg);
    cr_assert_str_eq(m->path, path);
    mf_free(m);
    free(path);
}

Test(manifest, serverless_js_is_refused_with_a_hint)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {.dir = dir};
    char *msg = xasprintf("'%s/serverless.ts' is not supported; fnctl reads serverless.yml", dir);
    mt_write(dir, "serverless.ts", "export default {}\n");
    cr_assert_eq(mf_load(&opts, &m, &err), -1);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_str_eq(err.hint, "convert it to serverless.yml (the same keys, in YAML)");
    free(msg);
}

Test(manifest, config_path_to_a_missing_file)
{
    struct manifest *m = (struct manifest *)1;
    struct fn_err err = FN_ERR_INIT;
    char *path = mt_path(dir, "other.yml");
    struct mf_opts opts = {.path = path};
    char *msg = xasprintf("manifest '%s' does not exist", path);
    cr_assert_eq(mf_load(&opts, &m, &err), -1);
    cr_assert_null(m);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_str_eq(err.hint, "check the path given to -c");
    cr_assert_eq(err.line, 0);
    free(msg);
    free(path);
}

Test(manifest, config_path_sets_the_service_dir_for_files)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    char *path = mt_path(dir, "other.yml");
    struct mf_opts opts = {.path = path};
    mt_write(dir, "other.yml",
             HEAD "custom:\n  v: ${file(./vals.yml):a}\n"
                  "functions:\n  f:\n    handler: h.main\n"
                  "    environment:\n      V: ${self:custom.v}\n");
    mt_write(dir, "vals.yml", "a: from-file\n");
    cr_assert_eq(mf_load(&opts, &m, &err), 0, "%s", err.msg);
    cr_assert_str_eq(m->path, path);
    cr_assert_str_eq(m->dir, dir);
    cr_assert_str_eq(mt_env(mf_function(m, "f"), "V"), "from-file");
    mf_free(m);
    free(path);
}

Test(manifest, errors_in_an_included_file_point_into_it)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    char *fns = mt_path(dir, "functions.yml");
    mt_write(dir, "functions.yml",
             "f:\n"
             "  handler: h.main\n"
             "  events:\n"
             "    - htttp: GET /x\n");
    cr_assert_eq(mt_load(dir, HEAD "functions: ${file(./functions.yml)}\n", &m, &err), -1);
    cr_assert_str_eq(err.msg, "function 'f': unknown event type 'htttp'");
    cr_assert_str_eq(err.file, fns);
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.col, 7);
    free(fns);
}

Test(manifest, load_text_names_the_file_as_given)
{
    struct manifest *m;
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {0};
    const char *text = HEAD "functions:\n  f:\n    handler: nodot\n";
    cr_assert_eq(mf_load_text(text, strlen(text), "mem.yml", &opts, &m, &err), -1);
    cr_assert_str_eq(err.file, "mem.yml");
    cr_assert_eq(err.line, 7);
    text = HEAD;
    cr_assert_eq(mf_load_text(text, strlen(text), "mem.yml", &opts, &m, &err), 0, "%s", err.msg);
    cr_assert_str_eq(m->path, "mem.yml");
    cr_assert_str_eq(m->dir, ".");
    mf_free(m);
}

/* --- small helpers of the header --- */

Test(manifest, bucket_names_follow_s3_rules)
{
    static const struct {
        const char *name;
        bool ok;
    } rows[] = {
        {"abc", true},
        {"my-bucket", true},
        {"my.bucket.1", true},
        {"1bucket", true},
        {"ab", false},
        {"My-Bucket", false},
        {"my_bucket", false},
        {"-bucket", false},
        {"bucket-", false},
        {"my..bucket", false},
        {"my.-bucket", false},
        {"my-.bucket", false},
        {"192.168.1.1", false},
        {"1.2.3", true},
        {"a23456789012345678901234567890123456789012345678901234567890123", true},
        {"a234567890123456789012345678901234567890123456789012345678901234", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        cr_assert_eq(mf_valid_bucket_name(rows[i].name), rows[i].ok, "[%s]", rows[i].name);
}

Test(manifest, runtimes_that_run_locally)
{
    cr_assert(mf_runtime_runs_locally("nodejs20.x"));
    cr_assert(mf_runtime_runs_locally("python3.12"));
    cr_assert(mf_runtime_runs_locally("provided.al2023"));
    cr_assert_not(mf_runtime_runs_locally("java21"));
    cr_assert_not(mf_runtime_runs_locally("dotnet8"));
    cr_assert_not(mf_runtime_runs_locally("ruby3.3"));
}

Test(manifest, event_kind_names)
{
    cr_assert_str_eq(mf_event_kind_name(MF_EV_HTTPAPI), "httpApi");
    cr_assert_str_eq(mf_event_kind_name(MF_EV_HTTP), "http");
    cr_assert_str_eq(mf_event_kind_name(MF_EV_S3), "s3");
    cr_assert_str_eq(mf_event_kind_name(MF_EV_SQS), "sqs");
    cr_assert_str_eq(mf_event_kind_name(MF_EV_SCHEDULE), "schedule");
}
