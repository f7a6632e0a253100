/* pkg: units (individually, artifact), the zip names, the contributors and
 * the limits, on small services written by the tests. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "manifest.h"
#include "pkg.h"
#include "tmpdir.h"
#include "xalloc.h"

static char dir[64];

static void setup(void)
{
    test_tmpdir_make(dir, sizeof(dir), "pkg");
}

static void teardown(void)
{
    test_tmpdir_remove(dir);
}

static void write_file(const char *rel, const char *text)
{
    struct buf path = BUF_INIT, parent = BUF_INIT;
    fs_join(&path, dir, rel);
    fs_dirname(&parent, buf_cstr(&path));
    cr_assert_eq(fs_mkdir_p(buf_cstr(&parent), 0755, NULL), 0);
    cr_assert_eq(fs_write_atomic(buf_cstr(&path), text, strlen(text), 0644, NULL), 0);
    buf_release(&path);
    buf_release(&parent);
}

static struct manifest *load(void)
{
    struct mf_opts opts = { .dir = dir };
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mf_load(&opts, &m, &err), 0, "%s", err.msg);
    return m;
}

static const struct pkg_zip *zip_named(const struct pkg_report *r, const char *name)
{
    for (size_t i = 0; i < r->n_zips; i++)
        if (!strcmp(r->zips[i].name, name))
            return &r->zips[i];
    cr_assert_fail("no zip '%s'", name);
    return NULL;
}

TestSuite(pkg, .init = setup, .fini = teardown);

Test(pkg, default_mtime_honours_source_date_epoch)
{
    unsetenv("SOURCE_DATE_EPOCH");
    cr_assert_eq(pkg_default_mtime(), 315532800);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    cr_assert_eq(pkg_default_mtime(), 1700000000);
    setenv("SOURCE_DATE_EPOCH", "12abc", 1);
    cr_assert_eq(pkg_default_mtime(), 315532800, "not a number: the default");
    setenv("SOURCE_DATE_EPOCH", "1000", 1);
    cr_assert_eq(pkg_default_mtime(), 315532800, "before 1980: a zip cannot say it");
    unsetenv("SOURCE_DATE_EPOCH");
}

Test(pkg, shared_zip_and_individual_zip)
{
    write_file("serverless.yml",
               "service: svc\nprovider:\n  name: aws\n  runtime: python3.11\n"
               "functions:\n"
               "  a:\n    handler: a.main\n"
               "  b:\n    handler: pkg/b.main\n"
               "  c:\n    handler: c.main\n    package:\n      individually: true\n"
               "      patterns:\n        - 'data/**'\n");
    write_file("a.py", "import shared\ndef main(e, c):\n    return shared.X\n");
    write_file("pkg/b.py", "from pkg import helper\ndef main(e, c):\n    return 1\n");
    write_file("pkg/helper.py", "Y = 2\n");
    write_file("shared.py", "X = 1\n");
    write_file("c.py", "def main(e, c):\n    return 3\n");
    write_file("data/table.csv", "a,b\n");
    write_file("unused.py", "Z = 3\n");
    struct manifest *m = load();
    struct pkg_opts opts = { .mtime = pkg_default_mtime() };
    struct pkg_report r;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(pkg_build(m, &opts, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.n_zips, 2);
    const struct pkg_zip *shared = zip_named(&r, "svc");
    cr_assert_eq(shared->functions.n, 2);
    cr_assert_str_eq(shared->functions.v[0], "a");
    cr_assert_str_eq(shared->functions.v[1], "b");
    cr_assert_eq(shared->n_files, 4, "a.py, shared.py, pkg/b.py, pkg/helper.py: %zu",
                 shared->n_files);
    const struct pkg_zip *c = zip_named(&r, "c");
    cr_assert_eq(c->n_files, 2, "c.py and data/table.csv: %zu", c->n_files);
    cr_assert_eq(c->n_contribs, 1);
    cr_assert_str_eq(c->contribs[0].name, "(function code)");
    cr_assert_eq(strlen(c->code_sha256), 44);
    cr_assert(fs_exists(c->path));
    pkg_report_release(&r);
    mf_free(m);
}

Test(pkg, unknown_function_is_named_with_a_suggestion)
{
    write_file("serverless.yml", "service: svc\nprovider:\n  name: aws\n  runtime: python3.11\n"
                                 "functions:\n  worker:\n    handler: h.main\n");
    write_file("h.py", "def main(e, c):\n    return 1\n");
    struct manifest *m = load();
    char *names[] = { "wroker" };
    struct pkg_opts opts = { .functions = names, .n_functions = 1 };
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(pkg_check_functions(m, &opts, &err), -1);
    cr_assert(strstr(err.msg, "no function 'wroker'"), "%s", err.msg);
    cr_assert(strstr(err.hint, "did you mean 'worker'?"), "%s", err.hint);
    mf_free(m);
}

Test(pkg, missing_handler_is_an_error_at_the_function)
{
    write_file("serverless.yml", "service: svc\nprovider:\n  name: aws\n  runtime: python3.11\n"
                                 "functions:\n  worker:\n    handler: nowhere.main\n");
    struct manifest *m = load();
    struct pkg_opts opts = { .mtime = pkg_default_mtime() };
    struct pkg_report r;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(pkg_build(m, &opts, &r, &err), -1);
    cr_assert(strstr(err.msg, "nowhere"), "%s", err.msg);
    pkg_report_release(&r);
    mf_free(m);
}

Test(pkg, vendored_python_goes_to_the_root_and_counts_as_its_package)
{
    write_file("serverless.yml", "service: svc\nprovider:\n  name: aws\n  runtime: python3.11\n"
                                 "functions:\n  worker:\n    handler: h.main\n");
    write_file("h.py", "import tinylib\ndef main(e, c):\n    return tinylib.V\n");
    write_file(".venv/lib/python3.11/site-packages/tinylib/__init__.py", "V = 1\n");
    write_file(".venv/lib/python3.11/site-packages/tinylib/data.txt",
               "a data file large enough to weigh more than the handler itself, "
               "so that the package comes first among the contributors\n");
    write_file(".venv/lib/python3.11/site-packages/tinylib-1.0.dist-info/METADATA",
               "Name: tinylib\n");
    write_file(".venv/lib/python3.11/site-packages/tinylib-1.0.dist-info/top_level.txt",
               "tinylib\n");
    struct manifest *m = load();
    struct pkg_opts opts = { .mtime = pkg_default_mtime() };
    struct pkg_report r;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(pkg_build(m, &opts, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.n_zips, 1);
    cr_assert_str_eq(r.zips[0].contribs[0].name, "tinylib");
    cr_assert_eq(r.zips[0].contribs[0].files, 4, "2 files + 2 dist-info: %zu",
                 r.zips[0].contribs[0].files);
    pkg_report_release(&r);
    mf_free(m);
}

/* A go function whose binary is not built yet: nothing is traced, the
 * directory goes in as Serverless would put it (found by running fnctl
 * package over the corpus under UBSan). */
Test(pkg, untraced_runtime_without_its_handler_file)
{
    write_file("serverless.yml", "service: svc\nprovider:\n  name: aws\n  runtime: go1.x\n"
                                 "functions:\n  hello:\n    handler: bin/hello\n");
    write_file("main.go", "package main\n");
    struct manifest *m = load();
    struct pkg_opts opts = { .mtime = pkg_default_mtime() };
    struct pkg_report r;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(pkg_build(m, &opts, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.n_zips, 1);
    cr_assert_eq(r.zips[0].n_files, 1, "main.go alone: %zu", r.zips[0].n_files);
    pkg_report_release(&r);
    mf_free(m);
}
