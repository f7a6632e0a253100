#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tmpdir.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

static json_t *parse(const char *text, struct fn_err *err)
{
    return fj_parse(text, strlen(text), "request body", err);
}

static char *dumped(const json_t *v)
{
    struct buf b = BUF_INIT;
    cr_assert_eq(fj_dump(v, &b), 0);
    return buf_detach(&b, NULL);
}

static char *printed(const json_t *v, bool pretty)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    fj_print(f, v, pretty);
    fclose(f);
    return text;
}

Test(json, parses_any_value)
{
    struct fn_err err = FN_ERR_INIT;
    json_t *v = parse("{\"a\": [1, 2.5, \"x\", null, true]}", &err);
    cr_assert_not_null(v, "%s", err.msg);
    cr_assert(json_is_object(v));
    cr_assert_eq(json_array_size(json_object_get(v, "a")), 5);
    cr_assert_not(fn_err_is_set(&err));
    json_decref(v);

    v = parse("42", &err);
    cr_assert_not_null(v, "a bare scalar is a JSON text");
    cr_assert_eq(json_integer_value(v), 42);
    json_decref(v);
}

Test(json, parses_exactly_len_bytes_and_keeps_nul_in_strings)
{
    struct fn_err err = FN_ERR_INIT;
    const char text[] = "\"a\\u0000b\"trailing garbage";
    json_t *v = fj_parse(text, 10, "body", &err);
    cr_assert_not_null(v, "%s", err.msg);
    cr_assert_eq(json_string_length(v), 3);
    cr_assert(memcmp(json_string_value(v), "a\0b", 3) == 0);
    json_decref(v);
}

Test(json, parse_errors_carry_name_line_and_column)
{
    static const struct {
        const char *text, *want;
    } rows[] = {
        {"{\n  \"a\": 1,\n}", "request body:3:1: invalid JSON: string or '}' expected near '}'"},
        {"[1, 2", "request body:1:5: invalid JSON: ']' expected near end of file"},
        {"{\"a\" 1}", "request body:1:6: invalid JSON: ':' expected near '1'"},
        {"nul", "request body:1:3: invalid JSON: invalid token near 'nul'"},
        {"{\"a\":1} x", "request body:1:9: invalid JSON: end of file expected near 'x'"}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct fn_err err = FN_ERR_INIT;
        char got[1024];
        json_t *v = parse(rows[i].text, &err);
        cr_expect_null(v, "row %zu: parsed invalid JSON", i);
        fn_err_format(&err, got, sizeof(got));
        cr_expect_str_eq(got, rows[i].want, "row %zu: got \"%s\", want \"%s\"", i, got,
                         rows[i].want);
        json_decref(v);
    }
}

Test(json, parse_error_location_fields_are_set)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_null(fj_parse("[\n\n  x]", 7, "event.json", &err));
    cr_assert_str_eq(err.file, "event.json");
    cr_assert_eq(err.line, 3);
    cr_assert_eq(err.col, 3);
    cr_assert(strncmp(err.msg, "invalid JSON: ", 14) == 0, "%s", err.msg);
}

Test(json, empty_input_is_an_error)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_null(fj_parse("", 0, "request body", &err));
    cr_assert(fn_err_is_set(&err));
    cr_assert_str_eq(err.file, "request body");
}

Test(json, dump_is_compact_and_keeps_insertion_order)
{
    json_t *v = json_object();
    json_object_set_new(v, "zeta", json_integer(1));
    json_object_set_new(v, "alpha", json_pack("[i,f,s,n,b]", 1, 2.5, "x", 1));
    json_object_set_new(v, "mid", json_object());
    char *s = dumped(v);
    cr_assert_str_eq(s, "{\"zeta\":1,\"alpha\":[1,2.5,\"x\",null,true],\"mid\":{}}");
    free(s);
    json_decref(v);
}

Test(json, dump_appends_to_the_buffer)
{
    struct buf b = BUF_INIT;
    json_t *v = json_string("x");
    buf_addstr(&b, "value=");
    cr_assert_eq(fj_dump(v, &b), 0);
    cr_assert_str_eq(buf_cstr(&b), "value=\"x\"");
    buf_release(&b);
    json_decref(v);
}

Test(json, dump_past_the_buffer_ceiling_fails)
{
    struct buf b;
    json_t *v = json_pack("{s:s}", "key", "a value longer than the ceiling");
    buf_init(&b, 16);
    cr_assert_eq(fj_dump(v, &b), -1);
    cr_assert_leq(b.len, 16);
    buf_release(&b);
    json_decref(v);
}

Test(json, dump_round_trips_a_parse)
{
    struct fn_err err = FN_ERR_INIT;
    const char *text = "{\"b\":[true,false],\"a\":{\"c\":\"d\"},\"n\":-3}";
    json_t *v = parse(text, &err);
    cr_assert_not_null(v, "%s", err.msg);
    char *s = dumped(v);
    cr_assert_str_eq(s, text);
    free(s);
    json_decref(v);
}

Test(json, print_compact_or_pretty_ends_with_a_newline)
{
    json_t *v = json_pack("{s:i,s:[i]}", "b", 1, "a", 2);
    char *s = printed(v, false);
    cr_assert_str_eq(s, "{\"b\":1,\"a\":[2]}\n");
    free(s);
    s = printed(v, true);
    cr_assert_str_eq(s, "{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}\n");
    free(s);
    json_decref(v);
}

Test(json, str_returns_the_member_or_the_default)
{
    json_t *v = json_pack("{s:s,s:i,s:n,s:s}", "name", "hello", "count", 3, "none", "empty", "");
    cr_assert_str_eq(fj_str(v, "name", "dflt"), "hello");
    cr_assert_str_eq(fj_str(v, "empty", "dflt"), "");
    cr_assert_str_eq(fj_str(v, "missing", "dflt"), "dflt");
    cr_assert_str_eq(fj_str(v, "count", "dflt"), "dflt");
    cr_assert_str_eq(fj_str(v, "none", "dflt"), "dflt");
    cr_assert_null(fj_str(v, "missing", NULL));
    json_decref(v);
}

Test(json, str_of_a_non_object_returns_the_default)
{
    json_t *arr = json_pack("[s]", "name");
    cr_assert_str_eq(fj_str(arr, "name", "dflt"), "dflt");
    cr_assert_str_eq(fj_str(NULL, "name", "dflt"), "dflt");
    json_decref(arr);
}

Test(json, str_is_borrowed_from_the_object)
{
    json_t *v = json_pack("{s:s}", "k", "v");
    cr_assert_eq(fj_str(v, "k", NULL), json_string_value(json_object_get(v, "k")));
    json_decref(v);
}

Test(json, set_str_copies_and_null_sets_json_null)
{
    json_t *v = json_object();
    char s[] = "original";
    fj_set_str(v, "k", s);
    s[0] = 'X';
    cr_assert_str_eq(fj_str(v, "k", NULL), "original");
    fj_set_str(v, "k", "replaced");
    cr_assert_str_eq(fj_str(v, "k", NULL), "replaced");
    fj_set_str(v, "n", NULL);
    cr_assert(json_is_null(json_object_get(v, "n")));
    cr_assert_eq(json_object_size(v), 2);
    json_decref(v);
}

/* --- fj_load_file --- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "json");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

static char *write_tmp(const char *name, const char *text)
{
    char *path;
    cr_assert_neq(asprintf(&path, "%s/%s", tmpdir, name), -1);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

Test(json, load_file_parses_and_names_the_file_in_errors, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
    struct fn_err err = FN_ERR_INIT;
    char *good = write_tmp("good.json", "{\"a\": 1}");
    char *bad = write_tmp("bad.json", "{\n  \"a\" 1\n}");
    char *want;

    json_t *v = fj_load_file(good, 0, &err);
    cr_assert_not_null(v, "%s", err.msg);
    cr_assert_eq(json_integer_value(json_object_get(v, "a")), 1);
    json_decref(v);

    cr_assert_null(fj_load_file(bad, 0, &err));
    cr_assert_str_eq(err.file, bad);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.msg, "invalid JSON: ':' expected near '1'");

    cr_assert_null(fj_load_file(good, 4, &err));
    cr_assert_neq(asprintf(&want, "'%s' is too large (over 4 bytes)", good), -1);
    cr_assert_str_eq(err.msg, want);
    free(want);
    free(bad);
    free(good);
}

Test(json, load_file_of_a_missing_file_fails)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_null(fj_load_file("/nonexistent/fnctl/event.json", 0, &err));
    cr_assert_str_eq(err.msg,
                     "cannot open '/nonexistent/fnctl/event.json': No such file or directory");
}

Test(json, write_string_escapes_as_jansson_dumps)
{
    static const char *const inputs[] = {
        "plain", "quote \" and backslash \\", "tab\tnew\nline\r", "ctl \x01\x1f", "slash / é ✓ 😀",
        "",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct buf ours = BUF_INIT, theirs = BUF_INIT;
        json_t *s = json_string(inputs[i]);
        cr_assert_eq(fj_write_string(&ours, inputs[i], strlen(inputs[i])), 0);
        cr_assert_eq(fj_dump(s, &theirs), 0);
        cr_expect_str_eq(buf_cstr(&ours), buf_cstr(&theirs), "input %zu", i);
        json_decref(s);
        buf_release(&ours);
        buf_release(&theirs);
    }
}

Test(json, write_string_refuses_what_is_not_utf8)
{
    static const char *const bad[] = {
        "\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
    };
    struct buf out = BUF_INIT;
    buf_addstr(&out, "kept");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_expect_not(fj_utf8_valid(bad[i], strlen(bad[i])), "input %zu", i);
        cr_expect_null(json_string(bad[i]), "jansson refuses input %zu too", i);
        cr_expect_eq(fj_write_string(&out, bad[i], strlen(bad[i])), -1);
    }
    cr_expect_str_eq(buf_cstr(&out), "kept");
    cr_expect(fj_utf8_valid("\xf0\x9f\x98\x80", 4));
    buf_release(&out);
}
