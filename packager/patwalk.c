/* patwalk: see patwalk.h.
 *
 * What a pattern can match is bounded by its scope: the directory its
 * literal leading segments name, and how deep below it the rest reaches
 * (unbounded when a segment is `**`). The walk lists each scope once; a
 * scope inside an unbounded one already listed costs nothing. Everything
 * filled lazily sits behind the const pointer the pattern code holds:
 * asking twice gives the same answer, only sooner. */
#include "patwalk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "file.h"
#include "git_dl.h"
#include "xalloc.h"
#include "banned.h"

#define PAT_MAX_DEPTH 128 /* directory levels the walk descends */

struct walk_scope {
    char *prefix; /* "" (the service directory) or "a/b" */
    int depth;    /* levels below prefix listed; -1: all */
};

struct walk_state {
    struct strvec files;       /* relative, sorted by bytes, unique */
    struct walk_scope *scopes; /* what has been listed */
    size_t n_scopes;
    signed char *ignored;      /* per file: -1 not asked yet, 0, 1 */
    struct buf ignored_dir;    /* the last directory found ignored, "a/b/" */
    bool repo_tried;
    const struct git_api *git; /* NULL: no ignore rules */
    git_repository *repo;
    char *prefix; /* the service dir inside the work tree: "" or "svc/dir/" */
};

struct pat_walk {
    char *root;
    struct walk_state *s;
};

struct walk_ctx {
    struct strvec *files;
    struct stat dirs[PAT_MAX_DEPTH]; /* the directories being listed: loop check */
    size_t depth;
};

static bool never_packaged(const char *parent_rel, const char *name)
{
    const char *parent = strrchr(parent_rel, '/');

    parent = parent ? parent + 1 : parent_rel;
    return !strcmp(name, ".git") || !strcmp(name, ".fnctl") || !strcmp(name, ".serverless") ||
           (!strcmp(name, ".cache") && !strcmp(parent, "node_modules"));
}

/* Lists abs (rel inside the service) and, levels_left permitting (-1: no
 * limit), its subdirectories. */
static int walk_dir(struct walk_ctx *c, const char *abs, const char *rel, int levels_left,
                    struct fn_err *err)
{
    struct strvec names = STRVEC_INIT;
    int rc = -1;

    if (fs_list_dir(abs, &names, err) < 0) {
        /* an unreadable directory is left out, as Serverless's globby
         * (silent: true) leaves it; the service directory itself is not */
        if (*rel && (errno == EACCES || errno == ENOENT)) {
            fn_err_clear(err);
            return 0;
        }
        return -1;
    }
    for (size_t i = 0; i < names.n; i++) {
        char *child = xasprintf("%s/%s", abs, names.v[i]);
        char *child_rel = *rel ? xasprintf("%s/%s", rel, names.v[i]) : xstrdup(names.v[i]);
        struct stat st;
        bool loop = false;
        int r = 0;

        if (never_packaged(rel, names.v[i]) || stat(child, &st) < 0) {
            /* stat, not lstat: links are followed; a dangling one is skipped */
        } else if (S_ISREG(st.st_mode)) {
            strvec_push_owned(c->files, child_rel);
            child_rel = NULL;
        } else if (S_ISDIR(st.st_mode) && levels_left != 1) {
            for (size_t k = 0; k < c->depth && !loop; k++)
                loop = c->dirs[k].st_dev == st.st_dev && c->dirs[k].st_ino == st.st_ino;
            if (loop) {
                /* a link to a directory being listed: following it never ends */
            } else if (c->depth == PAT_MAX_DEPTH) {
                fn_err_set(err, "'%s' is nested more than %d directories deep", child_rel,
                           PAT_MAX_DEPTH);
                r = fn_err_hint(err, "exclude it from the service directory");
            } else {
                c->dirs[c->depth++] = st;
                r = walk_dir(c, child, child_rel, levels_left < 0 ? -1 : levels_left - 1, err);
                c->depth--;
            }
        }
        free(child);
        free(child_rel);
        if (r < 0)
            goto out;
    }
    rc = 0;
out:
    strvec_clear(&names);
    return rc;
}

int pat_walk_open(const char *service_dir, struct pat_walk **out, struct fn_err *err)
{
    struct stat st;

    *out = NULL;
    errno = 0;
    if (stat(service_dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return fn_err_errno(err, errno ? errno : ENOTDIR, "cannot list '%s'", service_dir);
    *out = xcalloc(1, sizeof(**out));
    (*out)->root = xstrdup(service_dir);
    (*out)->s = xcalloc(1, sizeof(*(*out)->s));
    return 0;
}

void pat_walk_free(struct pat_walk *w)
{
    struct walk_state *s;

    if (!w)
        return;
    s = w->s;
    if (s->repo)
        s->git->repository_free(s->repo);
    free(s->prefix);
    free(s->ignored);
    buf_release(&s->ignored_dir);
    strvec_clear(&s->files);
    for (size_t i = 0; i < s->n_scopes; i++)
        free(s->scopes[i].prefix);
    free(s->scopes);
    free(s);
    free(w->root);
    free(w);
}

const struct strvec *pat_walk_files(const struct pat_walk *w)
{
    return &w->s->files;
}

/* --- scopes --- */

static bool has_glob(const char *seg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr("*?[{\\", seg[i]))
            return true;
    return false;
}

/* The scope of a pattern: *prefix (owned) and *depth; depth 0 means the
 * pattern is one literal path. */
static void scope_of(const char *pattern, char **prefix, int *depth)
{
    const char *p = pattern, *seg_end;
    size_t literal_end = 0;
    int rest = 0;
    bool globstar = false, globbing = false;

    while (p[0] == '.' && p[1] == '/')
        p += 2;
    for (const char *seg = p; ; seg = seg_end + 1) {
        size_t n;
        seg_end = strchr(seg, '/');
        n = seg_end ? (size_t)(seg_end - seg) : strlen(seg);
        if (!globbing && has_glob(seg, n))
            globbing = true;
        if (globbing) {
            rest++;
            globstar = globstar || (n == 2 && seg[0] == '*' && seg[1] == '*');
        } else if (seg_end) {
            literal_end = (size_t)(seg_end - p);
        }
        if (!seg_end)
            break;
    }
    if (!globbing) {
        *prefix = xstrdup(p);
        *depth = 0;
        return;
    }
    *prefix = xstrndup(p, literal_end);
    *depth = globstar ? -1 : rest;
}

static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return n == 0 || (!strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/'));
}

static bool covered(const struct walk_state *s, const char *prefix, int depth)
{
    for (size_t i = 0; i < s->n_scopes; i++) {
        const struct walk_scope *sc = &s->scopes[i];
        if (sc->depth < 0 && under(prefix, sc->prefix))
            return true;
        if (!strcmp(sc->prefix, prefix) && depth >= 0 && sc->depth >= depth)
            return true;
    }
    return false;
}

/* False when a component of rel is never packaged (".git/x", ".fnctl"). */
static bool packageable(const char *rel)
{
    char *copy = xstrdup(rel), *save = NULL, *parent = xstrdup("");
    bool ok = true;

    for (char *seg = strtok_r(copy, "/", &save); seg && ok; seg = strtok_r(NULL, "/", &save)) {
        ok = !never_packaged(parent, seg);
        free(parent);
        parent = xstrdup(seg);
    }
    free(parent);
    free(copy);
    return ok;
}

/* Merges the newly listed files in, sorted and unique; the ignore cache
 * follows the indexes, so it starts over. */
static void merge(struct walk_state *s)
{
    strvec_sort_unique(&s->files);
    free(s->ignored);
    s->ignored = xmalloc(s->files.n + 1);
    memset(s->ignored, -1, s->files.n + 1);
}

int pat_walk_need(const struct pat_walk *w, const char *pattern, struct fn_err *err)
{
    struct walk_state *s = w->s;
    struct walk_ctx c = { .files = &s->files };
    struct stat st;
    char *prefix = NULL, *abs = NULL;
    int depth, rc = 0;

    scope_of(pattern, &prefix, &depth);
    if (covered(s, prefix, depth < 0 ? -1 : depth) || !packageable(prefix))
        goto out;
    abs = *prefix ? xasprintf("%s/%s", w->root, prefix) : xstrdup(w->root);
    if (depth == 0) {
        /* one literal path: a file, or nothing (a directory name matches
         * no file in Serverless's globs) */
        if (stat(abs, &st) == 0 && S_ISREG(st.st_mode)) {
            strvec_push(&s->files, prefix);
            merge(s);
        }
        goto out;
    }
    /* the loop check knows the directories above the scope */
    for (char *slash = abs + strlen(w->root); ; slash = strchr(slash + 1, '/')) {
        char saved = slash ? *slash : '\0';
        if (slash)
            *slash = '\0';
        if (stat(abs, &st) == 0 && c.depth < PAT_MAX_DEPTH)
            c.dirs[c.depth++] = st;
        if (slash)
            *slash = saved;
        if (!slash || !*slash)
            break;
    }
    if (stat(abs, &st) < 0 || !S_ISDIR(st.st_mode))
        goto record; /* nothing there: nothing to list */
    rc = walk_dir(&c, abs, prefix, depth, err);
    merge(s);
    if (rc < 0)
        goto out;
record:
    s->scopes = xreallocarray(s->scopes, s->n_scopes + 1, sizeof(*s->scopes));
    s->scopes[s->n_scopes].prefix = prefix;
    s->scopes[s->n_scopes].depth = depth;
    s->n_scopes++;
    prefix = NULL;
out:
    free(abs);
    free(prefix);
    return rc;
}

/* --- .gitignore --- */

/* Opens the repository around dir; no repository (or no libgit2, or a
 * bare one) means no ignore rules, not an error. */
static void open_repo(struct walk_state *s, const char *dir)
{
    struct fn_err gerr = FN_ERR_INIT;
    const struct git_api *git = git_dl(&gerr);
    char *real_dir = NULL, *real_wd = NULL;
    const char *wd;
    size_t n;

    s->repo_tried = true;
    if (!git || git->repository_open_ext(&s->repo, dir, 0, NULL) < 0) {
        s->repo = NULL;
        return;
    }
    wd = git->repository_workdir(s->repo);
    if (wd && (real_dir = realpath(dir, NULL)) && (real_wd = realpath(wd, NULL))) {
        n = strlen(real_wd);
        if (!strcmp(real_dir, real_wd)) {
            s->prefix = xstrdup("");
        } else if (!strncmp(real_dir, real_wd, n) && (real_dir[n] == '/' || n == 1)) {
            s->prefix = xasprintf("%s/", real_dir + n + (n == 1 ? 0 : 1));
        }
    }
    if (s->prefix) {
        s->git = git;
    } else {
        git->repository_free(s->repo);
        s->repo = NULL;
    }
    free(real_dir);
    free(real_wd);
}

static bool git_ignores(const struct walk_state *s, const char *rel)
{
    char *full = xasprintf("%s%s", s->prefix, rel);
    int ignored = 0;

    if (s->git->ignore_path_is_ignored(&ignored, s->repo, full) < 0)
        ignored = 0;
    free(full);
    return ignored != 0;
}

/* libgit2 re-reads every parent directory's rules on each call (30 us a
 * file here), so the topmost ignored directory of an ignored file is
 * remembered: the files under it (node_modules/, build/), next to each
 * other in sorted order, are answered without libgit2. Git cannot
 * re-include a file under an ignored directory, so this is exact. */
bool pat_walk_ignored(const struct pat_walk *w, const char *path)
{
    struct walk_state *s = w->s;
    long idx = strvec_find_sorted(&s->files, path);
    struct buf *dir = &s->ignored_dir;
    bool hit;

    if (!s->repo_tried)
        open_repo(s, w->root);
    if (!s->repo)
        return false;
    if (idx >= 0 && s->ignored[idx] >= 0)
        return s->ignored[idx];
    if (dir->len && !strncmp(path, dir->data, dir->len)) {
        hit = true;
    } else if ((hit = git_ignores(s, path))) {
        for (const char *sl = strchr(path, '/'); sl; sl = strchr(sl + 1, '/')) {
            char *parent = xstrndup(path, (size_t)(sl - path) + 1);
            bool ignored = git_ignores(s, parent);
            if (ignored) {
                buf_reset(dir);
                buf_addstr(dir, parent);
            }
            free(parent);
            if (ignored)
                break;
        }
    }
    if (idx >= 0)
        s->ignored[idx] = hit ? 1 : 0;
    return hit;
}
