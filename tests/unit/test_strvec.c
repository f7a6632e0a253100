#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"

Test(strvec, starts_empty_with_no_array)
{
    struct strvec sv = STRVEC_INIT;
    cr_assert_null(sv.v);
    cr_assert_eq(sv.n, 0);
    cr_assert_eq(strvec_find(&sv, "x"), -1);
    strvec_clear(&sv);
    cr_assert_null(sv.v);
}

Test(strvec, push_copies_the_string_and_keeps_v_null_terminated)
{
    struct strvec sv = STRVEC_INIT;
    char arg[] = "node";
    strvec_push(&sv, arg);
    arg[0] = 'X';
    cr_assert_eq(sv.n, 1);
    cr_assert_str_eq(sv.v[0], "node");
    cr_assert_neq(sv.v[0], arg);
    cr_assert_null(sv.v[1]);
    strvec_clear(&sv);
}

Test(strvec, push_owned_keeps_the_pointer_it_was_given)
{
    struct strvec sv = STRVEC_INIT;
    char *s = strdup("owned");
    strvec_push_owned(&sv, s);
    cr_assert_eq(sv.v[0], s);
    cr_assert_null(sv.v[1]);
    strvec_clear(&sv); /* frees s: a leak or double free shows under ASan */
}

Test(strvec, pushf_formats_the_new_element)
{
    struct strvec sv = STRVEC_INIT;
    strvec_pushf(&sv, "AWS_REGION=%s", "eu-west-1");
    strvec_pushf(&sv, "--port=%d", 3000);
    cr_assert_eq(sv.n, 2);
    cr_assert_str_eq(sv.v[0], "AWS_REGION=eu-west-1");
    cr_assert_str_eq(sv.v[1], "--port=3000");
    cr_assert_null(sv.v[2]);
    strvec_clear(&sv);
}

Test(strvec, grows_past_its_first_allocation_in_order)
{
    struct strvec sv = STRVEC_INIT;
    char want[16];
    for (int i = 0; i < 100; i++)
        strvec_pushf(&sv, "arg%d", i);
    cr_assert_eq(sv.n, 100);
    for (int i = 0; i < 100; i++) {
        snprintf(want, sizeof(want), "arg%d", i);
        cr_assert_str_eq(sv.v[i], want, "element %d", i);
    }
    cr_assert_null(sv.v[100]);
    strvec_clear(&sv);
}

Test(strvec, find_returns_the_first_equal_element_or_minus_one)
{
    struct strvec sv = STRVEC_INIT;
    strvec_push(&sv, "a");
    strvec_push(&sv, "b");
    strvec_push(&sv, "a");
    cr_assert_eq(strvec_find(&sv, "a"), 0);
    cr_assert_eq(strvec_find(&sv, "b"), 1);
    cr_assert_eq(strvec_find(&sv, "c"), -1);
    cr_assert_eq(strvec_find(&sv, ""), -1);
    cr_assert_eq(strvec_find(&sv, "ab"), -1);
    strvec_clear(&sv);
}

Test(strvec, setenv_appends_a_new_name)
{
    struct strvec sv = STRVEC_INIT;
    strvec_setenv(&sv, "A", "1");
    strvec_setenv(&sv, "EMPTY", "");
    cr_assert_eq(sv.n, 2);
    cr_assert_str_eq(sv.v[0], "A=1");
    cr_assert_str_eq(sv.v[1], "EMPTY=");
    cr_assert_null(sv.v[2]);
    strvec_clear(&sv);
}

Test(strvec, setenv_replaces_an_existing_name_in_place)
{
    struct strvec sv = STRVEC_INIT;
    strvec_push(&sv, "PATH=/bin");
    strvec_push(&sv, "HOME=/root");
    strvec_push(&sv, "LANG=C");
    strvec_setenv(&sv, "HOME", "/tmp");
    cr_assert_eq(sv.n, 3);
    cr_assert_str_eq(sv.v[0], "PATH=/bin");
    cr_assert_str_eq(sv.v[1], "HOME=/tmp");
    cr_assert_str_eq(sv.v[2], "LANG=C");
    cr_assert_null(sv.v[3]);
    strvec_clear(&sv);
}

Test(strvec, setenv_matches_the_whole_name_not_a_prefix)
{
    struct strvec sv = STRVEC_INIT;
    strvec_push(&sv, "AWS_REGION_X=1");
    strvec_push(&sv, "AWS=2");
    strvec_push(&sv, "AWS_REGION");
    strvec_setenv(&sv, "AWS_REGION", "us-east-1");
    cr_assert_eq(sv.n, 4);
    cr_assert_str_eq(sv.v[0], "AWS_REGION_X=1");
    cr_assert_str_eq(sv.v[1], "AWS=2");
    cr_assert_str_eq(sv.v[2], "AWS_REGION");
    cr_assert_str_eq(sv.v[3], "AWS_REGION=us-east-1");
    strvec_clear(&sv);
}

Test(strvec, clear_empties_and_leaves_the_vector_reusable)
{
    struct strvec sv = STRVEC_INIT;
    strvec_push(&sv, "x");
    strvec_push(&sv, "y");
    strvec_clear(&sv);
    cr_assert_null(sv.v);
    cr_assert_eq(sv.n, 0);
    cr_assert_eq(sv.cap, 0);
    strvec_clear(&sv);
    strvec_push(&sv, "z");
    cr_assert_eq(sv.n, 1);
    cr_assert_str_eq(sv.v[0], "z");
    cr_assert_null(sv.v[1]);
    strvec_clear(&sv);
}

Test(strvec, sort_unique_and_find_sorted)
{
    struct strvec sv = STRVEC_INIT;
    const char *in[] = { "b", "a", "\xc3\xa9", "B", "a", "b", "" };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        strvec_push(&sv, in[i]);
    strvec_sort_unique(&sv);
    /* by bytes: "" < "B" < "a" < "b" < 0xc3 (unsigned, whatever the locale) */
    cr_assert_eq(sv.n, 5);
    cr_assert_str_eq(sv.v[0], "");
    cr_assert_str_eq(sv.v[1], "B");
    cr_assert_str_eq(sv.v[2], "a");
    cr_assert_str_eq(sv.v[3], "b");
    cr_assert_str_eq(sv.v[4], "\xc3\xa9");
    cr_assert_null(sv.v[5]);
    cr_assert_eq(strvec_find_sorted(&sv, "b"), 3);
    cr_assert_eq(strvec_find_sorted(&sv, "c"), -1);
    cr_assert_eq(strvec_find_sorted(NULL, "b"), -1);
    strvec_clear(&sv);
    cr_assert_eq(strvec_find_sorted(&sv, "b"), -1);
}
