/* noderes: Node.js module resolution (see noderes.h). The steps follow
 * node's documented algorithms, named in capitals as there: "All together"
 * in modules.md (require) and "Resolution algorithm specification" in esm.md
 * (import, "exports", "imports"). */
#include "noderes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "file.h"
#include "json.h"
#include "strset.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

#define NR_PKG_MAX (16u << 20) /* a package.json past 16 MiB is not one */

/* node 20's require('module').builtinModules, sorted by bytes for bsearch.
 * Modules that exist only with the "node:" prefix (node:test, node:sea,
 * node:sqlite, ...) are covered by the prefix rule. */
static const char *const nr_builtins[] = {
    "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing",
    "_http_server", "_stream_duplex", "_stream_passthrough", "_stream_readable",
    "_stream_transform", "_stream_wrap", "_stream_writable", "_tls_common", "_tls_wrap", "assert",
    "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs",
    "fs/promises", "http", "http2", "https", "inspector", "inspector/promises", "module", "net",
    "os", "path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring",
    "readline", "readline/promises", "repl", "stream", "stream/consumers", "stream/promises",
    "stream/web", "string_decoder", "sys", "timers", "timers/promises", "tls", "trace_events",
    "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
};

/* The extensions require() tries, in its order (LOAD_AS_FILE, LOAD_INDEX). */
static const char *const nr_exts[] = { ".js", ".json", ".node" };

enum nr_pkg_state { NR_PKG_NONE, NR_PKG_OK, NR_PKG_BAD };

/* One directory's package.json, parsed once per resolver. */
struct nr_pkg {
    const char *dir;        /* the directory: the cache's key, owned by noderes.pkgs */
    char *path;             /* dir + "/package.json" */
    enum nr_pkg_state state;
    json_t *json;           /* NR_PKG_OK: an object */
    struct fn_err *err;     /* NR_PKG_BAD: why it is unusable */
    signed char is_dir;     /* dir is a directory: -1 not known yet, 0, 1 */
    signed char has_nm;     /* dir/node_modules is a directory: -1, 0, 1 */
};

struct noderes {
    struct strset pkgs; /* directory -> struct nr_pkg, owned */
};

/* What resolving one "exports"/"imports" target gives (PACKAGE_TARGET_RESOLVE):
 * a path, something resolved through a bare name, or one of the three ways of
 * matching nothing that the fallback rules tell apart. */
enum nr_target {
    NR_T_PATH,    /* out holds the path the target names (not checked yet) */
    NR_T_DONE,    /* a bare target was resolved fully: see c->done */
    NR_T_NULL,    /* a null target (blocked) or no pattern matched */
    NR_T_UNDEF,   /* no condition matched */
    NR_T_INVALID, /* not a valid target */
};

/* One noderes_resolve() call. */
struct nr_ctx {
    struct noderes *r;
    enum noderes_mode mode;
    struct fn_err *err;
    int done; /* NR_T_DONE: the noderes_outcome (or -1) of the bare target */
};

/* --- small path helpers --- */

void noderes_normalize(struct buf *b)
{
    char *p = b->data;
    size_t len = b->len, o = 0, i = 0;

    if (!p)
        return;
    while (i < len) {
        size_t s, n;
        while (i < len && p[i] == '/')
            i++;
        s = i;
        while (i < len && p[i] != '/')
            i++;
        n = i - s;
        if (n == 0 || (n == 1 && p[s] == '.'))
            continue;
        if (n == 2 && p[s] == '.' && p[s + 1] == '.') {
            while (o > 0 && p[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        p[o++] = '/';
        memmove(p + o, p + s, n);
        o += n;
    }
    if (o == 0)
        p[o++] = '/';
    buf_truncate(b, o);
}

/* out = dir + "/" + rel, normalised (rel may start with "./" or "../"). */
static void path_set(struct buf *out, const char *dir, size_t dirlen, const char *rel)
{
    buf_reset(out);
    buf_add(out, dir, dirlen);
    buf_addch(out, '/');
    buf_addstr(out, rel);
    noderes_normalize(out);
}

/* The length of path's directory part ("/a/b" -> 2, "/a" -> 1 for "/"). */
static size_t dir_len(const char *path, size_t len)
{
    while (len > 1 && path[len - 1] != '/')
        len--;
    return len > 1 ? len - 1 : 1;
}

static bool is_node_modules(const char *dir, size_t len)
{
    return len >= 13 && !memcmp(dir + len - 13, "/node_modules", 13);
}

/* True when path is dir itself or below it. */
static bool path_within(const char *path, const char *dir, size_t dirlen)
{
    if (dirlen == 1 && dir[0] == '/')
        return true;
    return !strncmp(path, dir, dirlen) && (path[dirlen] == '/' || path[dirlen] == '\0');
}

/* --- the package.json cache --- */

/* Fills in p, whose dir is set, from dir/package.json. */
static void pkg_load(struct nr_pkg *p)
{
    struct fn_err e = FN_ERR_INIT;

    p->path = xasprintf("%s/package.json", strcmp(p->dir, "/") ? p->dir : "");
    p->state = NR_PKG_NONE;
    p->is_dir = p->has_nm = -1;
    if (!fs_is_file(p->path))
        return;
    p->is_dir = 1;
    p->json = fj_load_file(p->path, NR_PKG_MAX, &e);
    if (p->json && !json_is_object(p->json)) {
        json_decref(p->json);
        p->json = NULL;
        fn_err_set(&e, "'%s' is not a JSON object", p->path);
    }
    if (!p->json) {
        p->state = NR_PKG_BAD;
        p->err = xmalloc(sizeof(*p->err));
        *p->err = e;
        fn_err_hint(p->err, "fix or remove the package.json; node cannot load from it either");
        return;
    }
    p->state = NR_PKG_OK;
}

static void pkg_free(void *v)
{
    struct nr_pkg *p = v;
    json_decref(p->json);
    free(p->err);
    free(p->path);
    free(p);
}

/* The package.json in dir[0..len), parsed once. Never NULL. */
static struct nr_pkg *pkg_get(struct noderes *r, const char *dir, size_t len)
{
    struct nr_pkg *p = strset_get(&r->pkgs, dir, len);

    if (p)
        return p;
    p = xcalloc(1, sizeof(*p));
    p->dir = strset_put(&r->pkgs, dir, len, p);
    pkg_load(p);
    return p;
}

/* Whether dir[0..len) is a directory, and whether it has a node_modules
 * directory: the questions every bare specifier asks at every level up the
 * tree, answered once per resolver. */
static bool dir_exists(struct noderes *r, const char *dir, size_t len)
{
    struct nr_pkg *p = pkg_get(r, dir, len);
    if (p->is_dir < 0)
        p->is_dir = fs_is_dir(p->dir);
    return p->is_dir;
}

static bool dir_has_node_modules(struct noderes *r, const char *dir, size_t len)
{
    struct nr_pkg *p = pkg_get(r, dir, len);
    if (p->has_nm < 0) {
        char *nm = xasprintf("%s/node_modules", len == 1 ? "" : p->dir);
        p->has_nm = fs_is_dir(nm);
        free(nm);
    }
    return p->has_nm;
}

/* The package scope of dir: the nearest package.json from dir up, never
 * past a node_modules directory (LOOKUP_PACKAGE_SCOPE) nor above stop (when
 * not NULL). NULL when there is none. */
static struct nr_pkg *pkg_scope(struct noderes *r, const char *dir, size_t len,
                                const char *stop)
{
    size_t stoplen = stop ? strlen(stop) : 0;

    while (stop && stoplen > 1 && stop[stoplen - 1] == '/')
        stoplen--;
    for (;;) {
        struct nr_pkg *p;
        if (is_node_modules(dir, len))
            return NULL;
        if (stop && !(len >= stoplen && path_within(dir, stop, stoplen)))
            return NULL;
        p = pkg_get(r, dir, len);
        if (p->state != NR_PKG_NONE)
            return p;
        if (len == 1)
            return NULL;
        len = dir_len(dir, len);
    }
}

static int pkg_fail(struct nr_ctx *c, const struct nr_pkg *p)
{
    *c->err = *p->err;
    return -1;
}

struct noderes *noderes_new(void)
{
    return xcalloc(1, sizeof(struct noderes));
}

void noderes_free(struct noderes *r)
{
    if (!r)
        return;
    strset_release(&r->pkgs, pkg_free);
    free(r);
}

static int cmp_builtin(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool noderes_is_builtin(const char *specifier)
{
    if (tx_starts_with(specifier, "node:"))
        return specifier[5] != '\0';
    return bsearch(specifier, nr_builtins, sizeof(nr_builtins) / sizeof(*nr_builtins),
                   sizeof(*nr_builtins), cmp_builtin) != NULL;
}

/* --- files and directories (LOAD_AS_FILE, LOAD_INDEX, LOAD_AS_DIRECTORY) --- */

static bool load_as_file(const char *x, struct buf *out)
{
    buf_reset(out);
    buf_addstr(out, x);
    if (fs_is_file(x))
        return true;
    for (size_t i = 0; i < sizeof(nr_exts) / sizeof(*nr_exts); i++) {
        buf_truncate(out, strlen(x));
        buf_addstr(out, nr_exts[i]);
        if (fs_is_file(buf_cstr(out)))
            return true;
    }
    buf_reset(out);
    return false;
}

static bool load_index(const char *x, struct buf *out)
{
    size_t len = strlen(x);
    for (size_t i = 0; i < sizeof(nr_exts) / sizeof(*nr_exts); i++) {
        buf_reset(out);
        buf_add(out, x, len);
        buf_addf(out, "%sindex%s", len == 1 ? "" : "/", nr_exts[i]);
        if (fs_is_file(buf_cstr(out)))
            return true;
    }
    buf_reset(out);
    return false;
}

/* 1 found (in out), 0 not, -1 an unusable package.json in x. */
static int load_as_dir(struct nr_ctx *c, const char *x, struct buf *out)
{
    struct nr_pkg *p;
    const char *main;
    struct buf m = BUF_INIT;
    bool found;

    if (!fs_is_dir(x))
        return 0;
    p = pkg_get(c->r, x, strlen(x));
    if (p->state == NR_PKG_BAD)
        return pkg_fail(c, p);
    main = p->state == NR_PKG_OK ? fj_str(p->json, "main", NULL) : NULL;
    if (main && *main) {
        path_set(&m, x, strlen(x), main);
        found = load_as_file(buf_cstr(&m), out) || load_index(buf_cstr(&m), out);
        buf_release(&m);
        if (found)
            return 1;
    }
    return load_index(x, out) ? 1 : 0;
}

/* A relative or absolute path x (already joined and normalised). */
static int load_path(struct nr_ctx *c, const char *x, bool dir_only, struct buf *out)
{
    int rc;
    if (!dir_only && load_as_file(x, out))
        return NODERES_FILE;
    rc = load_as_dir(c, x, out);
    if (rc < 0)
        return -1;
    return rc ? NODERES_FILE : NODERES_NOT_FOUND;
}

/* --- "exports" and "imports" --- */

static bool condition_on(const struct nr_ctx *c, const char *cond)
{
    /* node 20 enables "node-addons" unless --no-addons, and "module-sync"
     * since require(esm) became the default (20.19) */
    return !strcmp(cond, "default") || !strcmp(cond, "node") || !strcmp(cond, "node-addons") ||
           !strcmp(cond, "module-sync") ||
           !strcmp(cond, c->mode == NODERES_IMPORT ? "import" : "require");
}

/* A segment node refuses in a target or a pattern match: ".", "..",
 * "node_modules" (case-insensitively). Empty segments are deprecated but
 * still accepted by node 20. */
static bool has_bad_segment(const char *s)
{
    while (*s) {
        size_t n = strcspn(s, "/\\");
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
            (n == 12 && !strncasecmp(s, "node_modules", 12)))
            return true;
        s += n;
        if (*s)
            s++;
    }
    return false;
}

/* Appends target to out with every '*' replaced by match (when not NULL). */
static void add_substituted(struct buf *out, const char *target, const char *match)
{
    for (const char *t = target; *t; t++) {
        if (*t == '*' && match)
            buf_addstr(out, match);
        else
            buf_addch(out, *t);
    }
}

static int resolve_bare(struct nr_ctx *c, const char *dir, size_t dirlen, const char *spec,
                        struct buf *out);

static enum nr_target target_resolve(struct nr_ctx *c, const struct nr_pkg *p,
                                     const json_t *target, const char *match, bool imports,
                                     struct buf *out)
{
    if (json_is_string(target)) {
        const char *t = json_string_value(target);
        size_t dlen = strlen(p->dir);
        if (!tx_starts_with(t, "./")) {
            struct buf spec = BUF_INIT;
            if (!imports || tx_starts_with(t, "../") || t[0] == '/' || strchr(t, ':'))
                return NR_T_INVALID;
            add_substituted(&spec, t, match);
            c->done = resolve_bare(c, p->dir, dlen, buf_cstr(&spec), out);
            buf_release(&spec);
            return NR_T_DONE;
        }
        if (has_bad_segment(t + 2) || (match && has_bad_segment(match)))
            return NR_T_INVALID;
        buf_reset(out);
        buf_addstr(out, p->dir);
        buf_addch(out, '/');
        add_substituted(out, t + 2, match);
        noderes_normalize(out);
        return path_within(buf_cstr(out), p->dir, dlen) ? NR_T_PATH : NR_T_INVALID;
    }
    if (json_is_array(target)) {
        enum nr_target last = NR_T_NULL;
        size_t i;
        json_t *v;
        json_array_foreach(target, i, v) {
            enum nr_target rc = target_resolve(c, p, v, match, imports, out);
            if (rc == NR_T_INVALID || rc == NR_T_UNDEF || rc == NR_T_NULL) {
                last = rc;
                continue;
            }
            return rc;
        }
        return last;
    }
    if (json_is_object(target)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)target, key, v) {
            enum nr_target rc;
            if (!condition_on(c, key))
                continue;
            rc = target_resolve(c, p, v, match, imports, out);
            if (rc != NR_T_UNDEF)
                return rc;
        }
        return NR_T_UNDEF;
    }
    return json_is_null(target) ? NR_T_NULL : NR_T_INVALID;
}

/* PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the most specific
 * pattern with a single '*' (PATTERN_KEY_COMPARE: the longest part before
 * the '*', then the longest key). */
static enum nr_target match_resolve(struct nr_ctx *c, const struct nr_pkg *p, const char *key,
                                    const json_t *map, bool imports, struct buf *out)
{
    const char *k, *best = NULL;
    size_t best_base = 0, klen = strlen(key);
    json_t *v, *best_v = NULL;
    char *m;
    enum nr_target rc;

    if (!strchr(key, '*') && (v = json_object_get(map, key)) != NULL)
        return target_resolve(c, p, v, NULL, imports, out);
    json_object_foreach((json_t *)map, k, v) {
        const char *star = strchr(k, '*');
        size_t base, trail;
        if (!star || strchr(star + 1, '*'))
            continue;
        base = (size_t)(star - k);
        trail = strlen(star + 1);
        if (klen <= base || strncmp(key, k, base))
            continue;
        if (trail && !(klen >= strlen(k) && !strcmp(key + klen - trail, star + 1)))
            continue;
        if (best && (base < best_base || (base == best_base && strlen(k) <= strlen(best))))
            continue;
        best = k;
        best_base = base;
        best_v = v;
    }
    if (!best)
        return NR_T_NULL;
    m = xstrndup(key + best_base, klen - best_base - strlen(strchr(best, '*') + 1));
    rc = target_resolve(c, p, best_v, m, imports, out);
    free(m);
    return rc;
}

/* Turns a target's outcome into noderes_resolve's, checking that a path
 * names a file (RESOLVE_ESM_MATCH: no extensions are tried). */
static int target_outcome(struct nr_ctx *c, const struct nr_pkg *p, const char *what,
                          const char *field, enum nr_target rc, struct buf *out)
{
    switch (rc) {
    case NR_T_DONE:
        return c->done;
    case NR_T_PATH:
        if (fs_is_file(buf_cstr(out)))
            return NODERES_FILE;
        fn_err_set(c->err, "'%s' maps to '%s' through \"%s\" in '%s', which does not exist",
                   what, buf_cstr(out), field, p->path);
        fn_err_hint(c->err, "is the package installed completely (npm ci)?");
        buf_reset(out);
        return NODERES_NOT_FOUND;
    case NR_T_INVALID:
        fn_err_set(c->err, "'%s' has an invalid target in \"%s\" of '%s'", what, field, p->path);
        break;
    default:
        fn_err_set(c->err, "'%s' is not %s by \"%s\" in '%s'", what,
                   strcmp(field, "imports") ? "exported" : "defined", field, p->path);
        break;
    }
    fn_err_hint(c->err, "only the paths a package's \"%s\" lists can be loaded, under the "
                "conditions node, %s, default", field,
                c->mode == NODERES_IMPORT ? "import" : "require");
    buf_reset(out);
    return NODERES_NOT_FOUND;
}

/* PACKAGE_EXPORTS_RESOLVE for subpath "." or "./x" of the package p. */
static int exports_resolve(struct nr_ctx *c, const struct nr_pkg *p, const char *subpath,
                           const char *spec, struct buf *out)
{
    const json_t *exports = json_object_get(p->json, "exports");
    const json_t *main_export = NULL;
    size_t dots = 0, others = 0;
    enum nr_target rc = NR_T_NULL;
    const char *k;
    json_t *v;

    if (json_is_object(exports)) {
        json_object_foreach((json_t *)exports, k, v) {
            if (k[0] == '.')
                dots++;
            else
                others++;
        }
    }
    if (dots && others) {
        fn_err_set(c->err, "\"exports\" in '%s' mixes subpaths (\"./x\") with conditions",
                   p->path);
        fn_err_hint(c->err, "node refuses the package too: fix its package.json");
        return -1;
    }
    if (!strcmp(subpath, ".")) {
        if (json_is_string(exports) || json_is_array(exports) || others ||
            (json_is_object(exports) && !dots))
            main_export = exports;
        else
            main_export = json_object_get(exports, ".");
        if (main_export)
            rc = target_resolve(c, p, main_export, NULL, false, out);
    } else if (json_is_object(exports) && dots && subpath[strlen(subpath) - 1] != '/') {
        rc = match_resolve(c, p, subpath, exports, false, out);
    }
    return target_outcome(c, p, spec, "exports", rc, out);
}

/* PACKAGE_IMPORTS_RESOLVE: "#name" through the "imports" of the scope of dir. */
static int imports_resolve(struct nr_ctx *c, const char *dir, size_t dirlen, const char *spec,
                           struct buf *out)
{
    struct nr_pkg *p;
    const json_t *imports;

    if (!strcmp(spec, "#") || tx_starts_with(spec, "#/")) {
        fn_err_set(c->err, "'%s' is not a valid \"imports\" name", spec);
        fn_err_hint(c->err, "names in \"imports\" look like '#name' or '#name/sub'");
        return NODERES_NOT_FOUND;
    }
    p = pkg_scope(c->r, dir, dirlen, NULL);
    if (p && p->state == NR_PKG_BAD)
        return pkg_fail(c, p);
    imports = p ? json_object_get(p->json, "imports") : NULL;
    if (!json_is_object(imports)) {
        fn_err_set(c->err, "cannot resolve '%s': no package.json with \"imports\" governs '%s'",
                   spec, dir);
        fn_err_hint(c->err, "'#' names are defined by the \"imports\" of the nearest package.json");
        return NODERES_NOT_FOUND;
    }
    return target_outcome(c, p, spec, "imports",
                          match_resolve(c, p, spec, imports, true, out), out);
}

/* The length of the package name at the start of a bare specifier
 * ("lodash/fp" -> 6, "@aws-sdk/client-s3/x" -> 18); 0 when invalid. */
static size_t package_name_len(const char *spec)
{
    const char *slash = strchr(spec, '/');
    size_t n;

    if (spec[0] == '@') {
        if (!slash || slash == spec + 1 || !slash[1] || slash[1] == '/')
            return 0;
        slash = strchr(slash + 1, '/');
    }
    n = slash ? (size_t)(slash - spec) : strlen(spec);
    if (n == 0 || spec[0] == '.' || memchr(spec, '\\', n) || memchr(spec, '%', n))
        return 0;
    return n;
}

/* The package spec[0..nlen) in dir/node_modules: through its "exports" when
 * it has them (and then nothing else: *final is set), else as a file or
 * directory. */
static int load_node_modules(struct nr_ctx *c, const char *dir, size_t dirlen, const char *spec,
                             size_t nlen, const char *subpath, bool *final, struct buf *out)
{
    struct buf x = BUF_INIT;
    struct nr_pkg *p;
    int rc = NODERES_NOT_FOUND;

    buf_add(&x, dir, dirlen == 1 ? 0 : dirlen);
    buf_addstr(&x, "/node_modules/");
    buf_add(&x, spec, nlen);
    if (!dir_exists(c->r, x.data, x.len)) {
        /* only a single-file module (node_modules/name.js) is left */
        if (!spec[nlen] && load_as_file(buf_cstr(&x), out))
            rc = NODERES_FILE;
        goto out;
    }
    p = pkg_get(c->r, x.data, x.len);
    if (p->state == NR_PKG_BAD) {
        rc = pkg_fail(c, p);
        goto out;
    }
    if (p->state == NR_PKG_OK && json_object_get(p->json, "exports") &&
        !json_is_null(json_object_get(p->json, "exports"))) {
        rc = exports_resolve(c, p, subpath, spec, out);
        *final = true;
        goto out;
    }
    buf_addstr(&x, spec + nlen);
    noderes_normalize(&x);
    rc = load_path(c, buf_cstr(&x), spec[strlen(spec) - 1] == '/', out);
out:
    buf_release(&x);
    return rc;
}

/* PACKAGE_RESOLVE from the directory dir: the package itself by its own
 * name, then node_modules up the tree. */
static int resolve_bare(struct nr_ctx *c, const char *dir, size_t dirlen, const char *spec,
                        struct buf *out)
{
    size_t nlen = package_name_len(spec);
    struct buf sub = BUF_INIT;
    struct nr_pkg *p;
    int rc = NODERES_NOT_FOUND;

    if (noderes_is_builtin(spec))
        return NODERES_BUILTIN;
    if (nlen == 0) {
        fn_err_set(c->err, "'%s' is not a valid package name", spec);
        fn_err_hint(c->err, "a relative path starts with './' or '../'");
        return NODERES_NOT_FOUND;
    }
    buf_addch(&sub, '.');
    buf_addstr(&sub, spec + nlen);

    /* a package may load itself by its name, but only through "exports" */
    p = pkg_scope(c->r, dir, dirlen, NULL);
    if (p && p->state == NR_PKG_OK && json_object_get(p->json, "exports") &&
        !json_is_null(json_object_get(p->json, "exports"))) {
        const char *name = fj_str(p->json, "name", NULL);
        if (name && strlen(name) == nlen && !strncmp(name, spec, nlen)) {
            rc = exports_resolve(c, p, buf_cstr(&sub), spec, out);
            goto out;
        }
    }

    for (;;) {
        if (!is_node_modules(dir, dirlen) && dir_has_node_modules(c->r, dir, dirlen)) {
            bool final = false;
            rc = load_node_modules(c, dir, dirlen, spec, nlen, buf_cstr(&sub), &final, out);
            if (rc != NODERES_NOT_FOUND || final)
                goto out;
        }
        if (dirlen == 1)
            break;
        dirlen = dir_len(dir, dirlen);
    }
    fn_err_set(c->err, "cannot find module '%s'", spec);
    fn_err_hint(c->err, "no node_modules/%.*s was found from the requiring file's directory up; "
                "is it installed (npm install)?", (int)nlen, spec);
    rc = NODERES_NOT_FOUND;
out:
    buf_release(&sub);
    return rc;
}

int noderes_resolve(struct noderes *r, const char *from, const char *specifier,
                    enum noderes_mode mode, struct buf *out, struct fn_err *err)
{
    struct nr_ctx c = { r, mode, err, 0 };
    size_t dlen = dir_len(from, strlen(from));
    const char *spec = specifier;
    struct buf x = BUF_INIT;
    int rc;

    buf_reset(out);
    if (noderes_is_builtin(spec))
        return NODERES_BUILTIN;
    if (tx_starts_with(spec, "file://"))
        spec += 7;
    if (!*spec) {
        fn_err_set(err, "empty module specifier");
        return NODERES_NOT_FOUND;
    }
    if (spec[0] == '#')
        return imports_resolve(&c, from, dlen, spec, out);
    if (spec[0] != '/' && strcmp(spec, ".") && strcmp(spec, "..") &&
        !tx_starts_with(spec, "./") && !tx_starts_with(spec, "../")) {
        if (memchr(spec, ':', strcspn(spec, "/"))) {
            fn_err_set(err, "cannot load '%s': only file: URLs and node: built-ins are "
                       "supported", spec);
            fn_err_hint(err, "node loads no other URL scheme from disk either");
            return NODERES_NOT_FOUND;
        }
        return resolve_bare(&c, from, dlen, spec, out);
    }
    path_set(&x, from, spec[0] == '/' ? 0 : dlen, spec);
    rc = load_path(&c, buf_cstr(&x), spec[strlen(spec) - 1] == '/' || !strcmp(spec, ".") ||
                                         !strcmp(spec, ".."), out);
    if (rc == NODERES_NOT_FOUND) {
        fn_err_set(err, "cannot find '%s' (tried '%s' with the extensions .js, .json, .node and "
                   "as a directory)", specifier, buf_cstr(&x));
        fn_err_hint(err, "check the path; it is relative to the file that loads it");
    }
    buf_release(&x);
    return rc;
}

bool noderes_package_json(struct noderes *r, const char *file, const char *stop_dir,
                          struct buf *out)
{
    struct nr_pkg *p = pkg_scope(r, file, dir_len(file, strlen(file)), stop_dir);

    buf_reset(out);
    if (p)
        buf_addstr(out, p->path);
    return p != NULL;
}

bool noderes_is_esm(struct noderes *r, const char *file)
{
    struct nr_pkg *p;

    if (tx_ends_with(file, ".mjs") || tx_ends_with(file, ".cjs"))
        return tx_ends_with(file, ".mjs");
    p = pkg_scope(r, file, dir_len(file, strlen(file)), NULL);
    return p && p->state == NR_PKG_OK && !strcmp(fj_str(p->json, "type", ""), "module");
}

bool noderes_is_optional(struct noderes *r, const char *from, const char *specifier)
{
    size_t nlen = package_name_len(specifier);
    struct nr_pkg *p = pkg_scope(r, from, dir_len(from, strlen(from)), NULL);
    const json_t *meta;
    char *name;
    bool optional;
    if (!nlen || !p || p->state != NR_PKG_OK)
        return false;
    name = xstrndup(specifier, nlen);
    meta = json_object_get(json_object_get(p->json, "peerDependenciesMeta"), name);
    optional = json_object_get(json_object_get(p->json, "optionalDependencies"), name) ||
               json_is_true(json_object_get(meta, "optional"));
    free(name);
    return optional;
}
