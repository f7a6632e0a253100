#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "invoke.h"
#include "json.h"

Test(invoke, request_ids_are_lowercase_uuid_v4)
{
    char a[37], b[37];
    inv_uuid(a);
    inv_uuid(b);
    cr_assert_str_neq(a, b);
    cr_assert_eq(strlen(a), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            cr_assert_eq(a[i], '-', "%s", a);
        else
            cr_assert(isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]), "%s", a);
    }
    cr_assert_eq(a[14], '4', "version nibble: %s", a);
    cr_assert(strchr("89ab", a[19]), "variant nibble: %s", a);
}

Test(invoke, a_new_invocation_is_pending_with_empty_buffers)
{
    struct invocation *inv = inv_new(INV_EVENT);
    cr_assert_eq(inv->type, INV_EVENT);
    cr_assert_eq(inv->outcome, INV_PENDING);
    cr_assert_eq(evbuffer_get_length(inv->event), 0);
    cr_assert_eq(evbuffer_get_length(inv->response), 0);
    cr_assert_lt(inv->init_ms, 0);
    inv_free(inv);
}

Test(invoke, fail_builds_lambdas_error_json)
{
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    evbuffer_add(inv->response, "partial", 7);
    inv_fail(inv, "Runtime.ExitError", "RequestId: %s Error: %s", "abc", "exit status 1");
    cr_assert_eq(inv->outcome, INV_FUNCTION_ERROR);
    cr_assert_str_eq(inv->error_type, "Runtime.ExitError");
    size_t len = evbuffer_get_length(inv->response);
    char *body = (char *)evbuffer_pullup(inv->response, -1);
    cr_assert_eq(strncmp(body, "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":"
                               "\"RequestId: abc Error: exit status 1\"}",
                         len),
                 0, "%.*s", (int)len, body);
    inv_free(inv);
}

Test(invoke, fail_without_a_type_has_only_a_message)
{
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    inv_fail(inv, NULL, "quote \" and newline \n");
    size_t len = evbuffer_get_length(inv->response);
    struct fn_err err = FN_ERR_INIT;
    json_t *v = fj_parse((char *)evbuffer_pullup(inv->response, -1), len, "body", &err);
    cr_assert_not_null(v, "%s", err.msg);
    cr_assert_null(json_object_get(v, "errorType"));
    cr_assert_str_eq(fj_str(v, "errorMessage", ""), "quote \" and newline \n");
    json_decref(v);
    inv_free(inv);
}

Test(invoke, tail_keeps_only_the_last_4_kb_when_asked)
{
    struct invocation *inv = inv_new(INV_REQUEST_RESPONSE);
    char line[100];
    inv_tail_add(inv, "ignored", 7);
    cr_assert_eq(inv->tail.len, 0, "kept without want_tail");
    inv->want_tail = true;
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(line, sizeof(line), "line %04d of the log", i);
        inv_tail_add(inv, line, (size_t)n);
    }
    cr_assert_leq(inv->tail.len, 2 * INV_TAIL_BYTES);
    cr_assert_geq(inv->tail.len, INV_TAIL_BYTES);
    cr_assert(strstr(buf_cstr(&inv->tail), "line 0999 of the log\n"));
    cr_assert_null(strstr(buf_cstr(&inv->tail), "line 0000 "));
    inv_free(inv);
}
