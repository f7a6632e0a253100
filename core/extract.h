/* extract: safe extraction of tar, tar.gz and zip archives (libarchive).
 *
 * Archives come from the network (`fnctl new https://.../x.tar.gz`) and are
 * untrusted: a hostile one tries to write outside the directory it is
 * extracted into ("zip slip"). Every entry is checked before anything is
 * written, and the whole tree once more at the end:
 *
 *   - absolute names ("/etc/x") and names with a ".." component are refused;
 *   - a symlink must be relative and resolve inside the destination, also
 *     through the other symlinks of the archive (checked on the finished
 *     tree, component by component, so that "s -> ." plus "t -> s/../x"
 *     cannot escape either);
 *   - nothing is written through a symlink (libarchive's
 *     ARCHIVE_EXTRACT_SECURE_SYMLINKS and an lstat of every parent);
 *   - a hardlink must name a regular file extracted before it;
 *   - devices, fifos and sockets are refused; set-id bits are dropped
 *     (files are 0755 when any execute bit is set, 0644 otherwise);
 *   - a second entry of the same name is refused (no overwrite);
 *   - the total size and the number of entries are capped (archive bombs).
 *
 * The destination is created by the extraction and must not exist; on any
 * failure it is removed again, so the caller sees a complete tree or none
 * (and renames the finished tree into place). */
#ifndef FN_EXTRACT_H
#define FN_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Caps on what one archive may unpack to. */
#define EX_MAX_BYTES (1024u * 1024u * 1024u) /* 1 GiB of file contents */
#define EX_MAX_ENTRIES 100000u

/* Extracts the archive held in memory (tar, optionally gzip/bzip2/xz
 * compressed, or zip) into dest, a directory it creates. what names the
 * archive in messages ("'https://x/y.tar.gz'"). */
int ex_extract_memory(const void *data, size_t len, const char *what, const char *dest,
                      struct fn_err *err);

/* The same for an archive file. */
int ex_extract_file(const char *path, const char *dest, struct fn_err *err);

/* Checks a finished tree: every symlink below root is relative and resolves
 * inside root (through the tree's other symlinks), and nothing below root is
 * a device, fifo or socket. The first offender is the error, named by its
 * path relative to root. */
int ex_check_tree(const char *root, struct fn_err *err);

/* Whether an archive member name is safe to create below a directory: not
 * empty, not absolute, no ".." component. ("./a" and "a//b" are fine.) */
bool ex_name_is_safe(const char *name);

#endif
