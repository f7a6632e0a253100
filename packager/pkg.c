/* pkg: see pkg.h.
 *
 * One zip is built from a "unit": the functions it serves, the package
 * sections whose patterns apply, and whether it is a prebuilt artifact.
 * Serverless's rules: with package.individually (service level, or on the
 * function) a function gets <function>.zip built from the service's and its
 * own patterns; every other function shares <service>.zip built from the
 * service's patterns only; package.artifact replaces the build. */
#include "pkg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "patterns.h"
#include "text.h"
#include "trace.h"
#include "xalloc.h"
#include "zipw.h"
#include "banned.h"

#define PKG_DEFAULT_MTIME 315532800 /* 1980-01-01T00:00:00Z: the earliest DOS date */
#define PKG_MAX_CONTRIBS 10

time_t pkg_default_mtime(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long v;

    if (sde && *sde) {
        errno = 0;
        v = strtoll(sde, &end, 10);
        /* zip's DOS dates start in 1980 and end in 2107 */
        if (!errno && end && *end == '\0' && v >= PKG_DEFAULT_MTIME && v < 4354819200LL)
            return (time_t)v;
    }
    return (time_t)PKG_DEFAULT_MTIME;
}

/* --- the files of one unit --- */

/* A file and where it goes in the zip. */
struct pkg_file {
    const char *path; /* relative to the service dir (borrowed) */
    const char *name; /* inside the zip (borrowed) */
    const char *link; /* a symlink entry's target (borrowed), or NULL for a file */
};

/* The traced files of a unit with their zip names, sorted by path so that a
 * file's name is found by bsearch after the patterns have run. */
struct pkg_traced {
    struct pkg_file *files;
    size_t n, cap;
    struct strvec paths; /* sorted, unique: pat_apply's `traced` */
    struct trace_result *results; /* owned; the strings above point into them */
    size_t n_results;
};

static void traced_add(struct pkg_traced *t, const char *path, const char *name)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->files = xreallocarray(t->files, t->cap, sizeof(*t->files));
    }
    t->files[t->n].path = path;
    t->files[t->n].name = name;
    t->n++;
    strvec_push(&t->paths, path);
}

static int cmp_file_path(const void *a, const void *b)
{
    return strcmp(((const struct pkg_file *)a)->path, ((const struct pkg_file *)b)->path);
}

static const char *traced_name(const struct pkg_traced *t, const char *path)
{
    struct pkg_file key = { path, NULL, NULL };
    const struct pkg_file *f;

    if (!t->n)
        return path; /* (bsearch must not see a NULL array) */
    f = bsearch(&key, t->files, t->n, sizeof(*t->files), cmp_file_path);
    return f ? f->name : path;
}

static void traced_release(struct pkg_traced *t)
{
    for (size_t i = 0; i < t->n_results; i++)
        trace_result_release(&t->results[i]);
    free(t->results);
    free(t->files);
    strvec_clear(&t->paths);
    memset(t, 0, sizeof(*t));
}

/* Whether the runtime already has the AWS SDK the code would load: the
 * node runtimes from nodejs18.x ship SDK v3 (@aws-sdk/...), every python
 * runtime ships boto3. */
static bool runtime_ships_sdk(const char *runtime)
{
    long major;
    char digits[8];
    size_t n = 0;

    if (!runtime)
        return false;
    if (tx_starts_with(runtime, "python"))
        return true;
    if (!tx_starts_with(runtime, "nodejs"))
        return false;
    for (const char *p = runtime + 6; *p >= '0' && *p <= '9' && n < sizeof(digits) - 1; p++)
        digits[n++] = *p;
    digits[n] = '\0';
    return tx_parse_long(digits, 0, 1000, &major) && major >= 18;
}

/* The handler's own file for runtimes without a tracer: go's "bin/hello",
 * or a provided runtime's "bootstrap" (at the root, as Lambda runs it). */
static void trace_handler_file(const char *root, const struct mf_function *fn,
                               struct trace_result *res)
{
    struct buf path = BUF_INIT;
    const char *rel = NULL;

    if (fn->runtime && tx_starts_with(fn->runtime, "provided"))
        rel = "bootstrap";
    else if (fn->handler)
        rel = fn->handler;
    if (rel) {
        fs_join(&path, root, rel);
        if (fs_is_file(buf_cstr(&path))) {
            strvec_push(&res->files, rel);
            strvec_push(&res->names, rel);
        }
    }
    buf_release(&path);
}

static int trace_function(const char *root, const struct mf_function *fn,
                          const struct pkg_opts *opts, struct trace_result *res,
                          bool *untraced, struct fn_err *err)
{
    struct trace_opts to = {
        .service_dir = root,
        .handler = fn->handler,
        .runtime = fn->runtime,
        .skip_aws_sdk = !opts->bundle_aws_sdk && runtime_ships_sdk(fn->runtime),
    };
    char kind = fn->handler ? trace_kind(fn->runtime) : 0;
    int rc;

    *untraced = kind == 0;
    if (kind == 'n')
        rc = trace_node(&to, res, err);
    else if (kind == 'p')
        rc = trace_python(&to, res, err);
    else {
        trace_handler_file(root, fn, res);
        return 0;
    }
    if (rc < 0 && !err->file[0])
        fn_err_at(err, fn->loc.file, fn->loc.line, fn->loc.col);
    return rc;
}

/* --- units --- */

struct pkg_unit {
    const char *name;                   /* zip base name */
    struct strvec functions;            /* keys */
    const struct mf_package *fn_package; /* individually: the function's section */
    const char *artifact;               /* prebuilt zip, or NULL */
};

static bool wanted(const struct pkg_opts *opts, const char *key)
{
    if (!opts->n_functions)
        return true;
    for (size_t i = 0; i < opts->n_functions; i++)
        if (!strcmp(opts->functions[i], key))
            return true;
    return false;
}

int pkg_check_functions(const struct manifest *m, const struct pkg_opts *opts,
                        struct fn_err *err)
{
    const char **keys = xcalloc(m->n_functions + 1, sizeof(*keys));
    int rc = 0;

    for (size_t i = 0; i < m->n_functions; i++)
        keys[i] = m->functions[i].key;
    for (size_t i = 0; i < opts->n_functions && rc == 0; i++) {
        const char *want = opts->functions[i];
        const char *near;
        bool found = false;
        for (size_t j = 0; j < m->n_functions; j++)
            found = found || !strcmp(keys[j], want);
        if (found)
            continue;
        rc = fn_err_set(err, "no function '%s' in %s", want, fs_basename(m->path));
        near = tx_suggest(want, keys);
        if (near)
            fn_err_hint(err, "did you mean '%s'?", near);
        else
            fn_err_hint(err, "'fnctl validate --print' lists the functions");
    }
    free(keys);
    return rc;
}

/* The package section individually applies to: the function's own
 * `individually`, else the service's. */
static bool is_individual(const struct manifest *m, const struct mf_function *fn)
{
    if (fn->package.individually >= 0)
        return fn->package.individually == 1;
    return m->package.individually == 1;
}

static size_t plan_units(const struct manifest *m, const struct pkg_opts *opts,
                         struct pkg_unit *units)
{
    size_t n = 0;
    struct pkg_unit *shared = NULL;

    for (size_t i = 0; i < m->n_functions; i++) {
        const struct mf_function *fn = &m->functions[i];
        struct pkg_unit *u;
        if (!wanted(opts, fn->key) || fn->image)
            continue;
        if (fn->package.artifact || is_individual(m, fn)) {
            u = &units[n++];
            memset(u, 0, sizeof(*u));
            u->name = fn->key;
            u->fn_package = &fn->package;
            u->artifact = fn->package.artifact;
        } else {
            if (!shared) {
                shared = &units[n++];
                memset(shared, 0, sizeof(*shared));
                shared->name = m->service;
                shared->artifact = m->package.artifact;
            }
            u = shared;
        }
        strvec_push(&u->functions, fn->key);
    }
    return n;
}

/* --- the report --- */

/* Which package a zip entry belongs to, for the largest contributors. */
static void contrib_name(const char *name, const char *path, struct buf *out)
{
    const char *p = name, *slash;
    const char *nm = strstr(name, "node_modules/");

    buf_reset(out);
    if (nm) {
        /* the last node_modules/ level: nested copies count for themselves */
        const char *next;
        while ((next = strstr(nm + 1, "node_modules/")))
            nm = next;
        p = nm + strlen("node_modules/");
        slash = strchr(p, '/');
        if (*p == '@' && slash)
            slash = strchr(slash + 1, '/');
        buf_add(out, p, slash ? (size_t)(slash - p) : strlen(p));
        return;
    }
    if (strcmp(name, path) != 0) {
        /* a vendored python distribution: its top-level module or package */
        size_t len;
        slash = strchr(p, '/');
        len = slash ? (size_t)(slash - p) : strlen(p);
        if (len > 10 && !strncmp(p + len - 10, ".dist-info", 10)) {
            const char *dash = memchr(p, '-', len);
            len = dash ? (size_t)(dash - p) : len - 10;
        } else if (!slash && tx_ends_with(p, ".py")) {
            len -= 3;
        } else if (!slash) {
            const char *dot = strchr(p, '.');
            if (dot)
                len = (size_t)(dot - p); /* _cffi_backend.cpython-311-x86_64-linux-gnu.so */
        }
        buf_add(out, p, len);
        return;
    }
    buf_addstr(out, "(function code)");
}

static int cmp_contrib(const void *a, const void *b)
{
    const struct pkg_contrib *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void add_contribs(struct pkg_zip *z, const struct pkg_file *files, size_t n,
                         const uint64_t *sizes)
{
    struct buf name = BUF_INIT;
    struct pkg_contrib *all = NULL;
    size_t n_all = 0, cap = 0;

    for (size_t i = 0; i < n; i++) {
        size_t j;
        contrib_name(files[i].name, files[i].path, &name);
        for (j = 0; j < n_all && strcmp(all[j].name, buf_cstr(&name)); j++)
            ;
        if (j == n_all) {
            if (n_all == cap) {
                cap = cap ? 2 * cap : 16;
                all = xreallocarray(all, cap, sizeof(*all));
            }
            all[n_all].name = xstrdup(buf_cstr(&name));
            all[n_all].bytes = 0;
            all[n_all].files = 0;
            n_all++;
        }
        all[j].bytes += sizes[i];
        all[j].files++;
    }
    if (n_all)
        qsort(all, n_all, sizeof(*all), cmp_contrib);
    for (size_t i = PKG_MAX_CONTRIBS; i < n_all; i++)
        free(all[i].name);
    z->contribs = all;
    z->n_contribs = n_all < PKG_MAX_CONTRIBS ? n_all : PKG_MAX_CONTRIBS;
    buf_release(&name);
}

/* The base64 request AWS receives for a direct upload holds the zip as
 * base64: 4 bytes per 3. */
static uint64_t request_size(uint64_t zipped)
{
    return (zipped + 2) / 3 * 4;
}

static void check_limits(struct pkg_zip *z, struct fn_err *err)
{
    const char *what = NULL;

    if (request_size(z->zipped) > PKG_LIMIT_REQUEST)
        what = "zipped";
    else if (z->unzipped > PKG_LIMIT_UNZIPPED)
        what = "unzipped";
    if (!what)
        return;
    z->over_limit = true;
    if (fn_err_is_set(err))
        return;
    if (what[0] == 'z')
        fn_err_set(err, "%s.zip is %llu bytes zipped, over Lambda's 50 MB (52,428,800 bytes) "
                        "limit for a direct upload", z->name, (unsigned long long)z->zipped);
    else
        fn_err_set(err, "%s.zip unzips to %llu bytes, over Lambda's 250 MB (262,144,000 bytes) "
                        "limit", z->name, (unsigned long long)z->unzipped);
    if (z->n_contribs >= 1) {
        char top[FN_ERR_MSG_MAX] = "";
        size_t used = 0;
        for (size_t i = 0; i < z->n_contribs && i < 3 && used < sizeof(top); i++)
            used += (size_t)snprintf(top + used, sizeof(top) - used, "%s%s (%llu bytes)",
                                     i ? ", " : "", z->contribs[i].name,
                                     (unsigned long long)z->contribs[i].bytes);
        fn_err_hint(err, "the largest parts are %s; exclude what the function does not need "
                         "with package.patterns, or move dependencies to a layer", top);
    }
}

/* --- building --- */

static void add_warnings(struct pkg_report *r, const struct trace_result *res)
{
    for (size_t i = 0; i < res->n_warnings; i++) {
        const struct fn_err *w = &res->warnings[i];
        bool dup = false;
        for (size_t j = 0; j < r->n_warnings && !dup; j++)
            dup = !strcmp(r->warnings[j].msg, w->msg) && !strcmp(r->warnings[j].file, w->file) &&
                  r->warnings[j].line == w->line && r->warnings[j].col == w->col;
        if (dup)
            continue;
        r->warnings = xreallocarray(r->warnings, r->n_warnings + 1, sizeof(*r->warnings));
        r->warnings[r->n_warnings++] = *w;
    }
}

static int build_artifact(const char *root, const struct pkg_unit *u, struct pkg_zip *z,
                          struct fn_err *err)
{
    struct zipw_stats st = { 0 };
    struct buf path = BUF_INIT;
    int rc;

    if (u->artifact[0] == '/')
        buf_addstr(&path, u->artifact);
    else
        fs_join(&path, root, u->artifact);
    z->artifact = true;
    z->path = xstrdup(buf_cstr(&path));
    rc = zipw_hash_file(z->path, &st, err);
    if (rc < 0) {
        fn_err_hint(err, "package.artifact names a zip built elsewhere; build it first or remove "
                         "the setting");
    } else {
        z->zipped = st.zipped;
        memcpy(z->code_sha256, st.code_sha256, sizeof(z->code_sha256));
    }
    zipw_stats_release(&st);
    buf_release(&path);
    return rc;
}

/* Serverless v3's default excludes (and the manifest itself, added apart). */
static const char *const default_excludes[] = {
    "!.git/**", "!.gitignore", "!.DS_Store", "!npm-debug.log*", "!yarn-*.log",
    "!.serverless/**", "!.serverless_plugins/**", NULL,
};

static int cmp_file_name(const void *a, const void *b)
{
    return strcmp(((const struct pkg_file *)a)->name, ((const struct pkg_file *)b)->name);
}

static int build_unit(const struct manifest *m, const char *root, const struct pkg_opts *opts,
                      const struct pat_walk *walk, const struct pkg_unit *u, const char *out_dir,
                      struct pkg_zip *z, struct pkg_report *report, struct fn_err *err)
{
    struct pkg_traced t = { 0 };
    struct strvec patterns = STRVEC_INIT, files = STRVEC_INIT;
    struct pkg_file *entries = NULL;
    struct zipw_entry *zentries = NULL;
    struct zipw_stats st = { 0 };
    struct buf zip_path = BUF_INIT;
    struct strvec srcs = STRVEC_INIT;
    bool any_untraced = false;
    size_t n = 0;
    int rc = -1;

    z->name = xstrdup(u->name);
    for (size_t i = 0; i < u->functions.n; i++)
        strvec_push(&z->functions, u->functions.v[i]);
    if (u->artifact) {
        rc = build_artifact(root, u, z, err);
        goto out;
    }

    /* what the handlers reach */
    t.results = xcalloc(u->functions.n, sizeof(*t.results));
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct mf_function *fn = &m->functions[i];
        struct trace_result *res = &t.results[t.n_results];
        bool untraced;
        if (strvec_find(&u->functions, fn->key) < 0)
            continue;
        t.n_results++;
        if (trace_function(root, fn, opts, res, &untraced, err) < 0)
            goto out;
        any_untraced = any_untraced || untraced;
        add_warnings(report, res);
        for (size_t j = 0; j < res->files.n; j++)
            traced_add(&t, res->files.v[j], res->names.v[j]);
    }
    if (t.n)
        qsort(t.files, t.n, sizeof(*t.files), cmp_file_path);
    strvec_sort_unique(&t.paths);

    /* the patterns: Serverless's '**' first for code fnctl cannot trace,
     * then its default excludes, which the user's patterns may override */
    if (any_untraced)
        strvec_push(&patterns, "**");
    for (size_t i = 0; default_excludes[i]; i++)
        strvec_push(&patterns, default_excludes[i]);
    strvec_pushf(&patterns, "!%s", fs_basename(m->path));
    pat_list_build(&m->package, u->fn_package, &patterns);
    for (size_t i = 0; i < t.paths.n; i++)
        strvec_push(&files, t.paths.v[i]);
    if (pat_apply(walk, &patterns, &t.paths, &files, err) < 0)
        goto out;

    /* the zip's entries, sorted by their names in the zip: the files, and
     * the links node goes through to reach them (pnpm's layout) */
    size_t n_links = 0;
    for (size_t r = 0; r < t.n_results; r++)
        n_links += t.results[r].links.n;
    entries = xcalloc(files.n + n_links + 1, sizeof(*entries));
    for (size_t i = 0; i < files.n; i++) {
        entries[n].path = files.v[i];
        entries[n].name = traced_name(&t, files.v[i]);
        n++;
    }
    for (size_t r = 0; r < t.n_results; r++) {
        const struct trace_result *res = &t.results[r];
        for (size_t i = 0; i < res->links.n; i++) {
            bool seen = false; /* (two functions of a unit go through the same links) */
            for (size_t k = files.n; k < n && !seen; k++)
                seen = !strcmp(entries[k].name, res->links.v[i]) &&
                       !strcmp(entries[k].link, res->link_targets.v[i]);
            if (!seen)
                entries[n++] = (struct pkg_file){ res->links.v[i], res->links.v[i],
                                                  res->link_targets.v[i] };
        }
    }
    if (n)
        qsort(entries, n, sizeof(*entries), cmp_file_name);
    zentries = xcalloc(n + 1, sizeof(*zentries));
    for (size_t i = 0; i < n; i++) {
        struct buf src = BUF_INIT;
        if (i > 0 && !strcmp(entries[i].name, entries[i - 1].name)) {
            fn_err_set(err, "two files would be '%s' in %s.zip: '%s' and '%s'", entries[i].name,
                       u->name, entries[i - 1].path, entries[i].path);
            fn_err_hint(err, "exclude one of them with package.patterns");
            goto out;
        }
        fs_join(&src, root, entries[i].path);
        strvec_push_owned(&srcs, buf_detach(&src, NULL));
        zentries[i].name = entries[i].name;
        zentries[i].src = entries[i].link ? NULL : srcs.v[i];
        zentries[i].link = entries[i].link;
    }
    if (n == 0) {
        fn_err_set(err, "nothing to package for %s.zip", u->name);
        fn_err_hint(err, "check the handler path and package.patterns of '%s'",
                    u->functions.v[0]);
        goto out;
    }

    fs_join(&zip_path, out_dir, u->name);
    buf_addstr(&zip_path, ".zip");
    if (zipw_write(buf_cstr(&zip_path), root, zentries, n, opts->mtime, &st, err) < 0)
        goto out;
    z->path = xstrdup(buf_cstr(&zip_path));
    z->zipped = st.zipped;
    z->unzipped = st.unzipped;
    z->n_files = st.n_files;
    memcpy(z->code_sha256, st.code_sha256, sizeof(z->code_sha256));
    add_contribs(z, entries, n, st.sizes);
    rc = 0;
out:
    zipw_stats_release(&st);
    buf_release(&zip_path);
    strvec_clear(&srcs);
    free(zentries);
    free(entries);
    strvec_clear(&files);
    strvec_clear(&patterns);
    traced_release(&t);
    return rc;
}

int pkg_build(const struct manifest *m, const struct pkg_opts *opts, struct pkg_report *out,
              struct fn_err *err)
{
    struct pat_walk *walk = NULL;
    struct pkg_unit *units = NULL;
    struct buf out_dir = BUF_INIT;
    char *root = NULL;
    size_t n_units = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (pkg_check_functions(m, opts, err) < 0)
        return -1;
    /* the tracers, the walk and the zip writer work on absolute paths */
    root = realpath(m->dir, NULL);
    if (!root)
        return fn_err_errno(err, errno, "cannot resolve the service directory '%s'", m->dir);
    if (opts->out_dir)
        buf_addstr(&out_dir, opts->out_dir);
    else
        fs_join(&out_dir, root, ".fnctl/dist");
    if (fs_mkdir_p(buf_cstr(&out_dir), 0755, err) < 0)
        goto out;
    if (pat_walk_open(root, &walk, err) < 0)
        goto out;

    units = xcalloc(m->n_functions + 1, sizeof(*units));
    n_units = plan_units(m, opts, units);
    if (n_units == 0) {
        fn_err_set(err, "no function to package in %s", fs_basename(m->path));
        fn_err_hint(err, "functions with a handler are packaged; image functions are built "
                         "with docker");
        goto out;
    }
    out->zips = xcalloc(n_units, sizeof(*out->zips));
    for (size_t i = 0; i < n_units; i++) {
        struct pkg_zip *z = &out->zips[out->n_zips++];
        if (build_unit(m, root, opts, walk, &units[i], buf_cstr(&out_dir), z, out, err) < 0)
            goto out;
    }
    rc = 0;
    for (size_t i = 0; i < out->n_zips; i++) {
        check_limits(&out->zips[i], err);
        if (out->zips[i].over_limit)
            rc = -1;
    }
out:
    for (size_t i = 0; i < n_units; i++)
        strvec_clear(&units[i].functions);
    free(units);
    pat_walk_free(walk);
    buf_release(&out_dir);
    free(root);
    return rc;
}

void pkg_report_release(struct pkg_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_zips; i++) {
        struct pkg_zip *z = &r->zips[i];
        free(z->name);
        free(z->path);
        strvec_clear(&z->functions);
        for (size_t j = 0; j < z->n_contribs; j++)
            free(z->contribs[j].name);
        free(z->contribs);
    }
    free(r->zips);
    free(r->warnings);
    memset(r, 0, sizeof(*r));
}
