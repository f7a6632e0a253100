/* xalloc: allocation that never returns NULL.
 *
 * Out of memory is not an error fnctl can recover from in any useful way
 * (tmux and git take the same view), so these abort with a message instead of
 * making every caller handle NULL. Bad *input* never aborts: size checks on
 * untrusted data happen before allocation, in struct buf's ceiling. */
#ifndef FN_XALLOC_H
#define FN_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes each, checking overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formats into a newly allocated string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* FN_BUG: a broken internal assumption (never bad input). Prints and aborts. */
#define FN_BUG(...) fn_bug(__FILE__, __LINE__, __VA_ARGS__)
void fn_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
