#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jslex.h"

static const char *kind_tag(enum jslex_kind k)
{
    switch (k) {
    case JSLEX_REQUIRE: return "require";
    case JSLEX_REQUIRE_RESOLVE: return "resolve";
    case JSLEX_IMPORT: return "import";
    case JSLEX_EXPORT_FROM: return "export";
    case JSLEX_DYNAMIC_IMPORT: return "dynamic";
    }
    return "?";
}

/* Renders the specifiers as one line each, "1:5 require x", with "?" for a
 * computed one, so that a case is one string comparison and a failure prints
 * the whole result. */
static char *scan_n(const char *src, size_t len)
{
    struct jslex_result r = JSLEX_RESULT_INIT;
    struct buf b = BUF_INIT;

    jslex_scan(src, len, &r);
    for (size_t i = 0; i < r.n; i++) {
        const struct jslex_spec *sp = &r.specs[i];
        buf_addf(&b, "%d:%d %s %s\n", sp->line, sp->col, kind_tag(sp->kind),
                 sp->specifier ? sp->specifier : "?");
    }
    jslex_result_release(&r);
    return buf_detach(&b, NULL);
}

static char *scan(const char *src)
{
    return scan_n(src, strlen(src));
}

struct lex_case {
    const char *src;
    const char *want;
};

static void check_cases(const struct lex_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = scan(cases[i].src);
        cr_expect_str_eq(got, cases[i].want, "case %zu:\n%s\n--- got:\n%s--- want:\n%s", i,
                         cases[i].src, got, cases[i].want);
        free(got);
    }
}

#define CHECK(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

Test(jslex, require_forms)
{
    static const struct lex_case cases[] = {
        { "require('x')", "1:1 require x\n" },
        { "const a = require(\"y\");", "1:11 require y\n" },
        { "require(`z`)", "1:1 require z\n" },
        { "require.resolve('r')", "1:1 resolve r\n" },
        { "require . resolve ( 'r' )", "1:1 resolve r\n" },
        { "require (  'y'  )", "1:1 require y\n" },
        { "require /* c */ ( // c\n 'y' /* c */ )", "1:1 require y\n" },
        { "require('a', 'b')", "1:1 require a\n" },
        { "...require('s')", "1:4 require s\n" },
        { "!require('n')", "1:2 require n\n" },
        { "x = require('a').b(require('c'))", "1:5 require a\n1:20 require c\n" },
        { "require('')", "1:1 require \n" },
        /* not module loads */
        { "obj.require('x')", "" },
        { "obj\n  .require('x')", "" },
        { "a?.require('x')", "" },
        { "typeof require === 'function'", "" },
        { "const r = require; r('x')", "" },
        { "require.cache['x']", "" },
        { "require.resolve.paths('x')", "" },
        { "require()", "" },
        { "{ require: 1 }", "" },
        { "myrequire('x'); require_('y'); $require('z')", "" },
    };
    CHECK(cases);
}

Test(jslex, computed_arguments)
{
    static const struct lex_case cases[] = {
        { "require(name)", "1:1 require ?\n" },
        { "require('./' + x)", "1:1 require ?\n" },
        { "require(`./${x}`)", "1:1 require ?\n" },
        { "import(`./${x}.js`)", "1:1 dynamic ?\n" },
        { "require.resolve(p)", "1:1 resolve ?\n" },
        { "require(a ? 'b' : 'c')", "1:1 require ?\n" },
        { "require('a'.concat('b'))", "1:1 require ?\n" },
        /* the argument's own requires are still found */
        { "require(require('a'))", "1:1 require ?\n1:9 require a\n" },
        /* a method named require or import is no call */
        { "class A { require(id) { return 1 } }", "" },
        { "o = { import(x) { return x } }", "" },
        { "o = { async import(x) {} }; import('y')", "1:29 dynamic y\n" },
    };
    CHECK(cases);
}

Test(jslex, static_imports)
{
    static const struct lex_case cases[] = {
        { "import x from 'y'", "1:1 import y\n" },
        { "import {a as b} from \"y\"", "1:1 import y\n" },
        { "import * as ns from 'y'", "1:1 import y\n" },
        { "import 'y'", "1:1 import y\n" },
        { "import\"y\"", "1:1 import y\n" },
        { "import type {T} from 'y'", "1:1 import y\n" },
        { "import type T from 'y'", "1:1 import y\n" },
        { "import type from 'y'", "1:1 import y\n" },
        { "import from from 'y'", "1:1 import y\n" },
        { "import d, {a, b as c} from 'y'", "1:1 import y\n" },
        { "import d, * as e from 'y'", "1:1 import y\n" },
        { "import {\n  a,\n  b as c,\n  default as d,\n} from './m.js';\n", "1:1 import ./m.js\n" },
        { "import { 'a-b' as ab } from 'y'", "1:1 import y\n" },
        { "import j from './x.json' with { type: 'json' }", "1:1 import ./x.json\n" },
        { "import {require} from 'r'; require('s')", "1:1 import r\n1:28 require s\n" },
        { "import {import as i} from 'y'", "1:1 import y\n" },
        { "  import x from 'a'\nimport y from 'b'", "1:3 import a\n2:1 import b\n" },
        { "import x = require('y')", "1:12 require y\n" },
        /* not imports */
        { "import.meta.url", "" },
        { "const u = import.meta.resolve('x')", "" },
        { "obj.import('x')", "" },
        { "import {a}; 'b'", "" },
        { "import x; from('y')", "" },
    };
    CHECK(cases);
}

Test(jslex, export_from)
{
    static const struct lex_case cases[] = {
        { "export * from 'y'", "1:1 export y\n" },
        { "export {a} from 'y'", "1:1 export y\n" },
        { "export { a as b, default } from \"y\"", "1:1 export y\n" },
        { "export * as ns from 'y'", "1:1 export y\n" },
        { "export * as 'n s' from 'y'", "1:1 export y\n" },
        { "export type { T } from './t'", "1:1 export ./t\n" },
        { "export type * from './t'", "1:1 export ./t\n" },
        { "export {\n  a,\n  b,\n} from './ab'", "1:1 export ./ab\n" },
        /* not re-exports */
        { "export default 'y'", "" },
        { "export const from = 'y'", "" },
        { "export function f() { return 'y' }", "" },
        { "export { a, b }; 'y'", "" },
        { "export {a}\nconst b = 'y'", "" },
        { "export {a}\nrequire('r')", "2:1 require r\n" },
        { "export { a, b }\nimport c from 'd'", "2:1 import d\n" },
        { "export {a}\nexport * from 'e'", "2:1 export e\n" },
        { "export {a}\nfrom('f')", "" },
        { "export type T = 'y'", "" },
        { "export default /re/g; require('r')", "1:23 require r\n" },
        { "module.exports = require('m')", "1:18 require m\n" },
        { "exports.import = 1; x.export * from 'y'", "" },
    };
    CHECK(cases);
}

Test(jslex, dynamic_import)
{
    static const struct lex_case cases[] = {
        { "import('y')", "1:1 dynamic y\n" },
        { "await import(`y`)", "1:7 dynamic y\n" },
        { "import ( /* c */ 'y' )", "1:1 dynamic y\n" },
        { "import('y', { with: { type: 'json' } })", "1:1 dynamic y\n" },
        { "const m = await import(name)", "1:17 dynamic ?\n" },
        { "x.then(() => import('./lazy.js'))", "1:14 dynamic ./lazy.js\n" },
    };
    CHECK(cases);
}

Test(jslex, comments_and_strings)
{
    static const struct lex_case cases[] = {
        { "// require('no')\nrequire('yes')", "2:1 require yes\n" },
        { "/* import 'no' */ import 'yes'", "1:19 import yes\n" },
        { "/* multi\n line require('no')\n */ require('yes')", "3:5 require yes\n" },
        { "'require(\"no\")'; \"import('no')\"", "" },
        { "x = '// not a comment'; require('yes')", "1:25 require yes\n" },
        { "x = \"/* not a comment\"; require('yes') // */", "1:25 require yes\n" },
        { "/* 'not a string */ require('yes') // '", "1:21 require yes\n" },
        { "// `not a template\nrequire('yes')", "2:1 require yes\n" },
        { "x = 'it\\'s'; require('yes')", "1:14 require yes\n" },
        { "x = \"a\\\\\"; require('yes')", "1:12 require yes\n" },
        { "x = 'a\\\nrequire(\"no\")'; require('yes')", "2:17 require yes\n" },
        { "/* unterminated require('no')", "" },
        { "x = 'unterminated\nrequire('yes')", "2:1 require yes\n" },
        { "require('unterminated\n)", "" },
        { "x = `unterminated require('no')", "" },
    };
    CHECK(cases);
}

Test(jslex, template_literals)
{
    static const struct lex_case cases[] = {
        { "`require('no')`", "" },
        { "`${ require('yes') }`", "1:5 require yes\n" },
        { "`${ {a: `${require('deep')}`} }`", "1:12 require deep\n" },
        { "`a${b}c${ `d${ `e${require('x')}` }` }f` + require('y')",
          "1:20 require x\n1:44 require y\n" },
        { "`${ '}' } require('no') ${ \"`\" }`", "" },
        { "`${ { a: { b: 1 } } } require('no')`; require('yes')", "1:39 require yes\n" },
        { "`\\${ require('no') }`", "" },
        { "`\\`require('no')`; require('yes')", "1:20 require yes\n" },
        { "`line1\nline2 ${require('a')}\n`;\nrequire('b')", "2:9 require a\n4:1 require b\n" },
        { "tag`x${ /}/.test(s) ? require('a') : 0 }`", "1:23 require a\n" },
        { "`${ x / 2 } ${ require('a') }`", "1:16 require a\n" },
        { "`${a}` / 2; require('b')", "1:13 require b\n" },
    };
    CHECK(cases);
}

Test(jslex, regex_or_division)
{
    static const struct lex_case cases[] = {
        { "a = b / c; require('x') / 2", "1:12 require x\n" },
        { "x = /require('no')/g; require('yes')", "1:23 require yes\n" },
        { "if (a) /re/.test(s); require('yes')", "1:22 require yes\n" },
        { "if (a) /'/.test(s); require('yes')", "1:21 require yes\n" },
        { "while (x) /\"/g.exec(s); require('yes')", "1:25 require yes\n" },
        { "return /'/; require('yes')", "1:13 require yes\n" },
        { "a.return / 2; require('yes') / 3", "1:15 require yes\n" },
        { "f(a) / 2; require('yes') / 3", "1:11 require yes\n" },
        { "x = a[0] / 2 / require('yes')", "1:16 require yes\n" },
        { "x = /[/]'/; require('yes')", "1:13 require yes\n" },
        { "x = /\\/'/; require('yes')", "1:12 require yes\n" },
        { "x = /[\\]/']/; require('yes')", "1:15 require yes\n" },
        { "x = a++ / 2; require('yes') / 3", "1:14 require yes\n" },
        { "x = a-- / 2; y = '/'; require('yes')", "1:23 require yes\n" },
        { "x = ++/re/.lastIndex", "" },
        { "typeof /'/; require('yes')", "1:13 require yes\n" },
        { "x instanceof /'/.constructor; require('yes')", "1:31 require yes\n" },
        { "case /'/: require('yes')", "1:11 require yes\n" },
        { "s.split(/'/); require('yes')", "1:15 require yes\n" },
        { "[/'/, /\"/]; require('yes')", "1:13 require yes\n" },
        { "x = a ? /'/ : /\"/; require('yes')", "1:20 require yes\n" },
        { "f = () => /'/; require('yes')", "1:16 require yes\n" },
        { "x = 1 / 2 / 3; require('yes')", "1:16 require yes\n" },
        { "x = 1.5 / 'a'.length; require('yes')", "1:23 require yes\n" },
        { "x = this / 2; require('yes') / 3", "1:15 require yes\n" },
        { "x /= 2; require('yes') /= 3", "1:9 require yes\n" },
        /* '}' of a block: a statement (and so a regex) follows */
        { "function f() {}\n/'/.test(s); require('yes')", "2:14 require yes\n" },
        { "if (a) { b() } /'/.test(s); require('yes')", "1:29 require yes\n" },
        /* '}' of an object literal: an expression ended */
        { "x = {a: 1} / 2; require('yes') / 3", "1:17 require yes\n" },
        { "x = ({}) / 2 / require('yes')", "1:16 require yes\n" },
        /* a regex never spans lines: an unterminated one ends with its line */
        { "x = /unterminated\nrequire('yes')", "2:1 require yes\n" },
        { "x = `${/`/.source}`; require('yes')", "1:22 require yes\n" },
    };
    CHECK(cases);
}

Test(jslex, escapes_decoded)
{
    static const struct lex_case cases[] = {
        { "require('a\\nb')", "1:1 require a\nb\n" },
        { "require('it\\'s')", "1:1 require it's\n" },
        { "require(\"\\x41\\u0042\\u{43}\")", "1:1 require ABC\n" },
        { "require('\\u{1F600}')", "1:1 require \xF0\x9F\x98\x80\n" },
        { "require('\\uD83D\\uDE00')", "1:1 require \xF0\x9F\x98\x80\n" },
        { "require('\\u00e9')", "1:1 require \xC3\xA9\n" },
        { "require('a\\\nb')", "1:1 require ab\n" },
        { "require('a\\\r\nb')", "1:1 require ab\n" },
        { "require('\\101')", "1:1 require A\n" },
        { "require('\\q\\/\\\\')", "1:1 require q/\\\n" },
        { "require('\\x4g')", "1:1 require x4g\n" },
        { "require('\\u{}x')", "1:1 require u{}x\n" },
        { "require('\\u{110000}')", "1:1 require u{110000}\n" },
        { "require(`a\r\nb`)", "1:1 require a\nb\n" },
        { "import x from '\\x2e/m'", "1:1 import ./m\n" },
        /* a NUL names no file */
        { "require('a\\0b')", "1:1 require ?\n" },
        { "require('a\\x00')", "1:1 require ?\n" },
        { "require('\\u{0}')", "1:1 require ?\n" },
    };
    CHECK(cases);
}

Test(jslex, line_and_column)
{
    static const struct lex_case cases[] = {
        { "\n\n  require('a')", "3:3 require a\n" },
        { "a;\r\nb;\r\n\trequire('a')", "3:2 require a\n" },
        { "a;\rrequire('a')", "2:1 require a\n" },
        { "x = `\n\n` + require('a')", "3:5 require a\n" },
        { "/*\n\n*/ import('a')", "3:4 dynamic a\n" },
        { "#!/usr/bin/env node\nrequire('a')", "2:1 require a\n" },
        { "#!/usr/bin/env node require('no')", "" },
        { "\xEF\xBB\xBFrequire('a')", "1:1 require a\n" },
        { "\xEF\xBB\xBF#!node\nrequire('a')", "2:1 require a\n" },
        { "x =\xC2\xA0require('a')", "1:6 require a\n" },
        { "const \xC3\xA9 = require('a')", "1:12 require a\n" },
        { "import {\n  a\n} from\n  'b'", "1:1 import b\n" },
    };
    CHECK(cases);
}

Test(jslex, function_require_declared)
{
    static const struct lex_case cases[] = {
        /* a bundle's own require: its calls are not module loads */
        { "function require(n) { return m[n] }\nrequire('./a')", "" },
        { "require('./a'); function require(n) {}", "" },
        { "(function () { function require(n) {} require('a') })(); require('b')",
          "1:58 require b\n" },
        /* a named function expression binds its name only inside itself */
        { "x = function require(n) {}; require('a')", "1:29 require a\n" },
        { "o = { r: function require() {} }; require('a')", "1:35 require a\n" },
        /* only require() is shadowed */
        { "function require() {} import x from 'y'", "1:23 import y\n" },
    };
    CHECK(cases);
}

Test(jslex, module_samples)
{
    static const struct lex_case cases[] = {
        { "'use strict';\n"
          "Object.defineProperty(exports, '__esModule', { value: true });\n"
          "const tslib_1 = require(\"tslib\");\n"
          "const path = __importDefault(require('path'));\n"
          "tslib_1.__exportStar(require(\"./commands\"), exports);\n"
          "if (process.env.X) { module.exports = require('./dev.js') }\n"
          "else module.exports = require('./prod.js');\n",
          "3:17 require tslib\n4:30 require path\n5:22 require ./commands\n"
          "6:39 require ./dev.js\n7:23 require ./prod.js\n" },
        { "import fs from 'node:fs';\n"
          "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\n"
          "export { handler as default } from './handler.mjs';\n"
          "export * from './types.js';\n"
          "export const x = 1 / 2;\n"
          "const re = /import '(no)'/;\n"
          "export async function load(n) { return import(`./plugins/${n}.js`); }\n"
          "export default { load };\n",
          "1:1 import node:fs\n2:1 import @aws-sdk/client-s3\n3:1 export ./handler.mjs\n"
          "4:1 export ./types.js\n7:40 dynamic ?\n" },
        /* minified: one long line */
        { "!function(e){var t={};function n(r){if(t[r])return t[r].exports;}n.p=\"\"}"
          "([]);var a=require(\"a\"),b=/[/'\"]/g,c=a/2/require(\"b\"),d={x:`${require(\"c\")}`}"
          ".x/1;if(d)/'/.test(d)&&require(\"d\");e=\"require('no')\";module.exports=require"
          "(\"e\")",
          "1:84 require a\n1:114 require b\n1:135 require c\n1:173 require d\n"
          "1:219 require e\n" },
    };
    CHECK(cases);
}

Test(jslex, not_nul_terminated)
{
    /* the buffer ends where len says: nothing past it is read (ASan checks) */
    static const char *const srcs[] = {
        "require('a')", "require('a", "require(", "require", "import x from 'y",
        "`${", "/*", "//", "/[", "'\\", "`\\", "require('\\u{1", "require('\\x",
        "import", "export * from", "require.resolve", "x = /a/", "#!",
        "require('\\uD83D\\uDE0",
    };
    for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
        size_t n = strlen(srcs[i]);
        char *copy = malloc(n ? n : 1);
        cr_assert(copy);
        memcpy(copy, srcs[i], n);
        char *got = scan_n(copy, n);
        cr_expect(i != 0 || !strcmp(got, "1:1 require a\n"), "got %s", got);
        free(got);
        free(copy);
    }
}

Test(jslex, deep_nesting)
{
    /* brackets deeper than the lexer remembers, and back out */
    size_t depth = 70000, n = 0;
    char *src = malloc(depth * 4 + 64);
    cr_assert(src);
    for (size_t i = 0; i < depth; i++)
        src[n++] = i % 3 == 0 ? '(' : i % 3 == 1 ? '[' : '{';
    for (size_t i = depth; i-- > 0;)
        src[n++] = i % 3 == 0 ? ')' : i % 3 == 1 ? ']' : '}';
    n += (size_t)sprintf(src + n, "; require('z')");
    char *got = scan_n(src, n);
    cr_expect_str_eq(got, "1:140003 require z\n");
    free(got);

    /* ${ nested deep inside templates */
    n = 0;
    for (size_t i = 0; i < 2000; i++)
        n += (size_t)sprintf(src + n, "`${");
    n += (size_t)sprintf(src + n, "require('in')");
    for (size_t i = 0; i < 2000; i++)
        n += (size_t)sprintf(src + n, "}`");
    got = scan_n(src, n);
    cr_expect_str_eq(got, "1:6001 require in\n");
    free(got);
    free(src);
}

Test(jslex, stray_closers_over_a_deep_stack, .timeout = 20)
{
    /* each unmatched ')' looks only a few frames down (this took minutes
     * when it searched the whole stack) */
    size_t open = 60000, close = 400000, n = 0;
    char *src = malloc(open + close + 64);
    cr_assert(src);
    memset(src, '[', open);
    memset(src + open, ')', close);
    n = open + close;
    n += (size_t)sprintf(src + n, "; require('z')");
    char *got = scan_n(src, n);
    cr_expect_str_eq(got, "1:460003 require z\n");
    free(got);
    free(src);
}

Test(jslex, result_reused)
{
    struct jslex_result r = JSLEX_RESULT_INIT;

    jslex_scan("require('a')", 12, &r);
    jslex_scan("import 'b'", 10, &r);
    cr_assert_eq(r.n, 2);
    cr_expect_str_eq(r.specs[0].specifier, "a");
    cr_expect_str_eq(r.specs[1].specifier, "b");
    jslex_result_release(&r);
    cr_expect_eq(r.n, 0);
    cr_expect_null(r.specs);
    jslex_result_release(&r);
    jslex_scan(NULL, 0, &r);
    cr_expect_eq(r.n, 0);
    jslex_result_release(NULL);
}
