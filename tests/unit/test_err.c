#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* fn_err_print into a string, the way the CLI would print it on stderr. */
static char *printed(const struct fn_err *err, bool color)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    fn_err_print(err, f, color);
    fclose(f);
    return text;
}

static char *formatted(const struct fn_err *err)
{
    static char out[FN_ERR_FILE_MAX + FN_ERR_MSG_MAX + 64];
    fn_err_format(err, out, sizeof(out));
    return out;
}

Test(err, init_is_unset)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_not(fn_err_is_set(&err));
    cr_assert_not(fn_err_is_set(NULL));
    cr_assert_str_eq(err.hint, "");
    cr_assert_str_eq(err.file, "");
    cr_assert_eq(err.line, 0);
    cr_assert_eq(err.col, 0);
}

Test(err, set_formats_the_message_and_returns_minus_one)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(fn_err_set(&err, "unknown event type '%s'", "htttp"), -1);
    cr_assert(fn_err_is_set(&err));
    cr_assert_str_eq(err.msg, "unknown event type 'htttp'");
}

Test(err, set_clears_the_previous_hint_and_location)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "first");
    fn_err_hint(&err, "do this");
    fn_err_at(&err, "serverless.yml", 3, 4);
    fn_err_set(&err, "second");
    cr_assert_str_eq(err.msg, "second");
    cr_assert_str_eq(err.hint, "");
    cr_assert_str_eq(err.file, "");
    cr_assert_eq(err.line, 0);
    cr_assert_eq(err.col, 0);
}

Test(err, set_with_null_err_drops_the_message)
{
    cr_assert_eq(fn_err_set(NULL, "nobody listens: %d", 1), -1);
}

Test(err, hint_keeps_message_and_location)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "unknown event type 'htttp'");
    fn_err_at(&err, "serverless.yml", 14, 7);
    cr_assert_eq(fn_err_hint(&err, "did you mean '%s'?", "http"), -1);
    cr_assert_str_eq(err.msg, "unknown event type 'htttp'");
    cr_assert_str_eq(err.hint, "did you mean 'http'?");
    cr_assert_str_eq(err.file, "serverless.yml");
    cr_assert_eq(err.line, 14);
    cr_assert_eq(err.col, 7);
}

Test(err, at_keeps_message_and_hint)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "bad");
    fn_err_hint(&err, "fix it");
    cr_assert_eq(fn_err_at(&err, "a.yml", 2, 9), -1);
    cr_assert_str_eq(err.msg, "bad");
    cr_assert_str_eq(err.hint, "fix it");
    cr_assert_str_eq(err.file, "a.yml");
    cr_assert_eq(err.line, 2);
    cr_assert_eq(err.col, 9);
}

Test(err, errno_appends_strerror_to_what_failed)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_hint(&err, "stale");
    cr_assert_eq(fn_err_errno(&err, ENOENT, "cannot open '%s'", "x.yml"), -1);
    cr_assert_str_eq(err.msg, "cannot open 'x.yml': No such file or directory");
    cr_assert_str_eq(err.hint, "");
}

Test(err, clear_unsets)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "bad");
    fn_err_hint(&err, "hint");
    fn_err_at(&err, "f", 1, 2);
    fn_err_clear(&err);
    cr_assert_not(fn_err_is_set(&err));
    cr_assert_str_eq(err.hint, "");
    cr_assert_str_eq(err.file, "");
    cr_assert_eq(err.line, 0);
    cr_assert_eq(err.col, 0);
    fn_err_clear(NULL);
}

Test(err, long_message_is_truncated_into_the_fixed_buffer)
{
    struct fn_err err = FN_ERR_INIT;
    char big[2 * FN_ERR_MSG_MAX];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    fn_err_set(&err, "%s", big);
    fn_err_hint(&err, "%s", big);
    cr_assert_eq(strlen(err.msg), FN_ERR_MSG_MAX - 1);
    cr_assert_eq(strlen(err.hint), FN_ERR_MSG_MAX - 1);
}

Test(err, format_shows_only_the_known_location_parts)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "msg");
    cr_assert_str_eq(formatted(&err), "msg");
    fn_err_at(&err, "serverless.yml", 0, 0);
    cr_assert_str_eq(formatted(&err), "serverless.yml: msg");
    fn_err_at(&err, "serverless.yml", 14, 0);
    cr_assert_str_eq(formatted(&err), "serverless.yml:14: msg");
    fn_err_at(&err, "serverless.yml", 14, 7);
    cr_assert_str_eq(formatted(&err), "serverless.yml:14:7: msg");
}

Test(err, format_truncates_to_the_output_size)
{
    struct fn_err err = FN_ERR_INIT;
    char out[8];
    fn_err_set(&err, "unknown event type");
    fn_err_at(&err, "serverless.yml", 14, 7);
    fn_err_format(&err, out, sizeof(out));
    cr_assert_str_eq(out, "serverl");
}

Test(err, print_without_color_is_plain_text)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "unknown event type 'htttp'");
    fn_err_hint(&err, "did you mean 'http'?");
    fn_err_at(&err, "serverless.yml", 14, 7);
    char *text = printed(&err, false);
    cr_assert_str_eq(text, "fnctl: serverless.yml:14:7: unknown event type 'htttp'\n"
                           "  hint: did you mean 'http'?\n");
    free(text);
}

Test(err, print_without_hint_is_one_line)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "no serverless.yml here");
    char *text = printed(&err, false);
    cr_assert_str_eq(text, "fnctl: no serverless.yml here\n");
    free(text);
}

Test(err, print_with_color_wraps_the_prefixes_only)
{
    struct fn_err err = FN_ERR_INIT;
    fn_err_set(&err, "unknown event type 'htttp'");
    fn_err_hint(&err, "did you mean 'http'?");
    fn_err_at(&err, "serverless.yml", 14, 7);
    char *text = printed(&err, true);
    cr_assert_str_eq(text,
                     "\033[1;31mfnctl:\033[0m serverless.yml:14:7: unknown event type 'htttp'\n"
                     "  \033[36mhint:\033[0m did you mean 'http'?\n");
    free(text);
}
