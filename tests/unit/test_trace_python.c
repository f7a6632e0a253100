#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "tmpdir.h"
#include "trace.h"

#define SVC FNCTL_TEST_DATA "/pytrace/svc"
#define SVC2 FNCTL_TEST_DATA "/pytrace/svc2"
#define VENV ".venv/lib/python3.11/site-packages/"

/* "file -> name" per line (just "file" when the name is the same), and the
 * warnings as "file:line:col: message" lines, so that a whole trace is one
 * string comparison and a failure prints all of it. */
static char *render(const struct trace_result *r, bool warnings)
{
    struct buf b = BUF_INIT;

    cr_assert_eq(r->files.n, r->names.n);
    if (!warnings)
        for (size_t i = 0; i < r->files.n; i++) {
            if (i > 0)
                cr_assert_lt(strcmp(r->files.v[i - 1], r->files.v[i]), 0,
                             "not sorted or not unique: %s", r->files.v[i]);
            if (strcmp(r->files.v[i], r->names.v[i]))
                buf_addf(&b, "%s -> %s\n", r->files.v[i], r->names.v[i]);
            else
                buf_addf(&b, "%s\n", r->files.v[i]);
        }
    else
        for (size_t i = 0; i < r->n_warnings; i++) {
            char line[1024];
            fn_err_format(&r->warnings[i], line, sizeof(line));
            buf_addf(&b, "%s\n", line);
        }
    return buf_detach(&b, NULL);
}

static int run(const char *dir, const char *handler, bool skip_sdk, struct trace_result *r,
               struct fn_err *err)
{
    struct trace_opts opts = {
        .service_dir = dir, .handler = handler, .runtime = "python3.11", .skip_aws_sdk = skip_sdk,
    };
    return trace_python(&opts, r, err);
}

static const char want_svc[] =
    VENV "fakepkg-1.0.dist-info/INSTALLER -> fakepkg-1.0.dist-info/INSTALLER\n"
    VENV "fakepkg-1.0.dist-info/METADATA -> fakepkg-1.0.dist-info/METADATA\n"
    VENV "fakepkg-1.0.dist-info/RECORD -> fakepkg-1.0.dist-info/RECORD\n"
    VENV "fakepkg-1.0.dist-info/top_level.txt -> fakepkg-1.0.dist-info/top_level.txt\n"
    VENV "fakepkg.libs/libfake-1a2b3c.so.1 -> fakepkg.libs/libfake-1a2b3c.so.1\n"
    VENV "fakepkg/__init__.py -> fakepkg/__init__.py\n"
    VENV "fakepkg/_speedups.cpython-311-x86_64-linux-gnu.so -> "
         "fakepkg/_speedups.cpython-311-x86_64-linux-gnu.so\n"
    VENV "fakepkg/contrib_tls.py -> fakepkg/contrib_tls.py\n"
    VENV "fakepkg/core.py -> fakepkg/core.py\n"
    VENV "fakepkg/py.typed -> fakepkg/py.typed\n"
    VENV "fakepkg/templates/page.html -> fakepkg/templates/page.html\n"
    VENV "single-0.1.dist-info/METADATA -> single-0.1.dist-info/METADATA\n"
    VENV "single-0.1.dist-info/RECORD -> single-0.1.dist-info/RECORD\n"
    VENV "single.py -> single.py\n"
    "lib/__init__.py\n"
    "lib/consts.py\n"
    "lib/sub/__init__.py\n"
    "lib/sub/deep.py\n"
    "lib/util.py\n"
    "src/app.py\n"
    "src/helpers.py\n"
    "vendor/vendored2-0.1.dist-info/top_level.txt -> vendored2-0.1.dist-info/top_level.txt\n"
    "vendor/vendored2/__init__.py -> vendored2/__init__.py\n"
    "vendor/vendored2/plugins/__init__.py -> vendored2/plugins/__init__.py\n"
    "vendor/vendored2/plugins/one.py -> vendored2/plugins/one.py\n";

Test(trace_python, follows_local_packages_and_vendored_site_packages)
{
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run(SVC, "src/app.handler", true, &r, &err), 0, "%s", err.msg);
    char *got = render(&r, false);
    /* relative imports up two levels, a namespace package (src), a
     * C extension, data files, the .dist-info and the bundled .libs;
     * no unused module (lib/unused.py, fakepkg/extra.py, unusedpkg), no
     * stub, no bytecode, no stdlib, no boto3 (the runtime ships it) */
    cr_assert_str_eq(got, want_svc, "got:\n%s", got);
    free(got);
    /* ujson optional, mypy_boto3_s3 under TYPE_CHECKING, jmespath in the
     * runtime, fakepkg's lazy import, OpenSSL imported by a module that is
     * itself imported optionally: none is a warning */
    got = render(&r, true);
    cr_assert_str_eq(got, "src/app.py:25:5: cannot find module 'missing_mod'\n", "got:\n%s", got);
    cr_assert(strstr(r.warnings[0].hint, "pip install -t"), "%s", r.warnings[0].hint);
    free(got);
    trace_result_release(&r);
}

Test(trace_python, keeps_vendored_boto3_unless_the_runtime_ships_it)
{
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run(SVC, "src/app.handler", false, &r, &err), 0, "%s", err.msg);
    cr_assert_geq(strvec_find(&r.files, VENV "boto3/__init__.py"), 0);
    long i = strvec_find(&r.files, VENV "boto3-1.0.dist-info/top_level.txt");
    cr_assert_geq(i, 0);
    cr_assert_str_eq(r.names.v[i], "boto3-1.0.dist-info/top_level.txt");
    /* boto3 imports botocore, which is not vendored: the runtime has it */
    cr_assert_eq(r.n_warnings, 1, "%zu warnings", r.n_warnings);
    trace_result_release(&r);
}

Test(trace_python, dotted_handler_names_a_module_in_a_package)
{
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run(SVC2, "pkg.mod.handler", true, &r, &err), 0, "%s", err.msg);
    char *got = render(&r, false);
    cr_assert_str_eq(got, "pkg/__init__.py\npkg/mod.py\npkg/shared.py\n", "got:\n%s", got);
    cr_assert_eq(r.n_warnings, 0);
    free(got);
    trace_result_release(&r);

    cr_assert_eq(run(SVC, "./lib/util.main", true, &r, &err), 0, "%s", err.msg);
    got = render(&r, false);
    cr_assert_str_eq(got, "lib/__init__.py\nlib/consts.py\nlib/sub/__init__.py\n"
                          "lib/sub/deep.py\nlib/util.py\n", "got:\n%s", got);
    free(got);
    trace_result_release(&r);
}

Test(trace_python, warns_about_what_cannot_be_followed)
{
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run(SVC2, "handler.main", true, &r, &err), 0, "%s", err.msg);
    char *got = render(&r, false);
    /* a local calendar.py comes before the standard library's on sys.path */
    cr_assert_str_eq(got, "calendar.py\nhandler.py\n", "got:\n%s", got);
    free(got);
    got = render(&r, true);
    cr_assert_str_eq(got,
                     "handler.py:2:1: relative import goes above the top-level package\n"
                     "handler.py:6:20: computed import cannot be traced\n",
                     "got:\n%s", got);
    cr_assert(strstr(r.warnings[1].hint, "package.patterns"));
    free(got);
    trace_result_release(&r);
}

Test(trace_python, names_a_sibling_module_lambda_would_not_find)
{
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run(SVC2, "src/app.handler", true, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.files.n, 1);
    cr_assert_str_eq(r.files.v[0], "src/app.py");
    cr_assert_eq(r.n_warnings, 1);
    cr_assert_str_eq(r.warnings[0].msg, "cannot find module 'helper'");
    cr_assert_eq(r.warnings[0].line, 1);
    cr_assert(strstr(r.warnings[0].hint, "'src/helper.py' is next to 'src/app.py'"), "%s",
              r.warnings[0].hint);
    cr_assert(strstr(r.warnings[0].hint, "'src.helper'"), "%s", r.warnings[0].hint);
    trace_result_release(&r);
}

Test(trace_python, a_missing_handler_is_an_error)
{
    static const char *const bad[] = { "nothere.main", "src/nothere.handler", "src.handler",
                                       "handler", ".main", "src/.main", "a..b.main" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct trace_result r = TRACE_RESULT_INIT;
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(run(SVC, bad[i], true, &r, &err), -1, "%s", bad[i]);
        cr_assert(err.msg[0] && err.hint[0], "%s", bad[i]);
        cr_assert_eq(r.files.n, 0, "%s", bad[i]);
        cr_assert_eq(r.names.n, 0, "%s", bad[i]);
        trace_result_release(&r);
    }
}

/* A `pip install -t .` service: the packages sit beside the handler, and a
 * __pycache__ directory is never packaged. Built in a temporary directory
 * (the repository ignores __pycache__). */
Test(trace_python, packages_installed_into_the_service_directory)
{
    char dir[64];
    struct trace_result r = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;
    struct buf p = BUF_INIT;
    static const char *const files[][2] = {
        { "handler.py", "import dep\n" },
        { "dep/__init__.py", "from .inner import x\n" },
        { "dep/inner.py", "x = 1\n" },
        { "dep/data.json", "{}\n" },
        { "dep/__pycache__/inner.cpython-311.pyc", "bytecode" },
        { "dep-1.0.dist-info/RECORD", "dep/__init__.py,,\ndep/inner.py,,\n" },
        { "other/__init__.py", "" },
        { "other-1.0.dist-info/RECORD", "other/__init__.py,,\n" },
    };

    test_tmpdir_make(dir, sizeof(dir), "trace-python");
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct buf parent = BUF_INIT;
        fs_join(&p, dir, files[i][0]);
        fs_dirname(&parent, buf_cstr(&p));
        cr_assert_eq(fs_mkdir_p(buf_cstr(&parent), 0755, &err), 0, "%s", err.msg);
        cr_assert_eq(fs_write_atomic(buf_cstr(&p), files[i][1], strlen(files[i][1]), 0644,
                                     &err), 0, "%s", err.msg);
        buf_release(&parent);
    }
    cr_assert_eq(run(dir, "handler.main", true, &r, &err), 0, "%s", err.msg);
    char *got = render(&r, false);
    cr_assert_str_eq(got, "dep-1.0.dist-info/RECORD\ndep/__init__.py\ndep/data.json\n"
                          "dep/inner.py\nhandler.py\n", "got:\n%s", got);
    free(got);
    cr_assert_eq(r.n_warnings, 0);
    trace_result_release(&r);
    cr_assert_eq(test_tmpdir_remove(dir), 0);
    buf_release(&p);
}
