/* jslexint: the byte-level scanning under jslex (jslexscan.c): trivia,
 * strings, templates, regular expressions and the decoding of literals,
 * shared with the token-level lexer in jslex.c. */
#ifndef FN_JSLEXINT_H
#define FN_JSLEXINT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A position in the source. */
struct cur {
    size_t i;
    int line;
    size_t bol; /* offset of the current line's first byte */
};

enum tpl { TPL_END, TPL_SUBST, TPL_EOF };

static inline bool jls_is_word_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '$' || ch == '\\' || ch == '#' || ch >= 0x80;
}

static inline bool jls_is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static inline bool jls_is_eol(char ch)
{
    return ch == '\n' || ch == '\r';
}

/* The length of the space in UTF-8 at s[i], or 0: NBSP, BOM, LS, PS and
 * U+2000 to U+200A, U+202F, U+3000 (the rarer Zs count as name bytes). */
size_t jls_uni_space(const char *s, size_t len, size_t i);
/* Consumes the line break (\n, \r\n or \r) at c->i. */
void jls_newline(const char *s, size_t len, struct cur *c);
/* Skips whitespace, line breaks and comments from c->i. */
void jls_skip_trivia(const char *s, size_t len, struct cur *c);
/* A '...' or "..." string at c->i: its content is s[*a..*b); false when
 * it is unterminated (it then ends at its line's end). */
bool jls_scan_string(const char *s, size_t len, struct cur *c, size_t *a, size_t *b);
/* A template's text from c->i (after its '`' or the '}' of a substitution)
 * to its closing '`' (TPL_END) or the next '${' (TPL_SUBST), both consumed. */
enum tpl jls_scan_template(const char *s, size_t len, struct cur *c);
/* A regular expression literal from c->i (its '/'), flags included. */
void jls_scan_regex(const char *s, size_t len, struct cur *c);
/* The value of a literal's content s[a..end) (a template's when tmpl) into
 * out, escapes decoded; false when the value holds a NUL. */
bool jls_decode(const char *s, size_t a, size_t end, bool tmpl, struct buf *out);

#endif
