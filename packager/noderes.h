/* noderes: Node.js module resolution, as node's own resolver does it.
 *
 * CommonJS (require) and ES module (import) resolution of one specifier
 * from one file: relative and absolute paths; extensions .js .json .node
 * (and .mjs .cjs when written out); directory index files; node_modules
 * looked up the tree; package.json "main", "exports" (subpaths, "*"
 * patterns, nested conditions, arrays of fallbacks, null targets) and
 * "imports" ("#internal"); a package referring to itself by its own name
 * through "exports". Conditions, as node 20.19 and later enable them:
 * "node", "node-addons", "module-sync", "require" or "import" by the mode,
 * and "default"; the first one listed in the package.json that is enabled
 * wins. Any other condition ("browser", "deno", "types", ...) is skipped.
 *
 * The mode changes only the conditions: an import of a relative path or of a
 * package without "exports" is resolved as leniently as require() (the exact
 * path, then .js .json .node, then the directory's package.json "main" and
 * index files), so that older code still traces. "exports" and "imports"
 * targets are exact paths in both modes, as in node.
 *
 * Parsed package.json files (and the absence of one in a directory) are
 * cached in the struct noderes, so one resolver should serve a whole
 * packaging run; it is not thread-safe. Paths in and out are
 * absolute and normalised (no "." or ".." components; symlinks are not
 * resolved). */
#ifndef FN_NODERES_H
#define FN_NODERES_H

#include <stdbool.h>

#include "buf.h"
#include "err.h"

enum noderes_mode { NODERES_REQUIRE, NODERES_IMPORT };

enum noderes_outcome {
    NODERES_FILE,      /* *out holds the absolute path of the file */
    NODERES_BUILTIN,   /* "fs", "node:fs", ...: nothing to package */
    NODERES_NOT_FOUND, /* err says what was tried and hints what to do */
};

struct noderes;

/* Returns a new resolver; noderes_free() releases it and its cache. */
struct noderes *noderes_new(void);
void noderes_free(struct noderes *r);

/* Resolves `specifier` as loaded by the file `from` (absolute path; the file
 * itself need not exist). Fills *out (reset first; left empty unless
 * NODERES_FILE). Returns the outcome; -1 only for an unusable package.json
 * on the way (not JSON, or "exports" mixing "./x" keys with conditions): err
 * names the file. A "file:" URL is taken as its path; any other URL scheme
 * is NODERES_NOT_FOUND. "#x" into a built-in ("imports": {"#fs": "fs"}) is
 * NODERES_BUILTIN. */
int noderes_resolve(struct noderes *r, const char *from, const char *specifier,
                    enum noderes_mode mode, struct buf *out, struct fn_err *err);

/* Collapses "//", "." and ".." components of the absolute path in *path
 * (lexically: symlinks are not resolved; ".." at the root stays there). */
void noderes_normalize(struct buf *path);

/* True for node's built-in modules ("fs", "fs/promises", "node:test", ...). */
bool noderes_is_builtin(const char *specifier);

/* The package.json that governs `file` (the nearest one up the tree, not
 * above `stop_dir`): its absolute path in *out, and true; false when none.
 * The tracer packages these (they carry "type", "main", "exports"). */
bool noderes_package_json(struct noderes *r, const char *file, const char *stop_dir,
                          struct buf *out);

/* True when `file` is an ES module: .mjs, or .js (or any other extension
 * but .cjs) under a nearest package.json saying "type": "module". */
bool noderes_is_esm(struct noderes *r, const char *file);

/* True when the package `specifier` names ("pkg" of "pkg/sub") is listed in
 * the optionalDependencies, or marked optional in the peerDependenciesMeta,
 * of the package.json governing `from`: code loads such packages inside a
 * try block, so their absence is not worth a warning. */
bool noderes_is_optional(struct noderes *r, const char *from, const char *specifier);

#endif
