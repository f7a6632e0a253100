/* jslex: finds the module specifiers a JavaScript file loads.
 *
 * A single pass over the source that knows JavaScript's lexical grammar well
 * enough never to mistake text for code: line and block comments, '...' and
 * "..." strings, template literals with nested ${ } expressions (to any
 * depth), regular-expression literals (told apart from division by the token
 * before the '/'), a hashbang line and a BOM. It recognises
 *
 *     require('x')            JSLEX_REQUIRE
 *     require.resolve('x')    JSLEX_REQUIRE_RESOLVE
 *     import ... from 'x'     JSLEX_IMPORT   (also `import 'x'`, `import type`)
 *     export ... from 'x'     JSLEX_EXPORT_FROM  (export * / * as ns / { a })
 *     import('x')             JSLEX_DYNAMIC_IMPORT
 *
 * wherever they appear, with whitespace and comments anywhere between the
 * tokens. A template without ${ } counts as a string literal. Escapes are
 * decoded (\n, \x41, \u0041, \u{41}, surrogate pairs, legacy octal, line
 * continuations).
 *
 * A require(), require.resolve() or import() whose argument is not one plain
 * string literal (a variable, a concatenation, a template with ${ }) is
 * reported with specifier NULL so the caller can warn about it; so is a
 * literal whose value holds a NUL. require() and import() with no argument,
 * or with a literal cut off by the end of its line, are not reported.
 *
 * Not module loads, and not reported: `x.require(...)`, `a?.require(...)`,
 * `obj.import(...)`, `import.meta`, `export default` / `export const ...`,
 * a method definition named require or import (`require(id) { ... }`), and
 * every require() in the scope of a declared `function require` (a
 * bundle's own loader; the scope is the enclosing block, or the file). A
 * function expression's name (`x = function require() {}`) shadows nothing.
 *
 * Regex or division: a '/' divides after a name, a literal, ')' or ']',
 * and after postfix ++/--; it starts a regex after an operator or
 * punctuator, at the start, and after return typeof instanceof in of new
 * delete void throw case yield await default else do. After ')' it is a
 * regex only when the parenthesis closed if/while/for/with (...). After '}'
 * it depends on what the '{' opened: an object literal (after an operator,
 * '(', ',', ':', return...) ends an expression, so '/' divides; a block
 * (after ')', ';', '{', '}', =>, a name, else, at the start) ends a
 * statement, so '/' starts a regex. The approximation fails only on code
 * such as `x = function () {} / 2`, which real code does not contain. A
 * regex and a '...' string never span lines, so even a wrong guess cannot
 * hide what the next lines load. HTML-like comments (<!-- -->) and JSX text
 * are not special.
 *
 * Lines are counted on \n, \r\n and \r; columns in bytes. The lexer
 * never fails on malformed input (it is fuzzed): it reports what it found
 * and stops at the end of the buffer. The source need not be
 * NUL-terminated. Nothing is allocated per token but the reported
 * specifiers. */
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
