/* jslexscan: the byte-level scanning of jslex (see jslexint.h). */
#include "jslexint.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "banned.h"

/* The length of the space in UTF-8 at s[i], or 0: NBSP, BOM, LS, PS and
 * U+2000 to U+200A, U+202F, U+3000 (the rarer Zs count as name bytes). */
size_t jls_uni_space(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;

    if (len - i >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    return len - i >= 3 && ((u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xA8 ||
                                                             u[2] == 0xA9 || u[2] == 0xAF)) ||
                            (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
                            (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF))
               ? 3
               : 0;
}

/* Consumes the line break (\n, \r\n or \r) at c->i. */
void jls_newline(const char *s, size_t len, struct cur *c)
{
    if (s[c->i] == '\r' && c->i + 1 < len && s[c->i + 1] == '\n')
        c->i++;
    c->i++;
    if (c->line < INT_MAX)
        c->line++;
    c->bol = c->i;
}

/* Skips whitespace, line breaks and comments. */
void jls_skip_trivia(const char *s, size_t len, struct cur *c)
{
    while (c->i < len) {
        char ch = s[c->i], next = c->i + 1 < len ? s[c->i + 1] : '\0';
        size_t n;

        if (ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f') {
            c->i++;
        } else if (jls_is_eol(ch)) {
            jls_newline(s, len, c);
        } else if (ch == '/' && next == '/') {
            while (c->i < len && !jls_is_eol(s[c->i]))
                c->i++;
        } else if (ch == '/' && next == '*') {
            for (c->i += 2; c->i < len;) {
                if (s[c->i] == '*' && c->i + 1 < len && s[c->i + 1] == '/') {
                    c->i += 2;
                    break;
                }
                if (jls_is_eol(s[c->i]))
                    jls_newline(s, len, c);
                else
                    c->i++;
            }
        } else if ((unsigned char)ch >= 0x80 && (n = jls_uni_space(s, len, c->i)) > 0) {
            c->i += n;
        } else {
            break;
        }
    }
}

/* A '...' or "..." string at c->i. Its content is s[*a..*b). A string ends
 * at its line's end when unterminated (false): strings cannot span lines
 * except by a backslash, so a lexing mistake never outlives its line. */
bool jls_scan_string(const char *s, size_t len, struct cur *c, size_t *a, size_t *b)
{
    char q = s[c->i++];

    for (*a = c->i; c->i < len && !jls_is_eol(s[c->i]);) {
        char ch = s[c->i++];
        if (ch == q) {
            *b = c->i - 1;
            return true;
        }
        if (ch == '\\' && c->i < len) {
            if (jls_is_eol(s[c->i]))
                jls_newline(s, len, c);
            else
                c->i++;
        }
    }
    *b = c->i;
    return false;
}

/* A template's text from c->i (after its '`' or the '}' of a substitution)
 * to its closing '`' (TPL_END) or the next '${' (TPL_SUBST), both consumed. */
enum tpl jls_scan_template(const char *s, size_t len, struct cur *c)
{
    while (c->i < len) {
        char ch = s[c->i];
        if (ch == '`') {
            c->i++;
            return TPL_END;
        }
        if (ch == '$' && c->i + 1 < len && s[c->i + 1] == '{') {
            c->i += 2;
            return TPL_SUBST;
        }
        if (ch == '\\' && c->i + 1 < len)
            c->i++;
        if (jls_is_eol(s[c->i]))
            jls_newline(s, len, c);
        else
            c->i++;
    }
    return TPL_EOF;
}

/* A regular expression literal at c->i ('/'): a '/' inside a class [...]
 * or after a backslash does not end it; neither may span lines, so an
 * unterminated one ends at its line's end. */
void jls_scan_regex(const char *s, size_t len, struct cur *c)
{
    bool cls = false;

    for (c->i++; c->i < len && !jls_is_eol(s[c->i]);) {
        char ch = s[c->i++];
        if (ch == '\\' && c->i < len && !jls_is_eol(s[c->i])) {
            c->i++;
        } else if (ch == '[' || ch == ']') {
            cls = ch == '[';
        } else if (ch == '/' && !cls) {
            while (c->i < len && jls_is_word_byte((unsigned char)s[c->i]))
                c->i++; /* flags */
            return;
        }
    }
}

/* Reads n hex digits at s[*i..end); -1 (and *i unchanged) unless all are. */
static long hex_n(const char *s, size_t *i, size_t end, int n)
{
    long v = 0;

    if (end - *i < (size_t)n)
        return -1;
    for (int k = 0; k < n; k++) {
        int h = tx_hex_value(s[*i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    *i += (size_t)n;
    return v;
}

/* The code point of a \u escape whose 'u' was consumed: \uXXXX (a surrogate
 * pair of two such combined) or \u{X...}; -1 when malformed. */
static long unicode_escape(const char *s, size_t *i, size_t end)
{
    size_t j = *i;
    long v = 0, lo;

    if (j >= end || s[j] != '{') {
        v = hex_n(s, i, end, 4);
        j = *i + 2;
        if (v >= 0xD800 && v <= 0xDBFF && end - *i >= 6 && s[*i] == '\\' && s[*i + 1] == 'u' &&
            (lo = hex_n(s, &j, end, 4)) >= 0xDC00 && lo <= 0xDFFF) {
            *i = j;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        }
        return v;
    }
    for (j++; j < end && s[j] != '}'; j++) {
        int h = tx_hex_value(s[j]);
        if (h < 0 || (v = v * 16 + h) > 0x10FFFF)
            return -1;
    }
    if (j >= end || j == *i + 1)
        return -1;
    *i = j + 1;
    return v;
}

/* UTF-8; a lone surrogate as its 3-byte form, as node's WTF-8 does. */
static void put_utf8(struct buf *b, unsigned long cp)
{
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
    char u[4];

    for (int k = n - 1; k > 0; k--, cp >>= 6)
        u[k] = (char)(0x80 | (cp & 0x3F));
    u[0] = (char)(lead[n] | cp);
    buf_add(b, u, (size_t)n);
}

/* The value of a literal's content s[a..end) into out: escapes decoded, line
 * continuations removed, a template's raw line breaks as \n. False when the
 * value holds a NUL, which no file name can. */
bool jls_decode(const char *s, size_t a, size_t end, bool tmpl, struct buf *out)
{
    static const char simple[] = "n\nt\tr\rb\bf\fv\v";
    size_t i = a;
    bool nul = false;

    buf_reset(out);
    while (i < end) {
        unsigned char ch = (unsigned char)s[i++];
        const char *e;
        long cp = -1;

        if (ch == '\r' && tmpl) {
            i += i < end && s[i] == '\n';
            buf_addch(out, '\n');
            continue;
        }
        if (ch != '\\' || i >= end) {
            nul |= ch == 0;
            buf_addch(out, (char)ch);
            continue;
        }
        ch = (unsigned char)s[i++];
        if (ch == 'x') {
            cp = hex_n(s, &i, end, 2);
        } else if (ch == 'u') {
            cp = unicode_escape(s, &i, end);
        } else if (ch >= '0' && ch <= '7') { /* legacy octal, \0 included */
            cp = ch - '0'; /* up to three digits, at most \377 */
            for (int k = 0; k < 2 && i < end && s[i] >= '0' && s[i] <= '7' && cp < 040; k++)
                cp = cp * 8 + (s[i++] - '0');
        } else if (ch == '\r' || ch == '\n') { /* a line continuation */
            i += ch == '\r' && i < end && s[i] == '\n';
            continue;
        } else if (ch == 0xE2 && end - i >= 2 && (unsigned char)s[i] == 0x80 &&
                   ((unsigned char)s[i + 1] | 1) == 0xA9) {
            i += 2; /* LS or PS: a line continuation too */
            continue;
        } else if (ch && (e = strchr(simple, (char)ch)) && (e - simple) % 2 == 0) {
            ch = (unsigned char)e[1];
        }
        if (cp >= 0) {
            nul |= cp == 0;
            put_utf8(out, (unsigned long)cp);
        } else { /* \' \" \\, identity escapes, a malformed \x or \u as x, u */
            nul |= ch == 0;
            buf_addch(out, (char)ch);
        }
    }
    return !nul;
}
