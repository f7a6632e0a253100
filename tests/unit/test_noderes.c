#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "noderes.h"

#define APP FNCTL_TEST_DATA "/noderes/app"

/* One resolution: from a file (relative to APP) a specifier in a mode
 * ('r' require, 'i' import) gives a file (relative to APP), "=builtin",
 * "=missing" or "=error". The expectations were checked against node 20's
 * require.resolve and import.meta.resolve where node is exact; "lenient"
 * rows are where packaging is deliberately more forgiving than import. */
struct row {
    const char *from, *spec;
    char mode;
    const char *want;
};

static const struct row rows[] = {
    /* relative files, extensions, index files */
    { "src/index.js", "./plain", 'r', "src/plain.js" },
    { "src/index.js", "./plain.js", 'i', "src/plain.js" },
    { "src/index.js", "./plain", 'i', "src/plain.js" }, /* lenient */
    { "src/index.js", "./onlyjson", 'r', "src/onlyjson.json" },
    { "src/index.js", "./both", 'r', "src/both.js" },
    { "src/index.js", "./addon", 'r', "src/addon.node" },
    { "src/index.js", "./lib", 'r', "src/lib/index.js" },
    { "src/index.js", "./lib/", 'r', "src/lib/index.js" },
    { "src/index.js", "./jsondir", 'r', "src/jsondir/index.json" },
    { "src/index.js", "./dironly", 'r', "src/dironly/index.js" }, /* dironly.js is a directory */
    { "src/index.js", "../src/./data.json", 'r', "src/data.json" },
    { "src/index.js", "./x.mjs", 'i', "src/x.mjs" },
    { "src/nested/deep/file.js", "../..", 'r', "src/index.js" },
    { "src/index.js", "./nothere", 'r', "=missing" },
    /* main, index, no package.json */
    { "src/index.js", "dep-main", 'r', "node_modules/dep-main/lib/main.js" },
    { "src/index.js", "dep-main", 'i', "node_modules/dep-main/lib/main.js" },
    { "src/index.js", "dep-main/lib/other", 'r', "node_modules/dep-main/lib/other.js" },
    { "src/index.js", "dep-noext", 'r', "node_modules/dep-noext/lib/entry.js" },
    { "src/index.js", "dep-maindir", 'r', "node_modules/dep-maindir/lib/index.js" },
    { "src/index.js", "dep-index", 'r', "node_modules/dep-index/index.js" },
    { "src/index.js", "dep-badmain", 'r', "node_modules/dep-badmain/index.js" },
    { "src/index.js", "single", 'r', "node_modules/single.js" },
    { "src/index.js", "addon", 'r', "node_modules/addon/build/Release/addon.node" },
    /* exports: a string beats main and closes every other path */
    { "src/index.js", "exp-string", 'r', "node_modules/exp-string/dist/x.js" },
    { "src/index.js", "exp-string/dist/y.js", 'r', "=missing" },
    /* top-level conditions (sugar), ESM vs CJS */
    { "src/index.js", "exp-cond", 'r', "node_modules/exp-cond/cjs/r.js" },
    { "src/index.js", "exp-cond", 'i', "node_modules/exp-cond/esm/i.mjs" },
    /* nested conditions; unknown ones ("types", "browser") skipped */
    { "src/index.js", "exp-nested", 'r', "node_modules/exp-nested/n-r.js" },
    { "src/index.js", "exp-nested", 'i', "node_modules/exp-nested/n-i.mjs" },
    { "src/index.js", "exp-nested/feature", 'r', "node_modules/exp-nested/f.js" },
    { "src/index.js", "exp-nested/package.json", 'r', "node_modules/exp-nested/package.json" },
    { "src/index.js", "exp-nested/d.js", 'r', "=missing" },
    /* patterns: one '*', the longest prefix wins, null blocks */
    { "src/index.js", "exp-pattern/features/a.js", 'r', "node_modules/exp-pattern/src/features/a.js" },
    { "src/index.js", "exp-pattern/features/sub/b.js", 'r',
      "node_modules/exp-pattern/src/features/sub/b.js" },
    { "src/index.js", "exp-pattern/features/internal/secret.js", 'r', "=missing" },
    { "src/index.js", "exp-pattern/features/special/x.js", 'r', "node_modules/exp-pattern/special/x.js" },
    { "src/index.js", "exp-pattern/utils/q", 'r', "node_modules/exp-pattern/u/q/index.js" },
    { "src/index.js", "exp-pattern/missing", 'r', "=missing" },
    { "src/index.js", "exp-pattern", 'r', "=missing" },
    { "src/index.js", "exp-pattern/features/../../x.js", 'r', "=missing" },
    /* arrays fall back past invalid targets and unmatched conditions */
    { "src/index.js", "exp-array", 'r', "node_modules/exp-array/ok.js" },
    { "src/index.js", "exp-array/sub", 'r', "node_modules/exp-array/sub.js" },
    { "src/index.js", "exp-array/none", 'r', "=missing" },
    /* null targets */
    { "src/index.js", "exp-null", 'r', "node_modules/exp-null/i.js" },
    { "src/index.js", "exp-null/private", 'r', "=missing" },
    { "src/index.js", "exp-null/blocked", 'r', "=missing" },
    { "src/index.js", "exp-null/blocked", 'i', "node_modules/exp-null/i.js" },
    /* node 20.19+ conditions */
    { "src/index.js", "exp-sync", 'r', "node_modules/exp-sync/sync.mjs" },
    /* imports */
    { "src/index.js", "#db", 'r', "src/db.js" },
    { "src/utils/a.js", "#utils/a", 'i', "src/utils/a.js" },
    { "src/index.js", "#dep", 'r', "node_modules/dep-main/lib/main.js" },
    { "src/index.js", "#fs", 'i', "=builtin" },
    { "src/index.js", "#url", 'r', "=missing" },
    { "src/index.js", "#cond", 'r', "src/y.cjs" },
    { "src/index.js", "#cond", 'i', "src/x.mjs" },
    { "src/index.js", "#nope", 'r', "=missing" },
    { "src/index.js", "#", 'r', "=missing" },
    { "node_modules/dep-main/lib/main.js", "#db", 'r', "=missing" },
    /* scoped packages */
    { "src/index.js", "@scope/pkg", 'r', "node_modules/@scope/pkg/index.js" },
    { "src/index.js", "@scope/pkg/sub", 'r', "node_modules/@scope/pkg/sub/impl.js" },
    { "src/index.js", "@scope/plain/other", 'r', "node_modules/@scope/plain/other.js" },
    { "src/index.js", "@scope", 'r', "=missing" },
    /* self-reference, only through "exports" */
    { "node_modules/self/main.js", "self/util", 'r', "node_modules/self/util.js" },
    { "src/index.js", "app", 'r', "src/index.js" },
    { "src/nested/deep/file.js", "app/pub", 'i', "src/plain.js" },
    { "src/index.js", "app/src/db.js", 'r', "=missing" },
    { "../noself/i.js", "noself", 'r', "=missing" },
    /* node_modules up the tree, nearest first */
    { "src/nested/deep/file.js", "dep-main", 'r', "node_modules/dep-main/lib/main.js" },
    { "node_modules/outer/index.js", "inner", 'r', "node_modules/outer/node_modules/inner/index.js" },
    { "src/index.js", "inner", 'r', "node_modules/inner/index.js" },
    { "src/index.js", "nope", 'r', "=missing" },
    /* built-ins */
    { "src/index.js", "fs", 'r', "=builtin" },
    { "src/index.js", "fs/promises", 'i', "=builtin" },
    { "src/index.js", "node:fs", 'r', "=builtin" },
    { "src/index.js", "node:test", 'i', "=builtin" },
    { "src/index.js", "test", 'r', "=missing" }, /* only node:test is built in */
    /* broken packages */
    { "src/index.js", "badjson", 'r', "=error" },
    { "src/index.js", "mixed", 'r', "=error" },
    { "src/index.js", "https://example.com/x.js", 'i', "=missing" },
};

/* APP/rel, or a sibling of APP for "../x" (paths given to the resolver are
 * normalised). */
static char *abs_path(const char *rel)
{
    char *p = NULL;
    if (!strncmp(rel, "../", 3))
        cr_assert(asprintf(&p, "%s/noderes/%s", FNCTL_TEST_DATA, rel + 3) > 0);
    else
        cr_assert(asprintf(&p, "%s/%s", APP, rel) > 0);
    return p;
}

Test(noderes, resolves_like_node)
{
    struct noderes *r = noderes_new();
    struct buf out = BUF_INIT;
    const char *prefix = APP "/";

    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        const struct row *t = &rows[i];
        struct fn_err err = FN_ERR_INIT;
        char *from = abs_path(t->from);
        char got[4096];
        int rc = noderes_resolve(r, from, t->spec, t->mode == 'i' ? NODERES_IMPORT : NODERES_REQUIRE,
                                 &out, &err);
        if (rc == NODERES_FILE) {
            const char *s = buf_cstr(&out);
            snprintf(got, sizeof(got), "%s",
                     !strncmp(s, prefix, strlen(prefix)) ? s + strlen(prefix) : s);
        } else {
            snprintf(got, sizeof(got), "%s",
                     rc == NODERES_BUILTIN ? "=builtin" : rc == NODERES_NOT_FOUND ? "=missing" : "=error");
        }
        cr_expect_str_eq(got, t->want, "row %zu: %c %s from %s: got %s (%s), want %s", i, t->mode,
                         t->spec, t->from, got, err.msg, t->want);
        if (rc == NODERES_NOT_FOUND || rc < 0)
            cr_expect(err.msg[0] != '\0', "row %zu: %s: no message", i, t->spec);
        if (rc != NODERES_FILE)
            cr_expect_eq(out.len, 0, "row %zu: out not empty", i);
        free(from);
    }
    buf_release(&out);
    noderes_free(r);
}

Test(noderes, errors_name_the_package_json)
{
    struct noderes *r = noderes_new();
    struct buf out = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    char *from = abs_path("src/index.js");

    cr_assert_eq(noderes_resolve(r, from, "badjson", NODERES_REQUIRE, &out, &err), -1);
    cr_expect(strstr(err.msg, "badjson/package.json") || strstr(err.file, "badjson/package.json"),
              "%s / %s", err.msg, err.file);
    fn_err_clear(&err);
    cr_assert_eq(noderes_resolve(r, from, "exp-null/private", NODERES_REQUIRE, &out, &err),
                 NODERES_NOT_FOUND);
    cr_expect(strstr(err.msg, "exp-null/package.json"), "%s", err.msg);
    cr_expect(strstr(err.msg, "not exported"), "%s", err.msg);
    fn_err_clear(&err);
    cr_assert_eq(noderes_resolve(r, from, "nope/x", NODERES_REQUIRE, &out, &err), NODERES_NOT_FOUND);
    cr_expect(strstr(err.msg, "'nope/x'"), "%s", err.msg);
    cr_expect(err.hint[0] != '\0');
    free(from);
    buf_release(&out);
    noderes_free(r);
}

Test(noderes, builtins)
{
    static const char *yes[] = { "fs", "fs/promises", "node:fs", "node:test", "node:sqlite",
                                 "assert/strict", "_http_agent", "zlib", "worker_threads",
                                 "util/types", "path/posix" };
    static const char *no[] = { "node:", "test", "fs/", "fs/x", "Fs", "lodash", "./fs", "",
                                "zlib2", "_http" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
        cr_expect(noderes_is_builtin(yes[i]), "%s", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        cr_expect(!noderes_is_builtin(no[i]), "%s", no[i]);
}

Test(noderes, type_module_and_extensions)
{
    struct noderes *r = noderes_new();
    struct { const char *file; bool esm; } cases[] = {
        { "src/esm/m.js", true },  { "src/esm/y.cjs", false }, { "src/x.mjs", true },
        { "src/plain.js", false }, { "src/y.cjs", false },
        /* a package's scope stops at node_modules: no type inherited */
        { "node_modules/dep-index/index.js", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *f = abs_path(cases[i].file);
        cr_expect_eq(noderes_is_esm(r, f), cases[i].esm, "%s", cases[i].file);
        free(f);
    }
    noderes_free(r);
}

Test(noderes, package_json_governing_a_file)
{
    struct noderes *r = noderes_new();
    struct buf out = BUF_INIT;
    char *f = abs_path("node_modules/dep-main/lib/main.js");

    cr_assert(noderes_package_json(r, f, APP, &out));
    cr_expect_str_eq(buf_cstr(&out), APP "/node_modules/dep-main/package.json");
    free(f);
    f = abs_path("src/esm/m.js");
    cr_assert(noderes_package_json(r, f, APP, &out));
    cr_expect_str_eq(buf_cstr(&out), APP "/src/esm/package.json");
    free(f);
    f = abs_path("src/nested/deep/file.js");
    cr_assert(noderes_package_json(r, f, APP, &out));
    cr_expect_str_eq(buf_cstr(&out), APP "/package.json");
    /* not above stop_dir */
    cr_expect(!noderes_package_json(r, f, APP "/src", &out));
    cr_expect_eq(out.len, 0);
    free(f);
    /* a package without package.json: none (node_modules bounds the scope) */
    f = abs_path("node_modules/dep-index/index.js");
    cr_expect(!noderes_package_json(r, f, APP, &out));
    free(f);
    buf_release(&out);
    noderes_free(r);
}

Test(noderes, optional_dependencies)
{
    struct noderes *r = noderes_new();
    char *f = abs_path("src/index.js");

    cr_expect(noderes_is_optional(r, f, "maybe"));
    cr_expect(noderes_is_optional(r, f, "maybe/sub/x.js"));
    cr_expect(noderes_is_optional(r, f, "@opt/peer"));
    cr_expect(!noderes_is_optional(r, f, "needed"));
    cr_expect(!noderes_is_optional(r, f, "dep-main"));
    cr_expect(!noderes_is_optional(r, f, "./maybe"));
    free(f);
    noderes_free(r);
}
