#include "template.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "curl_dl.h"
#include "extract.h"
#include "file.h"
#include "git_dl.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* templates_blob.c, generated at build time from templates/ */
extern const unsigned char fn_templates_tar[];
extern const size_t fn_templates_tar_size;

#define TMPL_MAX_DOWNLOAD (256u * 1024u * 1024u)
#define TMPL_MAX_FILE (256u * 1024u * 1024u)
#define TMPL_TEXT_PROBE 8192 /* bytes looked at to tell text from binary */

static const char *const archive_exts[] = { ".tar.gz", ".tgz", ".tar", ".zip", ".tar.bz2",
                                            ".tar.xz", NULL };

/* ---- the built-in templates ------------------------------------------- */

static int info_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tmpl_info *)a)->name, ((const struct tmpl_info *)b)->name);
}

static struct tmpl_info *info_for(struct tmpl_info **infos, size_t *n, const char *name,
                                  size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*infos)[i].name) == len && !strncmp((*infos)[i].name, name, len))
            return &(*infos)[i];
    *infos = xreallocarray(*infos, *n + 1, sizeof(**infos));
    struct tmpl_info *info = &(*infos)[(*n)++];
    info->name = xstrndup(name, len);
    info->description = xstrdup("");
    info->runtime = xstrdup("");
    return info;
}

/* Fills description and runtime from a template.json's bytes. */
static void info_read_json(struct tmpl_info *info, const struct buf *json)
{
    json_t *doc = json_loadb(json->data ? json->data : "", json->len, 0, NULL);
    const char *s;
    if ((s = json_string_value(json_object_get(doc, "description")))) {
        free(info->description);
        info->description = xstrdup(s);
    }
    if ((s = json_string_value(json_object_get(doc, "runtime")))) {
        free(info->runtime);
        info->runtime = xstrdup(s);
    }
    json_decref(doc);
}

int tmpl_builtin_list(struct tmpl_info **out, size_t *n, struct fn_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    struct tmpl_info *infos = NULL;
    size_t count = 0;
    int rc = -1, r;

    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, fn_templates_tar, fn_templates_tar_size) != ARCHIVE_OK)
        goto bad;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        while (name && name[0] == '.' && name[1] == '/')
            name += 2;
        size_t len = name ? strcspn(name, "/") : 0;
        if (!len || !name[len] || !name[len + 1])
            continue; /* a directory entry of its own, or a file at the top */
        struct tmpl_info *info = info_for(&infos, &count, name, len);
        if (strcmp(name + len + 1, "template.json"))
            continue;
        struct buf json = BUF_INIT;
        const void *block;
        size_t size;
        la_int64_t offset;
        buf_init(&json, 1024 * 1024);
        while (archive_read_data_block(a, &block, &size, &offset) == ARCHIVE_OK)
            buf_add(&json, block, size);
        info_read_json(info, &json);
        buf_release(&json);
    }
    if (r != ARCHIVE_EOF)
        goto bad;
    if (count)
        qsort(infos, count, sizeof(*infos), info_cmp);
    *out = infos;
    *n = count;
    infos = NULL;
    rc = 0;
    goto out;
bad:
    fn_err_set(err, "cannot read the built-in templates: %s", archive_error_string(a));
out:
    tmpl_info_free(infos, count);
    archive_read_free(a);
    return rc;
}

void tmpl_info_free(struct tmpl_info *infos, size_t n)
{
    for (size_t i = 0; infos && i < n; i++) {
        free(infos[i].name);
        free(infos[i].description);
        free(infos[i].runtime);
    }
    free(infos);
}

/* ---- TEMPLATE: what it names ------------------------------------------ */

void tmpl_source_release(struct tmpl_source *src)
{
    free(src->location);
    free(src->ref);
    free(src->subdir);
    free(src->default_dir);
    memset(src, 0, sizeof(*src));
}

bool tmpl_service_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (!len || len > TMPL_NAME_MAX || !isalpha((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-')
            return false;
    return true;
}

/* The path part of a URL or path: up to '?' or '#'. */
static char *path_part(const char *s)
{
    return xstrndup(s, strcspn(s, "?#"));
}

static const char *archive_ext(const char *path)
{
    for (size_t i = 0; archive_exts[i]; i++)
        if (tx_ends_with(path, archive_exts[i]))
            return archive_exts[i];
    return NULL;
}

/* The last component of a URL or path without suffix, as a directory name. */
static char *dir_from(const char *path, const char *suffix)
{
    char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = 0;
    const char *base = fs_basename(copy);
    const char *colon = strrchr(base, ':'); /* git@host:repo.git */
    if (colon)
        base = colon + 1;
    size_t blen = strlen(base);
    if (suffix && tx_ends_with(base, suffix))
        blen -= strlen(suffix);
    char *dir = blen && strcmp(base, ".") && strcmp(base, "..") ? xstrndup(base, blen) : NULL;
    free(copy);
    return dir;
}

/* "URL[//dir][#ref]" into its parts. */
static void parse_git(const char *spec, struct tmpl_source *out)
{
    const char *hash = strrchr(spec, '#');
    char *url = hash ? xstrndup(spec, (size_t)(hash - spec)) : xstrdup(spec);
    const char *scheme = strstr(url, "://");
    char *sub = strstr(scheme ? scheme + 3 : url, "//");

    out->kind = TMPL_GIT;
    if (hash && hash[1])
        out->ref = xstrdup(hash + 1);
    if (sub) {
        const char *s = sub + 2;
        while (*s == '/')
            s++;
        if (*s)
            out->subdir = xstrdup(s);
        *sub = 0;
    }
    out->location = url;
    out->default_dir = out->subdir ? dir_from(out->subdir, NULL) : dir_from(url, ".git");
}

static bool is_url(const char *s)
{
    return tx_starts_with(s, "http://") || tx_starts_with(s, "https://") ||
           tx_starts_with(s, "file://");
}

static char *expand_home(const char *path)
{
    const char *home = getenv("HOME");
    if ((path[0] == '~' && (!path[1] || path[1] == '/')) && home && home[0])
        return xasprintf("%s%s", home, path + 1);
    return xstrdup(path);
}

static int unknown_template(const char *spec, struct fn_err *err)
{
    struct tmpl_info *infos = NULL;
    size_t n = 0;
    const char *guess = NULL;
    const char **names;

    fn_err_set(err, "unknown template '%s'", spec);
    if (tmpl_builtin_list(&infos, &n, NULL) == 0) {
        names = xcalloc(n + 1, sizeof(*names));
        for (size_t i = 0; i < n; i++)
            names[i] = infos[i].name;
        guess = tx_suggest(spec, names);
        if (guess)
            fn_err_hint(err, "did you mean '%s'? 'fnctl new --list' shows the built-in templates",
                        guess);
        free(names);
    }
    if (!guess)
        fn_err_hint(err, "'fnctl new --list' shows the built-in templates; a git URL, a tarball "
                         "URL or a directory (./path) works too");
    tmpl_info_free(infos, n);
    return -1;
}

int tmpl_parse(const char *spec, struct tmpl_source *out, struct fn_err *err)
{
    struct tmpl_info *infos = NULL;
    size_t n = 0;
    int rc = -1;
    char *path = path_part(spec);
    const char *ext = archive_ext(path);

    memset(out, 0, sizeof(*out));
    if (!spec[0]) {
        fn_err_set(err, "the template is empty");
        goto out;
    }
    if (!strchr(spec, '/') && tmpl_builtin_list(&infos, &n, NULL) == 0)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(infos[i].name, spec)) {
                out->kind = TMPL_BUILTIN;
                out->location = xstrdup(spec);
                out->default_dir = xstrdup(spec);
                rc = 0;
                goto out;
            }
    if (tx_starts_with(spec, "git+")) {
        parse_git(spec + 4, out);
    } else if (is_url(spec) && ext) {
        out->kind = TMPL_ARCHIVE_URL;
        out->location = xstrdup(spec);
        out->default_dir = dir_from(path, ext);
    } else if (is_url(spec) || tx_starts_with(spec, "git@") || tx_starts_with(spec, "ssh://") ||
               tx_starts_with(spec, "git://") || strstr(path, ".git//") ||
               tx_ends_with(path, ".git")) {
        parse_git(spec, out);
    } else {
        char *local = expand_home(spec);
        if (ext && fs_is_file(local)) {
            out->kind = TMPL_ARCHIVE_FILE;
            out->default_dir = dir_from(local, ext);
        } else if (fs_is_dir(local)) {
            out->kind = TMPL_LOCAL;
            char *real = realpath(local, NULL);
            out->default_dir = dir_from(real ? real : local, NULL);
            free(real);
        } else if (strchr(spec, '/') || spec[0] == '.' || spec[0] == '~') {
            fn_err_set(err, "template directory '%s' does not exist", spec);
            free(local);
            goto out;
        } else {
            unknown_template(spec, err);
            free(local);
            goto out;
        }
        out->location = local;
    }
    rc = 0;
out:
    free(path);
    tmpl_info_free(infos, n);
    if (rc < 0)
        tmpl_source_release(out);
    return rc;
}

/* ---- fetching: each source yields a directory of template files -------- */

/* The directory an extracted archive's files are in: dir itself, or its
 * single top-level directory (GitHub's "repo-v1.2/"). */
static char *archive_root(const char *dir)
{
    struct strvec names = STRVEC_INIT;
    struct stat st;
    char *root = NULL;
    if (fs_list_dir(dir, &names, NULL) == 0 && names.n == 1) {
        root = xasprintf("%s/%s", dir, names.v[0]);
        if (lstat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(root);
            root = NULL;
        }
    }
    strvec_clear(&names);
    return root ? root : xstrdup(dir);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct buf *body = userdata;
    return buf_add(body, data, size * nmemb) < 0 ? 0 : size * nmemb;
}

static int download(const char *url, struct buf *body, struct fn_err *err)
{
    const struct curl_api *c = curl_dl(err);
    long status = 0;
    int rc = -1;
    if (!c)
        return -1;
    CURL *curl = c->easy_init();
    if (!curl)
        return fn_err_set(err, "cannot start a download: libcurl failed to initialise");
    c->easy_setopt(curl, CURLOPT_URL, url);
    c->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
    c->easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    c->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    c->easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    c->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    c->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    c->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    c->easy_setopt(curl, CURLOPT_USERAGENT, "fnctl/" FNCTL_VERSION);
    c->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    c->easy_setopt(curl, CURLOPT_WRITEDATA, body);
    CURLcode cc = c->easy_perform(curl);
    if (cc == CURLE_WRITE_ERROR) {
        fn_err_set(err, "cannot download '%s': larger than %u MiB", url,
                   TMPL_MAX_DOWNLOAD >> 20);
        goto out;
    }
    if (cc != CURLE_OK) {
        fn_err_set(err, "cannot download '%s': %s", url, c->easy_strerror(cc));
        goto out;
    }
    c->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        fn_err_set(err, "cannot download '%s': HTTP %ld", url, status);
        fn_err_hint(err, "check the URL (a release's tarball, or GitHub's .../archive/REF.tar.gz)");
        goto out;
    }
    rc = 0;
out:
    c->easy_cleanup(curl);
    return rc;
}

static int fetch_archive(const struct tmpl_source *src, const char *tmp, char **root,
                         struct fn_err *err)
{
    char *dir = xasprintf("%s/archive", tmp);
    int rc;
    if (src->kind == TMPL_ARCHIVE_FILE) {
        rc = ex_extract_file(src->location, dir, err);
    } else {
        struct buf body = BUF_INIT;
        char *what = xasprintf("'%s'", src->location);
        buf_init(&body, TMPL_MAX_DOWNLOAD);
        rc = download(src->location, &body, err);
        if (rc == 0)
            rc = ex_extract_memory(body.data ? body.data : "", body.len, what, dir, err);
        free(what);
        buf_release(&body);
    }
    if (rc == 0)
        *root = archive_root(dir);
    free(dir);
    return rc;
}

static int fetch_builtin(const struct tmpl_source *src, const char *tmp, char **root,
                         struct fn_err *err)
{
    char *dir = xasprintf("%s/builtin", tmp);
    int rc = ex_extract_memory(fn_templates_tar, fn_templates_tar_size,
                               "the built-in templates", dir, err);
    if (rc == 0) {
        *root = xasprintf("%s/%s", dir, src->location);
        if (!fs_is_dir(*root))
            rc = fn_err_set(err, "the built-in template '%s' is missing", src->location);
    }
    free(dir);
    return rc;
}

static int git_fail(const struct git_api *git, const char *what, const char *url,
                    struct fn_err *err)
{
    fn_err_set(err, "cannot %s '%s': %s", what, url, git_dl_last_error(git));
    return -1;
}

/* Checks out ref (a branch of the remote, a tag or a commit) in repo. */
static int git_checkout_ref(const struct git_api *git, git_repository *repo,
                            const struct tmpl_source *src, struct fn_err *err)
{
    git_object *obj = NULL;
    git_checkout_options co;
    char *remote = xasprintf("origin/%s", src->ref);
    int rc = -1;

    if (git->revparse_single(&obj, repo, remote) < 0 &&
        git->revparse_single(&obj, repo, src->ref) < 0) {
        fn_err_set(err, "no branch, tag or commit '%s' in '%s'", src->ref, src->location);
        goto out;
    }
    git->checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_FORCE;
    if (git->checkout_tree(repo, obj, &co) < 0 ||
        git->repository_set_head_detached(repo, git->object_id(obj)) < 0) {
        git_fail(git, "check out", src->ref, err);
        goto out;
    }
    rc = 0;
out:
    if (obj)
        git->object_free(obj);
    free(remote);
    return rc;
}

static int fetch_git(const struct tmpl_source *src, const char *tmp, char **root,
                     struct fn_err *err)
{
    const struct git_api *git = git_dl(err);
    git_repository *repo = NULL;
    git_clone_options opts;
    char *dir = xasprintf("%s/repo", tmp), *real = NULL, *want = NULL;
    int rc = -1;

    if (!git)
        goto out;
    git->clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
    if (git->clone(&repo, src->location, dir, &opts) < 0) {
        git_fail(git, "clone", src->location, err);
        fn_err_hint(err, "check the URL and that the repository is readable");
        goto out;
    }
    if (src->ref && git_checkout_ref(git, repo, src, err) < 0)
        goto out;
    if (src->subdir) {
        want = xasprintf("%s/%s", dir, src->subdir);
        real = realpath(want, NULL);
        char *top = realpath(dir, NULL);
        bool inside = ex_name_is_safe(src->subdir) && real && top &&
                      tx_starts_with(real, top) && real[strlen(top)] == '/';
        free(top);
        if (!inside || !fs_is_dir(real)) {
            fn_err_set(err, "'%s' is not a directory of '%s'", src->subdir, src->location);
            goto out;
        }
        *root = real;
        real = NULL;
    } else {
        *root = dir;
        dir = NULL;
    }
    rc = 0;
out:
    if (repo)
        git->repository_free(repo);
    free(dir);
    free(real);
    free(want);
    return rc;
}

/* ---- writing: template files into the staging directory --------------- */

struct render {
    const char *service;
    struct strvec *files; /* relative paths of the files and symlinks written */
    struct fn_err *err;
};

/* s with every TMPL_TOKEN replaced by the service name, into out. */
static void substitute(const char *s, size_t len, const char *service, struct buf *out)
{
    const size_t tlen = strlen(TMPL_TOKEN);
    buf_reset(out);
    for (size_t i = 0; i < len;) {
        const char *hit = len - i >= tlen ? memmem(s + i, len - i, TMPL_TOKEN, tlen) : NULL;
        if (!hit) {
            buf_add(out, s + i, len - i);
            break;
        }
        buf_add(out, s + i, (size_t)(hit - (s + i)));
        buf_addstr(out, service);
        i = (size_t)(hit - s) + tlen;
    }
}

static int write_file(const char *path, const char *rel, const struct buf *data, mode_t mode,
                      struct fn_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    size_t done = 0;
    if (fd < 0 && errno == EEXIST)
        return fn_err_set(err, "the template has '%s' twice (after renaming)", rel);
    if (fd < 0)
        return fn_err_errno(err, errno, "cannot create '%s'", rel);
    while (done < data->len) {
        ssize_t n = write(fd, data->data + done, data->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fn_err_errno(err, errno, "cannot write '%s'", rel);
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0)
        return fn_err_errno(err, errno, "cannot write '%s'", rel);
    return 0;
}

static int render_entry(struct render *r, const char *from, const char *to, const char *rel,
                        const struct stat *st);

/* Copies the directory from (the template's rel) into to. */
static int render_dir(struct render *r, const char *from, const char *to, const char *rel)
{
    struct strvec names = STRVEC_INIT;
    struct buf sname = BUF_INIT, out_rel = BUF_INIT, src = BUF_INIT, dst = BUF_INIT;
    int rc = -1;

    if (fs_list_dir(from, &names, r->err) < 0)
        goto out;
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.v[i];
        struct stat st;
        if (!strcmp(name, ".git") || (!rel[0] && !strcmp(name, "template.json")))
            continue;
        if (!strcmp(name, "gitignore"))
            name = ".gitignore";
        substitute(name, strlen(name), r->service, &sname);
        buf_reset(&out_rel);
        buf_addf(&out_rel, "%s%s%s", rel, rel[0] ? "/" : "", buf_cstr(&sname));
        fs_join(&src, from, names.v[i]);
        fs_join(&dst, to, buf_cstr(&sname));
        if (lstat(buf_cstr(&src), &st) < 0) {
            fn_err_errno(r->err, errno, "cannot stat '%s'", buf_cstr(&src));
            goto out;
        }
        if (render_entry(r, buf_cstr(&src), buf_cstr(&dst), buf_cstr(&out_rel), &st) < 0)
            goto out;
    }
    rc = 0;
out:
    strvec_clear(&names);
    buf_release(&sname);
    buf_release(&out_rel);
    buf_release(&src);
    buf_release(&dst);
    return rc;
}

static int render_entry(struct render *r, const char *from, const char *to, const char *rel,
                        const struct stat *st)
{
    struct buf data = BUF_INIT, out = BUF_INIT;
    int rc = -1;

    if (S_ISDIR(st->st_mode)) {
        if (mkdir(to, 0755) < 0) {
            fn_err_errno(r->err, errno, "cannot create '%s'", rel);
            goto out;
        }
        rc = render_dir(r, from, to, rel);
        goto out;
    }
    if (S_ISLNK(st->st_mode)) {
        char target[4096];
        ssize_t n = readlink(from, target, sizeof(target) - 1);
        if (n < 0) {
            fn_err_errno(r->err, errno, "cannot read the symlink '%s'", from);
            goto out;
        }
        substitute(target, (size_t)n, r->service, &out);
        if (symlink(buf_cstr(&out), to) < 0) {
            fn_err_errno(r->err, errno, "cannot create '%s'", rel);
            goto out;
        }
    } else if (S_ISREG(st->st_mode)) {
        if (fs_read_file(from, &data, TMPL_MAX_FILE, r->err) < 0)
            goto out;
        size_t probe = data.len < TMPL_TEXT_PROBE ? data.len : TMPL_TEXT_PROBE;
        bool text = !data.len || !memchr(data.data, 0, probe);
        if (text && data.len && memmem(data.data, data.len, TMPL_TOKEN, strlen(TMPL_TOKEN)))
            substitute(data.data, data.len, r->service, &out);
        else
            buf_add(&out, data.data ? data.data : "", data.len);
        if (write_file(to, rel, &out, (st->st_mode & 0111) ? 0755 : 0644, r->err) < 0)
            goto out;
    } else {
        fn_err_set(r->err, "'%s' in the template is not a file, directory or symlink", rel);
        goto out;
    }
    strvec_push(r->files, rel);
    rc = 0;
out:
    buf_release(&data);
    buf_release(&out);
    return rc;
}

/* ---- the target: staging, then into place ----------------------------- */

int tmpl_check_target(const char *path, bool force, struct fn_err *err)
{
    struct strvec names = STRVEC_INIT;
    struct stat st;
    int rc = 0;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : fn_err_errno(err, errno, "cannot use '%s'", path);
    if (!S_ISDIR(st.st_mode))
        return fn_err_set(err, "'%s' exists and is not a directory", path);
    if (force)
        return 0;
    rc = fs_list_dir(path, &names, err);
    if (rc == 0 && names.n) {
        fn_err_set(err, "'%s' is not empty", path);
        fn_err_hint(err, "choose a new directory, or pass --force to write into it (the "
                         "template's files replace files of the same name)");
        rc = -1;
    }
    strvec_clear(&names);
    return rc;
}

/* Moves the entries of from into the existing directory to, merging
 * directories. With move false it only checks, before anything moves, that
 * a file replaces at most a file or symlink, never a directory, and that a
 * directory merges only into a real directory: so the move cannot stop
 * half-way for these. */
static int merge_into(const char *from, const char *to, const char *rel, bool move,
                      struct fn_err *err)
{
    struct strvec names = STRVEC_INIT;
    struct buf src = BUF_INIT, dst = BUF_INIT, sub = BUF_INIT;
    int rc = fs_list_dir(from, &names, err);
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        struct stat s, d;
        fs_join(&src, from, names.v[i]);
        fs_join(&dst, to, names.v[i]);
        buf_reset(&sub);
        buf_addf(&sub, "%s%s%s", rel, rel[0] ? "/" : "", names.v[i]);
        bool src_dir = lstat(buf_cstr(&src), &s) == 0 && S_ISDIR(s.st_mode);
        bool dst_exists = lstat(buf_cstr(&dst), &d) == 0;
        if (src_dir && dst_exists && S_ISDIR(d.st_mode))
            rc = merge_into(buf_cstr(&src), buf_cstr(&dst), buf_cstr(&sub), move, err);
        else if (!move && dst_exists && (src_dir || S_ISDIR(d.st_mode)))
            rc = fn_err_set(err, "cannot replace '%s': the template has a %s there",
                            buf_cstr(&sub), src_dir ? "directory" : "file");
        else if (move && rename(buf_cstr(&src), buf_cstr(&dst)) < 0)
            rc = fn_err_errno(err, errno, "cannot move '%s' into place", buf_cstr(&dst));
    }
    strvec_clear(&names);
    buf_release(&src);
    buf_release(&dst);
    buf_release(&sub);
    return rc;
}

static int fetch(const struct tmpl_source *src, const char *tmp, char **root,
                 struct fn_err *err)
{
    switch (src->kind) {
    case TMPL_BUILTIN:
        return fetch_builtin(src, tmp, root, err);
    case TMPL_GIT:
        return fetch_git(src, tmp, root, err);
    case TMPL_ARCHIVE_URL:
    case TMPL_ARCHIVE_FILE:
        return fetch_archive(src, tmp, root, err);
    case TMPL_LOCAL:
        if (!(*root = realpath(src->location, NULL)))
            return fn_err_errno(err, errno, "cannot read the template '%s'", src->location);
        return 0;
    }
    FN_BUG("template kind %d", (int)src->kind);
}

/* Creates the staging directory: inside target when it exists (so the
 * entries move in with rename), else beside it (so it renames into place). */
static char *make_staging(const char *target, bool exists, struct fn_err *err)
{
    struct buf parent = BUF_INIT;
    char *base = xstrdup(target), *staging = NULL;
    size_t len = strlen(base);
    while (len > 1 && base[len - 1] == '/')
        base[--len] = 0;
    if (exists) {
        buf_addstr(&parent, base);
    } else {
        fs_dirname(&parent, base);
        if (fs_mkdir_p(buf_cstr(&parent), 0755, err) < 0)
            goto out;
    }
    staging = xasprintf("%s/.%s.fnctl-new-XXXXXX", buf_cstr(&parent), fs_basename(base));
    if (!mkdtemp(staging)) {
        fn_err_errno(err, errno, "cannot create a directory in '%s'", buf_cstr(&parent));
        free(staging);
        staging = NULL;
    }
out:
    buf_release(&parent);
    free(base);
    return staging;
}

int tmpl_create(const struct tmpl_source *src, const char *target, const char *service,
                bool force, struct strvec *files, struct fn_err *err)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = xasprintf("%s/fnctl-new-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    char *root = NULL, *staging = NULL, *real_staging = NULL;
    struct strvec written = STRVEC_INIT;
    struct render r = { service, &written, err };
    bool exists = fs_is_dir(target), have_tmp = false;
    int rc = -1;

    if (tmpl_check_target(target, force, err) < 0)
        goto out;
    if (!mkdtemp(tmp)) {
        fn_err_errno(err, errno, "cannot create a temporary directory '%s'", tmp);
        goto out;
    }
    have_tmp = true;
    if (fetch(src, tmp, &root, err) < 0 || !(staging = make_staging(target, exists, err)))
        goto out;
    real_staging = realpath(staging, NULL);
    if (real_staging && tx_starts_with(real_staging, root) &&
        real_staging[strlen(root)] == '/') {
        fn_err_set(err, "'%s' is inside the template '%s'", target, src->location);
        fn_err_hint(err, "create the project outside the template's directory");
        goto out;
    }
    if (render_dir(&r, root, staging, "") < 0 || ex_check_tree(staging, err) < 0)
        goto out;
    if (exists) {
        if (merge_into(staging, target, "", false, err) < 0 ||
            merge_into(staging, target, "", true, err) < 0)
            goto out;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        if (chmod(staging, 0777 & ~mask) < 0 || rename(staging, target) < 0) {
            fn_err_errno(err, errno, "cannot create '%s'", target);
            goto out;
        }
        free(staging);
        staging = NULL;
    }
    strvec_sort(&written);
    for (size_t i = 0; i < written.n; i++)
        strvec_push(files, written.v[i]);
    rc = 0;
out:
    if (staging)
        fs_rmtree(staging, NULL);
    if (have_tmp)
        fs_rmtree(tmp, NULL);
    strvec_clear(&written);
    free(real_staging);
    free(staging);
    free(root);
    free(tmp);
    return rc;
}
