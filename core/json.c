#include "json.h"

#include <string.h>

#include "file.h"
#include "banned.h"

json_t *fj_parse(const char *text, size_t len, const char *name, struct fn_err *err)
{
    json_error_t jerr;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!v) {
        fn_err_set(err, "invalid JSON: %s", jerr.text);
        fn_err_at(err, name, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
    }
    return v;
}

json_t *fj_load_file(const char *path, size_t max, struct fn_err *err)
{
    struct buf b = BUF_INIT;
    json_t *v = NULL;
    if (fs_read_file(path, &b, max, err) == 0)
        v = fj_parse(buf_cstr(&b), b.len, path, err);
    buf_release(&b);
    return v;
}

static int dump_cb(const char *data, size_t size, void *arg)
{
    return buf_add(arg, data, size);
}

int fj_dump(const json_t *value, struct buf *out)
{
    return json_dump_callback(value, dump_cb, out,
                              JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}

void fj_print(FILE *out, const json_t *value, bool pretty)
{
    size_t flags = JSON_ENCODE_ANY | JSON_PRESERVE_ORDER;
    flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
    json_dumpf(value, out, flags);
    fputc('\n', out);
}

const char *fj_str(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

void fj_set_str(json_t *obj, const char *key, const char *s)
{
    json_object_set_new(obj, key, s ? json_string(s) : json_null());
}


json_t *fj_err_object(const struct fn_err *err)
{
    return json_pack("{s:s, s:s, s:s, s:i, s:i}", "message", err->msg, "hint", err->hint, "file",
                     err->file, "line", err->line, "column", err->col);
}

bool fj_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned char c = *p;
        size_t n;
        unsigned int cp;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* overlong forms, surrogates and values past U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

int fj_write_string(struct buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes \u001F */
    size_t run = 0;

    if (!fj_utf8_valid(s, len))
        return -1;
    buf_addch(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7];
        size_t n = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(out, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0x0f];
            n = 6;
        }
        buf_add(out, esc, n);
    }
    buf_add(out, s + run, len - run);
    return buf_addch(out, '"');
}
