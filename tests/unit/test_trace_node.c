#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "tmpdir.h"
#include "trace.h"

#define SVC FNCTL_TEST_DATA "/noderes/svc"

static int run(const char *handler, bool skip_sdk, struct trace_result *res, struct fn_err *err)
{
    struct trace_opts o = {
        .service_dir = SVC,
        .handler = handler,
        .runtime = "nodejs20.x",
        .skip_aws_sdk = skip_sdk,
    };
    return trace_node(&o, res, err);
}

static bool has(const struct trace_result *res, const char *file)
{
    for (size_t i = 0; i < res->files.n; i++)
        if (!strcmp(res->files.v[i], file))
            return true;
    return false;
}

static const struct fn_err *warning_in(const struct trace_result *res, const char *file,
                                       const char *text)
{
    for (size_t i = 0; i < res->n_warnings; i++)
        if (!strcmp(res->warnings[i].file, file) && strstr(res->warnings[i].msg, text))
            return &res->warnings[i];
    return NULL;
}

static void dump(const struct trace_result *res)
{
    for (size_t i = 0; i < res->files.n; i++)
        fprintf(stderr, "  file %s\n", res->files.v[i]);
    for (size_t i = 0; i < res->n_warnings; i++)
        fprintf(stderr, "  warning %s:%d:%d: %s (%s)\n", res->warnings[i].file,
                res->warnings[i].line, res->warnings[i].col, res->warnings[i].msg,
                res->warnings[i].hint);
}

Test(trace_node, handler_files_and_packages_sorted)
{
    static const char *want[] = {
        "config.json",
        /* the nearest package.json ("type") and the package root's ("exports") */
        "node_modules/@scope/nested-type/dist/esm/index.js",
        "node_modules/@scope/nested-type/dist/esm/package.json",
        "node_modules/@scope/nested-type/package.json",
        "node_modules/exp-pkg/esm/index.mjs", /* imported: the "import" condition */
        "node_modules/exp-pkg/feature.js",
        "node_modules/exp-pkg/package.json",
        "node_modules/uuidish/dist/index.js",
        "node_modules/uuidish/dist/rng.js",
        "node_modules/uuidish/package.json",
        "package.json",
        "src/lazy.mjs",
        "src/lib/db.js",
        "src/lib/helpers/index.js",
        "src/orders.js",
        "src/shared.js",
    };
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run("src/orders.create", true, &res, &err), 0, "%s", err.msg);
    dump(&res);
    cr_assert_eq(res.files.n, sizeof(want) / sizeof(*want));
    cr_assert_eq(res.names.n, res.files.n);
    for (size_t i = 0; i < res.files.n; i++) {
        cr_expect_str_eq(res.files.v[i], want[i]);
        cr_expect_str_eq(res.names.v[i], res.files.v[i]);
    }
    cr_expect_null(res.files.v[res.files.n]);
    trace_result_release(&res);
}

Test(trace_node, unused_code_and_packages_left_out)
{
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run("src/orders.create", true, &res, &err), 0, "%s", err.msg);
    cr_expect(!has(&res, "src/unused.js"));
    cr_expect(!has(&res, "node_modules/unused-pkg/index.js"));
    cr_expect(!has(&res, "node_modules/unused-pkg/package.json"));
    cr_expect(!has(&res, "node_modules/uuidish/dist/unused.js"));
    cr_expect(!has(&res, "node_modules/exp-pkg/cjs/index.js")); /* only imported, never required */
    cr_expect(!has(&res, "src/plugins/a.js"));                  /* behind a computed require */
    trace_result_release(&res);
}

Test(trace_node, aws_sdk_skipped_only_when_asked)
{
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    cr_assert_eq(run("src/orders.create", true, &res, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < res.files.n; i++)
        cr_expect(!strstr(res.files.v[i], "@aws-sdk"), "%s", res.files.v[i]);
    trace_result_release(&res);

    cr_assert_eq(run("src/orders.create", false, &res, &err), 0, "%s", err.msg);
    cr_expect(has(&res, "node_modules/@aws-sdk/client-s3/dist-cjs/index.js"));
    cr_expect(has(&res, "node_modules/@aws-sdk/client-s3/package.json"));
    trace_result_release(&res);
}

Test(trace_node, warnings_name_file_and_line)
{
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;
    const struct fn_err *w;

    cr_assert_eq(run("src/orders.create", true, &res, &err), 0, "%s", err.msg);
    dump(&res);
    w = warning_in(&res, "src/orders.js", "computed require()");
    cr_assert_not_null(w);
    cr_expect_eq(w->line, 14);
    cr_expect_eq(w->col, 18);
    cr_expect(strstr(w->hint, "package.patterns"), "%s", w->hint);

    w = warning_in(&res, "src/lib/db.js", "'not-installed'");
    cr_assert_not_null(w);
    cr_expect_eq(w->line, 4);
    cr_expect(strstr(w->hint, "package.patterns"), "%s", w->hint);

    w = warning_in(&res, "src/lib/db.js", "outside the service directory");
    cr_assert_not_null(w);
    cr_expect_eq(w->line, 5);

    /* optionalDependencies and optional peers that are missing: silent */
    cr_expect_null(warning_in(&res, "src/orders.js", "fancy-opt"));
    cr_expect_null(warning_in(&res, "node_modules/uuidish/dist/index.js", "optional-peer"));
    cr_expect_eq(res.n_warnings, 3);
    trace_result_release(&res);
}

Test(trace_node, handler_lookup_like_the_runtime)
{
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;

    /* no .js: the .mjs is the handler */
    cr_assert_eq(run("handlers/esm.main", true, &res, &err), 0, "%s", err.msg);
    cr_expect(has(&res, "handlers/esm.mjs"));
    cr_expect(has(&res, "src/shared.js"));
    cr_expect(has(&res, "package.json"));
    cr_expect_eq(res.files.n, 3);
    trace_result_release(&res);

    /* a directory loads as require() loads it */
    cr_assert_eq(run("api.handler", true, &res, &err), 0, "%s", err.msg);
    cr_expect(has(&res, "api/index.js"));
    trace_result_release(&res);

    /* nested function names: "file.a.b" */
    cr_assert_eq(run("./src/orders.handlers.create", true, &res, &err), 0, "%s", err.msg);
    cr_expect(has(&res, "src/orders.js"));
    trace_result_release(&res);
}

Test(trace_node, bad_handlers_are_errors)
{
    static const char *bad[] = { "src/missing.create", "src/orders", "../svc/src/orders.create",
                                 ".create", "" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct trace_result res = TRACE_RESULT_INIT;
        struct fn_err err = FN_ERR_INIT;
        cr_expect_eq(run(bad[i], true, &res, &err), -1, "%s", bad[i]);
        cr_expect(err.msg[0] && strstr(err.msg, "handler"), "%s: %s", bad[i], err.msg);
        cr_expect(err.hint[0], "%s: no hint", bad[i]);
        trace_result_release(&res);
    }
}

Test(trace, kinds)
{
    cr_expect_eq(trace_kind("nodejs20.x"), 'n');
    cr_expect_eq(trace_kind("nodejs18.x"), 'n');
    cr_expect_eq(trace_kind("python3.12"), 'p');
    cr_expect_eq(trace_kind("provided.al2023"), 0);
    cr_expect_eq(trace_kind("java21"), 0);
    cr_expect_eq(trace_kind(NULL), 0);
}

Test(trace, sort_keeps_names_beside_files_and_drops_repeats)
{
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err w = FN_ERR_INIT;

    trace_result_add(&res, "b.py", "x/b.py");
    trace_result_add(&res, "a.py", NULL);
    trace_result_add(&res, "b.py", "other");
    trace_result_add(&res, "B.py", NULL);
    trace_result_sort(&res);
    cr_assert_eq(res.files.n, 3);
    cr_expect_str_eq(res.files.v[0], "B.py");
    cr_expect_str_eq(res.files.v[1], "a.py");
    cr_expect_str_eq(res.names.v[1], "a.py");
    cr_expect_str_eq(res.files.v[2], "b.py");
    cr_expect_str_eq(res.names.v[2], "x/b.py");
    cr_expect_null(res.files.v[3]);
    cr_expect_null(res.names.v[3]);
    fn_err_set(&w, "one");
    trace_warn(&res, &w);
    fn_err_set(&w, "two");
    trace_warn(&res, &w);
    cr_assert_eq(res.n_warnings, 2);
    cr_expect_str_eq(res.warnings[0].msg, "one");
    trace_result_release(&res);
    cr_expect_eq(res.files.n, 0);
    cr_expect_null(res.warnings);
    trace_result_release(&res); /* twice is fine */
}

/* Hundreds of files in milliseconds: a generated service of 400 modules,
 * each requiring the next two and a package with 100 files. */
Test(trace_node, fast_on_hundreds_of_files)
{
    char dir[64];
    struct buf p = BUF_INIT, src = BUF_INIT;
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;
    struct trace_opts o = { .handler = "m0.handler", .runtime = "nodejs20.x" };
    struct timespec t0, t1;
    double ms;

    test_tmpdir_make(dir, sizeof(dir), "trace-node");
    o.service_dir = dir;
    buf_addf(&p, "%s/node_modules/big/lib", dir);
    cr_assert_eq(fs_mkdir_p(p.data, 0755, &err), 0);
    for (int i = 0; i < 400; i++) {
        buf_reset(&p);
        buf_reset(&src);
        buf_addf(&p, "%s/m%d.js", dir, i);
        buf_addf(&src, "// module %d\nconst a = require('./m%d');\nconst b = require(\"./m%d.js\");\n"
                 "const big = require('big/lib/f%d');\nconst s = `not ${'a'} require('x')`;\n"
                 "module.exports.handler = () => [a, b, big, s];\n",
                 i, (i + 1) % 400, (i + 2) % 400, i % 100);
        cr_assert_eq(fs_write_atomic(p.data, src.data, src.len, 0644, &err), 0, "%s", err.msg);
    }
    for (int i = 0; i < 100; i++) {
        buf_reset(&p);
        buf_addf(&p, "%s/node_modules/big/lib/f%d.js", dir, i);
        cr_assert_eq(fs_write_atomic(p.data, "require('fs');\n", 15, 0644, &err), 0);
    }
    buf_reset(&p);
    buf_addf(&p, "%s/node_modules/big/package.json", dir);
    cr_assert_eq(fs_write_atomic(p.data, "{\"name\":\"big\"}", 14, 0644, &err), 0);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(trace_node(&o, &res, &err), 0, "%s", err.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    cr_log_info("traced %zu files in %.2f ms", res.files.n, ms);
    cr_expect_eq(res.files.n, 501, "400 modules, 100 package files, its package.json");
    cr_expect_eq(res.n_warnings, 0);
    trace_result_release(&res);
    cr_expect_eq(test_tmpdir_remove(dir), 0);
    buf_release(&p);
    buf_release(&src);
}

/* pnpm's isolated layout: node_modules/debug is a symlink into
 * node_modules/.pnpm, where debug's own dependency (ms) sits beside it and
 * nowhere else. Node loads debug from its real path and finds ms from
 * there: the trace does the same, and records the links the zip needs. */
Test(trace_node, pnpm_layout_traced_through_real_paths_with_its_links)
{
    char dir[64];
    struct buf p = BUF_INIT;
    struct trace_result res = TRACE_RESULT_INIT;
    struct fn_err err = FN_ERR_INIT;
    struct trace_opts o = { .handler = "handler.main", .runtime = "nodejs20.x" };
    static const char *const files[][2] = {
        { "handler.js", "const d = require('debug');\nexports.main = async () => d;\n" },
        { "node_modules/.pnpm/debug@4.3.4/node_modules/debug/package.json",
          "{\"name\":\"debug\",\"main\":\"src/index.js\"}" },
        { "node_modules/.pnpm/debug@4.3.4/node_modules/debug/src/index.js",
          "module.exports = require('ms');\n" },
        { "node_modules/.pnpm/ms@2.1.3/node_modules/ms/index.js", "module.exports = 1;\n" },
    };

    test_tmpdir_make(dir, sizeof(dir), "trace-pnpm");
    o.service_dir = dir;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        buf_reset(&p);
        buf_addf(&p, "%s/%s", dir, files[i][0]);
        char *slash = strrchr(p.data, '/');
        *slash = '\0';
        cr_assert_eq(fs_mkdir_p(p.data, 0755, &err), 0, "%s", err.msg);
        *slash = '/';
        cr_assert_eq(fs_write_atomic(p.data, files[i][1], strlen(files[i][1]), 0644, &err), 0);
    }
    buf_reset(&p);
    buf_addf(&p, "%s/node_modules/debug", dir);
    cr_assert_eq(symlink(".pnpm/debug@4.3.4/node_modules/debug", p.data), 0);
    buf_reset(&p);
    buf_addf(&p, "%s/node_modules/.pnpm/debug@4.3.4/node_modules/ms", dir);
    cr_assert_eq(symlink("../../ms@2.1.3/node_modules/ms", p.data), 0);

    cr_assert_eq(trace_node(&o, &res, &err), 0, "%s", err.msg);
    dump(&res);
    cr_expect_eq(res.n_warnings, 0);
    cr_expect(has(&res, "node_modules/.pnpm/debug@4.3.4/node_modules/debug/src/index.js"));
    cr_expect(has(&res, "node_modules/.pnpm/debug@4.3.4/node_modules/debug/package.json"));
    cr_expect(has(&res, "node_modules/.pnpm/ms@2.1.3/node_modules/ms/index.js"));
    cr_expect(!has(&res, "node_modules/debug/src/index.js"), "files go by their real paths");
    cr_assert_eq(res.links.n, 2);
    cr_expect_str_eq(res.links.v[0], "node_modules/.pnpm/debug@4.3.4/node_modules/ms");
    cr_expect_str_eq(res.link_targets.v[0], "../../ms@2.1.3/node_modules/ms");
    cr_expect_str_eq(res.links.v[1], "node_modules/debug");
    cr_expect_str_eq(res.link_targets.v[1], ".pnpm/debug@4.3.4/node_modules/debug");
    trace_result_release(&res);
    cr_expect_eq(test_tmpdir_remove(dir), 0);
    buf_release(&p);
}
