#include <criterion/criterion.h>
#include <limits.h>
#include <string.h>

#include "text.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

Test(text, distance_table)
{
    static const struct {
        const char *a, *b;
        size_t want;
    } rows[] = {{"", "", 0},
                {"abc", "", 3},
                {"", "abc", 3},
                {"http", "http", 0},
                {"HTTP", "http", 0}, /* case-insensitive */
                {"HttpApi", "httpapi", 0},
                {"htpp", "http", 1}, /* transposition costs 1 */
                {"ssq", "sqs", 1},
                {"htttp", "http", 1}, /* insertion */
                {"htp", "http", 1},   /* deletion */
                {"hxtp", "http", 1},  /* substitution */
                {"kitten", "sitting", 3},
                {"ca", "abc", 3}, /* optimal string alignment, not full Damerau */
                {"schedule", "s3", 7}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        size_t got = tx_distance(rows[i].a, rows[i].b);
        cr_expect_eq(got, rows[i].want, "row %zu: tx_distance(\"%s\", \"%s\") = %zu, want %zu", i,
                     rows[i].a, rows[i].b, got, rows[i].want);
        got = tx_distance(rows[i].b, rows[i].a);
        cr_expect_eq(got, rows[i].want,
                     "row %zu (swapped): tx_distance(\"%s\", \"%s\") = %zu, want %zu", i, rows[i].b,
                     rows[i].a, got, rows[i].want);
    }
}

Test(text, distance_compares_only_the_first_64_bytes)
{
    char a[101], b[101];
    memset(a, 'a', 100);
    memset(b, 'a', 100);
    a[100] = b[100] = '\0';
    memset(b + 64, 'z', 36);
    cr_assert_eq(tx_distance(a, b), 0);
    b[63] = 'z';
    cr_assert_eq(tx_distance(a, b), 1);
    cr_assert_eq(tx_distance(a, ""), 64);
}

Test(text, suggest_table)
{
    static const char *const events[] = {"httpApi", "http", "s3", "sqs", "schedule", NULL};
    static const char *const short_words[] = {"ab", "abcde", NULL};
    static const char *const none[] = {NULL};
    static const struct {
        const char *word;
        const char *const *candidates;
        const char *want;                  /* NULL: no suggestion */
    } rows[] = {{"htttp", events, "http"}, /* distance 1 of 5 */
                {"htpp", events, "http"},  /* transposition */
                {"HTTP", events, "http"},  /* case only */
                {"S3", events, "s3"},      /* case only, even for a 2-letter word */
                {"http", events, "http"},  /* exact */
                {"shedule", events, "schedule"},
                {"httpapi", events, "httpApi"},
                {"sqss", events, "sqs"}, /* distance 1 of 4: 2 < 4 */
                {"s4", events, NULL},    /* distance 1 of 2 is not less than half */
                {"x", events, NULL},
                {"kafka", events, NULL},
                {"websocket", events, NULL},
                {"abx", short_words, "ab"},      /* distance 1 of 3: 2 < 3 */
                {"abxy", short_words, NULL},     /* distance 2 of 4: not less than half */
                {"abcxy", short_words, "abcde"}, /* distance 2 of 5: 4 < 5 */
                {"abcdexyz", short_words, NULL}, /* distance 3 is too far whatever the length */
                {"anything", none, NULL}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        const char *got = tx_suggest(rows[i].word, rows[i].candidates);
        if (rows[i].want)
            cr_expect(got && strcmp(got, rows[i].want) == 0,
                      "row %zu: tx_suggest(\"%s\") = %s%s%s, want '%s'", i, rows[i].word,
                      got ? "'" : "", got ? got : "NULL", got ? "'" : "", rows[i].want);
        else
            cr_expect_null(got, "row %zu: tx_suggest(\"%s\") = '%s', want NULL", i, rows[i].word,
                           got);
    }
}

Test(text, suggest_returns_a_pointer_from_the_list)
{
    static const char *const events[] = {"http", "sqs", NULL};
    cr_assert_eq(tx_suggest("htp", events), events[0]);
}

Test(text, join_quoted_lists_every_candidate)
{
    static const char *const names[] = {"httpApi", "http", "s3", NULL};
    char out[64];
    tx_join_quoted(out, sizeof(out), names);
    cr_assert_str_eq(out, "'httpApi', 'http', 's3'");
}

Test(text, join_quoted_of_nothing_is_empty)
{
    char out[8] = "junk";
    tx_join_quoted(out, sizeof(out), (const char *const[]){NULL});
    cr_assert_str_eq(out, "");
}

Test(text, join_quoted_truncates_to_the_buffer)
{
    static const char *const names[] = {"a", "b", "c", NULL};
    const char *full = "'a', 'b', 'c'";
    for (size_t size = 1; size <= strlen(full); size++) {
        char out[32];
        memset(out, '#', sizeof(out));
        tx_join_quoted(out, size, names);
        cr_expect_eq(strlen(out), size - 1, "size %zu: got \"%s\"", size, out);
        cr_expect(strncmp(out, full, size - 1) == 0, "size %zu: got \"%s\"", size, out);
        cr_expect_eq(out[size], '#', "size %zu: wrote past the buffer", size);
    }
}

Test(text, join_quoted_with_zero_size_writes_nothing)
{
    static const char *const names[] = {"a", NULL};
    char out[4] = "xyz";
    tx_join_quoted(out, 0, names);
    cr_assert_str_eq(out, "xyz");
}

Test(text, starts_and_ends_with)
{
    cr_assert(tx_starts_with("serverless.yml", "server"));
    cr_assert(tx_starts_with("abc", ""));
    cr_assert(tx_starts_with("abc", "abc"));
    cr_assert_not(tx_starts_with("ab", "abc"));
    cr_assert_not(tx_starts_with("xabc", "abc"));
    cr_assert(tx_ends_with("serverless.yml", ".yml"));
    cr_assert(tx_ends_with("abc", ""));
    cr_assert(tx_ends_with("abc", "abc"));
    cr_assert_not(tx_ends_with("bc", "abc"));
    cr_assert_not(tx_ends_with("serverless.yaml", ".yml"));
}

Test(text, parse_long_table)
{
    static const struct {
        const char *s;
        long min, max;
        bool ok;
        long want;
    } rows[] = {{"42", 0, 100, true, 42},
                {"0", 0, 100, true, 0},
                {"100", 0, 100, true, 100}, /* bounds are inclusive */
                {"-5", -10, 10, true, -5},
                {"-10", -10, 10, true, -10},
                {"101", 0, 100, false, 0},
                {"-1", 0, 100, false, 0},
                {"-11", -10, 10, false, 0},
                {"9223372036854775807", LONG_MIN, LONG_MAX, true, LONG_MAX},
                {"-9223372036854775808", LONG_MIN, LONG_MAX, true, LONG_MIN},
                {"9223372036854775808", LONG_MIN, LONG_MAX, false, 0}, /* overflow */
                {"99999999999999999999", 0, 100, false, 0},
                {"", 0, 100, false, 0},
                {" 5", 0, 100, false, 0},
                {"5 ", 0, 100, false, 0},
                {"5x", 0, 100, false, 0},
                {"x5", 0, 100, false, 0},
                {"1.5", 0, 100, false, 0},
                {"0x10", 0, 100, false, 0},
                {"-", 0, 100, false, 0},
                {"\t7", 0, 100, false, 0}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        long got = 12345;
        bool ok = tx_parse_long(rows[i].s, rows[i].min, rows[i].max, &got);
        cr_expect_eq(ok, rows[i].ok, "row %zu: tx_parse_long(\"%s\", %ld, %ld) returned %s", i,
                     rows[i].s, rows[i].min, rows[i].max, ok ? "true" : "false");
        if (ok && rows[i].ok)
            cr_expect_eq(got, rows[i].want, "row %zu: tx_parse_long(\"%s\") = %ld, want %ld", i,
                         rows[i].s, got, rows[i].want);
    }
}

Test(text, parse_long_refuses_null)
{
    long v = 7;
    cr_assert_not(tx_parse_long(NULL, 0, 10, &v));
    cr_assert_eq(v, 7);
}
