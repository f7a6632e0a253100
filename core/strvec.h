/* strvec: a NULL-terminated, growable array of owned strings (after git's
 * strvec), for argv and environment vectors.
 *
 *     struct strvec env = STRVEC_INIT;
 *     strvec_pushf(&env, "AWS_REGION=%s", region);
 *     execve(path, argv.v, env.v);   // v is NULL-terminated once non-empty
 *     strvec_clear(&env);
 */
#ifndef FN_STRVEC_H
#define FN_STRVEC_H

#include <stddef.h>

struct strvec {
    char **v; /* NULL-terminated; NULL only while nothing was pushed */
    size_t n;
    size_t cap;
};

#define STRVEC_INIT { NULL, 0, 0 }

/* Appends a copy of s. */
void strvec_push(struct strvec *sv, const char *s);
/* Appends s itself: the vector takes ownership. */
void strvec_push_owned(struct strvec *sv, char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Index of the first element equal to s, or -1. */
long strvec_find(const struct strvec *sv, const char *s);
/* Sorts by bytes (strcmp: unsigned, whatever the locale). */
void strvec_sort(struct strvec *sv);
/* Sorts by bytes and frees repeats: one of each string. */
void strvec_sort_unique(struct strvec *sv);
/* Index of s in a vector sorted by bytes (binary search), or -1. */
long strvec_find_sorted(const struct strvec *sv, const char *s);
/* Sets "NAME=value", replacing an existing NAME= entry (environment use). */
void strvec_setenv(struct strvec *sv, const char *name, const char *value);
/* Frees every string and the array; the vector is empty and reusable. */
void strvec_clear(struct strvec *sv);

#endif
