#include "json.h"

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
