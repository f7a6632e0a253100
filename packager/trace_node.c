/* trace_node: the files a node handler can reach (see trace.h).
 *
 * Breadth-first from the handler's file: each JavaScript file is read once
 * and lexed (jslex.h), each specifier resolved as node would (noderes.h)
 * with one resolver for the whole run, so every package.json is parsed once.
 * JSON files and native addons are packaged but not read. */
#include "trace.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "file.h"
#include "jslex.h"
#include "noderes.h"
#include "strset.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

#define TN_SRC_MAX (64u << 20) /* a larger "source file" is not lexed */

#define TN_PATTERNS_HINT "if it is loaded at run time, add its files with package.patterns in " \
                         "serverless.yml"

/* One trace run. */
struct tn {
    const struct trace_opts *opts;
    struct trace_result *out;
    struct noderes *r;
    struct buf root;       /* the service directory, normalised */
    struct strset seen;    /* files queued and package.json files added */
    struct strset outside; /* files outside the service directory, warned once */
    struct strset roots;   /* package root directories looked at */
    const char **queue;    /* strings owned by seen */
    size_t head, n, cap;
    struct buf path, src;  /* scratch */
    struct strset realdirs; /* a directory under node_modules -> its real path (owned
                             * strings), or TN_OUTSIDE */
    struct buf real;       /* scratch: tn_real_file's answer */
};

/* tn_realdir's mark for a directory that leads outside the service. */
static const char tn_outside_mark;
#define TN_OUTSIDE (&tn_outside_mark)

/* The path relative to the service directory, or NULL when outside it. */
static const char *tn_rel(const struct tn *t, const char *path)
{
    size_t n = t->root.len;
    if (n == 1)
        return path[1] ? path + 1 : NULL;
    if (strncmp(path, t->root.data, n) || path[n] != '/' || !path[n + 1])
        return NULL;
    return path + n + 1;
}

static void tn_warn(struct tn *t, const char *file, int line, int col, const char *hint,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void tn_warn(struct tn *t, const char *file, int line, int col, const char *hint,
                    const char *fmt, ...)
{
    struct fn_err w = FN_ERR_INIT;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(w.msg, sizeof(w.msg), fmt, ap);
    va_end(ap);
    if (hint && *hint)
        fn_err_hint(&w, "%s", hint);
    if (file)
        fn_err_at(&w, tn_rel(t, file) ? tn_rel(t, file) : file, line, col);
    trace_warn(t->out, &w);
}

/* Queues an absolute file for packaging (once). */
/* Appends to out the relative path from directory `from` to `to`, both
 * relative to the service directory ("" is the service directory). */
static void tn_relative(const char *from, const char *to, struct buf *out)
{
    size_t common = 0, i = 0;
    /* the longest common run of whole components */
    for (;; i++) {
        bool fend = !from[i] || from[i] == '/', tend = !to[i] || to[i] == '/';
        if (fend && tend) {
            common = i;
            if (!from[i] || !to[i])
                break;
            continue;
        }
        if (from[i] != to[i])
            break;
    }
    const char *up = from + common;
    if (*up == '/')
        up++;
    for (const char *p = up; *p;) { /* one ".." per component left in from */
        buf_addstr(out, out->len ? "/.." : "..");
        p = strchr(p, '/');
        p = p ? p + 1 : "";
    }
    const char *down = to + common;
    if (*down == '/')
        down++;
    if (*down) {
        if (out->len)
            buf_addch(out, '/');
        buf_addstr(out, down);
    }
    if (!out->len)
        buf_addch(out, '.');
}

/* The real path of dir (absolute, under the service directory), with every
 * link on the way that stays inside the service recorded in the result (a
 * zip must hold them for node to find what pnpm keeps beside a package);
 * TN_OUTSIDE when a link leads out of it or a part cannot be read. */
static const char *tn_realdir(struct tn *t, const char *dir, size_t len)
{
    const char *cached = strset_get(&t->realdirs, dir, len);
    struct buf next = BUF_INIT;
    const char *result = TN_OUTSIDE;
    struct stat st;

    if (cached)
        return cached;
    if (len == t->root.len)
        return t->root.data;
    const char *slash = memrchr(dir, '/', len);
    if (!slash || slash < dir + t->root.len)
        return TN_OUTSIDE;
    const char *parent = tn_realdir(t, dir, (size_t)(slash - dir));
    if (parent == TN_OUTSIDE)
        goto out;
    buf_addf(&next, "%s/%.*s", parent, (int)(dir + len - slash - 1), slash + 1);
    if (lstat(next.data, &st) < 0)
        goto out;
    if (!S_ISLNK(st.st_mode)) {
        result = buf_detach(&next, NULL);
        goto out;
    }
    char *real = realpath(next.data, NULL);
    if (!real || !tn_rel(t, real)) {
        free(real);
        goto out;
    }
    /* the link, where it really lies, to its target, relative */
    struct buf target = BUF_INIT;
    const char *pr = tn_rel(t, parent);
    tn_relative(pr ? pr : "", tn_rel(t, real), &target);
    trace_result_add_link(t->out, tn_rel(t, next.data), target.data);
    buf_release(&target);
    result = real;
out:
    buf_release(&next);
    strset_put(&t->realdirs, dir, len, (void *)(uintptr_t)result);
    return result;
}

/* Node loads a package's file from its real path and resolves what the file
 * loads from there. For a file under node_modules: its real path (in
 * t->real), or the path itself when a link leads outside the service (the
 * zip writer then copies the target under the path, as before). */
static const char *tn_real_file(struct tn *t, const char *file)
{
    const char *slash = strrchr(file, '/');
    const char *dir = tn_realdir(t, file, (size_t)(slash - file));
    if (dir == TN_OUTSIDE)
        return file;
    buf_reset(&t->real);
    buf_addf(&t->real, "%s%s", dir, slash);
    return t->real.data;
}

static void free_realdir(void *p)
{
    if (p != (const void *)TN_OUTSIDE)
        free(p);
}

static void tn_queue(struct tn *t, const char *file)
{
    const char *s = strset_add(&t->seen, file);
    if (!s)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->queue = xreallocarray(t->queue, t->cap, sizeof(*t->queue));
    }
    t->queue[t->n++] = s;
}

static void tn_add_pj(struct tn *t, const char *pj)
{
    const char *rel = tn_rel(t, pj);
    if (rel && strset_add(&t->seen, pj))
        trace_result_add(t->out, rel, NULL);
}

/* The package.json files node reads for file: the nearest one (its "type")
 * and, below node_modules, the package root's ("main", "exports"), which a
 * nested one such as dist/esm/package.json would otherwise hide. */
static void tn_package_jsons(struct tn *t, const char *file)
{
    const char *nm = NULL, *name, *end;

    if (noderes_package_json(t->r, file, t->root.data, &t->path))
        tn_add_pj(t, t->path.data);
    for (const char *p = strstr(file, "/node_modules/"); p; p = strstr(p + 1, "/node_modules/"))
        nm = p;
    if (!nm)
        return;
    name = nm + 14;
    end = strchr(name, '/');
    if (end && name[0] == '@')
        end = strchr(end + 1, '/');
    if (!end)
        return;
    buf_reset(&t->path);
    buf_add(&t->path, file, (size_t)(end - file));
    if (!strset_add(&t->roots, t->path.data))
        return;
    buf_addstr(&t->path, "/package.json");
    if (fs_is_file(t->path.data))
        tn_add_pj(t, t->path.data);
}

static const char *kind_name(enum jslex_kind k)
{
    switch (k) {
    case JSLEX_REQUIRE: return "require()";
    case JSLEX_REQUIRE_RESOLVE: return "require.resolve()";
    case JSLEX_IMPORT: return "import";
    case JSLEX_EXPORT_FROM: return "export ... from";
    case JSLEX_DYNAMIC_IMPORT: return "import()";
    }
    return "require()";
}

static bool is_bare(const char *spec)
{
    return spec[0] != '.' && spec[0] != '/' && spec[0] != '#' && !tx_starts_with(spec, "file:");
}

/* One specifier found in file. */
static void tn_follow(struct tn *t, const char *file, const struct jslex_spec *sp)
{
    const char *spec = sp->specifier;
    struct fn_err e = FN_ERR_INIT;
    enum noderes_mode mode;
    char hint[FN_ERR_MSG_MAX];
    int rc;

    if (!spec) {
        tn_warn(t, file, sp->line, sp->col, "the files it loads are not traced; " TN_PATTERNS_HINT,
                "cannot follow a computed %s", kind_name(sp->kind));
        return;
    }
    if (noderes_is_builtin(spec))
        return;
    if (t->opts->skip_aws_sdk && tx_starts_with(spec, "@aws-sdk/"))
        return; /* the runtime ships it */
    mode = sp->kind == JSLEX_REQUIRE || sp->kind == JSLEX_REQUIRE_RESOLVE ? NODERES_REQUIRE
                                                                         : NODERES_IMPORT;
    rc = noderes_resolve(t->r, file, spec, mode, &t->path, &e);
    if (rc == NODERES_BUILTIN)
        return;
    if (rc == NODERES_FILE) {
        if (tn_rel(t, buf_cstr(&t->path))) {
            const char *file_path = buf_cstr(&t->path);
            tn_queue(t, strstr(file_path, "/node_modules/") ? tn_real_file(t, file_path)
                                                              : file_path);
        } else if (strset_add(&t->outside, buf_cstr(&t->path))) {
            tn_warn(t, file, sp->line, sp->col,
                    "only files inside the service directory are packaged; install the "
                    "dependency in the service (npm install) or bundle it",
                    "'%s' resolves to '%s', outside the service directory", spec,
                    buf_cstr(&t->path));
        }
        return;
    }
    if (rc == NODERES_NOT_FOUND && is_bare(spec) && noderes_is_optional(t->r, file, spec))
        return; /* an optional dependency that is not installed */
    snprintf(hint, sizeof(hint), "%.300s%s%s", e.hint, e.hint[0] ? "; " : "", TN_PATTERNS_HINT);
    tn_warn(t, file, sp->line, sp->col, hint, "%s", e.msg[0] ? e.msg : "cannot resolve module");
}

/* Reads and lexes one file, following what it loads. */
static void tn_scan(struct tn *t, const char *file)
{
    struct jslex_result lex = JSLEX_RESULT_INIT;
    struct fn_err e = FN_ERR_INIT;

    buf_reset(&t->src);
    if (fs_read_file(file, &t->src, TN_SRC_MAX, &e) < 0) {
        tn_warn(t, file, 0, 0, "it is packaged but what it loads is not traced",
                "%s", e.msg);
        return;
    }
    jslex_scan(t->src.data ? t->src.data : "", t->src.len, &lex);
    for (size_t i = 0; i < lex.n; i++)
        tn_follow(t, file, &lex.specs[i]);
    jslex_result_release(&lex);
}

/* The handler's file, found as AWS's runtime interface client finds it:
 * "src/orders.create" is the module "src/orders" below the service
 * directory, tried as it is, then with .js, .mjs and .cjs; a directory
 * loads as require() would load it; last, the module name is looked up as a
 * package from the service directory and the module's own directory. */
static int tn_handler(struct tn *t, struct fn_err *err)
{
    static const char *const exts[] = { "", ".js", ".mjs", ".cjs" };
    const char *h = t->opts->handler ? t->opts->handler : "";
    const char *base = strrchr(h, '/') ? strrchr(h, '/') + 1 : h;
    const char *dot = strchr(base, '.');
    struct buf mod = BUF_INIT, from = BUF_INIT;
    struct fn_err e = FN_ERR_INIT;
    char *name = NULL;
    int rc = -1;

    if (strstr(h, "..")) {
        fn_err_set(err, "handler '%s' must not contain '..'", h);
        fn_err_hint(err, "Lambda refuses it: name the file relative to the service directory");
        return -1;
    }
    if (!dot || dot == base) {
        fn_err_set(err, "handler '%s' names no exported function", h);
        fn_err_hint(err, "write it as 'file.function', e.g. 'src/orders.create'");
        return -1;
    }
    buf_add(&mod, t->root.data, t->root.len);
    buf_addch(&mod, '/');
    buf_add(&mod, h, (size_t)(dot - h));
    noderes_normalize(&mod);
    if (!tn_rel(t, buf_cstr(&mod))) {
        fn_err_set(err, "handler '%s' is outside the service directory", h);
        fn_err_hint(err, "name the file relative to the service directory");
        goto out;
    }
    for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
        buf_reset(&t->path);
        buf_addstr(&t->path, buf_cstr(&mod));
        buf_addstr(&t->path, exts[i]);
        if (fs_is_file(buf_cstr(&t->path)))
            goto found;
    }
    name = xstrndup(base, (size_t)(dot - base));
    buf_addf(&from, "%s/package.json", t->root.len == 1 ? "" : t->root.data);
    if (fs_is_dir(buf_cstr(&mod)) &&
        noderes_resolve(t->r, buf_cstr(&from), buf_cstr(&mod), NODERES_REQUIRE, &t->path,
                        &e) == NODERES_FILE)
        goto found;
    if (noderes_resolve(t->r, buf_cstr(&from), name, NODERES_REQUIRE, &t->path, &e) ==
        NODERES_FILE)
        goto found;
    buf_reset(&from);
    buf_add(&from, buf_cstr(&mod), (size_t)(strrchr(buf_cstr(&mod), '/') - buf_cstr(&mod)));
    buf_addstr(&from, "/package.json");
    if (noderes_resolve(t->r, buf_cstr(&from), name, NODERES_REQUIRE, &t->path, &e) ==
        NODERES_FILE)
        goto found;
    fn_err_set(err, "handler '%s': no file '%s', '%s.js', '%s.mjs' or '%s.cjs'", h,
               tn_rel(t, buf_cstr(&mod)), tn_rel(t, buf_cstr(&mod)), tn_rel(t, buf_cstr(&mod)),
               tn_rel(t, buf_cstr(&mod)));
    fn_err_hint(err, "the handler is 'file.function' with the file relative to the service "
                "directory '%s'", t->root.data);
    goto out;
found:
    if (!tn_rel(t, buf_cstr(&t->path))) {
        fn_err_set(err, "handler '%s' resolves to '%s', outside the service directory", h,
                   buf_cstr(&t->path));
        goto out;
    }
    tn_queue(t, buf_cstr(&t->path));
    rc = 0;
out:
    free(name);
    buf_release(&mod);
    buf_release(&from);
    return rc;
}

int trace_node(const struct trace_opts *opts, struct trace_result *out, struct fn_err *err)
{
    struct tn t = { .opts = opts, .out = out };
    int rc = -1;

    if (!opts->service_dir || opts->service_dir[0] != '/') {
        fn_err_set(err, "service directory '%s' is not an absolute path",
                   opts->service_dir ? opts->service_dir : "");
        return -1;
    }
    t.r = noderes_new();
    buf_addstr(&t.root, opts->service_dir);
    noderes_normalize(&t.root);
    if (tn_handler(&t, err) < 0)
        goto out;
    while (t.head < t.n) {
        const char *file = t.queue[t.head++];
        trace_result_add(out, tn_rel(&t, file), NULL);
        tn_package_jsons(&t, file);
        if (tx_ends_with(file, ".json") || tx_ends_with(file, ".node"))
            continue;
        tn_scan(&t, file);
    }
    trace_result_sort(out);
    rc = 0;
out:
    buf_release(&t.path);
    buf_release(&t.src);
    buf_release(&t.root);
    buf_release(&t.real);
    free(t.queue);
    strset_release(&t.realdirs, free_realdir);
    strset_release(&t.seen, NULL);
    strset_release(&t.outside, NULL);
    strset_release(&t.roots, NULL);
    noderes_free(t.r);
    return rc;
}
