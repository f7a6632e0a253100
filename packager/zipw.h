/* zipw: deterministic zip files (libarchive).
 *
 * The same entries give the same bytes, whatever the clock, time zone,
 * locale, umask or file owners: entries are written in the order given
 * (callers pass them sorted by bytes), every timestamp is `mtime` (pinned
 * through UTC: libarchive converts zip times with local time), modes are
 * 0644, or 0755 when the source file has any execute bit, owners are
 * dropped, and deflate runs at one fixed level. A symlink among the sources
 * is followed when it points inside `root`, an error otherwise. */
#ifndef FN_ZIPW_H
#define FN_ZIPW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct zipw_entry {
    const char *name; /* path inside the zip, '/'-separated */
    const char *src;  /* the file to read (absolute) */
};

struct zipw_stats {
    uint64_t zipped;     /* size of the zip file */
    uint64_t unzipped;   /* sum of the entries' sizes */
    size_t n_files;
    uint64_t *sizes;     /* unzipped size of each entry, in entry order (owned) */
    char code_sha256[45]; /* base64 of the zip's SHA-256, as Lambda's CodeSha256 */
};

/* Writes `entries` to the zip `path` (via a temporary file renamed into
 * place: a failed run leaves no partial zip). `root` bounds symlinks. */
int zipw_write(const char *path, const char *root, const struct zipw_entry *entries, size_t n,
               time_t mtime, struct zipw_stats *stats, struct fn_err *err);

/* Fills code_sha256, zipped (and nothing else) for an existing zip file,
 * e.g. a prebuilt package.artifact. */
int zipw_hash_file(const char *path, struct zipw_stats *stats, struct fn_err *err);

void zipw_stats_release(struct zipw_stats *stats);

#endif
