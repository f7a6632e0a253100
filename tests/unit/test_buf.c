#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"

Test(buf, starts_empty_and_cstr_is_never_null)
{
    struct buf b = BUF_INIT;
    cr_assert_str_eq(buf_cstr(&b), "");
    cr_assert_eq(b.len, 0);
    buf_release(&b);
}

Test(buf, appends_text_and_formats)
{
    struct buf b = BUF_INIT;
    cr_assert_eq(buf_addstr(&b, "hello"), 0);
    cr_assert_eq(buf_addch(&b, ' '), 0);
    cr_assert_eq(buf_addf(&b, "%d-%s", 42, "x"), 0);
    cr_assert_str_eq(buf_cstr(&b), "hello 42-x");
    cr_assert_eq(b.len, 10);
    buf_release(&b);
}

Test(buf, ceiling_refuses_and_leaves_buffer_unchanged)
{
    struct buf b;
    buf_init(&b, 8);
    cr_assert_eq(buf_addstr(&b, "12345"), 0);
    cr_assert_eq(buf_addstr(&b, "6789"), -1);
    cr_assert_str_eq(buf_cstr(&b), "12345");
    cr_assert_eq(buf_addf(&b, "%s", "abcd"), -1);
    cr_assert_eq(b.len, 5);
    cr_assert_eq(buf_addstr(&b, "678"), 0);
    cr_assert_str_eq(buf_cstr(&b), "12345678");
    buf_release(&b);
}

Test(buf, grows_past_initial_capacity_with_binary_data)
{
    struct buf b = BUF_INIT;
    char chunk[1000];
    memset(chunk, 0, sizeof(chunk));
    for (int i = 0; i < 100; i++)
        cr_assert_eq(buf_add(&b, chunk, sizeof(chunk)), 0);
    cr_assert_eq(b.len, 100000);
    cr_assert_eq(b.data[b.len], '\0');
    buf_release(&b);
}

Test(buf, detach_hands_over_storage)
{
    struct buf b = BUF_INIT;
    size_t len;
    buf_addstr(&b, "abc");
    char *s = buf_detach(&b, &len);
    cr_assert_str_eq(s, "abc");
    cr_assert_eq(len, 3);
    cr_assert_eq(b.len, 0);
    cr_assert_null(b.data);
    free(s);
    s = buf_detach(&b, NULL);
    cr_assert_str_eq(s, "");
    free(s);
}

Test(buf, truncate_and_reset)
{
    struct buf b = BUF_INIT;
    buf_addstr(&b, "abcdef");
    buf_truncate(&b, 3);
    cr_assert_str_eq(buf_cstr(&b), "abc");
    buf_truncate(&b, 10);
    cr_assert_str_eq(buf_cstr(&b), "abc");
    buf_reset(&b);
    cr_assert_str_eq(buf_cstr(&b), "");
    buf_release(&b);
}
