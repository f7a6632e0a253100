/* file: file-system helpers that fill a struct fn_err.
 *
 * Paths in messages are shown as given by the caller. */
#ifndef FN_FILE_H
#define FN_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"
#include "strvec.h"

/* Reads the whole file into out (appending). Fails, leaving out unchanged,
 * when the file is larger than max bytes (0: no limit) or cannot be read. */
int fs_read_file(const char *path, struct buf *out, size_t max, struct fn_err *err);

/* Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename. On failure nothing is left behind. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fn_err *err);

/* Creates path and its missing parents (like mkdir -p). */
int fs_mkdir_p(const char *path, mode_t mode, struct fn_err *err);

/* Removes path and everything below it (symlinks are not followed).
 * A missing path is not an error. */
int fs_rmtree(const char *path, struct fn_err *err);

/* Appends the names in directory path (without "." and ".."), sorted by
 * bytes, to *out. On failure errno still says why (callers that skip an
 * unreadable directory look at it). */
int fs_list_dir(const char *path, struct strvec *out, struct fn_err *err);

bool fs_exists(const char *path);
bool fs_is_dir(const char *path);
bool fs_is_file(const char *path);

/* Joins a and b with one '/' into out (reset first). b absolute: b alone. */
void fs_join(struct buf *out, const char *a, const char *b);

/* The directory part of path ("." when none) into out (reset first). */
void fs_dirname(struct buf *out, const char *path);

/* The last component of path, pointing into path. */
const char *fs_basename(const char *path);

#endif
