/* fnctl events TYPE and fnctl invoke --event TYPE, as a user runs them: the
 * sample on stdout as pretty JSON, errors on stderr with hints and exit 2,
 * and a real node function receiving the sample. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"
#include "text.h"

static char *dir;

static const char *manifest =
    "service: ev\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "  region: eu-west-1\n"
    "functions:\n"
    "  echo:\n"
    "    handler: handler.main\n";

/* echoes the fields of the event it got */
static const char *handler_js =
    "exports.main = async (event) => ({\n"
    "  rawPath: event.rawPath,\n"
    "  version: event.version,\n"
    "  domainName: event.requestContext && event.requestContext.domainName,\n"
    "  key: event.Records && event.Records[0].s3.object.key,\n"
    "});\n";

static void make_service(void)
{
    dir = e2e_tmpdir();
    e2e_write(dir, "serverless.yml", manifest);
    e2e_write(dir, "handler.js", handler_js);
}

static void remove_service(void)
{
    e2e_rmrf(dir);
    free(dir);
}

TestSuite(events, .init = make_service, .fini = remove_service);

static json_t *parse_out(const struct e2e_result *r)
{
    json_error_t jerr;
    json_t *v = json_loads(buf_cstr(&r->out), 0, &jerr);
    cr_assert(v, "stdout is not JSON (%s):\n%s", jerr.text, buf_cstr(&r->out));
    return v;
}

Test(events, s3_put_with_bucket_and_key)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_fnctl(&r, &o, "events", "s3-put", "--bucket", "b", "--key", "k", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    cr_assert_str_eq(buf_cstr(&r.err), "");
    /* pretty, 2-space indent, one final newline */
    cr_assert(!strncmp(buf_cstr(&r.out), "{\n  \"Records\": [\n    {\n      \"eventVersion\": ", 45),
              "%s", buf_cstr(&r.out));
    cr_assert(tx_ends_with(buf_cstr(&r.out), "}\n"));
    json_t *ev = parse_out(&r);
    json_t *rec = json_array_get(json_object_get(ev, "Records"), 0);
    json_t *s3 = json_object_get(rec, "s3");
    cr_assert_str_eq(fj_str(json_object_get(s3, "bucket"), "name", ""), "b");
    cr_assert_str_eq(fj_str(json_object_get(s3, "bucket"), "arn", ""), "arn:aws:s3:::b");
    cr_assert_str_eq(fj_str(json_object_get(s3, "object"), "key", ""), "k");
    cr_assert_str_eq(fj_str(rec, "eventName", ""), "ObjectCreated:Put");
    cr_assert_str_eq(fj_str(rec, "awsRegion", ""), "us-east-1");
    json_decref(ev);
    e2e_release(&r);
}

Test(events, key_with_spaces_is_url_encoded)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "events", "s3-delete", "--key", "my photos/Happy Face.jpg", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.out), "\"key\": \"my+photos/Happy+Face.jpg\""), "%s",
              buf_cstr(&r.out));
    cr_assert(!strstr(buf_cstr(&r.out), "\"size\""), "a deleted object has no size");
    e2e_release(&r);
}

Test(events, every_type_prints_json)
{
    static const char *const types[] = { "apigw-http", "apigw-rest", "s3-put", "s3-delete", "sqs",
                                         "schedule", "apigw-token-authorizer", NULL };
    for (size_t i = 0; types[i]; i++) {
        struct e2e_result r;
        e2e_fnctl(&r, NULL, "events", types[i], "--region", "sa-east-1", NULL);
        cr_assert_eq(r.status, 0, "%s: %s", types[i], buf_cstr(&r.err));
        json_t *ev = parse_out(&r);
        cr_assert(strstr(buf_cstr(&r.out), "sa-east-1"), "%s: the region is used", types[i]);
        json_decref(ev);
        e2e_release(&r);
    }
}

Test(events, unknown_type_is_a_usage_error_with_a_suggestion)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "events", "s3-pt", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: unknown event type 's3-pt'\n"), "%s",
              buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.err), "hint: did you mean 's3-put'? types: 'apigw-http', "),
              "%s", buf_cstr(&r.err));
    e2e_release(&r);

    e2e_fnctl(&r, NULL, "events", "kinesis", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: unknown event type 'kinesis'\n"));
    cr_assert(strstr(buf_cstr(&r.err), "'schedule'"), "%s", buf_cstr(&r.err));
    e2e_release(&r);
}

Test(events, missing_type_lists_the_types)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "events", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: 'events' needs TYPE\n"), "%s", buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.err), "'apigw-http', 'apigw-rest', 's3-put'"), "%s",
              buf_cstr(&r.err));
    e2e_release(&r);
}

Test(events, option_for_another_type_is_a_usage_error)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "events", "apigw-http", "--bucket", "b", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: option '--bucket' does not apply to 'apigw-http'"),
              "%s", buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.err), "'apigw-http' takes --path, --method, --body, --query, "
                                       "--region"),
              "%s", buf_cstr(&r.err));
    e2e_release(&r);
}

Test(events, bad_size_is_a_usage_error)
{
    struct e2e_result r;
    e2e_fnctl(&r, NULL, "events", "s3-put", "--size", "lots", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: size 'lots' is not a number of bytes"), "%s",
              buf_cstr(&r.err));
    e2e_release(&r);
}

Test(events, help_lists_every_type)
{
    struct e2e_result r, c;
    /* the completion candidates, which help must all list */
    e2e_fnctl(&c, NULL, "__complete", "--", "events", "", NULL);
    cr_assert_eq(c.status, 0);
    cr_assert_str_eq(buf_cstr(&c.out), "apigw-http\napigw-rest\ns3-put\ns3-delete\nsqs\nschedule\n"
                                       "apigw-token-authorizer\n");
    e2e_fnctl(&r, NULL, "events", "--help", NULL);
    cr_assert_eq(r.status, 0);
    const char *line = buf_cstr(&c.out);
    while (*line) {
        size_t n = strcspn(line, "\n");
        char name[64];
        snprintf(name, sizeof(name), "  %.*s ", (int)n, line);
        cr_assert(strstr(buf_cstr(&r.out), name), "help does not list '%s'", name);
        line += n + (line[n] == '\n');
    }
    e2e_release(&r);
    e2e_release(&c);
}

Test(events, invoke_with_a_sample_event)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir, .timeout_ms = 30000 };
    e2e_fnctl(&r, &o, "invoke", "echo", "--event", "apigw-http", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    json_t *got = parse_out(&r);
    cr_assert_str_eq(fj_str(got, "rawPath", ""), "/");
    cr_assert_str_eq(fj_str(got, "version", ""), "2.0");
    /* the manifest's region */
    cr_assert_str_eq(fj_str(got, "domainName", ""), "fnctllocal.execute-api.eu-west-1.amazonaws.com");
    json_decref(got);
    e2e_release(&r);

    e2e_fnctl(&r, &o, "invoke", "echo", "--event", "s3-put", "-q", NULL);
    cr_assert_eq(r.status, 0, "%s", buf_cstr(&r.err));
    got = parse_out(&r);
    cr_assert_str_eq(fj_str(got, "key", ""), "uploads/Happy+Face.jpg");
    json_decref(got);
    e2e_release(&r);
}

Test(events, invoke_event_excludes_data_and_event_file)
{
    struct e2e_result r;
    struct e2e_opts o = { .cwd = dir };
    e2e_fnctl(&r, &o, "invoke", "echo", "--event", "sqs", "--data", "{}", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: give the event once: --event, --data or "
                                       "--event-file, not two of them"),
              "%s", buf_cstr(&r.err));
    e2e_release(&r);

    e2e_fnctl(&r, &o, "invoke", "echo", "--event", "sqs", "--event-file", "x.json", NULL);
    cr_assert_eq(r.status, 2);
    e2e_release(&r);

    e2e_fnctl(&r, &o, "invoke", "echo", "--event", "apigw", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(buf_cstr(&r.err), "fnctl: unknown event type 'apigw'"), "%s",
              buf_cstr(&r.err));
    e2e_release(&r);
}
