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
 * ModuleNotFoundError (or everything: a bare `except:`, `Exception`,
 * `BaseException`; also in a tuple such as `(ImportError, KeyError)`) is
 * marked optional, nested try blocks included (the blocks are told apart by
 * their indentation). So is an import under `if TYPE_CHECKING:` (or
 * `if typing.TYPE_CHECKING:`), which never runs. import_module()/
 * __import__() with an argument other than one plain string literal naming a
 * dotted module (a variable, a concatenation, an f-string) is reported with
 * module NULL so the caller can warn; a literal's leading dots
 * (import_module('.x', __package__)) become its level.
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
    bool optional;      /* inside try/except ImportError or if TYPE_CHECKING */
    bool nested;        /* inside a block (def, if, try...): not run at module level */
    int line, col;      /* 1-based position of the statement (byte columns) */
};

struct pylex_result {
    struct pylex_import *imports; /* in source order */
    size_t n, cap;
};

#define PYLEX_RESULT_INIT { NULL, 0, 0 }

/* Appends every import found in src[0..len) to out. */
void pylex_scan(const char *src, size_t len, struct pylex_result *out);

/* Frees the modules, names and the array; out is empty and reusable. */
void pylex_result_release(struct pylex_result *out);

/* Whether a top-level module name belongs to the standard library (any
 * python 3.11 to 3.13 runtime's sys.stdlib_module_names). */
bool pylex_is_stdlib(const char *top);

#endif
