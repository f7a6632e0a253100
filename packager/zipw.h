/* zipw: deterministic zip files (libarchive).
 *
 * The same entries give the same bytes, whatever the clock, time zone,
 * locale, umask or file owners: entries are written in the order given
 * (callers pass them sorted by bytes), every timestamp is `mtime` (the DOS
 * date in UTC, the "UT" field the mtime alone), modes are 0644, or 0755
 * when the source file has any execute bit, owners are 0, deflate runs at
 * level 6, names are stored as UTF-8 (flagged so when not ASCII) and
 * nothing pads the end. No directory entries are written, as Serverless
 * writes none: extractors and Lambda create directories from the paths.
 * The zips are plain deflate, unencrypted, with a data descriptor after
 * each entry, as most zip tools write them (the tests read them back with
 * unzip, python's zipfile and libarchive); no Zip64 fields unless an entry
 * passes 4 GiB. Bytes may differ between zlib versions, never between runs
 * on one machine.
 *
 * Symlinks in sources are resolved: a source whose real path lies inside
 * `root` (a link, or a path through a linked directory) is written as a
 * regular file with its target's content and mode; one outside `root` is an
 * error naming the entry and the target, with a hint. A link the caller
 * asks for (an entry with `link` set) is written as a symlink entry (mode
 * 0777, as zip and Lambda keep them), for node's pnpm layouts. */
#ifndef FN_ZIPW_H
#define FN_ZIPW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct zipw_entry {
    const char *name; /* path inside the zip, '/'-separated */
    const char *src;  /* the file to read (absolute); NULL for a link */
    const char *link; /* a symlink entry's target: relative, and inside the
                       * zip once resolved from the link's directory */
};

struct zipw_stats {
    uint64_t zipped;     /* size of the zip file */
    uint64_t unzipped;   /* sum of the entries' sizes */
    size_t n_files;
    uint64_t *sizes;     /* unzipped size of each entry, in entry order (owned) */
    char code_sha256[45]; /* base64 of the zip's SHA-256, as Lambda's CodeSha256 */
};

/* Writes `entries` to the zip `path` through "<path>.tmp-<pid>", renamed
 * into place once complete and hashed: a failed run removes the temporary
 * file and leaves whatever was at `path` before. `root` bounds symlinks.
 * Names must be relative, '/'-separated, without empty, "." or ".." parts
 * (an error otherwise); unique names are the caller's business. A source
 * that is not a regular file, cannot be read, or changes size while it is
 * read is an error.
 *
 * Fills *stats (overwritten; release with zipw_stats_release(), also after
 * a failure). SHA-256 needs libcrypto (crypto_dl.h): without it, an error.
 *
 * While writing, the process's TZ is set to "UTC0" (and restored after,
 * unset if it was unset): libarchive computes the DOS date with
 * localtime_r(), and the time zone is process state. Not for use while
 * another thread reads the time zone; fnctl has one thread. */
int zipw_write(const char *path, const char *root, const struct zipw_entry *entries, size_t n,
               time_t mtime, struct zipw_stats *stats, struct fn_err *err);

/* Fills code_sha256 and zipped (nothing else) for an existing file, e.g. a
 * prebuilt package.artifact: base64 of its SHA-256, as Lambda reports it. */
int zipw_hash_file(const char *path, struct zipw_stats *stats, struct fn_err *err);

/* Frees sizes and zeroes *stats. Safe on NULL and on a zeroed one. */
void zipw_stats_release(struct zipw_stats *stats);

#endif
