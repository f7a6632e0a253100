/* noderes: Node.js module resolution, as node's own resolver does it.
 *
 * CommonJS (require) and ES module (import) resolution of one specifier
 * from one file: relative and absolute paths; extensions .js .json .node
 * (and .mjs .cjs when written out); directory index files; node_modules
 * looked up the tree; package.json "main", "exports" (subpaths, "./x/*"
 * patterns, nested conditions, arrays of fallbacks, null targets) and
 * "imports" ("#internal"); a package referring to itself by its own name
 * through "exports". Conditions: "node", then "require" or "import" by the
 * mode, then "default" (the "module-sync" and other conditions are ignored,
 * as node 20 does).
 *
 * Parsed package.json files are cached in the struct noderes, so one
 * resolver should serve a whole packaging run. Paths in and out are
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

/* Resolves `specifier` as loaded by the file `from` (absolute path). Fills
 * *out (reset first) for NODERES_FILE. Returns the outcome; -1 only for an
 * unusable package.json on the way (err names the file and the JSON error). */
int noderes_resolve(struct noderes *r, const char *from, const char *specifier,
                    enum noderes_mode mode, struct buf *out, struct fn_err *err);

/* True for node's built-in modules ("fs", "fs/promises", "node:test", ...). */
bool noderes_is_builtin(const char *specifier);

/* The package.json that governs `file` (the nearest one up the tree, not
 * above `stop_dir`): its absolute path in *out, and true; false when none.
 * The tracer packages these (they carry "type", "main", "exports"). */
bool noderes_package_json(struct noderes *r, const char *file, const char *stop_dir,
                          struct buf *out);

/* True when `file`'s nearest package.json says "type": "module" (so a .js
 * file is an ES module). */
bool noderes_is_esm(struct noderes *r, const char *file);

#endif
