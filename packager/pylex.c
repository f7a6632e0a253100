/* pylex: finds the imports of a Python source file (see pylex.h).
 *
 * Two layers. The tokenizer turns the source into logical lines (physical
 * lines joined by backslashes and open brackets) of a few token kinds; it
 * skips comments and strings entirely, f-strings' replacement fields
 * included (PEP 701 lets those hold the same quote as the string, so they
 * are lexed as code, recursively). The statement layer looks at each
 * logical line: its indentation closes try and TYPE_CHECKING blocks, a
 * compound header (`try:`, `except ...:`, `if ...:`) opens them, and the
 * simple statements after the header's colon and between semicolons are
 * import statements or expressions searched for import_module()/__import__(). */
#include "pylex.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* f-strings inside f-strings beyond this depth are lexed as plain strings,
 * which bounds the recursion on hostile input. */
#define PYLEX_MAX_NESTING 64

enum tok_kind { T_NAME, T_STRING, T_OP };

struct tok {
    enum tok_kind kind;
    const char *p; /* NAME: the name; STRING: the content between the quotes */
    size_t len;
    char op;    /* T_OP: the character (':' for a colon, 'w' for ':=') */
    bool plain; /* STRING: terminated, no prefix but r/u, no backslash or newline */
    int depth;  /* bracket depth of the logical line before this token */
    int line, col;
};

/* A block whose imports may become optional: a try statement (until its
 * handlers are seen) or an `if TYPE_CHECKING:` body. */
struct frame {
    bool is_try;
    int indent;
    size_t start;    /* first import of the body */
    size_t body_end; /* try: one past its last body import, once known */
    bool body_done;
};

struct lexer {
    const char *s;
    size_t len, i;
    int line;
    size_t line_start;
    bool at_bol;    /* only whitespace so far on this physical line */
    int bol_indent; /* its tab-expanded width */
    int depth;      /* open brackets */
    struct tok *toks;
    size_t n, cap;
    int indent; /* of the logical line's first token */
    struct frame *frames;
    size_t n_frames, cap_frames;
    struct pylex_result *out;
};

static bool is_name_start(unsigned char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static char peek(const struct lexer *lx, size_t ahead)
{
    return lx->i + ahead < lx->len ? lx->s[lx->i + ahead] : '\0';
}

/* Consumes a newline (\n, \r\n or \r) at lx->i. */
static void newline(struct lexer *lx)
{
    if (lx->s[lx->i] == '\r' && peek(lx, 1) == '\n')
        lx->i++;
    lx->i++;
    lx->line++;
    lx->line_start = lx->i;
    lx->at_bol = true;
    lx->bol_indent = 0;
}

static bool is_newline(char c)
{
    return c == '\n' || c == '\r';
}

/* String prefix flags, or -1 when name is not a prefix. */
#define PF_RAW 1
#define PF_F 2
#define PF_BYTES 4
static int string_prefix(const char *p, size_t len)
{
    int flags = 0;

    if (len > 2)
        return -1;
    for (size_t k = 0; k < len; k++) {
        int f;
        switch (p[k]) {
        case 'r':
        case 'R':
            f = PF_RAW;
            break;
        case 'f':
        case 'F':
        case 't':
        case 'T':
            f = PF_F;
            break;
        case 'b':
        case 'B':
            f = PF_BYTES;
            break;
        case 'u':
        case 'U':
            f = len == 1 ? 0 : -1;
            break;
        default:
            f = -1;
        }
        if (f < 0 || (flags & f))
            return -1;
        flags |= f;
    }
    if ((flags & PF_F) && (flags & PF_BYTES))
        return -1;
    return flags;
}

enum str_end { STR_OPEN, STR_CLOSED, STR_UNTERMINATED };

static enum str_end scan_string(struct lexer *lx, int flags, int nesting, struct tok *t);

/* The replacement field of an f-string, after its '{': code up to the
 * matching '}', then possibly a format spec (text with nested fields).
 * Returns STR_OPEN when the field closed normally, otherwise how the
 * enclosing string ended (a recovery from malformed input). */
static enum str_end scan_field(struct lexer *lx, char q, bool triple, int nesting)
{
    int depth = 0;

    while (lx->i < lx->len) {
        unsigned char c = (unsigned char)lx->s[lx->i];
        if (is_newline((char)c)) {
            newline(lx);
        } else if (c == '#') {
            while (lx->i < lx->len && !is_newline(lx->s[lx->i]))
                lx->i++;
        } else if (c == '\\') {
            lx->i += lx->i + 1 < lx->len ? 2 : 1;
        } else if (c == '\'' || c == '"') {
            scan_string(lx, 0, nesting + 1, NULL);
        } else if (is_name_start(c)) {
            size_t st = lx->i;
            while (lx->i < lx->len && is_name_char((unsigned char)lx->s[lx->i]))
                lx->i++;
            int pf = string_prefix(lx->s + st, lx->i - st);
            if (pf >= 0 && (peek(lx, 0) == '\'' || peek(lx, 0) == '"'))
                scan_string(lx, pf, nesting + 1, NULL);
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
            lx->i++;
        } else if ((c == ')' || c == ']') && depth > 0) {
            depth--;
            lx->i++;
        } else if (c == '}') {
            lx->i++;
            if (depth-- == 0)
                return STR_OPEN;
        } else if (c == ':' && depth == 0 && peek(lx, 1) != '=') {
            lx->i++;
            break; /* the format spec */
        } else {
            lx->i++;
        }
    }
    while (lx->i < lx->len) {
        char c = lx->s[lx->i];
        if (c == '}') {
            lx->i++;
            return STR_OPEN;
        } else if (c == '{') {
            lx->i++;
            enum str_end e = scan_field(lx, q, triple, nesting + 1);
            if (e != STR_OPEN)
                return e;
        } else if (is_newline(c)) {
            if (!triple)
                return STR_UNTERMINATED;
            newline(lx);
        } else if (c == q && !triple) {
            lx->i++;
            return STR_CLOSED;
        } else {
            lx->i++;
        }
    }
    return STR_UNTERMINATED;
}

/* A string literal whose opening quote is at lx->i. Fills t (when not NULL)
 * with its content. */
static enum str_end scan_string(struct lexer *lx, int flags, int nesting, struct tok *t)
{
    char q = lx->s[lx->i];
    bool triple = peek(lx, 1) == q && peek(lx, 2) == q;
    bool fstr = (flags & PF_F) && nesting < PYLEX_MAX_NESTING;
    bool plain = !(flags & (PF_F | PF_BYTES));
    enum str_end end = STR_UNTERMINATED;
    size_t start, stop;

    lx->i += triple ? 3 : 1;
    start = stop = lx->i;
    while (lx->i < lx->len) {
        char c = lx->s[lx->i];
        if (c == '\\') {
            plain = false;
            lx->i++;
            if (lx->i < lx->len && is_newline(lx->s[lx->i]))
                newline(lx);
            else if (lx->i < lx->len)
                lx->i++;
        } else if (is_newline(c)) {
            if (!triple)
                break;
            plain = false;
            newline(lx);
        } else if (c == q && (!triple || (peek(lx, 1) == q && peek(lx, 2) == q))) {
            stop = lx->i;
            lx->i += triple ? 3 : 1;
            end = STR_CLOSED;
            break;
        } else if (fstr && c == '{' && peek(lx, 1) == '{') {
            lx->i += 2;
        } else if (fstr && c == '{') {
            lx->i++;
            end = scan_field(lx, q, triple, nesting);
            if (end != STR_OPEN) {
                stop = lx->i;
                break;
            }
            end = STR_UNTERMINATED;
        } else {
            lx->i++;
        }
    }
    if (end != STR_CLOSED)
        stop = lx->i;
    if (t) {
        t->kind = T_STRING;
        t->p = lx->s + start;
        t->len = stop - start;
        t->plain = plain && end == STR_CLOSED;
    }
    return end;
}

static struct tok *push_tok(struct lexer *lx, size_t at)
{
    struct tok *t;

    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        lx->toks = xreallocarray(lx->toks, lx->cap, sizeof(*lx->toks));
    }
    if (lx->n == 0)
        lx->indent = lx->at_bol ? lx->bol_indent : 0;
    lx->at_bol = false;
    t = &lx->toks[lx->n++];
    memset(t, 0, sizeof(*t));
    t->depth = lx->depth;
    t->line = lx->line;
    t->col = (int)(at - lx->line_start) + 1;
    return t;
}

/* Reads one logical line into lx->toks. Returns false at the end of input
 * with no tokens read. */
static bool read_line(struct lexer *lx)
{
    lx->n = 0;
    lx->depth = 0;
    while (lx->i < lx->len) {
        unsigned char c = (unsigned char)lx->s[lx->i];
        size_t st = lx->i;
        if (c == ' ' || c == '\t' || c == '\f') {
            if (lx->at_bol)
                lx->bol_indent = c == ' '    ? lx->bol_indent + 1
                                 : c == '\t' ? (lx->bol_indent / 8 + 1) * 8
                                             : 0;
            lx->i++;
        } else if (is_newline((char)c)) {
            newline(lx);
            if (lx->depth == 0 && lx->n > 0)
                return true;
        } else if (c == '#') {
            while (lx->i < lx->len && !is_newline(lx->s[lx->i]))
                lx->i++;
        } else if (c == '\\') {
            lx->i++;
            if (lx->i < lx->len && is_newline(lx->s[lx->i])) {
                bool bol = lx->at_bol;
                newline(lx);
                lx->at_bol = bol && lx->n == 0;
            }
        } else if (c == '\'' || c == '"') {
            struct tok *t = push_tok(lx, st);
            scan_string(lx, 0, 0, t);
        } else if (is_name_start(c)) {
            while (lx->i < lx->len && is_name_char((unsigned char)lx->s[lx->i]))
                lx->i++;
            int pf = string_prefix(lx->s + st, lx->i - st);
            struct tok *t = push_tok(lx, st);
            if (pf >= 0 && (peek(lx, 0) == '\'' || peek(lx, 0) == '"')) {
                scan_string(lx, pf, 0, t);
            } else {
                t->kind = T_NAME;
                t->p = lx->s + st;
                t->len = lx->i - st;
            }
        } else if ((c >= '0' && c <= '9') ||
                   (c == '.' && peek(lx, 1) >= '0' && peek(lx, 1) <= '9')) {
            lx->i++;
            while (lx->i < lx->len &&
                   (is_name_char((unsigned char)lx->s[lx->i]) || lx->s[lx->i] == '.'))
                lx->i++;
            struct tok *t = push_tok(lx, st);
            t->kind = T_OP;
            t->op = '0';
        } else {
            struct tok *t = push_tok(lx, st);
            t->kind = T_OP;
            t->op = (char)c;
            lx->i++;
            if (c == ':' && peek(lx, 0) == '=') {
                t->op = 'w';
                lx->i++;
            } else if (c == '(' || c == '[' || c == '{') {
                lx->depth++;
            } else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0) {
                lx->depth--;
                t->depth = lx->depth;
            }
        }
    }
    return lx->n > 0;
}

/* --- statements --- */

static bool is_name(const struct tok *t, const char *name)
{
    size_t n = strlen(name);
    return t->kind == T_NAME && t->len == n && memcmp(t->p, name, n) == 0;
}

static bool is_op(const struct tok *t, char op)
{
    return t->kind == T_OP && t->op == op;
}

static struct pylex_import *add_import(struct lexer *lx, const struct tok *at, bool nested)
{
    struct pylex_result *out = lx->out;
    struct pylex_import *im;

    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->imports = xreallocarray(out->imports, out->cap, sizeof(*out->imports));
    }
    im = &out->imports[out->n++];
    memset(im, 0, sizeof(*im));
    im->line = at->line;
    im->col = at->col;
    im->nested = nested;
    return im;
}

/* A dotted name starting at toks[*k], or NULL; *k moves past it. */
static char *dotted(const struct lexer *lx, size_t *k, size_t end)
{
    size_t i = *k, len = 0;
    char *s;

    if (i >= end || lx->toks[i].kind != T_NAME)
        return NULL;
    for (size_t j = i; j < end && lx->toks[j].kind == T_NAME; j += 2) {
        len += lx->toks[j].len + 1;
        if (!(j + 2 < end && is_op(&lx->toks[j + 1], '.') && lx->toks[j + 2].kind == T_NAME))
            break;
    }
    s = xmalloc(len);
    len = 0;
    for (;;) {
        memcpy(s + len, lx->toks[i].p, lx->toks[i].len);
        len += lx->toks[i].len;
        i++;
        if (!(i + 1 < end && is_op(&lx->toks[i], '.') && lx->toks[i + 1].kind == T_NAME))
            break;
        s[len++] = '.';
        i++;
    }
    s[len] = '\0';
    *k = i;
    return s;
}

/* Skips `as NAME` at toks[*k]. */
static void skip_alias(const struct lexer *lx, size_t *k, size_t end)
{
    if (*k + 1 < end && is_name(&lx->toks[*k], "as") && lx->toks[*k + 1].kind == T_NAME)
        *k += 2;
}

/* import a.b as c, d */
static void parse_import(struct lexer *lx, size_t a, size_t end, bool nested)
{
    size_t k = a + 1;

    for (;;) {
        char *mod = dotted(lx, &k, end);
        if (!mod)
            return;
        add_import(lx, &lx->toks[a], nested)->module = mod;
        skip_alias(lx, &k, end);
        if (k >= end || !is_op(&lx->toks[k], ','))
            return;
        k++;
    }
}

/* from ..a.b import (c as d, e) */
static void parse_from(struct lexer *lx, size_t a, size_t end, bool nested)
{
    size_t k = a + 1;
    int level = 0;
    char *mod;
    struct pylex_import *im;

    while (k < end && is_op(&lx->toks[k], '.')) {
        if (level < 1000)
            level++;
        k++;
    }
    mod = k < end && is_name(&lx->toks[k], "import") ? NULL : dotted(lx, &k, end);
    if ((!mod && level == 0) || k >= end || !is_name(&lx->toks[k], "import")) {
        free(mod);
        return;
    }
    k++;
    im = add_import(lx, &lx->toks[a], nested);
    im->module = mod ? mod : xstrdup("");
    im->level = level;
    if (k < end && is_op(&lx->toks[k], '('))
        k++;
    if (k < end && is_op(&lx->toks[k], '*')) {
        strvec_push(&im->names, "*");
        return;
    }
    while (k < end && lx->toks[k].kind == T_NAME) {
        const struct tok *t = &lx->toks[k++];
        char *name = xstrndup(t->p, t->len);
        strvec_push_owned(&im->names, name);
        skip_alias(lx, &k, end);
        if (k >= end || !is_op(&lx->toks[k], ','))
            return;
        k++;
    }
}

static bool is_dotted_name(const char *p, size_t len)
{
    bool want_name = true;

    for (size_t j = 0; j < len; j++) {
        unsigned char c = (unsigned char)p[j];
        if (c == '.' && !want_name)
            want_name = true;
        else if (is_name_start(c) || (!want_name && is_name_char(c)))
            want_name = false;
        else
            return false;
    }
    return !want_name;
}

/* The module a string literal names: leading dots are its level; anything
 * but a dotted identifier is NULL (computed, or not a module name). */
static char *literal_module(const struct tok *t, int *level)
{
    size_t i = 0;

    *level = 0;
    if (!t->plain)
        return NULL;
    while (i < t->len && t->p[i] == '.')
        i++;
    if (!is_dotted_name(t->p + i, t->len - i))
        return NULL;
    *level = (int)(i < 1000 ? i : 1000);
    return xstrndup(t->p + i, t->len - i);
}

/* importlib.import_module(...) and __import__(...) in toks[a..end). */
static void scan_dynamic(struct lexer *lx, size_t a, size_t end, bool nested)
{
    for (size_t k = a; k + 1 < end; k++) {
        const struct tok *t = &lx->toks[k];
        if (!(is_name(t, "import_module") || is_name(t, "__import__")) ||
            !is_op(&lx->toks[k + 1], '('))
            continue;
        if (k > a && (is_name(&lx->toks[k - 1], "def") || is_name(&lx->toks[k - 1], "class")))
            continue;
        struct pylex_import *im = add_import(lx, t, nested);
        if (k + 3 < end && lx->toks[k + 2].kind == T_STRING &&
            (is_op(&lx->toks[k + 3], ')') || is_op(&lx->toks[k + 3], ',')))
            im->module = literal_module(&lx->toks[k + 2], &im->level);
    }
}

static void simple_statement(struct lexer *lx, size_t a, size_t end, bool nested)
{
    if (a >= end)
        return;
    if (is_name(&lx->toks[a], "import"))
        parse_import(lx, a, end, nested);
    else if (is_name(&lx->toks[a], "from"))
        parse_from(lx, a, end, nested);
    else
        scan_dynamic(lx, a, end, nested);
}

static void mark_optional(struct lexer *lx, size_t from, size_t to)
{
    for (size_t k = from; k < to && k < lx->out->n; k++)
        lx->out->imports[k].optional = true;
}

static void pop_frame(struct lexer *lx)
{
    struct frame *f = &lx->frames[--lx->n_frames];
    if (!f->is_try)
        mark_optional(lx, f->start, lx->out->n);
}

static void push_frame(struct lexer *lx, bool is_try)
{
    if (lx->n_frames == lx->cap_frames) {
        lx->cap_frames = lx->cap_frames ? lx->cap_frames * 2 : 8;
        lx->frames = xreallocarray(lx->frames, lx->cap_frames, sizeof(*lx->frames));
    }
    lx->frames[lx->n_frames++] = (struct frame){
        .is_try = is_try,
        .indent = lx->indent,
        .start = lx->out->n,
    };
}

/* `except ...` catches a failed import: bare, `except*`, or naming
 * ImportError, ModuleNotFoundError, Exception or BaseException before `as`. */
static bool catches_import_error(const struct lexer *lx, size_t a, size_t end)
{
    size_t k = a + 1;

    if (k < end && is_op(&lx->toks[k], '*'))
        k++;
    if (k >= end)
        return true;
    for (; k < end && !is_name(&lx->toks[k], "as"); k++) {
        const struct tok *t = &lx->toks[k];
        if (is_name(t, "ImportError") || is_name(t, "ModuleNotFoundError") ||
            is_name(t, "Exception") || is_name(t, "BaseException"))
            return true;
    }
    return false;
}

/* Closes the blocks the line at lx->indent, starting with keyword toks[0],
 * ends; an `except` clause of an open try decides whether its body's
 * imports are optional. */
static void close_blocks(struct lexer *lx, size_t colon)
{
    const struct tok *first = &lx->toks[0];

    while (lx->n_frames > 0) {
        struct frame *f = &lx->frames[lx->n_frames - 1];
        if (lx->indent > f->indent)
            return;
        if (lx->indent == f->indent && f->is_try) {
            bool except = is_name(first, "except");
            if (except || is_name(first, "else") || is_name(first, "finally")) {
                if (!f->body_done) {
                    f->body_end = lx->out->n;
                    f->body_done = true;
                }
                if (except && catches_import_error(lx, 0, colon))
                    mark_optional(lx, f->start, f->body_end);
                return;
            }
        }
        pop_frame(lx);
    }
}

static bool is_compound(const struct tok *t)
{
    static const char *const kw[] = {"if",     "elif",    "else", "while", "for",   "try",
                                     "except", "finally", "with", "def",   "class", "async"};
    for (size_t k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
        if (is_name(t, kw[k]))
            return true;
    return false;
}

/* `if TYPE_CHECKING` or `if typing.TYPE_CHECKING` (toks[0..colon)). */
static bool is_type_checking(const struct lexer *lx, size_t colon)
{
    const struct tok *last = &lx->toks[colon - 1];
    return colon >= 2 && is_name(&lx->toks[0], "if") && is_name(last, "TYPE_CHECKING") &&
           (colon == 2 || (colon == 4 && is_op(&lx->toks[2], '.')));
}

static void process_line(struct lexer *lx)
{
    size_t colon = lx->n, a = 0;
    bool nested = lx->indent > 0;

    if (is_compound(&lx->toks[0])) {
        for (size_t k = 1; k < lx->n; k++)
            if (lx->toks[k].depth == 0 && is_op(&lx->toks[k], ':')) {
                colon = k;
                break;
            }
    }
    close_blocks(lx, colon);
    if (colon < lx->n) {
        if (is_name(&lx->toks[0], "try"))
            push_frame(lx, true);
        else if (is_type_checking(lx, colon))
            push_frame(lx, false);
        scan_dynamic(lx, 0, colon, nested);
        a = colon + 1;
        nested = true;
    }
    for (size_t k = a; k <= lx->n; k++) {
        if (k == lx->n || (lx->toks[k].depth == 0 && is_op(&lx->toks[k], ';'))) {
            simple_statement(lx, a, k, nested);
            a = k + 1;
        }
    }
}

/* Python 3.11's sys.stdlib_module_names plus the 3.12 and 3.13 additions,
 * sorted by bytes for bsearch (generated once with python3). */
/* clang-format off */
static const char *const stdlib_names[] = {
    "__future__", "_abc", "_aix_support", "_android_support", "_apple_support", "_ast", "_asyncio",
    "_bisect", "_blake2", "_bootsubprocess", "_bz2", "_codecs", "_codecs_cn", "_codecs_hk",
    "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw", "_collections",
    "_collections_abc", "_colorize", "_compat_pickle", "_compression", "_contextvars", "_crypt",
    "_csv", "_ctypes", "_curses", "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree",
    "_frozen_importlib", "_frozen_importlib_external", "_functools", "_gdbm", "_hashlib", "_heapq",
    "_imp", "_interpchannels", "_interpqueues", "_interpreters", "_io", "_ios_support", "_json",
    "_locale", "_lsprof", "_lzma", "_markupbase", "_md5", "_msi", "_multibytecodec",
    "_multiprocessing", "_opcode", "_opcode_metadata", "_operator", "_osx_support", "_overlapped",
    "_pickle", "_posixshmem", "_posixsubprocess", "_py_abc", "_pydatetime", "_pydecimal", "_pyio",
    "_pylong", "_pyrepl", "_queue", "_random", "_scproxy", "_sha1", "_sha2", "_sha256", "_sha3",
    "_sha512", "_signal", "_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl", "_stat",
    "_statistics", "_string", "_strptime", "_struct", "_suggestions", "_symtable", "_sysconfig",
    "_thread", "_threading_local", "_tkinter", "_tokenize", "_tracemalloc", "_typing", "_uuid",
    "_warnings", "_weakref", "_weakrefset", "_winapi", "_wmi", "_zoneinfo", "abc", "aifc",
    "antigravity", "argparse", "array", "ast", "asynchat", "asyncio", "asyncore", "atexit",
    "audioop", "base64", "bdb", "binascii", "bisect", "builtins", "bz2", "cProfile", "calendar",
    "cgi", "cgitb", "chunk", "cmath", "cmd", "code", "codecs", "codeop", "collections", "colorsys",
    "compileall", "concurrent", "configparser", "contextlib", "contextvars", "copy", "copyreg",
    "crypt", "csv", "ctypes", "curses", "dataclasses", "datetime", "dbm", "decimal", "difflib",
    "dis", "distutils", "doctest", "email", "encodings", "ensurepip", "enum", "errno",
    "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib", "functools",
    "gc", "genericpath", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip",
    "hashlib", "heapq", "hmac", "html", "http", "idlelib", "imaplib", "imghdr", "imp", "importlib",
    "inspect", "io", "ipaddress", "itertools", "json", "keyword", "lib2to3", "linecache", "locale",
    "logging", "lzma", "mailbox", "mailcap", "marshal", "math", "mimetypes", "mmap",
    "modulefinder", "msilib", "msvcrt", "multiprocessing", "netrc", "nis", "nntplib", "nt",
    "ntpath", "nturl2path", "numbers", "opcode", "operator", "optparse", "os", "ossaudiodev",
    "pathlib", "pdb", "pickle", "pickletools", "pipes", "pkgutil", "platform", "plistlib",
    "poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile",
    "pyclbr", "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline",
    "reprlib", "resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors",
    "shelve", "shlex", "shutil", "signal", "site", "smtpd", "smtplib", "sndhdr", "socket",
    "socketserver", "spwd", "sqlite3", "sre_compile", "sre_constants", "sre_parse", "ssl", "stat",
    "statistics", "string", "stringprep", "struct", "subprocess", "sunau", "symtable", "sys",
    "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile", "termios", "textwrap",
    "this", "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib", "trace",
    "traceback", "tracemalloc", "tty", "turtle", "turtledemo", "types", "typing", "unicodedata",
    "unittest", "urllib", "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser",
    "winreg", "winsound", "wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport",
    "zlib", "zoneinfo",
};
/* clang-format on */

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool pylex_is_stdlib(const char *top)
{
    return bsearch(&top, stdlib_names, sizeof(stdlib_names) / sizeof(stdlib_names[0]),
                   sizeof(stdlib_names[0]), cmp_name) != NULL;
}

void pylex_scan(const char *src, size_t len, struct pylex_result *out)
{
    struct lexer lx = {.s = src, .len = src ? len : 0, .line = 1, .at_bol = true, .out = out};

    /* a UTF-8 byte order mark is not indentation */
    if (lx.len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
        lx.i = lx.line_start = 3;
    while (read_line(&lx))
        process_line(&lx);
    while (lx.n_frames > 0)
        pop_frame(&lx);
    free(lx.toks);
    free(lx.frames);
}

void pylex_result_release(struct pylex_result *out)
{
    if (!out)
        return;
    for (size_t k = 0; k < out->n; k++) {
        free(out->imports[k].module);
        strvec_clear(&out->imports[k].names);
    }
    free(out->imports);
    out->imports = NULL;
    out->n = out->cap = 0;
}
