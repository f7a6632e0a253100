#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pylex.h"

/* Renders the imports as one line each:
 *     "3:1 a.b" / "5:5 ..x import y,z" / "7:3 ?" (computed)
 * with " opt" for optional and " nested" for nested ones, so that a case is
 * one string comparison and a failure prints the whole result. */
static char *scan(const char *src)
{
    struct pylex_result r = PYLEX_RESULT_INIT;
    struct buf b = BUF_INIT;

    pylex_scan(src, strlen(src), &r);
    for (size_t i = 0; i < r.n; i++) {
        const struct pylex_import *im = &r.imports[i];
        buf_addf(&b, "%d:%d ", im->line, im->col);
        for (int l = 0; l < im->level; l++)
            buf_addch(&b, '.');
        buf_addstr(&b, im->module ? im->module : "?");
        for (size_t k = 0; k < im->names.n; k++)
            buf_addf(&b, "%s%s", k ? "," : " import ", im->names.v[k]);
        if (im->optional)
            buf_addstr(&b, " opt");
        if (im->nested)
            buf_addstr(&b, " nested");
        buf_addch(&b, '\n');
    }
    pylex_result_release(&r);
    return buf_detach(&b, NULL);
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

Test(pylex, import_statements)
{
    static const struct lex_case cases[] = {
        { "import os\n", "1:1 os\n" },
        { "import a.b as c, d\n", "1:1 a.b\n1:1 d\n" },
        { "import a . b\n", "1:1 a.b\n" },
        { "from a.b import c, d\n", "1:1 a.b import c,d\n" },
        { "from a import b as c, d as e\n", "1:1 a import b,d\n" },
        { "from . import c\n", "1:1 . import c\n" },
        { "from .. import c\n", "1:1 .. import c\n" },
        { "from ...x import y\n", "1:1 ...x import y\n" },
        { "from .x.y import z\n", "1:1 .x.y import z\n" },
        { "from .import c\n", "1:1 . import c\n" },
        { "from m import *\n", "1:1 m import *\n" },
        { "from . import *\n", "1:1 . import *\n" },
        { "from a import (b,\n    c as cc,\n    d,\n)\nimport e\n", "1:1 a import b,c,d\n5:1 e\n" },
        { "import a; import b;from c import d\n", "1:1 a\n1:11 b\n1:20 c import d\n" },
        { "x = 1; import y\n", "1:8 y\n" },
        { "\xef\xbb\xbfimport bom\n", "1:1 bom\n" },
        { "import a\r\nimport b\rimport c", "1:1 a\n2:1 b\n3:1 c\n" },
        /* not imports */
        { "importlib = 1\nfrom_ = 2\nx.import_ = 3\n", "" },
        { "yield from x\nraise E from e\n", "" },
        { "from import x\nimport\nfrom a\nimport .a\n", "" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, strings_and_comments_hide_imports)
{
    static const struct lex_case cases[] = {
        { "'''import x'''\nimport a\n", "2:1 a\n" },
        { "\"\"\"\nimport x\n\"\"\"\nimport a\n", "4:1 a\n" },
        { "s = \"# not a comment\"; import a\n", "1:24 a\n" },
        { "s = '# not a comment' # import x\nimport a\n", "2:1 a\n" },
        { "# import x\nimport a  # import y\n", "2:1 a\n" },
        { "s = 'it\\'s'; import a\n", "1:14 a\n" },
        { "s = r'\\'; import x'\nimport a\n", "2:1 a\n" },
        { "s = b'import x' + rb\"import y\" + Rb'''\nimport z'''\nimport a\n", "3:1 a\n" },
        { "s = u'x' 'y' \"z\"; import a\n", "1:19 a\n" },
        { "s = '''a ''' + ''' '' ' \" import x'''\nimport a\n", "2:1 a\n" },
        { "s = \"\"\"a\"\"\"\"\"; import a\n", "1:16 a\n" },
        /* f-strings: braces, nested quotes (PEP 701), format specs */
        { "s = f\"{'import y'}\"\nimport a\n", "2:1 a\n" },
        { "s = f'{d[\"k\"]:>{w}} {{import x}}'; import a\n", "1:36 a\n" },
        { "s = f'{x!r:{\"}\"}}'; import a\n", "1:21 a\n" },
        { "s = f\"{f\"{'\"'}\"}\"; import a\n", "1:20 a\n" },
        { "s = f\"\"\"{\n  x  # comment\n}\"\"\"\nimport a\n", "4:1 a\n" },
        { "s = f'{a[1:2]}{b:%H:%M}'; import a\n", "1:27 a\n" },
        { "s = rf'\\{x}'; fr'{y}'; import a\n", "1:24 a\n" },
        { "s = f'{a != b}' ; import a\n", "1:19 a\n" },
        { "s = t'{x}'; import a\n", "1:13 a\n" },
        /* an unterminated string ends at its line */
        { "s = 'abc\nimport a\n", "2:1 a\n" },
        { "s = f'{x\nimport a\n", "" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, continuation_lines)
{
    static const struct lex_case cases[] = {
        { "from a \\\n import b\n", "1:1 a import b\n" },
        { "import \\\n  a.\\\n  b\n", "1:1 a.b\n" },
        { "x = (1,\n import_ \n)\nimport a\n", "4:1 a\n" },
        { "x = [\n'''\n]\nimport y\n'''\n]\nimport a\n", "7:1 a\n" },
        { "x = {\n  1: 2,\n}\nimport a\n", "4:1 a\n" },
        { "if x and \\\n   y: import a\n", "2:7 a nested\n" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, indented_imports_are_nested)
{
    static const struct lex_case cases[] = {
        { "def f():\n    import a\n    from b import c\nimport d\n",
          "2:5 a nested\n3:5 b import c nested\n4:1 d\n" },
        { "if x:\n\timport a\nelse: import b\n", "2:2 a nested\n3:7 b nested\n" },
        { "class C:\n    def m(self): import a\n", "2:18 a nested\n" },
        { "with open(f) as g: import a\n", "1:20 a nested\n" },
        { "def f(x: int = {1: 2}) -> dict[str, int]: import a\n", "1:43 a nested\n" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, try_except_import_error_is_optional)
{
    static const struct lex_case cases[] = {
        { "try:\n    import a\nexcept ImportError:\n    a = None\nimport b\n",
          "2:5 a opt nested\n5:1 b\n" },
        { "try:\n    import a\nexcept ModuleNotFoundError as e:\n    pass\n",
          "2:5 a opt nested\n" },
        { "try:\n    import a\nexcept (ImportError, AttributeError):\n    pass\n",
          "2:5 a opt nested\n" },
        { "try:\n    import a\nexcept:\n    pass\n", "2:5 a opt nested\n" },
        { "try:\n    import a\nexcept Exception:\n    pass\n", "2:5 a opt nested\n" },
        { "try:\n    import a\nexcept* ImportError:\n    pass\n", "2:5 a opt nested\n" },
        /* a handler that does not catch it */
        { "try:\n    import a\nexcept KeyError:\n    pass\n", "2:5 a nested\n" },
        { "try:\n    import a\nfinally:\n    pass\n", "2:5 a nested\n" },
        /* the second handler decides */
        { "try:\n    import a\nexcept KeyError:\n    pass\nexcept ImportError:\n    pass\n",
          "2:5 a opt nested\n" },
        /* the fallback in the handler, else and finally are not optional */
        { "try:\n    import simplejson as json\nexcept ImportError:\n    import json\n"
          "else:\n    import c\nfinally:\n    import d\n",
          "2:5 simplejson opt nested\n4:5 json nested\n6:5 c nested\n8:5 d nested\n" },
        /* one-liners */
        { "try: import a\nexcept ImportError: pass\n", "1:6 a opt nested\n" },
        /* nested try: the inner handler does not catch, the outer does */
        { "try:\n    try:\n        import a\n    except KeyError:\n        pass\n    import b\n"
          "except ImportError:\n    pass\nimport c\n",
          "3:9 a opt nested\n6:5 b opt nested\n9:1 c\n" },
        /* nested try: only the inner catches */
        { "try:\n    import a\n    try:\n        import b\n    except ImportError:\n"
          "        pass\nexcept KeyError:\n    pass\n",
          "2:5 a nested\n4:9 b opt nested\n" },
        /* inside a function */
        { "def f():\n    try:\n        import a\n    except ImportError:\n        return\n"
          "    import b\n",
          "3:9 a opt nested\n6:5 b nested\n" },
        /* a try block closed by dedent, then an unrelated except elsewhere */
        { "if x:\n    try:\n        import a\n    finally:\n        pass\n"
          "try:\n    pass\nexcept ImportError:\n    pass\n",
          "3:9 a nested\n" },
        /* TYPE_CHECKING never runs */
        { "if TYPE_CHECKING:\n    from x import Y\nelse:\n    Y = None\nimport z\n",
          "2:5 x import Y opt nested\n5:1 z\n" },
        { "if typing.TYPE_CHECKING: import x\nimport z\n", "1:26 x opt nested\n2:1 z\n" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, dynamic_imports)
{
    static const struct lex_case cases[] = {
        { "m = importlib.import_module('a.b')\n", "1:15 a.b\n" },
        { "m = import_module(\"a\", package=None)\n", "1:5 a\n" },
        { "m = __import__('a', globals(), locals(), ['x'], 0)\n", "1:5 a\n" },
        { "m = import_module('.sub', __package__)\n", "1:5 .sub\n" },
        { "m = import_module(name)\n", "1:5 ?\n" },
        { "m = import_module('plugins.' + name)\n", "1:5 ?\n" },
        { "m = import_module(f'plugins.{name}')\n", "1:5 ?\n" },
        { "m = import_module('../etc/passwd')\n", "1:5 ?\n" },
        { "m = import_module('')\n", "1:5 ?\n" },
        { "m = import_module('a\\x2eb')\n", "1:5 ?\n" },
        { "m = import_module(b'a')\n", "1:5 ?\n" },
        { "m = import_module\n", "" },
        { "def import_module(name): pass\n", "" },
        { "try:\n    m = import_module('x')\nexcept ImportError:\n    m = None\n",
          "2:9 x opt nested\n" },
        { "if __import__('a'): pass\n", "1:4 a\n" },
        { "s = f\"{__import__('os')}\"\n", "" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(pylex, never_reads_past_the_end)
{
    /* every prefix of a tricky source, each copied to a buffer of exactly
     * its length (so ASan sees any over-read), must scan without harm */
    static const char src[] =
        "from .a import (b,\n c)\ns = f'{x:{\"y\"}}' r'''\\\\''' \\\n + 1\n"
        "try:\n import d\nexcept (ImportError, X):\n pass\n__import__('e')\n";
    size_t n = sizeof(src) - 1;
    size_t total = 0;

    for (size_t len = 0; len <= n; len++) {
        struct pylex_result r = PYLEX_RESULT_INIT;
        char *copy = malloc(len ? len : 1);
        memcpy(copy, src, len);
        pylex_scan(copy, len, &r);
        total += r.n;
        pylex_result_release(&r);
        free(copy);
    }
    cr_assert_gt(total, 0);
    char *got = scan(src);
    cr_assert_str_eq(got, "1:1 .a import b,c\n6:2 d opt nested\n9:1 e\n");
    free(got);
}

Test(pylex, null_or_empty_source)
{
    struct pylex_result r = PYLEX_RESULT_INIT;
    pylex_scan(NULL, 0, &r);
    pylex_scan("", 0, &r);
    cr_assert_eq(r.n, 0);
    pylex_result_release(&r);
    pylex_result_release(NULL);
}

Test(pylex, deep_nesting_does_not_exhaust_the_stack)
{
    struct buf b = BUF_INIT;
    struct pylex_result r = PYLEX_RESULT_INIT;

    for (int i = 0; i < 5000; i++)
        buf_addstr(&b, "f'{");
    buf_addstr(&b, "\nimport a\n");
    for (int i = 0; i < 5000; i++)
        buf_addstr(&b, " try:\n");
    buf_addstr(&b, "(((((\n");
    pylex_scan(b.data, b.len, &r);
    cr_assert_leq(r.n, 1);
    pylex_result_release(&r);
    buf_release(&b);
}

Test(pylex, knows_the_standard_library)
{
    static const char *const yes[] = { "os", "sys", "json", "__future__", "asyncio", "_thread",
                                       "zoneinfo", "tomllib", "distutils", "_pyrepl" };
    static const char *const no[] = { "requests", "yaml", "boto3", "", "OS", "os.path", "zz" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_expect(pylex_is_stdlib(yes[i]), "%s", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_expect(!pylex_is_stdlib(no[i]), "%s", no[i]);
}
