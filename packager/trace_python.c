/* trace_python: the files a python handler can reach (see trace.h).
 *
 * Modules are looked up as Lambda's runtime finds them: sys.path is the
 * task root (the zip's root) and nothing else the function ships. The
 * search roots are the service directory (zip name = path) and the
 * vendored site-packages directories in it (a virtualenv's
 * lib/python3.x/site-packages, a `pip install -t DIR` target), whose files
 * go to the zip's root. A name is looked up in each root in turn, with
 * Python's order inside one: a regular package (DIR/__init__.py), a source
 * module, an extension module (*.so, *.pyd); directories without
 * __init__.py are namespace package portions, used only when no root has a
 * regular module. Third-party packages (from a vendored root, or owned by a
 * *.dist-info in the service directory) are traced like the function's own
 * code, and keep their data files and their distribution's metadata.
 * Third-party code is trusted more than it is checked: an import it makes
 * inside a block (a lazy or conditional one) that is found nowhere is not a
 * warning, and a computed import in it keeps the whole package. */
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "file.h"
#include "pylex.h"
#include "strset.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* Larger sources are not lexed (a generated file, not code to follow). */
#define PYT_MAX_SOURCE (16u << 20)

/* Shipped by Lambda's python runtimes: not warned about when not vendored
 * (boto3, botocore and s3transfer are also left out when skip_aws_sdk). */
static const char *const runtime_names[] = {
    "awslambdaric", "boto3", "botocore", "dateutil", "jmespath", "s3transfer", "six", "urllib3",
};
static const char *const aws_sdk_names[] = {"boto3", "botocore", "s3transfer"};

struct root {
    char *rel; /* relative to the service directory; "" for itself */
    char *abs;
    bool dists_loaded;
    struct strvec dist_top, dist_dir; /* parallel: a top-level name, the metadata dir owning it */
};

/* A source file to trace. */
struct pymod {
    char *file;    /* relative to the service directory */
    char *name;    /* dotted module name */
    bool is_pkg;   /* an __init__.py */
    bool optional; /* reached by an optional import: its own imports are too */
    size_t root;
};

struct pyt {
    const struct trace_opts *opts;
    struct trace_result *out;
    struct root *roots;
    size_t n_roots;
    struct strset seen; /* the files taken, and "\n"-prefixed keys for the packages expanded
                         * or taken whole (once()) */
    struct pymod *queue; /* the .py files to lex, in the order found */
    size_t n_queue, cap_queue;
    bool optional;   /* what take() queues now is reached by an optional import */
    struct buf path; /* scratch */
};

/* Where a package's submodules are looked for: one directory for a regular
 * package, every portion of a namespace package. */
struct portion {
    size_t root;
    char *dir; /* relative to the root */
};

struct portions {
    struct portion *v;
    size_t n, cap;
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

#define IN_LIST(name, list) in_list(name, list, sizeof(list) / sizeof(list[0]))

/* Adds the key "\n<root>:<name>"; false when it was there already. */
static bool once(struct pyt *t, const char *what, size_t r, const char *name)
{
    char *key = xasprintf("\n%s:%zu:%s", what, r, name);
    bool added = strset_add(&t->seen, key) != NULL;
    free(key);
    return added;
}

/* --- paths --- */

/* The absolute path of rel in root r (in t->path). */
static const char *root_path(struct pyt *t, size_t r, const char *rel)
{
    fs_join(&t->path, t->roots[r].abs, rel);
    return buf_cstr(&t->path);
}

static char *join_rel(const char *a, const char *b)
{
    return *a ? xasprintf("%s/%s", a, b) : xstrdup(b);
}

static bool is_ident(const char *s, size_t len)
{
    if (len == 0 || (*s >= '0' && *s <= '9'))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c >= 0x80))
            return false;
    }
    return true;
}

/* Every component of a dotted name is an identifier (which also keeps the
 * lookups inside the roots: no "/", no ".."). */
static bool is_dotted(const char *s)
{
    for (;;) {
        size_t len = strcspn(s, ".");
        if (!is_ident(s, len))
            return false;
        if (!s[len])
            return true;
        s += len + 1;
    }
}

static char *top_name(const char *dotted)
{
    return xstrndup(dotted, strcspn(dotted, "."));
}

/* --- collecting files --- */

/* Takes rel (relative to root r); a .py file is queued to be traced. */
static void take(struct pyt *t, size_t r, const char *rel)
{
    char *file = join_rel(t->roots[r].rel, rel);
    struct pymod *m;
    size_t len = strlen(rel);

    if (!strset_add(&t->seen, file)) {
        free(file);
        return;
    }
    trace_result_add(t->out, file, rel);
    if (!tx_ends_with(rel, ".py")) {
        free(file);
        return;
    }
    if (t->n_queue == t->cap_queue) {
        t->cap_queue = t->cap_queue ? t->cap_queue * 2 : 16;
        t->queue = xreallocarray(t->queue, t->cap_queue, sizeof(*t->queue));
    }
    m = &t->queue[t->n_queue++];
    m->file = file;
    m->root = r;
    m->optional = t->optional;
    m->is_pkg = !strcmp(fs_basename(rel), "__init__.py");
    len -= m->is_pkg ? (len > 12 ? 12 : len) : 3; /* "a/b/__init__.py" -> "a/b" */
    m->name = xstrndup(rel, len);
    for (char *p = m->name; *p; p++)
        if (*p == '/')
            *p = '.';
}

/* Takes the files under rel in root r (recursively; symlinked directories
 * are not followed), never bytecode: the data files, or every file when
 * with_code. */
static void take_tree(struct pyt *t, size_t r, const char *rel, bool with_code, int depth)
{
    struct strvec names = STRVEC_INIT;

    fs_list_dir(root_path(t, r, rel), &names, NULL);
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.v[i];
        char *sub = join_rel(rel, n);
        const char *abs = root_path(t, r, sub);
        struct stat st;
        bool skip = !strcmp(n, "__pycache__") || tx_ends_with(n, ".pyc") ||
                    (!with_code && (tx_ends_with(n, ".py") || tx_ends_with(n, ".pyi")));
        if (!skip && lstat(abs, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < 32)
                take_tree(t, r, sub, with_code, depth + 1);
            else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && fs_is_file(abs)))
                take(t, r, sub);
        }
        free(sub);
    }
    strvec_clear(&names);
}

/* --- distributions --- */

/* Appends the lines of file rel in root r (none when it cannot be read). */
static void read_lines(struct pyt *t, size_t r, const char *rel, struct strvec *out)
{
    struct buf text = BUF_INIT;

    if (fs_read_file(root_path(t, r, rel), &text, 16u << 20, NULL) == 0)
        for (const char *line = buf_cstr(&text); *line;) {
            size_t len = strcspn(line, "\r\n");
            if (len)
                strvec_push_owned(out, xstrndup(line, len));
            line += len;
            line += strspn(line, "\r\n");
        }
    buf_release(&text);
}

/* The paths a distribution's RECORD lists ("path,hash,size" lines). */
static void record_paths(struct pyt *t, size_t r, const char *dist, struct strvec *out)
{
    char *rel = xasprintf("%s/RECORD", dist);

    read_lines(t, r, rel, out);
    for (size_t i = 0; i < out->n; i++)
        out->v[i][strcspn(out->v[i], ",")] = '\0';
    free(rel);
}

static void add_dist_top(struct root *rt, const char *top, size_t len, const char *dist)
{
    if (is_ident(top, len)) {
        strvec_push_owned(&rt->dist_top, xstrndup(top, len));
        strvec_push(&rt->dist_dir, dist);
    }
}

/* Which metadata directories of root r own which top-level names: from
 * top_level.txt, else from RECORD ("pkg/...", or a module file "six.py",
 * "_cffi_backend.cpython-311-x86_64-linux-gnu.so"). */
static void load_dists(struct pyt *t, size_t r)
{
    struct root *rt = &t->roots[r];
    struct strvec dirs = STRVEC_INIT;

    rt->dists_loaded = true;
    fs_list_dir(rt->abs, &dirs, NULL);
    for (size_t i = 0; i < dirs.n; i++) {
        struct strvec lines = STRVEC_INIT;
        char *rel;
        if (!tx_ends_with(dirs.v[i], ".dist-info") && !tx_ends_with(dirs.v[i], ".egg-info"))
            continue;
        rel = xasprintf("%s/top_level.txt", dirs.v[i]);
        read_lines(t, r, rel, &lines);
        for (size_t k = 0; k < lines.n; k++)
            add_dist_top(rt, lines.v[k], strlen(lines.v[k]), dirs.v[i]);
        if (!lines.n) {
            record_paths(t, r, dirs.v[i], &lines);
            for (size_t k = 0; k < lines.n; k++) {
                const char *p = lines.v[k];
                size_t comp = strcspn(p, "/");
                add_dist_top(rt, p, p[comp] == '/' ? comp : strcspn(p, "."), dirs.v[i]);
            }
        }
        strvec_clear(&lines);
        free(rel);
    }
    strvec_clear(&dirs);
}

static bool third_party(struct pyt *t, size_t r, const char *top)
{
    if (r > 0)
        return true;
    if (!t->roots[r].dists_loaded)
        load_dists(t, r);
    return strvec_find(&t->roots[r].dist_top, top) >= 0;
}

/* A third-party top-level package found in root r: its data files, its
 * distribution's metadata directory, and the files its RECORD puts in a
 * "<name>.libs" directory (the shared libraries manylinux wheels bundle). */
static void expand(struct pyt *t, size_t r, const char *top)
{
    struct root *rt = &t->roots[r];

    if (!once(t, "expand", r, top))
        return;
    if (fs_is_dir(root_path(t, r, top)))
        take_tree(t, r, top, false, 0);
    if (!rt->dists_loaded)
        load_dists(t, r);
    for (size_t i = 0; i < rt->dist_top.n; i++) {
        struct strvec paths = STRVEC_INIT;
        if (strcmp(rt->dist_top.v[i], top))
            continue;
        take_tree(t, r, rt->dist_dir.v[i], true, 0);
        record_paths(t, r, rt->dist_dir.v[i], &paths);
        for (size_t k = 0; k < paths.n; k++) {
            const char *p = paths.v[k];
            size_t comp = strcspn(p, "/");
            if (p[comp] == '/' && comp > 5 && !strncmp(p + comp - 5, ".libs", 5) &&
                !strstr(p, "..") && fs_is_file(root_path(t, r, p)))
                take(t, r, p);
        }
        strvec_clear(&paths);
    }
}

/* A package whose imports cannot be followed: all of it. What its modules
 * import is then optional: nothing says they run. */
static void take_whole(struct pyt *t, size_t r, const char *top)
{
    bool optional = t->optional;

    t->optional = true;
    if (once(t, "whole", r, top) && fs_is_dir(root_path(t, r, top)))
        take_tree(t, r, top, true, 0);
    t->optional = optional;
}

/* --- resolution --- */

static void portions_push(struct portions *p, size_t root, char *dir)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
    }
    p->v[p->n++] = (struct portion){root, dir};
}

static void portions_clear(struct portions *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].dir);
    p->n = 0;
}

/* An extension module `name` in dir of root r: "name.<tag>.so", "name.so",
 * "name.pyd" (the first by bytes when there are several), or NULL. */
static char *find_extension(struct pyt *t, size_t r, const char *dir, const char *name)
{
    struct strvec names = STRVEC_INIT;
    size_t len = strlen(name);
    char *rel = NULL;

    fs_list_dir(root_path(t, r, dir), &names, NULL);
    for (size_t i = 0; i < names.n && !rel; i++) {
        const char *n = names.v[i];
        if (!strncmp(n, name, len) && n[len] == '.' &&
            (tx_ends_with(n, ".so") || tx_ends_with(n, ".pyd"))) {
            rel = join_rel(dir, n);
            if (!fs_is_file(root_path(t, r, rel))) {
                free(rel);
                rel = NULL;
            }
        }
    }
    strvec_clear(&names);
    return rel;
}

enum found { NOT_FOUND, FOUND_MODULE, FOUND_PACKAGE };

/* One component in the directories of cur: a regular package ends the
 * search (and becomes the only portion), as do a source or extension
 * module; directories without __init__.py are namespace portions. */
static enum found find_component(struct pyt *t, const struct portions *cur, const char *comp,
                                 struct portions *next)
{
    struct buf rel = BUF_INIT;
    enum found here = NOT_FOUND;

    for (size_t i = 0; i < cur->n && here == NOT_FOUND; i++) {
        size_t r = cur->v[i].root;
        char *dir = join_rel(cur->v[i].dir, comp), *ext = NULL;
        buf_reset(&rel);
        buf_addf(&rel, "%s/__init__.py", dir);
        if (fs_is_file(root_path(t, r, buf_cstr(&rel)))) {
            portions_clear(next);
            take(t, r, buf_cstr(&rel));
            here = FOUND_PACKAGE;
        } else {
            buf_reset(&rel);
            buf_addf(&rel, "%s.py", dir);
            if (fs_is_file(root_path(t, r, buf_cstr(&rel)))) {
                take(t, r, buf_cstr(&rel));
                here = FOUND_MODULE;
            } else if ((ext = find_extension(t, r, cur->v[i].dir, comp))) {
                take(t, r, ext);
                free(ext);
                here = FOUND_MODULE;
            }
        }
        if (here == FOUND_MODULE) { /* next names its root only */
            portions_clear(next);
            portions_push(next, r, xstrdup(""));
        }
        if (here == FOUND_PACKAGE || (here == NOT_FOUND && fs_is_dir(root_path(t, r, dir))))
            portions_push(next, r, dir);
        else
            free(dir);
    }
    buf_release(&rel);
    if (here == NOT_FOUND && next->n)
        here = FOUND_PACKAGE; /* a namespace package */
    return here;
}

/* Looks dotted up as Python's path finder would, taking every file it
 * passes (each package's __init__.py, then the module). *top_root is the
 * root the top-level name was found in. */
static enum found resolve(struct pyt *t, const char *dotted, size_t *top_root)
{
    struct portions cur = {NULL, 0, 0}, next = {NULL, 0, 0}, swap;
    enum found res = NOT_FOUND;
    char *name = xstrdup(dotted);

    *top_root = 0;
    for (size_t i = 0; i < t->n_roots; i++)
        portions_push(&cur, i, xstrdup(""));
    for (char *comp = name; comp;) {
        char *dot = strchr(comp, '.');
        if (dot)
            *dot = '\0';
        res = find_component(t, &cur, comp, &next);
        if (comp == name && next.n)
            *top_root = next.v[0].root;
        portions_clear(&cur);
        if (res == NOT_FOUND || (res == FOUND_MODULE && dot)) {
            res = NOT_FOUND; /* a module has no submodules */
            break;
        }
        swap = cur;
        cur = next;
        next = swap;
        comp = dot ? dot + 1 : NULL;
    }
    portions_clear(&cur);
    portions_clear(&next);
    free(cur.v);
    free(next.v);
    free(name);
    return res;
}

/* --- the roots --- */

static void add_root(struct pyt *t, const char *rel)
{
    t->roots = xreallocarray(t->roots, t->n_roots + 1, sizeof(*t->roots));
    t->roots[t->n_roots] = (struct root){.rel = xstrdup(rel)};
    fs_join(&t->path, t->opts->service_dir, rel);
    t->roots[t->n_roots].abs = xstrdup(buf_cstr(&t->path));
    t->n_roots++;
}

/* The vendored site-packages of the service directory: DIR/lib/python3.X/
 * site-packages of a virtualenv (the runtime's version first) and any
 * top-level directory holding *.dist-info directories (`pip install -t`). */
static void find_roots(struct pyt *t)
{
    static const char *const skip[] = {".git", ".serverless", ".fnctl", "node_modules",
                                       "__pycache__"};
    struct strvec top = STRVEC_INIT;
    const char *rt = t->opts->runtime ? t->opts->runtime : "";
    struct buf p = BUF_INIT;

    add_root(t, "");
    fs_list_dir(t->roots[0].abs, &top, NULL);
    for (size_t i = 0; i < top.n; i++) {
        struct strvec py = STRVEC_INIT;
        if (IN_LIST(top.v[i], skip) || !fs_is_dir(root_path(t, 0, top.v[i])))
            continue;
        fs_join(&p, top.v[i], "lib");
        fs_list_dir(root_path(t, 0, buf_cstr(&p)), &py, NULL);
        for (int pass = 0; pass < 2; pass++) /* the runtime's version, then the others */
            for (size_t j = 0; j < py.n; j++) {
                if (!tx_starts_with(py.v[j], "python3") || (pass == 0) != !strcmp(py.v[j], rt))
                    continue;
                buf_reset(&p);
                buf_addf(&p, "%s/lib/%s/site-packages", top.v[i], py.v[j]);
                if (fs_is_dir(root_path(t, 0, buf_cstr(&p))))
                    add_root(t, buf_cstr(&p));
            }
        strvec_clear(&py);
        fs_list_dir(root_path(t, 0, top.v[i]), &py, NULL);
        for (size_t j = 0; j < py.n; j++)
            if (tx_ends_with(py.v[j], ".dist-info")) {
                add_root(t, top.v[i]);
                break;
            }
        strvec_clear(&py);
    }
    buf_release(&p);
    strvec_clear(&top);
}

/* --- following imports --- */

static void warn_at(struct pyt *t, const struct pymod *m, const struct pylex_import *im,
                    const char *hint, const char *msg)
{
    struct fn_err w = FN_ERR_INIT;

    fn_err_set(&w, "%s", msg);
    fn_err_hint(&w, "%s", hint);
    fn_err_at(&w, m->file, im->line, im->col);
    trace_warn(t->out, &w);
}

/* The module a relative import names, or NULL when it goes above the top
 * package (or the module is not in a package at all). */
static char *relative_target(const struct pymod *m, const struct pylex_import *im)
{
    char *base = xstrdup(m->name), *target;

    for (int strip = im->level - m->is_pkg; strip > 0; strip--) {
        char *dot = strrchr(base, '.');
        if (!dot) {
            free(base);
            return NULL;
        }
        *dot = '\0';
    }
    if (!*im->module)
        return base;
    target = xasprintf("%s.%s", base, im->module);
    free(base);
    return target;
}

/* The hint for a module found nowhere. One next to the importing file is
 * named: Lambda puts only the task root on sys.path, not the file's folder. */
static void missing_hint(struct pyt *t, const struct pymod *m, const char *top, char *hint,
                         size_t size)
{
    const char *dot = strrchr(m->name, '.');
    size_t pkg_len = m->is_pkg ? strlen(m->name) : dot ? (size_t)(dot - m->name) : 0;
    struct buf dir = BUF_INIT, rel = BUF_INIT;

    fs_dirname(&dir, m->file);
    fs_join(&rel, buf_cstr(&dir), top);
    if (m->root == 0 && pkg_len > 0 &&
        (fs_is_dir(root_path(t, 0, buf_cstr(&rel))) ||
         (buf_addstr(&rel, ".py"), fs_is_file(root_path(t, 0, buf_cstr(&rel))))))
        snprintf(hint, size,
                 "'%s' is next to '%s', but Lambda imports from the zip's root only: "
                 "import it as '%.*s.%s' or with 'from . import %s'",
                 buf_cstr(&rel), m->file, (int)pkg_len, m->name, top, top);
    else
        snprintf(hint, size,
                 "vendor it ('pip install -t vendor %s', or a .venv in the service "
                 "directory) or include its files with package.patterns",
                 top);
    buf_release(&dir);
    buf_release(&rel);
}

/* A module of that name in the service directory itself, which comes
 * before the standard library on Lambda's sys.path. */
static bool local_module(struct pyt *t, const char *top)
{
    char *py = xasprintf("%s.py", top), *init = xasprintf("%s/__init__.py", top);
    bool found = fs_is_file(root_path(t, 0, py)) || fs_is_file(root_path(t, 0, init));

    free(py);
    free(init);
    return found;
}

/* Follows one import of module m. */
static void follow(struct pyt *t, const struct pymod *m, const struct pylex_import *im)
{
    char *mtop = top_name(m->name);
    bool vendored = third_party(t, m->root, mtop), optional = im->optional || m->optional;
    char *target, *top;
    size_t top_root;
    enum found f;
    char hint[FN_ERR_MSG_MAX];

    if (!im->module) {
        if (vendored)
            take_whole(t, m->root, mtop);
        else
            warn_at(t, m, im, "include the modules it can load with package.patterns",
                    "computed import cannot be traced");
        free(mtop);
        return;
    }
    free(mtop);
    target = im->level ? relative_target(m, im) : xstrdup(im->module);
    if (!target || !is_dotted(target)) {
        if (!vendored && !optional)
            warn_at(t, m, im, "a relative import works inside a package only",
                    "relative import goes above the top-level package");
        free(target);
        return;
    }
    top = top_name(target);
    if (im->level == 0 && ((pylex_is_stdlib(top) && !local_module(t, top)) ||
                           (t->opts->skip_aws_sdk && IN_LIST(top, aws_sdk_names)))) {
        free(top);
        free(target);
        return;
    }
    t->optional = optional;
    f = resolve(t, target, &top_root);
    if (f == NOT_FOUND) {
        bool excused =
            optional || (vendored && im->nested) || (im->level == 0 && IN_LIST(top, runtime_names));
        if (!excused) {
            char *msg = xasprintf("cannot find module '%s'", target);
            missing_hint(t, m, top, hint, sizeof(hint));
            warn_at(t, m, im, hint, msg);
            free(msg);
        }
    } else {
        if (third_party(t, top_root, top))
            expand(t, top_root, top);
        /* `from pkg import name`: name may be a submodule */
        for (size_t i = 0; f == FOUND_PACKAGE && i < im->names.n; i++) {
            if (!strcmp(im->names.v[i], "*"))
                continue;
            char *sub = xasprintf("%s.%s", target, im->names.v[i]);
            resolve(t, sub, &top_root);
            free(sub);
        }
    }
    t->optional = false;
    free(top);
    free(target);
}

/* Lexes one queued source file and follows its imports. */
static void trace_module(struct pyt *t, size_t qi)
{
    struct buf src = BUF_INIT;
    struct pylex_result lex = PYLEX_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    if (fs_read_file(root_path(t, 0, t->queue[qi].file), &src, PYT_MAX_SOURCE, &err) < 0) {
        fn_err_hint(&err, "its imports were not followed");
        fn_err_at(&err, t->queue[qi].file, 0, 0);
        trace_warn(t->out, &err);
        return;
    }
    pylex_scan(src.data, src.len, &lex);
    buf_release(&src);
    for (size_t i = 0; i < lex.n; i++) {
        struct pymod m = t->queue[qi]; /* the queue may move as it grows */
        follow(t, &m, &lex.imports[i]);
    }
    pylex_result_release(&lex);
}

/* --- the entry point --- */

/* Lambda's runtime imports modname.replace("/", ".") of the handler's part
 * before its last dot; any file name works there, so only empty parts are
 * refused here. */
static char *handler_module(const char *handler)
{
    const char *dot;
    char *mod;

    while (tx_starts_with(handler, "./"))
        handler += 2;
    dot = strrchr(handler, '.');
    if (!dot || dot == handler || !dot[1])
        return NULL;
    mod = xstrndup(handler, (size_t)(dot - handler));
    for (char *p = mod; *p; p++)
        if (*p == '/')
            *p = '.';
    for (const char *p = mod; p;) {
        size_t len = strcspn(p, ".");
        if (len == 0 || memchr(p, '\\', len)) {
            free(mod);
            return NULL;
        }
        p = p[len] ? p + len + 1 : NULL;
    }
    return mod;
}

static void release(struct pyt *t)
{
    for (size_t i = 0; i < t->n_roots; i++) {
        free(t->roots[i].rel);
        free(t->roots[i].abs);
        strvec_clear(&t->roots[i].dist_top);
        strvec_clear(&t->roots[i].dist_dir);
    }
    free(t->roots);
    for (size_t i = 0; i < t->n_queue; i++) {
        free(t->queue[i].file);
        free(t->queue[i].name);
    }
    free(t->queue);
    strset_release(&t->seen, NULL);
    buf_release(&t->path);
}

int trace_python(const struct trace_opts *opts, struct trace_result *out, struct fn_err *err)
{
    struct pyt t = {.opts = opts, .out = out};
    const char *handler = opts->handler ? opts->handler : "";
    char *mod = handler_module(handler);
    size_t top_root, before = out->files.n;
    bool found;
    int rc = -1;

    if (!mod) {
        fn_err_set(err, "handler '%s' does not name a python module and function", handler);
        fn_err_hint(err, "write the file's path without '.py', a dot, then the function: "
                         "'handler.main' or 'src/orders.create'");
        goto out;
    }
    find_roots(&t);
    /* a module, or a regular package (not a namespace package: no code) */
    found = resolve(&t, mod, &top_root) == FOUND_MODULE;
    for (size_t i = 0; i < t.n_queue && !found; i++)
        found = !strcmp(t.queue[i].name, mod);
    if (!found) {
        char *path = xstrdup(mod);
        for (char *p = path; *p; p++)
            if (*p == '.')
                *p = '/';
        fn_err_set(err, "handler module '%s' not found: no '%s.py' in the service directory", mod,
                   path);
        fn_err_hint(err,
                    "the handler '%s' names a function in '%s.py' (relative to "
                    "serverless.yml)",
                    handler, path);
        free(path);
        goto out;
    }
    for (size_t i = 0; i < t.n_queue; i++)
        trace_module(&t, i);
    trace_result_sort(out);
    rc = 0;
out:
    if (rc < 0) {
        while (out->files.n > before) {
            free(out->files.v[--out->files.n]);
            free(out->names.v[--out->names.n]);
            out->files.v[out->files.n] = out->names.v[out->names.n] = NULL;
        }
    }
    free(mod);
    release(&t);
    return rc;
}
