/* jslex: finds the module specifiers a JavaScript file loads (see jslex.h).
 *
 * One pass, token by token, remembering only what the next decision needs:
 * the class of the previous token (enum prev: regex or division, block or
 * object literal), the open brackets (struct frame: what a ')' or '}'
 * closes, and where a template resumes), and an import/export statement in
 * progress (struct stmt). require( and import( are decided by a lookahead
 * from the keyword on a copy of the cursor; the main loop then lexes the
 * same bytes as ordinary tokens, so the lookahead never has to keep the
 * bracket stack in step. */
#include "jslex.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jslexint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* Brackets nested deeper than this are counted, not remembered: real code
 * stays in the tens, and the stack must not grow with hostile input. Past it
 * a closing bracket ends an expression and a '}' cannot resume a template. */
#define JSLEX_MAX_DEPTH 65536
#define JSLEX_MISMATCH 16 /* see pop() */

/* What the previous significant token was, as far as '/' and '{' care. */
enum prev {
    PV_STMT,        /* start, ';', a block's '{': a statement starts */
    PV_PUNCT,       /* an operator, '(', '[', ',', ':', '${', an object's '{' */
    PV_EXPR,        /* a literal, ']', an object literal's '}' */
    PV_CLOSE_BLOCK, /* a block's '}' */
    PV_CLOSE_CTRL,  /* the ')' of if/while/for/with (...) */
    PV_CLOSE_PAREN, /* any other ')' */
    PV_ARROW,       /* => */
    PV_IDENT,       /* a name, or a keyword that ends an expression (this) */
    PV_KW_EXPR,     /* return typeof ... : an expression follows */
    PV_KW_STMT,     /* else do try finally: a statement follows */
    PV_KW_CTRL,     /* if while for with: '(' follows */
    PV_FUNCTION,    /* the keyword function */
    PV_DOT,         /* '.' or '?.': a property name follows */
};

enum frame_kind { FR_PAREN, FR_CTRL, FR_BRACKET, FR_BLOCK, FR_OBJECT, FR_SUBST };

struct frame {
    unsigned char kind;
    bool shadow;  /* a block that declares `function require` */
    size_t first; /* out->n when the bracket opened */
    size_t spec;  /* the '(' of a computed require(/import(: its index + 1 */
};

enum stmt_state { SS_NONE, SS_IMPORT, SS_EXPORT, SS_FROM };

struct stmt {
    enum stmt_state state;
    enum jslex_kind kind;
    bool braces;    /* inside the clause's { } */
    bool closed;    /* after them: only `from` may follow */
    bool type_only; /* export type { ... } / export type * */
    int ntok;       /* tokens of the clause so far */
    int line, col;
};

enum tk { TK_WORD, TK_STRING, TK_LBRACE, TK_RBRACE, TK_STAR, TK_COMMA, TK_OTHER };

/* Reports [from, to) to take back at the end: the require() calls in the
 * scope of a `function require`, or (all) a method named require or import.
 * Taking them back at once keeps the indices held meanwhile valid, and nested
 * scopes do not make it quadratic. */
struct span {
    size_t from, to;
    bool all;
};

struct lexer {
    const char *s;
    size_t len;
    struct cur c;
    enum prev prev;
    struct frame *st;
    size_t depth, cap, overflow;
    struct stmt stmt;
    size_t call_spec;   /* index + 1 of a computed call whose '(' comes next */
    size_t method_spec; /* index + 1 of a computed call whose ')' just closed */
    bool fn_decl;       /* the last `function` began a declaration */
    bool top_shadow;    /* `function require` declared outside any block */
    size_t start_n;     /* out->n when the scan began */
    struct span *drops;
    size_t n_drops, cap_drops;
    struct buf dec; /* a literal's decoded value */
    struct jslex_result *out;
};

static size_t add_spec(struct lexer *lx, enum jslex_kind kind, char *spec, int line, int col)
{
    struct jslex_result *o = lx->out;

    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->specs = xreallocarray(o->specs, o->cap, sizeof(*o->specs));
    }
    o->specs[o->n] = (struct jslex_spec){ kind, spec, line, col };
    return o->n++;
}

/* The decoded literal s[a..b) as an owned specifier, NULL when unusable. */
static char *literal(struct lexer *lx, size_t a, size_t b, bool tmpl)
{
    if (!jls_decode(lx->s, a, b, tmpl, &lx->dec))
        return NULL;
    return xstrndup(buf_cstr(&lx->dec), lx->dec.len);
}

static void take_back(struct lexer *lx, size_t from, size_t to, bool all)
{
    if (from >= to)
        return;
    if (lx->n_drops == lx->cap_drops) {
        lx->cap_drops = lx->cap_drops ? lx->cap_drops * 2 : 8;
        lx->drops = xreallocarray(lx->drops, lx->cap_drops, sizeof(*lx->drops));
    }
    lx->drops[lx->n_drops++] = (struct span){ from, to, all };
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

static void drop_taken_back(struct lexer *lx)
{
    struct jslex_result *o = lx->out;
    size_t w = lx->start_n, k = 0, cover = 0, cover_all = 0;

    if (!lx->n_drops)
        return;
    qsort(lx->drops, lx->n_drops, sizeof(*lx->drops), span_cmp);
    for (size_t r = lx->start_n; r < o->n; r++) {
        for (; k < lx->n_drops && lx->drops[k].from <= r; k++) {
            size_t *c = lx->drops[k].all ? &cover_all : &cover;
            if (lx->drops[k].to > *c)
                *c = lx->drops[k].to;
        }
        if (r < cover_all || (r < cover && (o->specs[r].kind == JSLEX_REQUIRE ||
                                            o->specs[r].kind == JSLEX_REQUIRE_RESOLVE)))
            free(o->specs[r].specifier);
        else
            o->specs[w++] = o->specs[r];
    }
    o->n = w;
}

static void push(struct lexer *lx, enum frame_kind kind, size_t spec)
{
    if (lx->depth == JSLEX_MAX_DEPTH || lx->overflow) {
        lx->overflow++;
        return;
    }
    if (lx->depth == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        lx->st = xreallocarray(lx->st, lx->cap, sizeof(*lx->st));
    }
    lx->st[lx->depth++] = (struct frame){ (unsigned char)kind, false, lx->out->n, spec };
}

/* Closes the top frame: a block that declared `function require` takes back
 * the require() calls found since it opened. */
static void close_top(struct lexer *lx)
{
    const struct frame *f = &lx->st[--lx->depth];

    if (f->shadow)
        take_back(lx, f->first, lx->out->n, false);
}

/* Pops the frame that the closing bracket want (')' ']' '}') matches, and the
 * unclosed ones above it; a ')' or ']' never reaches past a template's ${.
 * Returns the frame's kind; -1 when nothing matches within JSLEX_MISMATCH
 * frames (the bracket is then ignored; the bound keeps a run of stray
 * brackets over a deep stack linear), -2 when the bracket closes one of the
 * uncounted deep frames. */
static int pop(struct lexer *lx, char want, size_t *spec)
{
    *spec = 0;
    if (lx->overflow) {
        lx->overflow--;
        return -2;
    }
    for (size_t d = lx->depth; d > 0 && lx->depth - d < JSLEX_MISMATCH; d--) {
        struct frame f = lx->st[d - 1];
        if (want == ')' ? f.kind == FR_PAREN || f.kind == FR_CTRL
            : want == ']' ? f.kind == FR_BRACKET
                          : f.kind == FR_BLOCK || f.kind == FR_OBJECT || f.kind == FR_SUBST) {
            while (lx->depth >= d)
                close_top(lx);
            *spec = f.spec;
            return f.kind;
        }
        if (f.kind == FR_SUBST)
            return -1;
    }
    return -1;
}

static bool word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && !memcmp(w, kw, n);
}

/* An argument at c, just after the '(' of require( or import(: 1 with
 * *spec set for a single string literal (or a template without ${ }), 0
 * when computed, -1 when there is nothing to report (no argument, or
 * a literal cut off by the end of its line or of the input). */
static int call_arg(struct lexer *lx, struct cur c, char **spec)
{
    const char *s = lx->s;
    size_t len = lx->len, a, b;
    bool tmpl = false;

    jls_skip_trivia(s, len, &c);
    if (c.i >= len || s[c.i] == ')')
        return -1;
    if (s[c.i] == '`') {
        enum tpl t;
        a = ++c.i;
        if ((t = jls_scan_template(s, len, &c)) != TPL_END)
            return t == TPL_SUBST ? 0 : -1;
        b = c.i - 1;
        tmpl = true;
    } else if (s[c.i] != '\'' && s[c.i] != '"') {
        return 0;
    } else if (!jls_scan_string(s, len, &c, &a, &b)) {
        return -1;
    }
    jls_skip_trivia(s, len, &c);
    if (c.i >= len || (s[c.i] != ')' && s[c.i] != ','))
        return c.i >= len ? -1 : 0;
    *spec = literal(lx, a, b, tmpl);
    return *spec ? 1 : 0;
}

/* require(...) or import(...) whose '(' is at c. A computed one is taken
 * back if it turns out to be a method definition, require(x) { }. */
static void report_call(struct lexer *lx, enum jslex_kind kind, struct cur c, int line, int col,
                        bool may_be_method)
{
    char *spec = NULL;

    c.i++;
    if (call_arg(lx, c, &spec) < 0)
        return;
    add_spec(lx, kind, spec, line, col);
    if (!spec && may_be_method)
        lx->call_spec = lx->out->n; /* its index + 1 */
}

/* The tokens of an import or export clause; false (and the statement is
 * over) when the token cannot belong to it. */
static bool clause_token(struct stmt *st, enum tk t, const char *w, size_t n, int ntok)
{
    switch (t) {
    case TK_WORD:
        if (!st->braces && ntok > 0 && word_is(w, n, "from"))
            st->state = SS_FROM;
        return st->state == SS_FROM || !st->closed; /* export {a} \n require(...) */
    case TK_STRING: /* import { "a-b" as c }, export * as "x" */
        return st->braces || st->kind == JSLEX_EXPORT_FROM;
    case TK_LBRACE:
    case TK_RBRACE:
        if (st->braces == (t == TK_LBRACE))
            return false;
        st->braces = t == TK_LBRACE;
        st->closed = !st->braces;
        return true;
    case TK_STAR:
        return !st->braces;
    case TK_COMMA:
        return true;
    default:
        return false;
    }
}

/* Feeds a token to the import/export statement in progress. Returns whether
 * it was part of it (a word then is a name, not a keyword). */
static bool stmt_feed(struct lexer *lx, enum tk t, const char *w, size_t n, size_t a, size_t b)
{
    struct stmt *st = &lx->stmt;
    int ntok = st->ntok++;
    bool ok = false, report = false;

    switch (st->state) {
    case SS_NONE:
        return false;
    case SS_FROM:
        report = t == TK_STRING;
        break;
    case SS_IMPORT:
        report = t == TK_STRING && ntok == 0; /* import 'x' */
        if (!report)
            ok = clause_token(st, t, w, n, ntok);
        break;
    case SS_EXPORT:
        if (ntok == 0 && t == TK_WORD && word_is(w, n, "type"))
            return st->type_only = true;
        if (ntok > (st->type_only ? 1 : 0) || t == TK_STAR || t == TK_LBRACE)
            ok = clause_token(st, t, w, n, ntok);
        break; /* else export default, export const, export type T = ... */
    }
    if (report)
        add_spec(lx, st->kind, literal(lx, a, b, false), st->line, st->col);
    if (report || !ok)
        st->state = SS_NONE;
    return ok || report;
}

enum { KW_REQUIRE = -1, KW_IMPORT = -2, KW_EXPORT = -3 };

/* The enum prev a word leaves behind (PV_IDENT for a plain name), or one of
 * the KW_ codes above. */
static int keyword(const char *w, size_t n)
{
    static const struct {
        const char *word;
        int kw;
    } words[] = {
        /* after these a '/' starts a regular expression */
        { "return", PV_KW_EXPR }, { "typeof", PV_KW_EXPR }, { "instanceof", PV_KW_EXPR },
        { "in", PV_KW_EXPR },     { "of", PV_KW_EXPR },     { "new", PV_KW_EXPR },
        { "delete", PV_KW_EXPR }, { "void", PV_KW_EXPR },   { "throw", PV_KW_EXPR },
        { "case", PV_KW_EXPR },   { "yield", PV_KW_EXPR },  { "await", PV_KW_EXPR },
        { "default", PV_KW_EXPR }, /* export default /re/ */
        { "else", PV_KW_STMT },   { "do", PV_KW_STMT },     { "try", PV_KW_STMT },
        { "finally", PV_KW_STMT }, { "if", PV_KW_CTRL },    { "while", PV_KW_CTRL },
        { "for", PV_KW_CTRL },    { "with", PV_KW_CTRL },   { "function", PV_FUNCTION },
        { "require", KW_REQUIRE }, { "import", KW_IMPORT }, { "export", KW_EXPORT },
    };

    if (n >= 2 && n <= 10 && w[0] >= 'a' && w[0] <= 'y')
        for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
            if (words[k].word[0] == w[0] && word_is(w, n, words[k].word))
                return words[k].kw;
    return PV_IDENT;
}

/* require... after the keyword: require( or require.resolve( . */
static void on_require(struct lexer *lx, int line, int col)
{
    const char *s = lx->s;
    size_t len = lx->len, w;
    struct cur c = lx->c;

    jls_skip_trivia(s, len, &c);
    if (c.i < len && s[c.i] == '(') {
        report_call(lx, JSLEX_REQUIRE, c, line, col, true);
        return;
    }
    if (c.i + 1 >= len || s[c.i++] != '.' || s[c.i] == '.')
        return;
    jls_skip_trivia(s, len, &c);
    for (w = c.i; c.i < len && jls_is_word_byte((unsigned char)s[c.i]); c.i++)
        ;
    if (!word_is(s + w, c.i - w, "resolve"))
        return;
    jls_skip_trivia(s, len, &c);
    if (c.i < len && s[c.i] == '(')
        report_call(lx, JSLEX_REQUIRE_RESOLVE, c, line, col, false);
}

/* A name or keyword at s[start..lx->c.i). */
static void on_word(struct lexer *lx, size_t start)
{
    const char *w = lx->s + start;
    size_t n = lx->c.i - start, col = start - lx->c.bol + 1;
    int line = lx->c.line, icol = col > INT_MAX ? INT_MAX : (int)col;
    enum prev prev = lx->prev;
    struct cur c = lx->c;
    int kw;

    lx->prev = PV_IDENT;
    if (lx->stmt.state != SS_NONE && stmt_feed(lx, TK_WORD, w, n, 0, 0))
        return;
    if (prev == PV_DOT)
        return; /* a property: obj.require(), a.return */
    kw = keyword(w, n);
    if (kw >= 0)
        lx->prev = (enum prev)kw;
    if (kw == PV_FUNCTION) /* an expression where an operand is expected */
        lx->fn_decl = prev != PV_PUNCT && prev != PV_KW_EXPR && prev != PV_ARROW;
    switch (kw) {
    case KW_REQUIRE:
        if (prev != PV_FUNCTION) {
            on_require(lx, line, icol);
        } else if (lx->fn_decl && !lx->overflow) {
            /* `function require` declared in a block, or at the top: the
             * calls in that scope are to it. A function expression's name
             * (x = function require() {}, in (...), in an object literal)
             * is its own, and shadows nothing outside. */
            if (!lx->depth)
                lx->top_shadow = true;
            else if (lx->st[lx->depth - 1].kind == FR_BLOCK)
                lx->st[lx->depth - 1].shadow = true;
        }
        break;
    case KW_IMPORT:
        jls_skip_trivia(lx->s, lx->len, &c);
        if (c.i < lx->len && lx->s[c.i] == '(')
            report_call(lx, JSLEX_DYNAMIC_IMPORT, c, line, icol, true);
        else if (c.i >= lx->len || lx->s[c.i] != '.') /* import.meta is no import */
            lx->stmt = (struct stmt){ .state = SS_IMPORT, .kind = JSLEX_IMPORT, .line = line,
                                      .col = icol };
        break;
    case KW_EXPORT:
        lx->stmt = (struct stmt){ .state = SS_EXPORT, .kind = JSLEX_EXPORT_FROM, .line = line,
                                  .col = icol };
        break;
    default:
        break;
    }
}

/* After a template's '`' or a substitution's '}': its text, then either its
 * end or the next ${ (pushed). */
static void template_text(struct lexer *lx)
{
    enum tpl t = jls_scan_template(lx->s, lx->len, &lx->c);

    if (t == TPL_SUBST)
        push(lx, FR_SUBST, 0);
    if (t != TPL_EOF)
        lx->prev = t == TPL_SUBST ? PV_PUNCT : PV_EXPR;
}

static void on_close(struct lexer *lx, char ch)
{
    size_t spec;
    int kind = pop(lx, ch, &spec);

    lx->c.i++;
    if (kind == FR_SUBST)
        template_text(lx);
    else if (kind == FR_BLOCK || (kind == -1 && ch == '}'))
        lx->prev = PV_CLOSE_BLOCK; /* after an unmatched one, afresh */
    else if (kind == FR_CTRL)
        lx->prev = PV_CLOSE_CTRL;
    else if (ch == ')')
        lx->prev = PV_CLOSE_PAREN;
    else
        lx->prev = PV_EXPR; /* an object literal, ']' */
    if (kind == FR_PAREN)
        lx->method_spec = spec;
}

/* Whether an import/export clause may hold a token starting with ch. */
static bool clause_char(char ch)
{
    return ch == '\'' || ch == '"' || ch == '{' || ch == '}' || ch == '*' || ch == ',' ||
           (jls_is_word_byte((unsigned char)ch) && !jls_is_digit(ch));
}

static void advance(struct lexer *lx, size_t n, enum prev prev)
{
    lx->c.i += n;
    lx->prev = prev;
}

/* One token at lx->c.i (not trivia, not the end). */
static void token(struct lexer *lx)
{
    const char *s = lx->s;
    size_t len = lx->len, i = lx->c.i, a, b, method = lx->method_spec;
    char ch = s[i], next = i + 1 < len ? s[i + 1] : '\0';
    char next2 = i + 2 < len ? s[i + 2] : '\0';

    lx->method_spec = 0;
    if (lx->stmt.state != SS_NONE && !clause_char(ch))
        lx->stmt.state = SS_NONE;
    switch (ch) {
    case '\'':
    case '"':
        if (jls_scan_string(s, len, &lx->c, &a, &b))
            stmt_feed(lx, TK_STRING, NULL, 0, a, b);
        else
            lx->stmt.state = SS_NONE;
        lx->prev = PV_EXPR;
        return;
    case '`':
        lx->c.i++;
        template_text(lx);
        return;
    case '{':
        stmt_feed(lx, TK_LBRACE, NULL, 0, 0, 0);
        if (method) /* require(x) { ... }: a method named require */
            take_back(lx, method - 1, method, true);
        if (lx->prev == PV_PUNCT || lx->prev == PV_KW_EXPR) {
            push(lx, FR_OBJECT, 0);
            advance(lx, 1, PV_PUNCT);
        } else {
            push(lx, FR_BLOCK, 0);
            advance(lx, 1, PV_STMT);
        }
        return;
    case '}':
        stmt_feed(lx, TK_RBRACE, NULL, 0, 0, 0);
        on_close(lx, '}');
        return;
    case '(':
    case '[':
        push(lx, ch == '[' ? FR_BRACKET : lx->prev == PV_KW_CTRL ? FR_CTRL : FR_PAREN,
             ch == '(' ? lx->call_spec : 0);
        lx->call_spec = 0;
        advance(lx, 1, PV_PUNCT);
        return;
    case ')':
    case ']':
        on_close(lx, ch);
        return;
    case '/': /* not a comment: skip_trivia took those */
        if (lx->prev != PV_EXPR && lx->prev != PV_CLOSE_PAREN && lx->prev != PV_IDENT &&
            lx->prev != PV_FUNCTION && lx->prev != PV_DOT) {
            jls_scan_regex(s, len, &lx->c);
            lx->prev = PV_EXPR;
        } else {
            advance(lx, next == '=' ? 2 : 1, PV_PUNCT);
        }
        return;
    case '.':
        if (jls_is_digit(next))
            break; /* .5 */
        if (next == '.' && next2 == '.')
            advance(lx, 3, PV_PUNCT); /* spread: ...require('x') is a call */
        else
            advance(lx, 1, PV_DOT);
        return;
    case '?': /* a?.b, but a?.5:1 is a conditional */
        if (next == '.' && !jls_is_digit(next2))
            advance(lx, 2, PV_DOT);
        else
            advance(lx, 1, PV_PUNCT);
        return;
    case '=':
        advance(lx, next == '>' ? 2 : 1, next == '>' ? PV_ARROW : PV_PUNCT);
        return;
    case '+':
    case '-': /* ++ and -- leave the '/' question as it was */
        advance(lx, next == ch ? 2 : 1, next == ch ? lx->prev : PV_PUNCT);
        return;
    case ';':
        advance(lx, 1, PV_STMT);
        return;
    case '*':
    case ',':
        stmt_feed(lx, ch == ',' ? TK_COMMA : next == '*' || next == '=' ? TK_OTHER : TK_STAR,
                  NULL, 0, 0, 0);
        advance(lx, 1, PV_PUNCT);
        return;
    default:
        if (jls_is_digit(ch))
            break;
        if (jls_is_word_byte((unsigned char)ch)) {
            while (lx->c.i < len && jls_is_word_byte((unsigned char)s[lx->c.i]) &&
                   !((unsigned char)s[lx->c.i] >= 0x80 && jls_uni_space(s, len, lx->c.i)))
                lx->c.i++;
            on_word(lx, i);
        } else {
            advance(lx, 1, PV_PUNCT); /* : ! ~ % & | ^ < > @ and stray bytes */
        }
        return;
    }
    /* a number: 1, 0x1F, 1.5e10, 1_000n, .5 */
    for (lx->c.i++; lx->c.i < len; lx->c.i++)
        if (!jls_is_word_byte((unsigned char)s[lx->c.i]) && s[lx->c.i] != '.')
            break;
    lx->prev = PV_EXPR;
}

void jslex_scan(const char *src, size_t len, struct jslex_result *out)
{
    struct lexer lx = { .s = src, .len = len, .c = { 0, 1, 0 }, .prev = PV_STMT,
                        .dec = BUF_INIT, .out = out, .start_n = out->n };

    if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
        lx.c.i = lx.c.bol = 3; /* a BOM, which node strips */
    if (len - lx.c.i >= 2 && src[lx.c.i] == '#' && src[lx.c.i + 1] == '!')
        while (lx.c.i < len && !jls_is_eol(src[lx.c.i]))
            lx.c.i++; /* hashbang */
    for (;;) {
        jls_skip_trivia(src, len, &lx.c);
        if (lx.c.i >= len)
            break;
        token(&lx);
    }
    while (lx.depth > 0)
        close_top(&lx);
    if (lx.top_shadow)
        take_back(&lx, lx.start_n, out->n, false);
    drop_taken_back(&lx);
    free(lx.drops);
    free(lx.st);
    buf_release(&lx.dec);
}

void jslex_result_release(struct jslex_result *out)
{
    if (!out)
        return;
    for (size_t i = 0; i < out->n; i++)
        free(out->specs[i].specifier);
    free(out->specs);
    out->specs = NULL;
    out->n = out->cap = 0;
}
