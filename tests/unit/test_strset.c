/* strset: membership, the key copies it hands out, values, lookups by a
 * length-limited key, growth, and release (leaks and double frees show
 * under ASan). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

Test(strset, an_empty_set_finds_nothing_and_releases)
{
    struct strset s = STRSET_INIT;
    cr_assert_null(strset_get(&s, "x", 1));
    cr_assert_null(strset_get(&s, "", 0));
    strset_release(&s, NULL);
    strset_release(&s, NULL); /* twice is fine */
    cr_assert_null(s.slot);
}

Test(strset, add_copies_once_and_refuses_a_repeat)
{
    struct strset s = STRSET_INIT;
    char path[] = "/svc/src/a.js";
    const char *copy = strset_add(&s, path);

    cr_assert_not_null(copy);
    cr_assert_neq((const void *)copy, (const void *)path, "a copy, not the caller's string");
    cr_assert_str_eq(copy, "/svc/src/a.js");
    path[5] = 'X';
    cr_assert_str_eq(copy, "/svc/src/a.js", "the copy does not follow the caller's buffer");
    cr_assert_null(strset_add(&s, "/svc/src/a.js"));
    cr_assert_not_null(strset_add(&s, path), "the changed string is a new key");
    cr_assert_not_null(strset_add(&s, ""), "the empty string is a key too");
    cr_assert_null(strset_add(&s, ""));
    strset_release(&s, NULL);
}

Test(strset, keys_differ_by_every_byte_and_by_length)
{
    struct strset s = STRSET_INIT;
    cr_assert_not_null(strset_add(&s, "/a/b"));
    cr_assert_not_null(strset_add(&s, "/a/b/"));
    cr_assert_not_null(strset_add(&s, "/a/c"));
    cr_assert_not_null(strset_add(&s, "/a"));
    cr_assert_not_null(strset_add(&s, "/A/b"));
    cr_assert_null(strset_add(&s, "/a/b"));
    cr_assert_null(strset_add(&s, "/a"));
    strset_release(&s, NULL);
}

Test(strset, put_and_get_by_a_prefix_of_a_longer_string)
{
    struct strset s = STRSET_INIT;
    const char *file = "/svc/node_modules/pkg/lib/index.js";
    int a = 1, b = 2;
    const char *key;

    /* "/svc/node_modules/pkg" and "/svc" as prefixes of file */
    key = strset_put(&s, file, 21, &a);
    cr_assert_str_eq(key, "/svc/node_modules/pkg", "the copy is NUL-terminated");
    cr_assert_not_null(strset_put(&s, file, 4, &b));
    cr_assert_eq(strset_get(&s, "/svc/node_modules/pkg", 21), &a);
    cr_assert_eq(strset_get(&s, file, 21), &a);
    cr_assert_eq(strset_get(&s, file, 4), &b);
    cr_assert_null(strset_get(&s, file, 5), "'/svc/' is not '/svc'");
    cr_assert_null(strset_get(&s, file, 3));
    cr_assert_null(strset_put(&s, file, 4, &a), "a repeated key is refused");
    cr_assert_eq(strset_get(&s, "/svc", 4), &b, "and its value is left as it was");
    cr_assert_null(strset_add(&s, "/svc"), "add and put share the keys");
    strset_release(&s, NULL);
}

Test(strset, thousands_of_keys_survive_growth_with_their_values_and_copies)
{
    enum { N = 5000 };
    struct strset s = STRSET_INIT;
    const char **copies = calloc(N, sizeof(*copies));
    long *vals = calloc(N, sizeof(*vals));
    char key[64];

    cr_assert(copies && vals);
    for (long i = 0; i < N; i++) {
        int len = snprintf(key, sizeof(key), "/svc/node_modules/m%ld/index.js", i);
        vals[i] = i;
        copies[i] = strset_put(&s, key, (size_t)len, &vals[i]);
        cr_assert_not_null(copies[i], "key %ld", i);
    }
    for (long i = 0; i < N; i++) {
        int len = snprintf(key, sizeof(key), "/svc/node_modules/m%ld/index.js", i);
        cr_assert_eq(strset_get(&s, key, (size_t)len), &vals[i], "key %ld", i);
        cr_assert_str_eq(copies[i], key, "the copy handed out stays valid after growth");
        cr_assert_null(strset_add(&s, key));
    }
    snprintf(key, sizeof(key), "/svc/node_modules/m%d/index.js", N);
    cr_assert_null(strset_get(&s, key, strlen(key)));
    strset_release(&s, NULL);
    free(copies);
    free(vals);
}

static int freed;

static void count_and_free(void *val)
{
    freed++;
    free(val);
}

Test(strset, release_hands_every_non_null_value_to_free_val)
{
    struct strset s = STRSET_INIT;
    char name[16];

    freed = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        cr_assert_not_null(strset_put(&s, name, strlen(name), i % 2 ? strdup(name) : NULL));
    }
    strset_release(&s, count_and_free);
    cr_assert_eq(freed, 50);
    cr_assert_null(s.slot);
    /* reusable after release */
    cr_assert_not_null(strset_add(&s, "k1"));
    strset_release(&s, count_and_free);
    cr_assert_eq(freed, 50, "a NULL value is not handed to free_val");
}
