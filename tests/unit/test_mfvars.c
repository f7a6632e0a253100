/* mfvars: Serverless v3 variables resolved in a tree from yt_load().
 *
 * Most cases put one value under custom.v of a fixed document (BASE below)
 * and check what it resolves to, or the error it gives. Files for ${file()}
 * live in a temporary service directory made for each test. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mf_testutil.h"
#include "mfvars.h"
#include "ytree.h"

static char *dir;

/* Line 18 is `  v: <value>`: errors about the value are at 18:6. */
#define BASE                                                                                       \
    "service: svc\n"                                                                               \
    "provider:\n"                                                                                  \
    "  name: aws\n"                                                                                \
    "params:\n"                                                                                    \
    "  default:\n"                                                                                 \
    "    domain: example.com\n"                                                                    \
    "    only_default: d\n"                                                                        \
    "  prod:\n"                                                                                    \
    "    domain: prod.example.com\n"                                                               \
    "custom:\n"                                                                                    \
    "  name: shop\n"                                                                               \
    "  port: 8080\n"                                                                               \
    "  flag: true\n"                                                                               \
    "  map: {k: v, n: 1}\n"                                                                        \
    "  list: [a, b]\n"                                                                             \
    "  nothing: null\n"                                                                            \
    "  devName: nested\n"                                                                          \
    "  v: "
#define V_LINE 18
#define V_COL 6

static void setup(void)
{
    dir = mt_tmpdir();
    unsetenv("FNCTL_UT_UNSET");
    mt_write(dir, "config.yml",
             "db:\n"
             "  host: localhost\n"
             "  port: 5432\n"
             "ref: ${self:custom.name}\n"
             "bad: ${env:FNCTL_UT_UNSET}\n");
    mt_write(dir, "conf.json", "{\"creds\": {\"user\": \"u\", \"n\": 3}}\n");
    mt_write(dir, "dev.yml", "greeting: hello dev\n");
    mt_write(dir, "broken.yml", "a: [1,\n");
}

static void teardown(void)
{
    mt_rmrf(dir);
    free(dir);
}

TestSuite(mfvars, .init = setup, .fini = teardown);

/* --- running mv_resolve --- */

struct run {
    struct yt_node *root;
    struct strvec names;
    char *stage, *region;
    struct fn_err err;
    struct fn_err warnings[8];
    size_t n_warnings;
    int rc;
};

static void collect(void *arg, const struct fn_err *w)
{
    struct run *r = arg;
    cr_assert_lt(r->n_warnings, 8, "too many warnings");
    r->warnings[r->n_warnings++] = *w;
}

static int run_opts(struct run *r, const char *yaml, const char *stage, const char *region,
                    const struct strvec *options)
{
    struct fn_err perr = FN_ERR_INIT;
    memset(r, 0, sizeof(*r));
    cr_assert_eq(yt_load(yaml, strlen(yaml), "serverless.yml", &r->root, &perr), 0,
                 "test YAML does not parse: %s (%d:%d)", perr.msg, perr.line, perr.col);
    struct mv_opts opts = {
        .service_dir = dir,
        .stage = stage,
        .region = region,
        .options = options,
        .warn = collect,
        .warn_arg = r,
        .file_names = &r->names,
    };
    r->rc = mv_resolve(r->root, &opts, &r->stage, &r->region, &r->err);
    return r->rc;
}

static int run(struct run *r, const char *yaml)
{
    return run_opts(r, yaml, NULL, NULL, NULL);
}

static void done(struct run *r)
{
    yt_free(r->root);
    strvec_clear(&r->names);
    free(r->stage);
    free(r->region);
}

/* The node at a dotted path of map keys (and list indexes). */
static const struct yt_node *node_at(const struct yt_node *root, const char *path)
{
    const struct yt_node *cur = root;
    char *copy = xstrdup(path), *save = NULL;
    for (char *key = strtok_r(copy, ".", &save); key && cur; key = strtok_r(NULL, ".", &save)) {
        if (cur->kind == YT_SEQ && isdigit((unsigned char)key[0]))
            cur = (size_t)atoi(key) < cur->n ? cur->items[atoi(key)] : NULL;
        else
            cur = yt_get(cur, key);
    }
    free(copy);
    return cur;
}

/* The node at path, as compact JSON (scalars typed as YAML 1.2 reads them). */
static char *json_at(const struct yt_node *root, const char *path)
{
    const struct yt_node *n = node_at(root, path);
    cr_assert_not_null(n, "nothing at %s", path);
    json_t *j = yt_to_json(n);
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    return s;
}

static void assert_json_at(const struct yt_node *root, const char *path, const char *want,
                           const char *row)
{
    char *got = json_at(root, path);
    json_error_t jerr;
    json_t *g = json_loads(got, JSON_DECODE_ANY, &jerr);
    json_t *w = json_loads(want, JSON_DECODE_ANY, &jerr);
    cr_assert_not_null(w, "[%s] bad expected JSON %s", row, want);
    cr_assert(json_equal(g, w), "[%s] %s is %s, want %s", row, path, got, want);
    json_decref(g);
    json_decref(w);
    free(got);
}

static void assert_error(const struct run *r, const char *msg, const char *hint, const char *file,
                         int line, int col, const char *row)
{
    cr_assert_eq(r->rc, -1, "[%s] resolved, but an error was expected", row);
    cr_assert_str_eq(r->err.msg, msg, "[%s] message", row);
    if (hint)
        cr_assert_str_eq(r->err.hint, hint, "[%s] hint", row);
    cr_assert_str_eq(r->err.file, file, "[%s] file", row);
    cr_assert_eq(r->err.line, line, "[%s] line %d, want %d", row, r->err.line, line);
    cr_assert_eq(r->err.col, col, "[%s] column %d, want %d", row, r->err.col, col);
}

/* --- values that resolve --- */

struct resolves_row {
    const char *name;
    const char *value; /* custom.v */
    const char *want;  /* custom.v afterwards, as JSON */
};

static const struct resolves_row resolves[] = {
    {"self string", "${self:custom.name}", "\"shop\""},
    {"self keeps a number a number", "${self:custom.port}", "8080"},
    {"whole value becomes a map", "${self:custom.map}", "{\"k\": \"v\", \"n\": 1}"},
    {"whole value becomes a list", "${self:custom.list}", "[\"a\", \"b\"]"},
    {"list index in the address", "${self:custom.list.1}", "\"b\""},
    {"interpolation in a longer string", "api-${self:custom.name}-${sls:stage}",
     "\"api-shop-dev\""},
    {"numbers and booleans interpolate as text", "${self:custom.port}/${self:custom.flag}",
     "\"8080/true\""},
    {"single-quoted fallback", "${env:FNCTL_UT_UNSET, 'dflt'}", "\"dflt\""},
    {"double-quoted fallback", "${env:FNCTL_UT_UNSET, \"dq\"}", "\"dq\""},
    {"quoted fallback keeps its comma", "${env:FNCTL_UT_UNSET, 'a, b'}", "\"a, b\""},
    {"number fallback", "${env:FNCTL_UT_UNSET, 5}", "5"},
    {"boolean fallback", "${env:FNCTL_UT_UNSET, false}", "false"},
    {"null fallback", "${env:FNCTL_UT_UNSET, null}", "null"},
    {"fallback order: null falls through, first value wins",
     "${env:FNCTL_UT_UNSET, self:custom.nothing, self:custom.name, 'last'}", "\"shop\""},
    {"bare self: fallback", "${opt:stage, self:custom.name}", "\"shop\""},
    {"opt:stage missing uses its fallback", "${opt:stage, 'local'}", "\"local\""},
    {"sls:stage defaults to dev", "${sls:stage}", "\"dev\""},
    {"aws:region defaults to us-east-1", "${aws:region}", "\"us-east-1\""},
    {"aws:accountId is the local account", "${aws:accountId}", "\"000000000000\""},
    {"nested variable in an address", "${self:custom.${sls:stage}Name}", "\"nested\""},
    {"param from params.default", "${param:domain}", "\"example.com\""},
    {"strToBool(true)", "${strToBool(true)}", "true"},
    {"strToBool(0)", "${strToBool(0)}", "false"},
    {"strToBool(FALSE)", "${strToBool(FALSE)}", "false"},
    {"escaped variable is literal text", "\\${self:custom.name}", "\"${self:custom.name}\""},
    {"CloudFormation ${...} is left as text", "${AWS::Region}-${Queue.Arn}-${foo}",
     "\"${AWS::Region}-${Queue.Arn}-${foo}\""},
    {"remote source with a fallback uses it", "${ssm:/db/url, 'local-db'}", "\"local-db\""},
    {"file() yml", "${file(./config.yml):db.host}", "\"localhost\""},
    {"file() yml without ./", "${file(config.yml):db.host}", "\"localhost\""},
    {"file() yml whole map", "${file(./config.yml):db}",
     "{\"host\": \"localhost\", \"port\": 5432}"},
    {"file() json", "${file(./conf.json):creds.user}", "\"u\""},
    {"file() json number", "${file(./conf.json):creds.n}", "3"},
    {"file() value with ${self:} reads the service file", "${file(./config.yml):ref}", "\"shop\""},
    {"file() path built from a variable", "${file(./${sls:stage}.yml):greeting}", "\"hello dev\""},
    {"missing file falls back", "${file(./missing.yml):x, 'fb'}", "\"fb\""},
    {"missing key in a file falls back", "${file(./config.yml):db.nope, 'fb'}", "\"fb\""},
    {"JavaScript file falls back", "${file(./vars.js):a, 'js-fb'}", "\"js-fb\""},
};

Test(mfvars, values_resolve_as_serverless_resolves_them)
{
    for (size_t i = 0; i < sizeof(resolves) / sizeof(resolves[0]); i++) {
        const struct resolves_row *row = &resolves[i];
        char *yaml = xasprintf(BASE "%s\n", row->value);
        struct run r;
        run(&r, yaml);
        cr_assert_eq(r.rc, 0, "[%s] failed: %s (hint: %s)", row->name, r.err.msg, r.err.hint);
        cr_assert_eq(r.n_warnings, 0, "[%s] unexpected warning: %s", row->name,
                     r.n_warnings ? r.warnings[0].msg : "");
        assert_json_at(r.root, "custom.v", row->want, row->name);
        done(&r);
        free(yaml);
    }
}

/* --- errors --- */

struct error_row {
    const char *name;
    const char *value;
    const char *msg;
    const char *hint;
};

static const struct error_row errors[] = {
    {"missing self key with a did-you-mean", "${self:custom.nmae}",
     "cannot resolve '${self:custom.nmae}': 'custom.nmae' is not set in the service file",
     "did you mean 'custom.name'?"},
    {"null without a fallback", "${self:custom.nothing}",
     "cannot resolve '${self:custom.nothing}': 'custom.nothing' is null in the service file", ""},
    {"unset environment variable", "${env:FNCTL_UT_UNSET}",
     "cannot resolve '${env:FNCTL_UT_UNSET}': environment variable 'FNCTL_UT_UNSET' is not set",
     "export FNCTL_UT_UNSET=..., or add a fallback: ${env:FNCTL_UT_UNSET, 'value'}"},
    {"option not given", "${opt:domain}",
     "cannot resolve '${opt:domain}': option '--domain' was not given",
     "pass --domain, or add a fallback: ${opt:domain, 'value'}"},
    {"every source of a fallback chain is named", "${opt:stage, self:provider.stage}",
     "cannot resolve '${opt:stage, self:provider.stage}': option '--stage' was not given; "
     "'provider.stage' is not set in the service file",
     "use ${sls:stage}, which defaults to 'dev'"},
    {"unknown source with a did-you-mean", "${slef:custom.name}",
     "unknown variable source 'slef' in '${slef:custom.name}'", "did you mean 'self'?"},
    {"unknown source lists the known ones", "${vault:x}",
     "unknown variable source 'vault' in '${vault:x}'",
     "known sources: 'self', 'env', 'opt', 'sls', 'file', 'aws', 'param', 'strToBool', 'ssm', "
     "'cf', 's3', 'secrets', 'construct'"},
    {"unquoted word as a fallback", "${env:FNCTL_UT_UNSET, dflt}",
     "unknown variable source 'dflt' in '${env:FNCTL_UT_UNSET, dflt}'",
     "a fallback value must be quoted: 'dflt'"},
    {"unterminated variable", "${self:custom.name", "unterminated variable '${self:custom.name'",
     "close it with '}'"},
    {"map inside a longer string", "x-${self:custom.map}",
     "'${self:custom.map}' is a map and cannot be part of a longer string",
     "use the variable as the whole value, or point it at a string"},
    {"list inside a longer string", "x-${self:custom.list}",
     "'${self:custom.list}' is a list and cannot be part of a longer string",
     "use the variable as the whole value, or point it at a string"},
    {"empty fallback", "${env:FNCTL_UT_UNSET, }",
     "empty part in variable '${env:FNCTL_UT_UNSET, }'",
     "write fallbacks as ${env:NAME, 'default'}"},
    {"unknown sls address", "${sls:foo}", "unknown variable '${sls:foo}'",
     "the sls source has 'stage' and 'instanceId'"},
    {"unknown aws address", "${aws:foo}", "unknown variable '${aws:foo}'",
     "the aws source has 'accountId' and 'region'"},
    {"strToBool of a non-boolean", "${strToBool(maybe)}",
     "strToBool(maybe): 'maybe' is not a boolean", "use 'true', 'false', '1' or '0'"},
    {"file() without a path", "${file()}", "${file()} needs a path",
     "write ${file(./config.yml):key}"},
    {"missing key in a file with a did-you-mean", "${file(./config.yml):db.hots}",
     "cannot resolve '${file(./config.yml):db.hots}': 'db.hots' is not set in ./config.yml",
     "did you mean 'db.host'?"},
    {"text after file(...) that is not an address", "${file(./config.yml)x}",
     "cannot read variable '${file(./config.yml)x}'",
     "a variable is ${source:address}, e.g. ${self:custom.name}"},
};

Test(mfvars, errors_say_what_and_where_with_a_hint)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        const struct error_row *row = &errors[i];
        char *yaml = xasprintf(BASE "%s\n", row->value);
        struct run r;
        run(&r, yaml);
        assert_error(&r, row->msg, row->hint, "serverless.yml", V_LINE, V_COL, row->name);
        cr_assert_null(r.stage, "[%s] stage is set after an error", row->name);
        cr_assert_null(r.region, "[%s] region is set after an error", row->name);
        done(&r);
        free(yaml);
    }
}

Test(mfvars, missing_file_without_fallback_names_the_path_from_the_service_dir)
{
    struct run r;
    char *want = xasprintf("cannot resolve '${file(./missing.yml):x}': file '%s/missing.yml' "
                           "does not exist",
                           dir);
    run(&r, BASE "${file(./missing.yml):x}\n");
    assert_error(&r, want,
                 "paths are relative to the service directory; create it or add a fallback",
                 "serverless.yml", V_LINE, V_COL, "missing file");
    free(want);
    done(&r);
}

Test(mfvars, error_inside_an_included_file_is_located_in_that_file)
{
    struct run r;
    char *file = mt_path(dir, "config.yml");
    run(&r, BASE "${file(./config.yml):bad}\n");
    assert_error(&r,
                 "cannot resolve '${env:FNCTL_UT_UNSET}': environment variable 'FNCTL_UT_UNSET' "
                 "is not set",
                 "export FNCTL_UT_UNSET=..., or add a fallback: ${env:FNCTL_UT_UNSET, 'value'}",
                 file, 5, 6, "error in config.yml");
    free(file);
    done(&r);
}

Test(mfvars, invalid_yaml_in_an_included_file_is_located_in_that_file)
{
    struct run r;
    char *file = mt_path(dir, "broken.yml");
    run(&r, BASE "${file(./broken.yml):a}\n");
    cr_assert_eq(r.rc, -1);
    cr_assert(strncmp(r.err.msg, "invalid YAML: ", 14) == 0, "message: %s", r.err.msg);
    cr_assert_neq(r.err.hint[0], '\0');
    cr_assert_str_eq(r.err.file, file);
    cr_assert_eq(r.err.line, 2);
    free(file);
    done(&r);
}

/* --- cycles --- */

Test(mfvars, two_values_that_refer_to_each_other_name_the_chain)
{
    struct run r;
    run(&r, "custom:\n"
            "  a: ${self:custom.b}\n"
            "  b: ${self:custom.a}\n");
    assert_error(&r,
                 "variable refers back to itself: ${self:custom.b} -> ${self:custom.a} -> "
                 "${self:custom.b}",
                 "break the cycle: one of these values must not depend on the others",
                 "serverless.yml", 2, 6, "a <-> b");
    done(&r);
}

Test(mfvars, a_value_that_refers_to_itself_is_a_cycle)
{
    struct run r;
    run(&r, "custom:\n"
            "  a: ${self:custom.a}\n");
    assert_error(&r, "variable refers back to itself: ${self:custom.a} -> ${self:custom.a}",
                 "break the cycle: one of these values must not depend on the others",
                 "serverless.yml", 2, 6, "a -> a");
    done(&r);
}

Test(mfvars, a_longer_cycle_through_interpolation_names_every_step)
{
    struct run r;
    run(&r, "custom:\n"
            "  a: x-${self:custom.b}\n"
            "  b: ${self:custom.c}\n"
            "  c: ${self:custom.a}\n");
    assert_error(&r,
                 "variable refers back to itself: x-${self:custom.b} -> ${self:custom.c} -> "
                 "${self:custom.a} -> x-${self:custom.b}",
                 "break the cycle: one of these values must not depend on the others",
                 "serverless.yml", 2, 6, "a -> b -> c -> a");
    done(&r);
}

Test(mfvars, a_cycle_through_a_parent_map_is_found)
{
    struct run r;
    run(&r, "custom:\n"
            "  a: ${self:custom}\n");
    cr_assert_eq(r.rc, -1);
    cr_assert_str_eq(r.err.msg, "variable refers back to itself: ${self:custom} -> ${self:custom}");
    cr_assert_eq(r.err.line, 2);
    cr_assert_eq(r.err.col, 6);
    done(&r);
}

Test(mfvars, a_long_chain_stops_at_the_depth_limit)
{
    struct buf yaml = BUF_INIT;
    struct run r;
    buf_addstr(&yaml, "custom:\n");
    for (int i = 0; i < 70; i++)
        buf_addf(&yaml, "  a%d: ${self:custom.a%d}\n", i, i + 1);
    buf_addstr(&yaml, "  a70: end\n");
    run(&r, buf_cstr(&yaml));
    cr_assert_eq(r.rc, -1);
    cr_assert_str_eq(r.err.msg, "variables nested more than 64 deep");
    cr_assert_str_eq(r.err.hint,
                     "a chain of ${self:...} references this long is probably a mistake");
    cr_assert_str_eq(r.err.file, "serverless.yml");
    cr_assert_eq(r.err.line, 2 + 64, "line %d", r.err.line); /* custom.a64 */
    cr_assert_eq(r.err.col, 8);
    buf_release(&yaml);
    done(&r);
}

/* --- sources read from an AWS account --- */

Test(mfvars, remote_sources_without_fallback_become_empty_with_a_warning)
{
    static const char *const sources[] = {"ssm:/db/url", "cf:stack.Output", "s3:bucket/key",
                                          "secrets:db"};
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
        char *yaml = xasprintf(BASE "${%s}\n", sources[i]);
        char source[16];
        char *want;
        struct run r;
        snprintf(source, sizeof(source), "%.*s", (int)strcspn(sources[i], ":"), sources[i]);
        want = xasprintf("cannot resolve '${%s}' locally: the '%s' source reads an AWS account, "
                         "which fnctl does not do locally; using an empty string",
                         sources[i], source);
        cr_assert_eq(run(&r, yaml), 0, "[%s] %s", sources[i], r.err.msg);
        assert_json_at(r.root, "custom.v", "\"\"", sources[i]);
        cr_assert_eq(r.n_warnings, 1, "[%s]", sources[i]);
        cr_assert_str_eq(r.warnings[0].msg, want, "[%s]", sources[i]);
        cr_assert_str_eq(r.warnings[0].hint,
                         "add a fallback for local runs, e.g. ${ssm:/path, 'local-value'}");
        cr_assert_str_eq(r.warnings[0].file, "serverless.yml");
        cr_assert_eq(r.warnings[0].line, V_LINE);
        cr_assert_eq(r.warnings[0].col, V_COL);
        free(want);
        free(yaml);
        done(&r);
    }
}

Test(mfvars, remote_source_inside_a_string_leaves_the_rest)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "pre-${ssm:/x}-post\n"), 0);
    assert_json_at(r.root, "custom.v", "\"pre--post\"", "interpolated ssm");
    cr_assert_eq(r.n_warnings, 1);
    done(&r);
}

Test(mfvars, remote_sources_need_no_warning_sink)
{
    struct yt_node *root;
    struct strvec names = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    char *stage, *region;
    const char *yaml = "custom:\n  v: ${ssm:/x}\n";
    struct mv_opts opts = {.service_dir = dir, .file_names = &names};
    cr_assert_eq(yt_load(yaml, strlen(yaml), "serverless.yml", &root, &err), 0);
    cr_assert_eq(mv_resolve(root, &opts, &stage, &region, &err), 0, "%s", err.msg);
    cr_assert_str_eq(yt_str(yt_get(yt_get(root, "custom"), "v")), "");
    free(stage);
    free(region);
    yt_free(root);
    strvec_clear(&names);
}

Test(mfvars, missing_param_is_a_dashboard_value_read_as_empty_with_a_warning)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "${param:nope}\n"), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"\"", "param");
    cr_assert_eq(r.n_warnings, 1);
    cr_assert_str_eq(r.warnings[0].msg,
                     "cannot resolve '${param:nope}' locally: parameter 'nope' is not in this "
                     "file's params for stage 'dev' or 'default'; using an empty string");
    cr_assert_str_eq(r.warnings[0].hint, "add it under params.dev or params.default; dashboard "
                                         "parameters are not read locally");
    cr_assert_eq(r.warnings[0].line, V_LINE);
    cr_assert_eq(r.warnings[0].col, V_COL);
    done(&r);
}

Test(mfvars, javascript_file_without_fallback_warns)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "${file(./vars.js):a}\n"), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"\"", "js file");
    cr_assert_eq(r.n_warnings, 1);
    cr_assert_str_eq(r.warnings[0].msg,
                     "cannot resolve '${file(./vars.js):a}' locally: './vars.js' is JavaScript, "
                     "which fnctl does not execute; using an empty string");
    cr_assert_str_eq(r.warnings[0].hint,
                     "move the values into a .yml or .json file, or add a fallback");
    done(&r);
}

/* The header: remote sources "cannot be read locally: their fallback is
 * used; without one the value becomes "" and a warning says so". Here ssm
 * is the last source (it has no fallback), as in the common
 * `${env:DB_URL, ssm:/db/url}`. */
Test(mfvars, remote_source_as_the_last_fallback_becomes_empty_with_a_warning)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "${env:FNCTL_UT_UNSET, ssm:/db/url}\n"), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"\"", "env then ssm");
    cr_assert_eq(r.n_warnings, 1);
    done(&r);
}

/* --- stage, region, options, environment --- */

Test(mfvars, stage_and_region_default_to_dev_and_us_east_1)
{
    struct run r;
    cr_assert_eq(run(&r, "provider:\n  name: aws\n"), 0);
    cr_assert_str_eq(r.stage, "dev");
    cr_assert_str_eq(r.region, "us-east-1");
    done(&r);
}

Test(mfvars, stage_and_region_come_from_the_provider)
{
    struct run r;
    cr_assert_eq(run(&r, "provider:\n"
                         "  name: aws\n"
                         "  stage: prod\n"
                         "  region: eu-west-1\n"
                         "custom:\n"
                         "  s: ${sls:stage}\n"
                         "  r: ${aws:region}\n"),
                 0, "%s", r.err.msg);
    cr_assert_str_eq(r.stage, "prod");
    cr_assert_str_eq(r.region, "eu-west-1");
    assert_json_at(r.root, "custom.s", "\"prod\"", "sls:stage");
    assert_json_at(r.root, "custom.r", "\"eu-west-1\"", "aws:region");
    done(&r);
}

Test(mfvars, options_override_the_provider)
{
    struct run r;
    cr_assert_eq(run_opts(&r,
                          "provider:\n"
                          "  name: aws\n"
                          "  stage: prod\n"
                          "  region: eu-west-1\n"
                          "custom:\n"
                          "  s: ${sls:stage}\n"
                          "  os: ${opt:stage}\n"
                          "  or: ${opt:region}\n"
                          "  r: ${aws:region}\n",
                          "test", "ap-south-1", NULL),
                 0, "%s", r.err.msg);
    cr_assert_str_eq(r.stage, "test");
    cr_assert_str_eq(r.region, "ap-south-1");
    assert_json_at(r.root, "custom.s", "\"test\"", "sls:stage");
    assert_json_at(r.root, "custom.os", "\"test\"", "opt:stage");
    assert_json_at(r.root, "custom.or", "\"ap-south-1\"", "opt:region");
    assert_json_at(r.root, "custom.r", "\"ap-south-1\"", "aws:region");
    done(&r);
}

Test(mfvars, provider_stage_written_as_a_variable_is_resolved_first)
{
    struct run r;
    cr_assert_eq(run(&r, "custom:\n"
                         "  s: ${sls:stage}\n"
                         "provider:\n"
                         "  name: aws\n"
                         "  stage: ${opt:stage, 'qa'}\n"),
                 0, "%s", r.err.msg);
    cr_assert_str_eq(r.stage, "qa");
    assert_json_at(r.root, "custom.s", "\"qa\"", "sls:stage");
    assert_json_at(r.root, "provider.stage", "\"qa\"", "provider.stage");
    done(&r);
}

Test(mfvars, other_options_are_read_from_the_list)
{
    struct strvec options = STRVEC_INIT;
    struct run r;
    strvec_push(&options, "domain=shop.example");
    strvec_push(&options, "dom=wrong");
    cr_assert_eq(run_opts(&r, BASE "${opt:domain}\n", NULL, NULL, &options), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"shop.example\"", "opt:domain");
    strvec_clear(&options);
    done(&r);
}

Test(mfvars, params_of_the_stage_win_over_default)
{
    struct run r;
    cr_assert_eq(run_opts(&r, BASE "${param:domain}/${param:only_default}\n", "prod", NULL, NULL),
                 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"prod.example.com/d\"", "params");
    done(&r);
}

Test(mfvars, environment_variables_are_read_and_stay_strings)
{
    struct run r;
    setenv("FNCTL_UT_NAME", "alice", 1);
    setenv("FNCTL_UT_NUM", "8080", 1);
    setenv("FNCTL_UT_FLAG", " TRUE ", 1);
    cr_assert_eq(run(&r, "custom:\n"
                         "  name: ${env:FNCTL_UT_NAME}\n"
                         "  num: ${env:FNCTL_UT_NUM}\n"
                         "  greet: hi ${env:FNCTL_UT_NAME}!\n"
                         "  set: ${env:FNCTL_UT_NAME, 'unused'}\n"
                         "  flag: ${strToBool(${env:FNCTL_UT_FLAG})}\n"),
                 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.name", "\"alice\"", "env");
    assert_json_at(r.root, "custom.num", "\"8080\"", "env number");
    assert_json_at(r.root, "custom.greet", "\"hi alice!\"", "env interpolated");
    assert_json_at(r.root, "custom.set", "\"alice\"", "env before fallback");
    assert_json_at(r.root, "custom.flag", "true", "strToBool of env");
    unsetenv("FNCTL_UT_NAME");
    unsetenv("FNCTL_UT_NUM");
    unsetenv("FNCTL_UT_FLAG");
    done(&r);
}

Test(mfvars, instance_id_is_a_millisecond_timestamp_shared_by_every_use)
{
    struct run r;
    cr_assert_eq(run(&r, "custom:\n  a: ${sls:instanceId}\n  b: ${sls:instanceId}\n"), 0);
    const char *a = yt_str(node_at(r.root, "custom.a"));
    const char *b = yt_str(node_at(r.root, "custom.b"));
    cr_assert_not_null(a);
    cr_assert_eq(strlen(a), 13, "%s", a);
    cr_assert_eq(strspn(a, "0123456789"), 13, "%s", a);
    cr_assert_str_eq(a, b);
    done(&r);
}

Test(mfvars, keys_are_never_resolved)
{
    struct run r;
    cr_assert_eq(run(&r, "custom:\n  ${self:x}: 1\n"), 0, "%s", r.err.msg);
    cr_assert_not_null(yt_get(yt_get(r.root, "custom"), "${self:x}"));
    done(&r);
}

Test(mfvars, included_file_names_are_kept_for_the_tree)
{
    struct run r;
    char *file = mt_path(dir, "config.yml");
    cr_assert_eq(run(&r, BASE "${file(./config.yml):db}\n"), 0, "%s", r.err.msg);
    cr_assert_eq(r.names.n, 1);
    cr_assert_str_eq(r.names.v[0], file);
    /* nodes that came from the file point at that name */
    cr_assert_str_eq(node_at(r.root, "custom.v.host")->file, file);
    free(file);
    done(&r);
}

/* --- behaviour that differs from Serverless v3 --- */

Test(mfvars, unclosed_parenthesis_is_reported_as_such)
{
    struct run r;
    run(&r, BASE "${file(./config.yml:db.host}\n");
    assert_error(&r, "unclosed '(' in variable 'file(./config.yml:db.host'", "write ${file(...)}",
                 "serverless.yml", V_LINE, V_COL, "unclosed (");
    done(&r);
}

Test(mfvars, str_to_bool_accepts_a_quoted_parameter)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "${strToBool('true')}\n"), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "true", "quoted strToBool");
    done(&r);
}

Test(mfvars, escaped_backslash_before_a_variable_keeps_one_backslash)
{
    struct run r;
    cr_assert_eq(run(&r, BASE "\\\\${self:custom.name}\n"), 0, "%s", r.err.msg);
    assert_json_at(r.root, "custom.v", "\"\\\\shop\"", "double backslash");
    done(&r);
}
