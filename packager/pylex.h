/* pylex: finds the imports of a Python source file.
 *
 * Knows Python's lexical grammar well enough never to mistake text for code:
 * comments, '...' "..." '''...''' """...""" strings with any of the r b f u
 * prefixes, backslash line continuations and bracketed continuation lines.
 * Reports
 *
 *     import a.b, c as d          "a.b", "c"
 *     from a.b import c, d        module "a.b", names "c", "d"
 *     from . import c             level 1, module "", names "c"
 *     from ..x import (y,
 *                      z)         level 2, module "x", names "y", "z"
 *     importlib.import_module('m') / __import__('m') with a literal
 *
 * wherever they appear (inside functions and if-blocks too). An import
 * inside a `try:` block whose handlers catch ImportError or
 * ModuleNotFoundError (or everything: a bare `except:` or `Exception`) is
 * marked optional. import_module()/__import__() with a non-literal
 * argument is reported with module NULL so the caller can warn.
 *
 * Never fails on malformed input (it is fuzzed). The source need not be
 * NUL-terminated. */
#ifndef FN_PYLEX_H
#define FN_PYLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "strvec.h"

struct pylex_import {
    char *module;       /* owned dotted name; "" for `from . import x`; NULL: computed */
    int level;          /* leading dots of a relative import; 0 when absolute */
    struct strvec names; /* `from m import a, b`: "a", "b" ("*" for a star import) */
    bool optional;      /* inside try/except ImportError */
    int line, col;      /* 1-based position of the statement */
};

struct pylex_result {
    struct pylex_import *imports; /* in source order */
    size_t n, cap;
};

#define PYLEX_RESULT_INIT { NULL, 0, 0 }

void pylex_scan(const char *src, size_t len, struct pylex_result *out);
void pylex_result_release(struct pylex_result *out);

#endif
