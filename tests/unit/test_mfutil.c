/* mfutil: unknown keys are warnings with a did-you-mean, errors under
 * `configValidationMode: error` (plugins and the events they may add are in
 * test_mfevents_errors.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mf_testutil.h"

MT_SUITE(mfutil);


/* --- unknown keys --- */

Test(mfutil, unknown_keys_are_warnings_with_a_did_you_mean)
{
    struct manifest *m = load_ok(HEAD "  memorysize: 512\n"
                                      "  tenant: x\n"
                                      "funtions: {}\n"
                                      "functions:\n"
                                      "  f:\n"
                                      "    handler: h.main\n"
                                      "    timout: 5\n"
                                      "    events:\n"
                                      "      - http:\n"
                                      "          path: /x\n"
                                      "          method: get\n"
                                      "          cros: true\n");
    static const struct {
        const char *msg, *hint;
        int line, col;
    } want[] = {
        {"serverless.yml: unrecognized property 'funtions'", "did you mean 'functions'?", 7, 1},
        {"provider: unrecognized property 'memorysize'", "did you mean 'memorySize'?", 5, 3},
        {"provider: unrecognized property 'tenant'", "", 6, 3},
        {"function 'f': unrecognized property 'timout'", "did you mean 'timeout'?", 11, 5},
        {"http event: unrecognized property 'cros'", "did you mean 'cors'?", 16, 11},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct fn_err *w = mt_warning(m, want[i].msg);
        cr_assert_not_null(w, "no warning '%s'; got:%s", want[i].msg, mt_warnings_text(m));
        cr_assert_str_eq(w->hint, want[i].hint, "[%s]", want[i].msg);
        cr_assert_str_eq(w->file, manifest_path);
        cr_assert_eq(w->line, want[i].line, "[%s] line %d", want[i].msg, w->line);
        cr_assert_eq(w->col, want[i].col, "[%s] col %d", want[i].msg, w->col);
    }
    cr_assert_eq(m->n_warnings, 5, "warnings:%s", mt_warnings_text(m));
    /* the misspelt key is not read */
    cr_assert_eq(m->memory, 1024);
    cr_assert_eq(mf_function(m, "f")->timeout, 6);
    mf_free(m);
}

Test(mfutil, every_serverless_v3_top_level_key_is_known)
{
    struct manifest *m = load_ok(HEAD "frameworkVersion: '3'\n"
                                      "configValidationMode: warn\n"
                                      "useDotenv: true\n"
                                      "variablesResolutionMode: '20210326'\n"
                                      "disabledDeprecations: '*'\n"
                                      "deprecationNotificationMode: warn\n"
                                      "params: {default: {a: 1}}\n"
                                      "console: false\n"
                                      "dashboard: {disableMonitoring: true}\n"
                                      "projectDir: ./\n"
                                      "layers: {}\n"
                                      "org: myorg1\n"
                                      "app: myapp\n"
                                      "outputs: {a: 1}\n"
                                      "custom: {a: 1}\n"
                                      "package: {}\n");
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);
}

Test(mfutil, config_validation_mode_error_makes_unknown_keys_errors)
{
    static const struct mt_error_row rows[] = {
        {"top level",
         "service: svc\n"
         "configValidationMode: error\n"
         "provider:\n"
         "  name: aws\n"
         "  runtime: nodejs20.x\n"
         "funtions: {}\n",
         "serverless.yml: unrecognized property 'funtions' (configValidationMode: error)",
         "did you mean 'functions'?", 6, 1},
        {"provider",
         "service: svc\n"
         "configValidationMode: error\n"
         "provider:\n"
         "  name: aws\n"
         "  runtime: nodejs20.x\n"
         "  memorysize: 1\n",
         "provider: unrecognized property 'memorysize' (configValidationMode: error)",
         "did you mean 'memorySize'?", 6, 3},
        {"event",
         "service: svc\n"
         "configValidationMode: error\n"
         "provider:\n"
         "  name: aws\n"
         "  runtime: nodejs20.x\n"
         "functions:\n"
         "  f:\n"
         "    handler: h.main\n"
         "    events:\n"
         "      - sqs:\n"
         "          arn: arn:aws:sqs:us-east-1:1:q\n"
         "          batchsize: 5\n",
         "sqs event: unrecognized property 'batchsize' (configValidationMode: error)",
         "did you mean 'batchSize'?", 12, 11},
        {"no suggestion",
         "service: svc\n"
         "configValidationMode: error\n"
         "provider:\n"
         "  name: aws\n"
         "whatever: 1\n",
         "serverless.yml: unrecognized property 'whatever' (configValidationMode: error)", NULL, 5,
         1},
    };
    CHECK_ERRORS(rows);
}

Test(mfutil, config_validation_mode_off_reports_no_unknown_keys)
{
    struct manifest *m = load_ok("service: svc\n"
                                 "configValidationMode: off\n"
                                 "provider:\n"
                                 "  name: aws\n"
                                 "  runtime: nodejs20.x\n"
                                 "  tenant: x\n"
                                 "whatever: 1\n");
    cr_assert_eq(m->n_warnings, 0, "warnings:%s", mt_warnings_text(m));
    mf_free(m);
}
