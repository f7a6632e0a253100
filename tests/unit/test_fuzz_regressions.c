/* Inputs the fuzzers found crashing, kept as tests: each file under
 * tests/data/fuzz_<target>/ must go through the production entry point
 * without a crash (the sanitizer build turns any memory error or undefined
 * behaviour into a failure) and give a result or a located error. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "manifest.h"

Test(fuzz_regressions, manifest_inputs_load_or_fail_cleanly)
{
    const char *dir = FNCTL_TEST_DATA "/fuzz_manifest";
    DIR *d = opendir(dir);
    struct dirent *de;
    int count = 0;

    cr_assert_not_null(d, "no %s", dir);
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        struct buf path = BUF_INIT, text = BUF_INIT;
        struct fn_err err = FN_ERR_INIT;
        struct mf_opts opts = { .dir = "/nonexistent-fnctl-fuzz" };
        struct manifest *m = NULL;
        fs_join(&path, dir, de->d_name);
        cr_assert_eq(fs_read_file(buf_cstr(&path), &text, 0, &err), 0, "%s", err.msg);
        int rc = mf_load_text(buf_cstr(&text), text.len, de->d_name, &opts, &m, &err);
        if (rc < 0) {
            cr_assert(err.msg[0], "%s: failed without a message", de->d_name);
            cr_assert_null(m);
        } else {
            cr_assert_not_null(m, "%s", de->d_name);
        }
        mf_free(m);
        buf_release(&path);
        buf_release(&text);
        count++;
    }
    closedir(d);
    cr_assert_gt(count, 0);
}
