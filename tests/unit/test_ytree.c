#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "ytree.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

static const char FILE_NAME[] = "serverless.yml";

static struct yt_node *load(const char *text)
{
    struct yt_node *root = NULL;
    struct fn_err err = FN_ERR_INIT;
    char msg[1024];
    int rc = yt_load(text, strlen(text), FILE_NAME, &root, &err);
    fn_err_format(&err, msg, sizeof(msg));
    cr_assert_eq(rc, 0, "yt_load failed: %s\n--- document ---\n%s", msg, text);
    cr_assert_not_null(root);
    cr_assert_not(fn_err_is_set(&err));
    return root;
}

/* Loads a document that must be refused; returns its formatted error and
 * stores the hint. */
static const char *load_error(const char *text, struct fn_err *err)
{
    static char msg[1024];
    struct yt_node *root = NULL;
    int rc = yt_load(text, strlen(text), FILE_NAME, &root, err);
    cr_assert_eq(rc, -1, "yt_load accepted:\n%s", text);
    fn_err_format(err, msg, sizeof(msg));
    return msg;
}

/* The tree as compact JSON, to compare whole documents at once. */
static char *as_json(const struct yt_node *node)
{
    struct buf b = BUF_INIT;
    json_t *v = yt_to_json(node);
    cr_assert_eq(fj_dump(v, &b), 0);
    json_decref(v);
    return buf_detach(&b, NULL);
}

static void assert_json(const struct yt_node *node, const char *want)
{
    char *got = as_json(node);
    cr_assert_str_eq(got, want);
    free(got);
}

/* A one-key document "v: <scalar>"; returns the value node inside *root. */
static struct yt_node *scalar_doc(const char *scalar, struct yt_node **root)
{
    char *text;
    cr_assert_neq(asprintf(&text, "v: %s\n", scalar), -1);
    *root = load(text);
    free(text);
    struct yt_node *v = yt_get(*root, "v");
    cr_assert_not_null(v);
    cr_assert_eq(v->kind, YT_SCALAR);
    return v;
}

/* --- locations and structure --- */

Test(ytree, nodes_carry_file_line_and_column)
{
    struct yt_node *root = load("service: demo\n"
                                "provider:\n"
                                "  name: aws\n"
                                "  runtime: nodejs18.x\n"
                                "functions:\n"
                                "  - hello\n"
                                "  - \"world\"\n"
                                "  - {a: 1}\n");
    cr_assert_eq(root->kind, YT_MAP);
    cr_assert_eq(root->file, FILE_NAME);
    cr_assert_eq(root->n, 3);

    struct yt_node *service = yt_get(root, "service");
    cr_assert_str_eq(yt_str(service), "demo");
    cr_assert_eq(service->line, 1);
    cr_assert_eq(service->col, 10);
    cr_assert_eq(service->file, FILE_NAME);

    struct yt_node *provider = yt_get(root, "provider");
    cr_assert_eq(provider->kind, YT_MAP);
    cr_assert_eq(provider->line, 3);
    cr_assert_eq(provider->col, 3);
    struct yt_node *key = yt_key_of(root, provider);
    cr_assert_str_eq(yt_str(key), "provider");
    cr_assert_eq(key->line, 2);
    cr_assert_eq(key->col, 1);
    struct yt_node *runtime = yt_get(provider, "runtime");
    cr_assert_eq(runtime->line, 4);
    cr_assert_eq(runtime->col, 12);

    struct yt_node *fns = yt_get(root, "functions");
    cr_assert_eq(fns->kind, YT_SEQ);
    cr_assert_eq(fns->n, 3);
    cr_assert_eq(fns->line, 6);
    cr_assert_eq(fns->col, 3);
    cr_assert_eq(fns->items[1]->line, 7);
    cr_assert_eq(fns->items[1]->col, 5);
    struct yt_node *a = yt_get(fns->items[2], "a");
    cr_assert_eq(a->line, 8);
    cr_assert_eq(a->col, 9);
    yt_free(root);
}

Test(ytree, get_and_key_of_miss_cleanly)
{
    struct yt_node *root = load("a: [1]\nb: x\n");
    cr_assert_null(yt_get(root, "c"));
    cr_assert_null(yt_get(yt_get(root, "a"), "x"), "a list is not a map");
    cr_assert_null(yt_get(NULL, "a"));
    cr_assert_null(yt_key_of(root, root));
    cr_assert_null(yt_key_of(yt_get(root, "a"), NULL));
    cr_assert_null(yt_str(yt_get(root, "a")));
    cr_assert_null(yt_str(NULL));
    yt_free(root);
}

Test(ytree, plain_and_quoted_scalars)
{
    struct yt_node *root = load("plain: 5\n"
                                "single: '5'\n"
                                "double: \"5\"\n"
                                "tagged: !!str 5\n"
                                "literal: |\n"
                                "  5\n"
                                "folded: >\n"
                                "  5\n");
    static const struct {
        const char *key;
        bool plain;
    } rows[] = {{"plain", true},   {"single", false},  {"double", false},
                {"tagged", false}, {"literal", false}, {"folded", false}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *v = yt_get(root, rows[i].key);
        long l;
        cr_assert_not_null(v, "row %zu: no key '%s'", i, rows[i].key);
        cr_expect_eq(v->plain, rows[i].plain, "row %zu: '%s' plain = %d", i, rows[i].key, v->plain);
        cr_expect_eq(yt_long(v, &l), rows[i].plain, "row %zu: '%s' read as a number: %s", i,
                     rows[i].key, rows[i].plain ? "no" : "yes");
        cr_expect_eq(yt_is_str(v), !rows[i].plain, "row %zu: '%s' yt_is_str", i, rows[i].key);
    }
    yt_free(root);
}

Test(ytree, scalar_with_nul_keeps_its_length)
{
    struct yt_node *root = load("v: \"a\\0b\"\n");
    struct yt_node *v = yt_get(root, "v");
    cr_assert_eq(v->len, 3);
    cr_assert(memcmp(v->str, "a\0b", 4) == 0);
    json_t *j = yt_to_json(v);
    cr_assert_eq(json_string_length(j), 3);
    json_decref(j);
    yt_free(root);
}

/* --- typing, YAML 1.2 core schema --- */

Test(ytree, null_table)
{
    static const struct {
        const char *scalar;
        bool null;
    } rows[] = {{"", true},     {"~", true},           {"null", true},    {"Null", true},
                {"NULL", true}, {"nUll", false},       {"'null'", false}, {"\"~\"", false},
                {"''", false},  {"!!str null", false}, {"none", false},   {"nil", false}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i].scalar, &root);
        cr_expect_eq(yt_is_null(v), rows[i].null, "row %zu: yt_is_null(%s) = %d", i, rows[i].scalar,
                     yt_is_null(v));
        cr_expect_eq(yt_is_str(v), !rows[i].null, "row %zu: yt_is_str(%s)", i, rows[i].scalar);
        yt_free(root);
    }
    cr_assert(yt_is_null(NULL));
}

Test(ytree, bool_table)
{
    static const struct {
        const char *scalar;
        bool ok, want;
    } rows[] = {{"true", true, true},     {"True", true, true},        {"TRUE", true, true},
                {"false", true, false},   {"False", true, false},      {"FALSE", true, false},
                {"tRUE", false, false},   {"yes", false, false},       {"no", false, false},
                {"on", false, false},     {"off", false, false},       {"y", false, false},
                {"'true'", false, false}, {"\"false\"", false, false}, {"1", false, false}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i].scalar, &root);
        bool got = !rows[i].want;
        bool ok = yt_bool(v, &got);
        cr_expect_eq(ok, rows[i].ok, "row %zu: yt_bool(%s) returned %d", i, rows[i].scalar, ok);
        if (ok && rows[i].ok)
            cr_expect_eq(got, rows[i].want, "row %zu: yt_bool(%s) = %d", i, rows[i].scalar, got);
        yt_free(root);
    }
}

Test(ytree, long_table)
{
    static const struct {
        const char *scalar;
        long want;
    } rows[] = {{"0", 0},     {"42", 42},   {"-17", -17},
                {"+5", 5},    {"007", 7},   {"0o17", 15},
                {"0x1F", 31}, {"0x1f", 31}, {"9223372036854775807", LONG_MAX}};
    static const char *const not_long[] = {"1.5", "1e3", "0X1F", "0b101", "1_000", "12abc",   "0x",
                                           "0o",  "0o8", "0xG",  "'5'",   "",      "5 apples"};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i].scalar, &root);
        long got = 12345;
        cr_expect(yt_long(v, &got), "row %zu: %s is not an integer", i, rows[i].scalar);
        cr_expect_eq(got, rows[i].want, "row %zu: yt_long(%s) = %ld, want %ld", i, rows[i].scalar,
                     got, rows[i].want);
        yt_free(root);
    }
    for (size_t i = 0; i < N_ROWS(not_long); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(not_long[i], &root);
        long got = 12345;
        cr_expect_not(yt_long(v, &got), "string %zu: %s read as %ld", i, not_long[i], got);
        yt_free(root);
    }
}

Test(ytree, double_table)
{
    static const struct {
        const char *scalar;
        double want;
    } rows[] = {{"1.5", 1.5},       {"-0.5", -0.5},  {".5", 0.5},    {"-.5", -0.5}, {"1.", 1.0},
                {"+1.5e3", 1500.0}, {"1e3", 1000.0}, {"2E-2", 0.02}, {"42", 42.0},  {"0x10", 16.0}};
    static const char *const not_double[] = {"1.2.3",    "e3",    "1e",    "",      ".",
                                             "+",        "1,5",   "abc",   "inf",   "nan",
                                             "infinity", "0x1p3", "'1.5'", "1.5 kg"};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i].scalar, &root);
        double got = -12345;
        cr_expect(yt_double(v, &got), "row %zu: %s is not a number", i, rows[i].scalar);
        cr_expect_eq(got, rows[i].want, "row %zu: yt_double(%s) = %g, want %g", i, rows[i].scalar,
                     got, rows[i].want);
        yt_free(root);
    }
    for (size_t i = 0; i < N_ROWS(not_double); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(not_double[i], &root);
        double got = -12345;
        cr_expect_not(yt_double(v, &got), "string %zu: %s read as %g", i, not_double[i], got);
        yt_free(root);
    }
}

Test(ytree, integer_past_long_is_still_a_number)
{
    struct yt_node *root;
    struct yt_node *v = scalar_doc("99999999999999999999", &root);
    long l;
    double d = 0;
    cr_assert_not(yt_long(v, &l));
    cr_assert(yt_double(v, &d));
    cr_assert_eq(d, 1e20);
    cr_assert_str_eq(yt_kind_name(v), "a number");
    yt_free(root);
}

Test(ytree, double_infinity_and_nan)
{
    static const struct {
        const char *scalar;
        int sign; /* 1: +inf, -1: -inf, 0: nan */
    } rows[] = {{".inf", 1},   {".Inf", 1}, {"+.inf", 1}, {"-.inf", -1},
                {"-.Inf", -1}, {".nan", 0}, {".NaN", 0}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i].scalar, &root);
        double got = 0;
        cr_expect(yt_double(v, &got), "row %zu: %s is not a number", i, rows[i].scalar);
        if (rows[i].sign)
            cr_expect(isinf(got) && (got > 0) == (rows[i].sign > 0), "row %zu: %s = %g", i,
                      rows[i].scalar, got);
        else
            cr_expect(isnan(got), "row %zu: %s = %g", i, rows[i].scalar, got);
        yt_free(root);
    }
}

Test(ytree, double_infinity_and_nan_all_core_schema_spellings)
{
    static const char *const rows[] = {".INF", "+.Inf", "+.INF", "-.INF", ".NAN"};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i], &root);
        double got = 0;
        cr_expect(yt_double(v, &got), "row %zu: %s is not a number", i, rows[i]);
        cr_expect_not(yt_is_str(v), "row %zu: %s is a string", i, rows[i]);
        yt_free(root);
    }
}

Test(ytree, long_prefixed_forms_take_digits_only)
{
    static const char *const rows[] = {"0x-5", "0x+5", "0o-7", "0o+7", "0x0x5"};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root;
        struct yt_node *v = scalar_doc(rows[i], &root);
        long got = 0;
        cr_expect_not(yt_long(v, &got), "row %zu: %s read as %ld", i, rows[i], got);
        cr_expect(yt_is_str(v), "row %zu: %s is not a string", i, rows[i]);
        yt_free(root);
    }
}

Test(ytree, typing_is_false_for_maps_and_lists)
{
    struct yt_node *root = load("m: {a: 1}\nl: [1]\n");
    bool b;
    long l;
    double d;
    for (int i = 0; i < 2; i++) {
        struct yt_node *n = yt_get(root, i ? "l" : "m");
        cr_expect_not(yt_is_null(n));
        cr_expect_not(yt_is_str(n));
        cr_expect_not(yt_bool(n, &b));
        cr_expect_not(yt_long(n, &l));
        cr_expect_not(yt_double(n, &d));
    }
    yt_free(root);
}

Test(ytree, kind_names_for_messages)
{
    struct yt_node *root =
        load("m: {}\nl: []\ns: hello\nq: '5'\nn: 5\nf: 1.5\nb: true\nz: ~\ne:\n");
    static const struct {
        const char *key, *want;
    } rows[] = {{"m", "a map"},     {"l", "a list"},   {"s", "a string"},
                {"q", "a string"},  {"n", "a number"}, {"f", "a number"},
                {"b", "a boolean"}, {"z", "null"},     {"e", "null"}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        const char *got = yt_kind_name(yt_get(root, rows[i].key));
        cr_expect_str_eq(got, rows[i].want, "row %zu: '%s' is %s, want %s", i, rows[i].key, got,
                         rows[i].want);
    }
    cr_assert_str_eq(yt_kind_name(NULL), "null");
    yt_free(root);
}

Test(ytree, to_json_types_scalars_and_drops_tags)
{
    struct yt_node *root = load("s: hello\n"
                                "q: \"5\"\n"
                                "n: 5\n"
                                "h: 0x10\n"
                                "f: 1.5\n"
                                "b: true\n"
                                "z: ~\n"
                                "e:\n"
                                "t: !Ref MyBucket\n"
                                "yes: yes\n"
                                "l: [1, '2', {k: v}, [false]]\n");
    assert_json(root, "{\"s\":\"hello\",\"q\":\"5\",\"n\":5,\"h\":16,\"f\":1.5,\"b\":true,"
                      "\"z\":null,\"e\":null,\"t\":\"MyBucket\",\"yes\":\"yes\","
                      "\"l\":[1,\"2\",{\"k\":\"v\"},[false]]}");
    yt_free(root);
}

Test(ytree, to_json_of_null_is_json_null)
{
    json_t *v = yt_to_json(NULL);
    cr_assert(json_is_null(v));
    json_decref(v);
}

/* --- tags --- */

Test(ytree, explicit_tags_are_kept)
{
    struct yt_node *root = load("bucket: !Ref MyBucket\n"
                                "arn: !GetAtt MyQueue.Arn\n"
                                "url: !Sub 'https://${Api}.example.com'\n"
                                "joined: !Join ['', [a, b]]\n"
                                "s: !!str 5\n"
                                "untagged: x\n");
    static const struct {
        const char *key, *tag;
    } rows[] = {{"bucket", "!Ref"},
                {"arn", "!GetAtt"},
                {"url", "!Sub"},
                {"joined", "!Join"},
                {"s", "tag:yaml.org,2002:str"}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *v = yt_get(root, rows[i].key);
        cr_assert_not_null(v->tag, "row %zu: '%s' lost its tag", i, rows[i].key);
        cr_expect_str_eq(v->tag, rows[i].tag, "row %zu: '%s' tag is %s", i, rows[i].key, v->tag);
    }
    cr_assert_str_eq(yt_str(yt_get(root, "bucket")), "MyBucket");
    cr_assert_str_eq(yt_str(yt_get(root, "arn")), "MyQueue.Arn");
    cr_assert_str_eq(yt_str(yt_get(root, "url")), "https://${Api}.example.com");
    cr_assert_eq(yt_get(root, "joined")->kind, YT_SEQ);
    cr_assert_eq(yt_get(root, "joined")->n, 2);
    cr_assert_null(yt_get(root, "untagged")->tag);
    yt_free(root);
}

/* --- anchors, aliases and merge keys --- */

Test(ytree, aliases_are_expanded_into_copies)
{
    struct yt_node *root = load("base: &b {x: 1, y: [1, 2]}\n"
                                "copy: *b\n"
                                "name: &n hello\n"
                                "again: *n\n");
    struct yt_node *base = yt_get(root, "base"), *copy = yt_get(root, "copy");
    cr_assert_neq(copy, base);
    cr_assert_neq(yt_get(copy, "y"), yt_get(base, "y"));
    assert_json(copy, "{\"x\":1,\"y\":[1,2]}");
    cr_assert_str_eq(yt_str(yt_get(root, "again")), "hello");
    yt_free(root); /* a shared subtree would be freed twice here */
}

Test(ytree, later_anchor_of_the_same_name_shadows_the_earlier)
{
    struct yt_node *root = load("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
    assert_json(root, "{\"a\":1,\"b\":1,\"c\":2,\"d\":2}");
    yt_free(root);
}

Test(ytree, unknown_alias_is_an_error)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("a: 1\nb: *nope\n", &err),
                     "serverless.yml:2:4: unknown alias '*nope'");
    cr_assert_str_eq(err.hint, "define the anchor with '&name' before using '*name'");
}

Test(ytree, alias_to_an_enclosing_node_is_an_error)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("a: &self\n  b: *self\n", &err),
                     "serverless.yml:2:6: unknown alias '*self'");
}

Test(ytree, merge_key_adds_missing_keys_and_explicit_keys_win)
{
    struct yt_node *root = load("base: &base {a: 1, b: 2}\n"
                                "m:\n"
                                "  b: 20\n"
                                "  <<: *base\n"
                                "  c: 30\n");
    struct yt_node *m = yt_get(root, "m");
    long v;
    cr_assert_eq(m->n, 3);
    cr_assert_null(yt_get(m, "<<"), "the merge key itself must not stay in the map");
    cr_assert(yt_long(yt_get(m, "a"), &v));
    cr_assert_eq(v, 1);
    cr_assert(yt_long(yt_get(m, "b"), &v));
    cr_assert_eq(v, 20);
    cr_assert(yt_long(yt_get(m, "c"), &v));
    cr_assert_eq(v, 30);
    assert_json(yt_get(root, "base"), "{\"a\":1,\"b\":2}");
    yt_free(root);
}

Test(ytree, merge_list_earlier_maps_win)
{
    struct yt_node *root = load("one: &one {a: 1, b: 1}\n"
                                "two: &two {b: 2, c: 2, d: 2}\n"
                                "m:\n"
                                "  <<: [*one, *two]\n"
                                "  d: 4\n");
    struct yt_node *m = yt_get(root, "m");
    static const struct {
        const char *key;
        long want;
    } rows[] = {{"a", 1}, {"b", 1}, {"c", 2}, {"d", 4}};
    cr_assert_eq(m->n, 4);
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        long got = -1;
        cr_expect(yt_long(yt_get(m, rows[i].key), &got), "row %zu: no '%s'", i, rows[i].key);
        cr_expect_eq(got, rows[i].want, "row %zu: m.%s = %ld, want %ld", i, rows[i].key, got,
                     rows[i].want);
    }
    yt_free(root);
}

Test(ytree, merge_of_an_inline_map)
{
    struct yt_node *root = load("m:\n  <<: {a: 1}\n  b: 2\n");
    struct yt_node *m = yt_get(root, "m");
    cr_assert_eq(m->n, 2);
    cr_assert_str_eq(yt_str(yt_get(m, "a")), "1");
    cr_assert_str_eq(yt_str(yt_get(m, "b")), "2");
    yt_free(root);
}

Test(ytree, quoted_merge_key_is_an_ordinary_key)
{
    struct yt_node *root = load("base: &b {a: 1}\nm:\n  \"<<\": *b\n");
    struct yt_node *m = yt_get(root, "m");
    cr_assert_eq(m->n, 1);
    cr_assert_not_null(yt_get(m, "<<"));
    cr_assert_null(yt_get(m, "a"));
    yt_free(root);
}

Test(ytree, merge_of_a_scalar_is_an_error)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(
        load_error("m:\n  <<: 5\n", &err),
        "serverless.yml:2:7: merge key '<<' needs a map or a list of maps, not a number");
}

Test(ytree, merge_list_of_a_non_map_is_an_error)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("a: &a {x: 1}\nm:\n  <<: [*a, [1]]\n", &err),
                     "serverless.yml:3:12: merge key '<<' list item is a list, not a map");
}

Test(ytree, anchor_defined_inside_a_merge_value_stays_usable)
{
    struct yt_node *root = load("m:\n"
                                "  <<: &inner {y: 2, z: &deep [1]}\n"
                                "n: *inner\n"
                                "d: *deep\n");
    assert_json(root, "{\"m\":{\"y\":2,\"z\":[1]},\"n\":{\"y\":2,\"z\":[1]},\"d\":[1]}");
    yt_free(root);
}

/* --- errors --- */

Test(ytree, duplicate_key_is_an_error_at_the_second_key)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("provider:\n"
                                "  name: aws\n"
                                "  stage: dev\n"
                                "  name: gcp\n",
                                &err),
                     "serverless.yml:4:3: duplicate key 'name' (first at line 2)");
    cr_assert_str_eq(err.hint, "remove one of the two; YAML keeps neither silently");
    cr_assert_str_eq(err.file, "serverless.yml");
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.col, 3);
}

Test(ytree, duplicate_key_quoted_or_plain_is_the_same_key)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("a: 1\n'a': 2\n", &err),
                     "serverless.yml:2:1: duplicate key 'a' (first at line 1)");
}

Test(ytree, keys_from_a_merge_are_not_duplicates)
{
    struct yt_node *root = load("b: &b {a: 1}\nm:\n  <<: *b\n  a: 2\n");
    assert_json(yt_get(root, "m"), "{\"a\":2}");
    yt_free(root);
}

Test(ytree, invalid_yaml_is_located_with_a_hint)
{
    static const struct {
        const char *text, *want;
    } rows[] = {
        {"a: 1\n b: 2\n",
         "serverless.yml:2:3: invalid YAML: mapping values are not allowed in this context"},
        {"a: [1, 2\nb: 3\n", "serverless.yml:2:2: invalid YAML: did not find expected ',' or ']' "
                             "while parsing a flow sequence"},
        {"a: 'x\n", "serverless.yml:2:1: invalid YAML: found unexpected end of stream while "
                    "scanning a quoted scalar"},
        {"\t- a\n", "serverless.yml:1:1: invalid YAML: found character that cannot start any token "
                    "while scanning for the next token"}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct fn_err err = FN_ERR_INIT;
        const char *got = load_error(rows[i].text, &err);
        cr_expect_str_eq(got, rows[i].want, "row %zu: got \"%s\"", i, got);
        cr_expect_str_eq(err.hint, "check the indentation and quoting around this position",
                         "row %zu", i);
    }
}

Test(ytree, second_document_is_refused)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_str_eq(load_error("service: a\n---\nservice: b\n", &err),
                     "serverless.yml:2:1: more than one YAML document in serverless.yml");
    cr_assert_str_eq(err.hint, "keep one document: remove the '---' line and what follows it");
}

Test(ytree, single_document_with_markers_loads)
{
    struct yt_node *root = load("---\nservice: a\n...\n");
    assert_json(root, "{\"service\":\"a\"}");
    yt_free(root);
}

Test(ytree, empty_document_is_an_empty_map)
{
    static const char *const rows[] = {"", "\n", "# only a comment\n", "---\n", "~\n", "null\n"};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct yt_node *root = load(rows[i]);
        cr_expect_eq(root->kind, YT_MAP, "row %zu: kind %d", i, root->kind);
        cr_expect_eq(root->n, 0, "row %zu", i);
        cr_expect_eq(root->line, 1, "row %zu", i);
        cr_expect_eq(root->col, 1, "row %zu", i);
        cr_expect_eq(root->file, FILE_NAME, "row %zu", i);
        yt_free(root);
    }
}

/* --- limits --- */

/* "billion laughs": each level is ten aliases of the one before. */
static char *laughs(int levels)
{
    struct buf b = BUF_INIT;
    buf_addstr(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < levels; i++) {
        buf_addf(&b, "l%d: &l%d [", i, i);
        for (int j = 0; j < 10; j++)
            buf_addf(&b, "%s*l%d", j ? ", " : "", i - 1);
        buf_addstr(&b, "]\n");
    }
    return buf_detach(&b, NULL);
}

Test(ytree, alias_expansion_within_the_node_budget_loads)
{
    /* 11 + 111 + 1111 + 11111 + 111111 nodes after expansion: under 200000. */
    char *text = laughs(5);
    struct yt_node *root = load(text);
    struct yt_node *last = yt_get(root, "l4");
    cr_assert_eq(last->n, 10);
    cr_assert_eq(last->items[9]->items[9]->items[9]->items[9]->n, 10);
    cr_assert_str_eq(yt_str(last->items[9]->items[9]->items[9]->items[9]->items[9]), "lol");
    yt_free(root);
    free(text);
}

Test(ytree, billion_laughs_is_refused_at_the_node_budget)
{
    struct fn_err err = FN_ERR_INIT;
    char *text = laughs(10);
    cr_assert_str_eq(load_error(text, &err),
                     "serverless.yml:6:10: document too large: more than 200000 nodes "
                     "(after expanding aliases)");
    cr_assert_str_eq(err.hint, "a YAML anchor may be expanded recursively; simplify the aliases");
    free(text);
}

static char *nested(size_t depth)
{
    char *text = malloc(2 * depth + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    return text;
}

Test(ytree, nesting_up_to_the_depth_limit_loads)
{
    /* The root plus YT_MAX_DEPTH levels below it. */
    char *text = nested(YT_MAX_DEPTH + 1);
    struct yt_node *root = load(text);
    struct yt_node *n = root;
    int levels = 0;
    while (n->kind == YT_SEQ && n->n == 1) {
        n = n->items[0];
        levels++;
    }
    cr_assert_eq(levels, YT_MAX_DEPTH);
    yt_free(root);
    free(text);
}

Test(ytree, nesting_past_the_depth_limit_is_refused)
{
    static const size_t depths[] = {YT_MAX_DEPTH + 2, 100000};
    for (size_t i = 0; i < N_ROWS(depths); i++) {
        struct fn_err err = FN_ERR_INIT;
        char *text = nested(depths[i]);
        cr_expect_str_eq(load_error(text, &err),
                         "serverless.yml:1:202: document nested too deeply (over 200 levels)",
                         "depth %zu", depths[i]);
        free(text);
    }
}

/* --- building, cloning, replacing --- */

Test(ytree, built_nodes_are_found_by_key)
{
    struct yt_node *map = yt_new_map("gen", 1, 1);
    struct yt_node *seq = yt_new_seq("gen", 2, 3);
    struct yt_node *name = yt_new_scalar("name", 4, true, "gen", 1, 1);
    for (int i = 0; i < 20; i++) {
        char s[8];
        int n = snprintf(s, sizeof(s), "%d", i);
        yt_seq_push(seq, yt_new_scalar(s, (size_t)n, true, "gen", 2, 3 + i));
    }
    yt_map_put(map, name, yt_new_scalar("x\0y", 3, false, "gen", 1, 7));
    yt_map_put(map, yt_new_scalar("items", 5, true, "gen", 2, 1), seq);
    cr_assert_eq(map->n, 2);
    cr_assert_eq(seq->n, 20);
    cr_assert_eq(yt_get(map, "items"), seq);
    cr_assert_eq(yt_key_of(map, seq)->line, 2);
    cr_assert_eq(yt_key_of(map, yt_get(map, "name")), name);
    cr_assert_eq(yt_get(map, "name")->len, 3);
    cr_assert_eq(yt_get(map, "name")->col, 7);
    assert_json(seq, "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]");
    yt_free(map);
    yt_free(NULL);
}

Test(ytree, clone_is_a_deep_independent_copy)
{
    struct yt_node *root = load("a: !Ref X\nb: {c: [1, '2']}\n");
    root->flags = 5;
    struct yt_node *copy = yt_clone(root);

    cr_assert_neq(copy, root);
    cr_assert_eq(copy->flags, 5);
    struct yt_node *a = yt_get(copy, "a"), *orig_a = yt_get(root, "a");
    cr_assert_neq(a, orig_a);
    cr_assert_neq(a->str, orig_a->str);
    cr_assert_neq(a->tag, orig_a->tag);
    cr_assert_str_eq(a->tag, "!Ref");
    cr_assert_eq(a->line, orig_a->line);
    cr_assert_eq(a->col, orig_a->col);
    cr_assert_eq(a->file, FILE_NAME);
    cr_assert_not(yt_get(yt_get(copy, "b"), "c")->items[1]->plain);

    /* Changing the copy leaves the original alone, and the other way round. */
    yt_replace(yt_get(copy, "b"), yt_new_scalar("gone", 4, true, "gen", 9, 9), true);
    yt_seq_push(yt_get(yt_get(root, "b"), "c"), yt_new_scalar("3", 1, true, "gen", 1, 1));
    assert_json(root, "{\"a\":\"X\",\"b\":{\"c\":[1,\"2\",3]}}");
    assert_json(copy, "{\"a\":\"X\",\"b\":\"gone\"}");
    yt_free(root);
    assert_json(copy, "{\"a\":\"X\",\"b\":\"gone\"}");
    yt_free(copy);
}

Test(ytree, replace_keeps_the_location_when_asked)
{
    struct yt_node *root = load("custom:\n  ref: ${self:other}\n  other: {deep: [1, 2]}\n");
    struct yt_node *custom = yt_get(root, "custom");
    struct yt_node *ref = yt_get(custom, "ref");
    cr_assert_eq(ref->line, 2);
    cr_assert_eq(ref->col, 8);

    yt_replace(ref, yt_clone(yt_get(custom, "other")), true);
    cr_assert_eq(yt_get(custom, "ref"), ref, "the node stays where it is in its parent");
    cr_assert_eq(ref->kind, YT_MAP);
    cr_assert_eq(ref->line, 2);
    cr_assert_eq(ref->col, 8);
    assert_json(ref, "{\"deep\":[1,2]}");

    yt_replace(ref, yt_new_scalar("v", 1, false, "other.yml", 30, 4), false);
    cr_assert_eq(ref->kind, YT_SCALAR);
    cr_assert_str_eq(ref->file, "other.yml");
    cr_assert_eq(ref->line, 30);
    cr_assert_eq(ref->col, 4);
    cr_assert_not(ref->plain);
    assert_json(root, "{\"custom\":{\"ref\":\"v\",\"other\":{\"deep\":[1,2]}}}");
    yt_free(root); /* the replaced contents were freed: ASan reports a leak otherwise */
}

/* --- yt_load_file --- */

Test(ytree, load_file_of_a_missing_file_fails)
{
    struct yt_node *root = (struct yt_node *)1;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(yt_load_file("/nonexistent/fnctl/serverless.yml", &root, &err), -1);
    cr_assert_str_eq(err.msg,
                     "cannot open '/nonexistent/fnctl/serverless.yml': No such file or directory");
}

Test(ytree, load_file_names_nodes_and_errors_after_the_path)
{
    char path[] = "/tmp/fnctl-test-ytree-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("a: 1\na: 2\n", f);
    fclose(f);

    struct yt_node *root = NULL;
    struct fn_err err = FN_ERR_INIT;
    int rc = yt_load_file(path, &root, &err);
    unlink(path);
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(err.file, path);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.msg, "duplicate key 'a' (first at line 1)");
}
