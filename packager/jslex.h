/* jslex: finds the module specifiers a JavaScript file loads.
 *
 * A single pass over the source that knows JavaScript's lexical grammar well
 * enough never to mistake text for code: line and block comments, '...' and
 * "..." strings, template literals with nested ${ } expressions (to any
 * depth), regular-expression literals (told apart from division by the token
 * before the '/'), hashbang lines. It recognises
 *
 *     require('x')            JSLEX_REQUIRE
 *     require.resolve('x')    JSLEX_REQUIRE_RESOLVE
 *     import ... from 'x'     JSLEX_IMPORT   (also `import 'x'`, `import type`)
 *     export ... from 'x'     JSLEX_EXPORT_FROM
 *     import('x')             JSLEX_DYNAMIC_IMPORT
 *
 * A require() or import() whose argument is not one plain string literal
 * (a variable, a concatenation, a template with ${ }) is reported with
 * specifier NULL so the caller can warn about it. `x.require(...)`,
 * `obj.import(...)` and a locally declared `function require` are not module
 * loads and are not reported when the lexer can tell.
 *
 * The lexer never fails on malformed input (it is fuzzed): it reports what it
 * found and stops at the end of the buffer. The source need not be
 * NUL-terminated. */
#ifndef FN_JSLEX_H
#define FN_JSLEX_H

#include <stddef.h>

enum jslex_kind {
    JSLEX_REQUIRE,
    JSLEX_REQUIRE_RESOLVE,
    JSLEX_IMPORT,
    JSLEX_EXPORT_FROM,
    JSLEX_DYNAMIC_IMPORT,
};

struct jslex_spec {
    enum jslex_kind kind;
    char *specifier; /* owned, escapes decoded; NULL: not a string literal */
    int line, col;   /* 1-based position of `require` / `import` / `export` */
};

struct jslex_result {
    struct jslex_spec *specs; /* in source order */
    size_t n, cap;
};

#define JSLEX_RESULT_INIT { NULL, 0, 0 }

/* Appends every specifier found in src[0..len) to out. */
void jslex_scan(const char *src, size_t len, struct jslex_result *out);

/* Frees the specifiers and the array; out is empty and reusable. */
void jslex_result_release(struct jslex_result *out);

#endif
