/* patterns: Serverless's package patterns and the ignore rules.
 *
 * Globs as Serverless v3 matches them (micromatch with dot files matched):
 * `*` and `?` within one path segment, `**` across segments, `[abc]`
 * classes, `{a,b}` alternatives, a trailing `/` or a directory name meaning
 * everything under it, a leading `!` negating. Paths are relative to the
 * service directory and '/'-separated.
 *
 * A leading "./" is dropped (Serverless's Go examples start their patterns so
 * for the bin/ directory they ship).
 *
 * A pattern list is applied in order to a set of files: a positive pattern
 * adds every file of the service directory it matches (except those
 * .gitignore ignores, unless the tracer found them: most projects ignore
 * node_modules/ and Go projects the bin/ they ship; and except .git/,
 * .fnctl/, .serverless/ and node_modules/.cache/, which never go in), a
 * negative one removes every file in the set it matches, whoever added it. pat_list_build() puts
 * Serverless's lists in the order Serverless applies them: the service's
 * exclude (negated), include, patterns, then the function's exclude,
 * include, patterns. */
#ifndef FN_PATTERNS_H
#define FN_PATTERNS_H

#include <stdbool.h>

#include "err.h"
#include "manifest.h"
#include "strvec.h"

/* True when the glob `pattern` (without its '!') matches `path`. */
bool pat_match(const char *pattern, const char *path);

/* Appends to *out the patterns of the service's and the function's package
 * sections (fn may be NULL), in Serverless's order, with the deprecated
 * exclude entries written as negated patterns. */
void pat_list_build(const struct mf_package *service, const struct mf_package *fn,
                    struct strvec *out);

struct pat_walk; /* the service directory's file list and its .gitignore */

/* Lists every regular file under service_dir once (symlinks to files are
 * followed; the never-packaged directories are skipped) and opens the
 * git repository around it, when there is one, for its ignore rules. */
int pat_walk_open(const char *service_dir, struct pat_walk **out, struct fn_err *err);
void pat_walk_free(struct pat_walk *w);

/* Every file of the walk, relative, sorted by bytes (not filtered by
 * .gitignore: this is Serverless's starting set for untraced runtimes). */
const struct strvec *pat_walk_files(const struct pat_walk *w);

/* True when .gitignore (any level, plus .git/info/exclude) ignores path. */
bool pat_walk_ignored(const struct pat_walk *w, const char *path);

/* Applies `patterns` in order to `files` (sorted, unique, relative; changed
 * in place and kept sorted and unique). `traced` (sorted, may be NULL) is
 * what the tracer found: .gitignore never filters those. */
void pat_apply(const struct pat_walk *w, const struct strvec *patterns,
               const struct strvec *traced, struct strvec *files);

#endif
