/* The CLI as a user meets it: help and version from the command table, exit
 * codes, errors on stderr with hints, data on stdout, colour only on a
 * terminal and never with NO_COLOR. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

static char *dir;

static void make_dir(void)
{
    dir = e2e_tmpdir();
}

static void remove_dir(void)
{
    e2e_rmrf(dir);
    free(dir);
}

static const char *good_manifest =
    "service: shop\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "  stage: ${opt:stage, 'dev'}\n"
    "functions:\n"
    "  orders:\n"
    "    handler: src/orders.main\n"
    "    environment:\n"
    "      STAGE: ${sls:stage}\n"
    "    events:\n"
    "      - httpApi: 'GET /orders/{id}'\n";

static const char *typo_manifest =
    "service: shop\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "functions:\n"
    "  orders:\n"
    "    handler: src/orders.main\n"
    "    events:\n"
    "      - htttp: 'GET /orders'\n";

TestSuite(cli, .init = make_dir, .fini = remove_dir);

Test(cli, version_prints_the_version_on_stdout)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "--version", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(buf_cstr(&r.out), "fnctl " FNCTL_VERSION "\n");
    cr_assert_str_eq(buf_cstr(&r.err), "");
    e2e_release(&r);
}

Test(cli, no_command_prints_usage_on_stderr_and_exits_2)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert(strstr(buf_cstr(&r.err), "usage: fnctl COMMAND"));
    e2e_release(&r);
}

Test(cli, help_lists_every_registered_command)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(buf_cstr(&r.out), "\n  validate     load and check serverless.yml"));
    cr_assert(strstr(buf_cstr(&r.out), "\n  help         show the commands"));
    e2e_release(&r);
}

Test(cli, help_command_and_dash_dash_help_agree)
{
    struct e2e_result a, b;
    e2e_fnctl(&a, NULL, "help", "validate", NULL);
    e2e_fnctl(&b, NULL, "validate", "--help", NULL);
    cr_assert_eq(a.status, 0);
    cr_assert_eq(b.status, 0);
    cr_assert_str_eq(buf_cstr(&a.out), buf_cstr(&b.out));
    cr_assert(strstr(buf_cstr(&a.out), "usage: fnctl validate [OPTIONS]\n"));
    cr_assert(strstr(buf_cstr(&a.out), "-c, --config FILE"));
    cr_assert(strstr(buf_cstr(&a.out), "--stage S"));
    cr_assert(strstr(buf_cstr(&a.out), "-p, --print"));
    e2e_release(&a);
    e2e_release(&b);
}

Test(cli, misspelt_command_gets_did_you_mean)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "valdate", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert_str_eq(buf_cstr(&r.err), "fnctl: unknown command 'valdate'\n"
                                       "  hint: did you mean 'fnctl validate'?\n");
    e2e_release(&r);
}

Test(cli, misspelt_option_gets_did_you_mean)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "validate", "--stgae", "prod", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.err), "fnctl: unknown option '--stgae' for 'validate'\n"
                                       "  hint: did you mean '--stage'?\n");
    e2e_release(&r);
}

Test(cli, option_without_its_value_is_a_usage_error)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "validate", "--stage", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.err), "fnctl: option '--stage' needs a value\n"
                                       "  hint: write '--stage S'\n");
    e2e_release(&r);
}

Test(cli, extra_argument_is_a_usage_error)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "validate", "extra", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: too many arguments for 'validate': 'extra'\n"));
    e2e_release(&r);
}

Test(cli, no_manifest_says_where_it_looked)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_fnctl(&r, &o, "validate", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.err),
                     "fnctl: no serverless.yml in the current directory\n"
                     "  hint: run fnctl in a service directory, pass -c FILE, or create a service "
                     "with 'fnctl new'\n");
    e2e_release(&r);
}

Test(cli, valid_manifest_is_ok_on_stdout)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_write(dir, "serverless.yml", good_manifest);
    e2e_fnctl(&r, &o, "validate", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    cr_assert_str_eq(buf_cstr(&r.out), "serverless.yml: ok: service 'shop', stage 'dev', "
                                       "1 function, 0 queues, 0 buckets\n");
    cr_assert_str_eq(buf_cstr(&r.err), "");
    e2e_release(&r);
}

Test(cli, stage_option_reaches_variables)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_write(dir, "serverless.yml", good_manifest);
    e2e_fnctl(&r, &o, "validate", "--print", "--stage", "prod", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.out), "service  shop  (stage prod, region us-east-1)\n"));
    cr_assert(strstr(buf_cstr(&r.out), "    name         shop-prod-orders\n"));
    cr_assert(strstr(buf_cstr(&r.out), "    environment  STAGE=prod\n"));
    cr_assert(strstr(buf_cstr(&r.out), "    events       httpApi GET /orders/{id}\n"));
    e2e_release(&r);
}

Test(cli, broken_manifest_error_is_located_with_a_hint)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_write(dir, "serverless.yml", typo_manifest);
    e2e_fnctl(&r, &o, "validate", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert_str_eq(buf_cstr(&r.err),
                     "fnctl: serverless.yml:9:9: function 'orders': unknown event type 'htttp'\n"
                     "  hint: did you mean 'http'? supported: 'httpApi', 'http', 's3', 'sqs', "
                     "'schedule'\n");
    e2e_release(&r);
}

Test(cli, json_error_is_data_on_stdout)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    struct fn_err err = FN_ERR_INIT;
    e2e_write(dir, "serverless.yml", typo_manifest);
    e2e_fnctl(&r, &o, "validate", "--json", NULL);
    cr_assert_eq(r.status, 2);
    json_t *doc = fj_parse(buf_cstr(&r.out), r.out.len, "stdout", &err);
    cr_assert_not_null(doc, "%s", err.msg);
    cr_assert(json_is_false(json_object_get(doc, "ok")));
    json_t *e = json_object_get(doc, "error");
    cr_assert_str_eq(fj_str(e, "message", ""), "function 'orders': unknown event type 'htttp'");
    cr_assert_str_eq(fj_str(e, "file", ""), "serverless.yml");
    cr_assert_eq(json_integer_value(json_object_get(e, "line")), 9);
    cr_assert_eq(json_integer_value(json_object_get(e, "column")), 9);
    json_decref(doc);
    e2e_release(&r);
}

Test(cli, json_model_has_functions_and_warnings)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    struct fn_err err = FN_ERR_INIT;
    e2e_write(dir, "serverless.yml",
              "service: shop\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
              "plugins:\n  - serverless-offline\n"
              "functions:\n  a:\n    handler: a.main\n    timout: 5\n");
    e2e_fnctl(&r, &o, "validate", "--json", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    json_t *doc = fj_parse(buf_cstr(&r.out), r.out.len, "stdout", &err);
    cr_assert_not_null(doc);
    json_t *svc = json_object_get(doc, "service");
    json_t *fn = json_object_get(json_object_get(svc, "functions"), "a");
    cr_assert_str_eq(fj_str(fn, "handler", ""), "a.main");
    cr_assert_eq(json_integer_value(json_object_get(fn, "timeout")), 6);
    cr_assert_eq(json_array_size(json_object_get(svc, "warnings")), 2);
    /* warnings also reach stderr, in the error's shape */
    cr_assert(strstr(buf_cstr(&r.err),
                     "fnctl: warning: serverless.yml:10:5: function 'a': unrecognized property "
                     "'timout'\n  hint: did you mean 'timeout'?\n"));
    json_decref(doc);
    e2e_release(&r);
}

Test(cli, quiet_silences_warnings)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_write(dir, "serverless.yml",
              "service: shop\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
              "plugins:\n  - serverless-offline\nfunctions:\n  a:\n    handler: a.main\n");
    e2e_fnctl(&r, &o, "validate", "-q", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(buf_cstr(&r.err), "");
    e2e_release(&r);
}

/* Runs fnctl under script(1) so that its stderr is a terminal. */
static void run_on_tty(struct e2e_result *r, const char *no_color)
{
    const char *env[] = { no_color, "TERM=xterm", NULL };
    struct e2e_opts o = { .env = no_color ? env : env + 1 };
    const char *argv[] = { "/usr/bin/script", "-qec", FNCTL_BIN " valdate", "/dev/null", NULL };
    e2e_run(r, &o, argv);
}

Test(cli, colour_on_a_terminal_only)
{
    struct e2e_result r;
    run_on_tty(&r, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.out), "\033["), "no colour on a terminal: %s",
              buf_cstr(&r.out));
    e2e_release(&r);

    e2e_fnctl(&r, NULL, "valdate", NULL); /* pipes */
    cr_assert_null(strstr(buf_cstr(&r.err), "\033["));
    e2e_release(&r);
}

Test(cli, no_color_wins_over_a_terminal)
{
    struct e2e_result r;
    run_on_tty(&r, "NO_COLOR=1");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.out), "fnctl: unknown command 'valdate'"));
    cr_assert_null(strstr(buf_cstr(&r.out), "\033["));
    e2e_release(&r);
}

Test(cli, the_demo_service_validates)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = FNCTL_SOURCE_DIR "/examples/demo" };
    e2e_fnctl(&r, &o, "validate", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    cr_assert_str_eq(buf_cstr(&r.err), "");
    e2e_release(&r);
}
