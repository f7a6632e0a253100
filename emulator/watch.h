/* watch: hot reload. inotify on the service directory (and its
 * subdirectories, but for node_modules, .git, .fnctl, .serverless and
 * __pycache__), on the event loop; no polling.
 *
 * Only code counts (.js .mjs .cjs .ts .py .json .yml .node .so, and
 * `bootstrap`): a function writing data files does not restart itself.
 * A burst of changes (an editor saving through a temporary file) is
 * collected for 100 ms, then reported once: the manifest changed, or code
 * changed. */
#ifndef FN_WATCH_H
#define FN_WATCH_H

#include <stdbool.h>

#include "emu.h"

struct watch;

/* Called on the loop after a burst: manifest is true when the manifest file
 * itself changed (code may have changed too). */
typedef void (*wt_changed_fn)(void *arg, bool manifest, const char *first_path);

int wt_new(struct emu *e, const char *dir, const char *manifest_path, wt_changed_fn changed,
           void *arg, struct watch **out, struct fn_err *err);
void wt_free(struct watch *w);

#endif
