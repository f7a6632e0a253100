/* Temporary directories for the unit tests: one made fresh for a test (or a
 * suite's .init), removed with everything in it afterwards.
 *
 * Removal walks the tree with nftw() instead of calling fs_rmtree(), so
 * that the tests of core/file.c do not clean up with the code they test. */
#ifndef FN_TEST_TMPDIR_H
#define FN_TEST_TMPDIR_H

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Makes a new directory "/tmp/fnctl-test-<tag>-XXXXXX" (mkdtemp) and writes
 * its path into out (size bytes, owned by the caller). The test fails when
 * it cannot be made or its path does not fit. */
static inline void test_tmpdir_make(char *out, size_t size, const char *tag)
{
    int n = snprintf(out, size, "/tmp/fnctl-test-%s-XXXXXX", tag);
    cr_assert(n > 0 && (size_t)n < size, "temporary directory name for '%s' too long", tag);
    cr_assert_not_null(mkdtemp(out), "cannot make a temporary directory for '%s'", tag);
}

static inline int test_tmpdir_remove_entry(const char *path, const struct stat *st, int flag,
                                           struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes dir and everything below it; symlinks are removed, not followed.
 * dir itself is made writable first, in case a test left it read-only.
 * Returns 0, also when dir is missing, or -1 when something could not be
 * removed (a test may assert on it; a teardown may ignore it). */
static inline int test_tmpdir_remove(const char *dir)
{
    if (!dir || !dir[0])
        return 0;
    chmod(dir, 0700);
    if (nftw(dir, test_tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
        return 0;
    return errno == ENOENT ? 0 : -1;
}

#endif
