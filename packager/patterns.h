/* patterns: Serverless's package patterns and the ignore rules.
 *
 * Globs as Serverless v3 matches them (micromatch with { dot: true }; the
 * test table tests/data/patterns/micromatch.tsv was recorded from it): `*`
 * and `?` within one path segment, dot files included; `**` as a whole
 * segment across any number of segments, zero included (so a trailing
 * globstar after "a/" also matches the file `a`, and a leading one before
 * "/x" matches `x`); `[abc]`, `[a-z]`, `[!a]`/`[^a]`, `[[:alpha:]]`
 * classes; `{a,b}` alternatives (nested) and `{1..3}`, `{a..c}` ranges;
 * `\` escaping. No basename matching: `*.md` is a top-level file only. A
 * pattern matches files, never directories: `tests` or `tests/` matches no
 * file under tests/ (Serverless issue #2471: add a globstar segment). A
 * leading "./" is dropped (Serverless's Go examples write their bin/
 * pattern so). Paths are
 * relative to the service directory and '/'-separated; bytes compare as
 * bytes, never through the locale.
 *
 * Where picomatch 2 is quirky fnctl follows bash and the glob standard:
 * `[!a]` negates (picomatch reads "'!' or 'a'"), `{1..10}` and `{01..03}`
 * expand (picomatch drops multi-digit ranges), a run of three stars is one
 * star, `**` glued to other characters is `*`. Extglobs (`@(a|b)`, `!(x)`)
 * are not supported: their characters match literally. A pattern expands
 * to at most 1024 brace alternatives; further ones are dropped.
 *
 * Matching is linear in pattern x path (no regular expressions, no
 * exponential backtracking whatever the stars). */
#ifndef FN_PATTERNS_H
#define FN_PATTERNS_H

#include <stdbool.h>

#include "err.h"
#include "manifest.h"
#include "patwalk.h"
#include "strvec.h"

/* True when the glob `pattern` (without its '!') matches `path`. */
bool pat_match(const char *pattern, const char *path);

/* Appends to *out the patterns of the service's and the function's package
 * sections (fn NULL: the service's alone), in the order Serverless v3
 * applies them (lib/plugins/package/lib/package-service.js): every exclude
 * first, the service's then the function's, each written negated ("!x"; an
 * exclude entry "!x" becomes "x"), then the includes: the service's include
 * and patterns, the function's include and patterns. As lodash's _.union
 * there, a repeated entry keeps only its first place in its half. The
 * caller puts Serverless's default excludes (and `**` for untraced
 * runtimes) before these. */
void pat_list_build(const struct mf_package *service, const struct mf_package *fn,
                    struct strvec *out);

/* Applies `patterns` in order to `files` (sorted, unique, relative; changed
 * in place and kept sorted and unique), the last pattern matching a file
 * deciding, as Serverless decides. A pattern "!x" removes every file of
 * the set that x matches, whoever added it. A positive pattern adds every
 * file of the walk it matches, and every `traced` file (sorted, may be
 * NULL: what the tracer found) it matches, back after a removal.
 *
 * .gitignore filters only what the catch-all `**` adds (Serverless's
 * starting set, which pkg.c puts first for runtimes without a tracer):
 * never a traced file (most projects ignore node_modules/, and Go examples
 * the bin/ they ship), and never a file an explicit pattern names (a
 * globstar under dist/, node_modules/.prisma/ or bin/): such a pattern is
 * the user asking for build output that git rightly ignores. A starting
 * file that is neither in the walk nor traced stays until a pattern
 * removes it. */
int pat_apply(const struct pat_walk *w, const struct strvec *patterns,
              const struct strvec *traced, struct strvec *files, struct fn_err *err);

#endif
