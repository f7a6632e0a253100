#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "xalloc.h"
#include "banned.h"

#define WT_SETTLE_MS 100
#define WT_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)

struct watched_dir {
    int wd;
    char *path;
};

struct watch {
    struct emu *emu;
    int fd;
    struct event *ev, *settle;
    struct watched_dir *dirs;
    size_t n_dirs;
    char *manifest_name; /* basename of the manifest, in the service directory */
    char *root;
    bool pending_manifest, pending_code;
    char first_path[PATH_MAX];
    wt_changed_fn changed;
    void *arg;
};

static bool skipped(const char *name)
{
    static const char *const skip[] = { "node_modules", ".git", ".fnctl", ".serverless",
                                        "__pycache__", ".venv", ".idea", ".vscode", NULL };
    for (size_t i = 0; skip[i]; i++)
        if (!strcmp(name, skip[i]))
            return true;
    return false;
}

static void add_dir(struct watch *w, const char *path, int depth)
{
    int wd = inotify_add_watch(w->fd, path, WT_MASK | IN_ONLYDIR);
    if (wd < 0)
        return; /* out of watches or gone: the rest still works */
    w->dirs = xreallocarray(w->dirs, w->n_dirs + 1, sizeof(*w->dirs));
    w->dirs[w->n_dirs].wd = wd;
    w->dirs[w->n_dirs].path = xstrdup(path);
    w->n_dirs++;
    if (depth > 16)
        return;
    DIR *d = opendir(path);
    struct dirent *de;
    if (!d)
        return;
    struct buf child = BUF_INIT;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        if (de->d_type != DT_DIR || skipped(de->d_name))
            continue;
        fs_join(&child, path, de->d_name);
        add_dir(w, buf_cstr(&child), depth + 1);
    }
    buf_release(&child);
    closedir(d);
}

static const struct watched_dir *find(const struct watch *w, int wd)
{
    for (size_t i = 0; i < w->n_dirs; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

static bool is_editor_noise(const char *name)
{
    size_t len = strlen(name);
    return name[0] == '.' || (len && name[len - 1] == '~') ||
           (len > 4 && !strcmp(name + len - 4, ".swp")) ||
           (len > 4 && !strcmp(name + len - 4, ".tmp")) || !strncmp(name, "4913", 4);
}

/* Code a worker loads: a change to anything else (a data file a function
 * writes, a log) does not restart the workers. */
static bool is_code(const char *name)
{
    static const char *const ext[] = { ".js", ".mjs", ".cjs", ".jsx", ".ts", ".py", ".json",
                                       ".yml", ".yaml", ".node", ".so", NULL };
    const char *dot = strrchr(name, '.');
    if (!strcmp(name, "bootstrap"))
        return true;
    for (size_t i = 0; dot && ext[i]; i++)
        if (!strcmp(dot, ext[i]))
            return true;
    return false;
}

static void on_settled(evutil_socket_t fd, short what, void *arg)
{
    struct watch *w = arg;
    (void)fd;
    (void)what;
    bool manifest = w->pending_manifest;
    w->pending_manifest = w->pending_code = false;
    w->changed(w->arg, manifest, w->first_path);
    w->first_path[0] = '\0';
}

static void on_inotify(evutil_socket_t fd, short what, void *arg)
{
    struct watch *w = arg;
    char events[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    (void)what;
    for (;;) {
        ssize_t n = read(fd, events, sizeof(events));
        if (n <= 0)
            break;
        for (char *p = events; p < events + n;) {
            struct inotify_event *ie = (struct inotify_event *)p;
            p += sizeof(*ie) + ie->len;
            const struct watched_dir *dir = find(w, ie->wd);
            if (!dir || !ie->len || is_editor_noise(ie->name))
                continue;
            struct buf path = BUF_INIT;
            fs_join(&path, dir->path, ie->name);
            if ((ie->mask & IN_ISDIR) && (ie->mask & (IN_CREATE | IN_MOVED_TO))) {
                if (!skipped(ie->name))
                    add_dir(w, buf_cstr(&path), 1);
                buf_release(&path);
                continue;
            }
            if (ie->mask & IN_ISDIR) {
                buf_release(&path);
                continue;
            }
            if (!strcmp(dir->path, w->root) && !strcmp(ie->name, w->manifest_name)) {
                w->pending_manifest = true;
            } else if (is_code(ie->name)) {
                w->pending_code = true;
            } else {
                buf_release(&path);
                continue;
            }
            if (!w->first_path[0])
                snprintf(w->first_path, sizeof(w->first_path), "%s", buf_cstr(&path));
            buf_release(&path);
            struct timeval tv = { 0, WT_SETTLE_MS * 1000 };
            evtimer_add(w->settle, &tv); /* restarts the settling period */
        }
    }
}

int wt_new(struct emu *e, const char *dir, const char *manifest_path, wt_changed_fn changed,
           void *arg, struct watch **out, struct fn_err *err)
{
    struct watch *w = xcalloc(1, sizeof(*w));
    *out = NULL;
    w->emu = e;
    w->changed = changed;
    w->arg = arg;
    w->root = xstrdup(dir);
    w->manifest_name = xstrdup(fs_basename(manifest_path));
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        fn_err_errno(err, errno, "cannot watch '%s' for changes", dir);
        fn_err_hint(err, "run with --no-watch to start without hot reload");
        wt_free(w);
        return -1;
    }
    add_dir(w, dir, 0);
    w->ev = event_new(e->base, w->fd, EV_READ | EV_PERSIST, on_inotify, w);
    w->settle = evtimer_new(e->base, on_settled, w);
    event_add(w->ev, NULL);
    *out = w;
    return 0;
}

void wt_free(struct watch *w)
{
    if (!w)
        return;
    if (w->ev)
        event_free(w->ev);
    if (w->settle)
        event_free(w->settle);
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->n_dirs; i++)
        free(w->dirs[i].path);
    free(w->dirs);
    free(w->root);
    free(w->manifest_name);
    free(w);
}
