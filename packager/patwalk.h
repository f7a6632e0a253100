/* patwalk: the files of a service directory that patterns may add, listed
 * only as far as the patterns reach, and git's ignore rules for them.
 *
 * A walk starts empty: pat_walk_need() lists what one pattern can match
 * and no more (a pattern under config/ lists config/ alone, `*.md` the top
 * directory alone, `src/x.js` checks one file, `**` lists everything), so
 * packaging a node service whose patterns never reach into node_modules/
 * never lists node_modules/. Files listed for several patterns are listed
 * once. libgit2 is loaded, and the repository around the service opened,
 * on the first pat_walk_ignored(): a service whose patterns do not need
 * the ignore rules never pays for them. */
#ifndef FN_PATWALK_H
#define FN_PATWALK_H

#include <stdbool.h>

#include "err.h"
#include "strvec.h"

struct pat_walk; /* the service directory's listed files and its .gitignore */

/* Checks that service_dir is a directory and starts an empty walk of it;
 * the caller frees *out with pat_walk_free(). */
int pat_walk_open(const char *service_dir, struct pat_walk **out, struct fn_err *err);
void pat_walk_free(struct pat_walk *w);

/* Lists (once) every regular file under service_dir that `pattern` (a glob,
 * without its '!') could match. Symlinks are followed (to a file: listed
 * under the link's path; to a directory: descended, unless it is one being
 * listed, which would never end); dangling links, sockets and the like are
 * left out, as are unreadable subdirectories (Serverless's globby is silent
 * about them too). Entries named .git (directory or file), .fnctl and
 * .serverless at any depth, and node_modules/.cache, are never listed.
 * Fails when a directory cannot be listed for another reason or nesting
 * passes 128 directories. */
int pat_walk_need(const struct pat_walk *w, const char *pattern, struct fn_err *err);

/* The files listed so far, relative, sorted by bytes (not filtered by
 * .gitignore); pat_walk_need(w, "**") first lists them all. */
const struct strvec *pat_walk_files(const struct pat_walk *w);

/* True when git ignores path (relative to the service directory): any
 * .gitignore from the work tree's root down, .git/info/exclude and the
 * user's core.excludesFile, as `git check-ignore` answers; a file under an
 * ignored directory is ignored. The repository is found searching upwards
 * from service_dir (the service may be a subdirectory of the work tree);
 * no libgit2, no repository or a bare one mean nothing is ignored. Answers
 * for listed files are cached. */
bool pat_walk_ignored(const struct pat_walk *w, const char *path);

#endif
