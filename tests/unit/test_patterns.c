#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "patterns.h"
#include "strvec.h"
#include "tmpdir.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "patterns");
    /* no global git configuration (core.excludesFile) may change the answers */
    setenv("HOME", tmpdir, 1);
    setenv("XDG_CONFIG_HOME", tmpdir, 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

TestSuite(patterns, .init = make_tmpdir, .fini = remove_tmpdir);

/* Creates tmpdir/<rel> (and its parents) holding its own name. */
static void touch(const char *rel)
{
    char path[512], *slash;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    f = fopen(path, "w");
    cr_assert_not_null(f, "cannot create %s", path);
    fputs(rel, f);
    fclose(f);
}

static void make_tree(const char *const *paths)
{
    for (size_t i = 0; paths[i]; i++)
        touch(paths[i]);
}

/* The strings joined by spaces. */
static char *joined(const struct strvec *sv)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < sv->n; i++)
        buf_addf(&b, "%s%s", i ? " " : "", sv->v[i]);
    return buf_detach(&b, NULL);
}

static void split_into(const char *words, struct strvec *out)
{
    char *copy, *save = NULL;
    if (!words)
        return;
    copy = strdup(words);
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        strvec_push(out, w);
    free(copy);
}

/* --- matching --- */

/* Every row of tests/data/patterns/micromatch.tsv, recorded from micromatch
 * 4.0.8 with { dot: true } (Serverless v3's call). */
Test(patterns, agrees_with_micromatch)
{
    FILE *f = fopen(FNCTL_TEST_DATA "/patterns/micromatch.tsv", "r");
    char line[1024];
    size_t rows = 0, bad = 0;

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *path, *want;
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = '\0';
        path = strchr(line, '\t');
        cr_assert_not_null(path);
        *path++ = '\0';
        want = strchr(path, '\t');
        cr_assert_not_null(want);
        *want++ = '\0';
        rows++;
        if (pat_match(line, path) != (want[0] == '1')) {
            bad++;
            cr_log_error("pattern '%s' path '%s': micromatch says %s", line, path, want);
        }
    }
    fclose(f);
    cr_expect_gt(rows, 3000);
    cr_expect_eq(bad, 0, "%zu of %zu rows differ from micromatch", bad, rows);
}

/* Where fnctl follows bash and the glob standard rather than picomatch 2's
 * quirks (picomatch reads [!a] as "'!' or 'a'" and multi-digit ranges not
 * at all). */
Test(patterns, bash_rules_where_picomatch_is_quirky)
{
    static const struct { const char *pat, *path; bool want; } rows[] = {
        { "file[!1].txt", "file2.txt", true },
        { "file[!1].txt", "file1.txt", false },
        { "x{1..10}", "x10", true },
        { "x{1..10}", "x11", false },
        { "x{01..03}", "x02", true },
        { "x{01..03}", "x2", false },
        { "x{1..9..4}", "x5", true },
        { "x{1..9..4}", "x3", false },
        { "x{c..a}", "xb", true },
        { "{x}", "{x}", true },
        { "{a,{b,c}d}", "cd", true },
        { "a\\{b,c}", "a{b,c}", true },
        { "[{a,b}]", "{", true },
        { "./././bin/*", "bin/x", true },
        { "/abs", "abs", false },
        { "a//b", "a/b", false },
        { "[", "[", true },
        { "a[b", "a[b", true },
        { "x[]]", "x]", true },
        { "x[a-]", "x-", true },
        { "[[:upper:]]*", "Readme", true },
        { "[[:upper:]]*", "readme", false },
        { "\\*", "*", true },
        { "\\*", "a", false },
        { "caf\xc3\xa9/*", "caf\xc3\xa9/x", true },
        { "[\xc3]*", "\xc3\xa9", true },
    };
    for (size_t i = 0; i < N_ROWS(rows); i++)
        cr_expect_eq(pat_match(rows[i].pat, rows[i].path), rows[i].want, "row %zu: '%s' vs '%s'",
                     i, rows[i].pat, rows[i].path);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(patterns, no_exponential_backtracking)
{
    struct buf pat = BUF_INIT, path = BUF_INIT, stars = BUF_INIT, as = BUF_INIT;
    double t0 = now();

    for (int i = 0; i < 40; i++)
        buf_addstr(&pat, "**/");
    buf_addstr(&pat, "a");
    for (int i = 0; i < 200; i++)
        buf_addstr(&path, "a/");
    buf_addstr(&path, "b");
    for (int i = 0; i < 30; i++)
        buf_addstr(&stars, "*a");
    buf_addstr(&stars, "*b");
    for (int i = 0; i < 3000; i++)
        buf_addch(&as, 'a');

    cr_expect_not(pat_match(pat.data, path.data));
    buf_truncate(&path, path.len - 1);
    buf_addch(&path, 'a');
    cr_expect(pat_match(pat.data, path.data));
    cr_expect_not(pat_match(stars.data, as.data));
    cr_expect(pat_match("**/**/**/a", "a"));
    /* 2^20 alternatives are capped, the first ones still match */
    buf_reset(&pat);
    for (int i = 0; i < 20; i++)
        buf_addstr(&pat, "{a,b}");
    cr_expect(pat_match(pat.data, "aaaaaaaaaaaaaaaaaaaa"));
    cr_expect_lt(now() - t0, 2.0, "matching took %.2f s", now() - t0);
    buf_release(&pat);
    buf_release(&path);
    buf_release(&stars);
    buf_release(&as);
}

/* --- the list --- */

static void pkg_init(struct mf_package *p, const char *patterns, const char *include,
                     const char *exclude)
{
    memset(p, 0, sizeof(*p));
    p->individually = -1;
    split_into(patterns, &p->patterns);
    split_into(include, &p->include);
    split_into(exclude, &p->exclude);
}

static void pkg_release(struct mf_package *p)
{
    strvec_clear(&p->patterns);
    strvec_clear(&p->include);
    strvec_clear(&p->exclude);
}

Test(patterns, list_in_serverless_order)
{
    static const struct {
        const char *svc[3], *fn[3]; /* patterns, include, exclude */
        bool has_fn;
        const char *want;
    } rows[] = {
        { { "", "config/*.json", "tests/** *.md" }, { "" }, false,
          "!tests/** !*.md config/*.json" },
        /* every exclude before every include, the function's after the service's */
        { { "src/** !src/**/*.test.js", "lib/**", "docs/**" },
          { "bin/** !bin/*.map", "vendor/**", "tmp/**" }, true,
          "!docs/** !tmp/** lib/** src/** !src/**/*.test.js vendor/** bin/** !bin/*.map" },
        /* "!x" under exclude re-includes x */
        { { "", "", "node_modules/** !node_modules/uuid/**" }, { "" }, false,
          "!node_modules/** node_modules/uuid/**" },
        /* lodash's union: a repeated entry keeps its first place */
        { { "a b", "b c", "x" }, { "c d", "", "x y" }, true, "!x !y b c a d" },
        { { "", "", "" }, { "" }, false, "" },
    };
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        struct mf_package svc, fn;
        struct strvec out = STRVEC_INIT;
        char *got;
        pkg_init(&svc, rows[i].svc[0], rows[i].svc[1], rows[i].svc[2]);
        pkg_init(&fn, rows[i].fn[0] ? rows[i].fn[0] : "", rows[i].fn[1] ? rows[i].fn[1] : "",
                 rows[i].fn[2] ? rows[i].fn[2] : "");
        strvec_push(&out, "**"); /* appended to, not replaced */
        pat_list_build(&svc, rows[i].has_fn ? &fn : NULL, &out);
        got = joined(&out);
        cr_expect_str_eq(got + 2 + (out.n > 1), rows[i].want, "row %zu", i);
        free(got);
        strvec_clear(&out);
        pkg_release(&svc);
        pkg_release(&fn);
    }
}

/* --- the walk --- */

static const char *const service_tree[] = {
    "serverless.yml", "package.json", "handler.js", "README.md", ".env", ".gitignore",
    "bin/hello", "bin/world", "src/handler.js", "src/handler.test.js", "src/lib/util.js",
    "src/.hidden/x.js", "tests/a.test.js", "tests/unit/b.js", "docs/guide.md",
    "config/dev.json", "config/prod.json", "config/notes.txt", "config/nested/x.json",
    "node_modules/uuid/index.js", "node_modules/uuid/package.json",
    "node_modules/lodash/index.js", "node_modules/.cache/babel/x.json",
    "node_modules/.bin/placeholder", ".fnctl/state/db.sqlite", ".serverless/svc.zip",
    ".git/HEAD", "sub/.git", "npm-debug.log", NULL,
};

static struct pat_walk *open_walk(const char *dir)
{
    struct pat_walk *w = NULL;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(pat_walk_open(dir, &w, &err), 0, "%s", err.msg);
    cr_assert_not_null(w);
    return w;
}

Test(patterns, walk_lists_files_sorted_and_skips_what_never_goes_in)
{
    struct pat_walk *w;
    char path[256], target[256];
    char *got;

    make_tree(service_tree);
    /* a link to a file is followed; to an ancestor directory, never (a loop) */
    snprintf(path, sizeof(path), "%s/node_modules/.bin/uuid", tmpdir);
    cr_assert_eq(symlink("../uuid/index.js", path), 0);
    snprintf(path, sizeof(path), "%s/src/lib/loop", tmpdir);
    cr_assert_eq(symlink("../..", path), 0);
    snprintf(path, sizeof(path), "%s/dangling", tmpdir);
    cr_assert_eq(symlink("nowhere", path), 0);
    /* a link to a directory elsewhere in the tree is followed */
    snprintf(path, sizeof(path), "%s/config-link", tmpdir);
    snprintf(target, sizeof(target), "%s/config/nested", tmpdir);
    cr_assert_eq(symlink(target, path), 0);

    w = open_walk(tmpdir);
    cr_assert_eq(pat_walk_need(w, "**", NULL), 0);
    got = joined(pat_walk_files(w));
    cr_expect_str_eq(got, ".env .gitignore README.md bin/hello bin/world config-link/x.json "
                          "config/dev.json config/nested/x.json config/notes.txt "
                          "config/prod.json docs/guide.md handler.js "
                          "node_modules/.bin/placeholder node_modules/.bin/uuid "
                          "node_modules/lodash/index.js node_modules/uuid/index.js "
                          "node_modules/uuid/package.json npm-debug.log package.json "
                          "serverless.yml src/.hidden/x.js src/handler.js "
                          "src/handler.test.js src/lib/util.js tests/a.test.js tests/unit/b.js");
    /* no repository around tmpdir: nothing is ignored */
    cr_expect_not(pat_walk_ignored(w, "node_modules/uuid/index.js"));
    free(got);
    pat_walk_free(w);
}

Test(patterns, walk_of_a_missing_directory_fails)
{
    struct pat_walk *w = NULL;
    struct fn_err err = FN_ERR_INIT;
    char path[256];

    snprintf(path, sizeof(path), "%s/missing", tmpdir);
    cr_expect_eq(pat_walk_open(path, &w, &err), -1);
    cr_expect_null(w);
    cr_expect(strstr(err.msg, "missing") != NULL, "%s", err.msg);
    pat_walk_free(NULL);
}

/* --- applying --- */

/* Applies `patterns` (space-separated) to `start` and returns the result. */
static char *apply(const struct pat_walk *w, const char *patterns, const char *start,
                   const char *traced)
{
    struct strvec pats = STRVEC_INIT, files = STRVEC_INIT, tr = STRVEC_INIT;
    char *got;

    split_into(patterns, &pats);
    split_into(start, &files);
    split_into(traced, &tr);
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(pat_apply(w, &pats, traced ? &tr : NULL, &files, &err), 0, "%s", err.msg);
    got = joined(&files);
    strvec_clear(&pats);
    strvec_clear(&files);
    strvec_clear(&tr);
    return got;
}

Test(patterns, apply_in_order_as_serverless_does)
{
    static const struct { const char *patterns, *start, *want; } rows[] = {
        /* Go: everything out, then the binaries in */
        { "** !./** ./bin/**", "", "bin/hello bin/world" },
        /* node: the dependencies out but one */
        { "!node_modules/** node_modules/uuid/**",
          "handler.js node_modules/lodash/index.js node_modules/uuid/index.js",
          "handler.js node_modules/uuid/index.js node_modules/uuid/package.json" },
        { "node_modules/uuid/**", "handler.js",
          "handler.js node_modules/uuid/index.js node_modules/uuid/package.json" },
        /* exclude: tests and top-level .md files; include: the config JSON files */
        { "** !tests/** !*.md config/*.json", "",
          ".env .gitignore bin/hello bin/world config/dev.json config/nested/x.json "
          "config/notes.txt config/prod.json docs/guide.md handler.js "
          "node_modules/.bin/placeholder node_modules/lodash/index.js "
          "node_modules/uuid/index.js node_modules/uuid/package.json npm-debug.log "
          "package.json serverless.yml src/.hidden/x.js src/handler.js "
          "src/handler.test.js src/lib/util.js" },
        { "!config/** config/*.json", "config/notes.txt handler.js",
          "config/dev.json config/prod.json handler.js" },
        /* braces, globstar suffixes, dot files */
        { "{bin,docs}/**", "", "bin/hello bin/world docs/guide.md" },
        { "!**/*.test.js", "src/handler.js src/handler.test.js tests/a.test.js",
          "src/handler.js" },
        { ".*", "", ".env .gitignore" },
        { "src/**", "", "src/.hidden/x.js src/handler.js src/handler.test.js src/lib/util.js" },
        /* a directory's name matches no file (micromatch; Serverless issue #2471) */
        { "tests", "", "" },
        { "tests/", "", "" },
        { "!tests", "tests/a.test.js", "tests/a.test.js" },
        /* a pattern matching nothing changes nothing */
        { "nothing/** !nothing/**", "handler.js", "handler.js" },
        /* negation after inclusion, re-inclusion after negation: the last wins */
        { "docs/** !docs/**", "", "" },
        { "!src/** src/lib/**", "src/handler.js src/lib/util.js", "src/lib/util.js" },
        { "!src/** src/**/*.js !**/*.test.js", "",
          "src/.hidden/x.js src/handler.js src/lib/util.js" },
        /* the never-packaged directories stay out whatever the patterns */
        { "** .git/** .fnctl/** node_modules/.cache/** .serverless/**", "",
          ".env .gitignore README.md bin/hello bin/world config/dev.json config/nested/x.json "
          "config/notes.txt config/prod.json docs/guide.md handler.js "
          "node_modules/.bin/placeholder node_modules/lodash/index.js "
          "node_modules/uuid/index.js node_modules/uuid/package.json npm-debug.log "
          "package.json serverless.yml src/.hidden/x.js src/handler.js "
          "src/handler.test.js src/lib/util.js tests/a.test.js tests/unit/b.js" },
        /* a starting file outside the walk stays until a pattern removes it */
        { "!**/*.md", "../shared/util.js handler.js", "../shared/util.js handler.js" },
        { "!**/util.js", "../shared/util.js handler.js", "handler.js" },
    };
    struct pat_walk *w;

    make_tree(service_tree);
    w = open_walk(tmpdir);
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        char *got = apply(w, rows[i].patterns, rows[i].start, NULL);
        cr_expect_str_eq(got, rows[i].want, "row %zu: %s\n  got: %s", i, rows[i].patterns, got);
        free(got);
    }
    pat_walk_free(w);
}

/* --- .gitignore --- */

static void run(const char *cmd)
{
    char *full = NULL;
    cr_assert_neq(asprintf(&full, "cd '%s' && %s", tmpdir, cmd), -1);
    cr_assert_eq(system(full), 0, "%s", full);
    free(full);
}

static void write_text(const char *rel, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* The service in a subdirectory of the repository, as in a monorepo. */
static struct pat_walk *git_service(void)
{
    static const char *const tree[] = {
        "svc/handler.js", "svc/node_modules/uuid/index.js", "svc/node_modules/lodash/index.js",
        "svc/bin/hello", "svc/build.log", "svc/src/gen/out.js", "svc/src/keep.js",
        "svc/secret.txt", "svc/dist/app.js", "svc/out/keep.txt", "svc/out/x.txt",
        "other/x.js", NULL,
    };
    char dir[256];

    make_tree(tree);
    run("git init -q . >/dev/null 2>&1");
    write_text(".gitignore", "node_modules/\n*.log\n/svc/dist/\n");
    write_text("svc/.gitignore", "bin/\nsrc/gen/\nout/*\n!out/keep.txt\n");
    write_text(".git/info/exclude", "secret.txt\n");
    snprintf(dir, sizeof(dir), "%s/svc", tmpdir);
    return open_walk(dir);
}

Test(patterns, gitignore_rules_relative_to_the_work_tree)
{
    static const struct { const char *path; bool want; } rows[] = {
        { "handler.js", false },
        { "node_modules/uuid/index.js", true },
        { "node_modules/lodash/index.js", true },
        { "bin/hello", true },
        /* a directory's content ignored, one file of it re-included */
        { "out/x.txt", true },
        { "out/keep.txt", false },
        { "build.log", true },
        { "src/gen/out.js", true },
        { "src/keep.js", false },
        { "secret.txt", true },
        { "dist/app.js", true },
        { ".gitignore", false },
    };
    struct pat_walk *w = git_service();

    for (size_t i = 0; i < N_ROWS(rows); i++) {
        cr_expect_eq(pat_walk_ignored(w, rows[i].path), rows[i].want, "row %zu: %s", i,
                     rows[i].path);
        /* the cached answer is the same */
        cr_expect_eq(pat_walk_ignored(w, rows[i].path), rows[i].want, "row %zu again", i);
    }
    pat_walk_free(w);
}

Test(patterns, gitignore_filters_only_the_catch_all)
{
    static const struct { const char *patterns, *start, *traced, *want; } rows[] = {
        /* '**' (the untraced runtimes' start) leaves out what git ignores */
        { "**", "", "", ".gitignore handler.js out/keep.txt src/keep.js" },
        /* never a file the tracer found */
        { "**", "node_modules/uuid/index.js", "node_modules/uuid/index.js",
          ".gitignore handler.js node_modules/uuid/index.js out/keep.txt src/keep.js" },
        /* a traced file removed and added back by the patterns */
        { "!./** ./bin/**", "bin/hello", "bin/hello", "bin/hello" },
        { "!./** **", "bin/hello", "bin/hello",
          ".gitignore bin/hello handler.js out/keep.txt src/keep.js" },
        /* an explicit pattern names what it wants, ignored or not: the
         * build output, the dependency the tracer cannot see */
        { "!./** ./bin/**", "", "", "bin/hello" },
        { "dist/**", "handler.js", "handler.js", "dist/app.js handler.js" },
        { "node_modules/lodash/**", "handler.js", "handler.js",
          "handler.js node_modules/lodash/index.js" },
    };
    struct pat_walk *w = git_service();

    for (size_t i = 0; i < N_ROWS(rows); i++) {
        char *got = apply(w, rows[i].patterns, rows[i].start, rows[i].traced);
        cr_expect_str_eq(got, rows[i].want, "row %zu: %s\n  got: %s", i, rows[i].patterns, got);
        free(got);
    }
    pat_walk_free(w);
}

Test(patterns, walk_lists_only_what_a_pattern_can_reach)
{
    struct pat_walk *w;
    struct fn_err err = FN_ERR_INIT;
    char *got;

    make_tree(service_tree);
    w = open_walk(tmpdir);
    cr_expect_eq(pat_walk_files(w)->n, 0, "nothing listed before a pattern asks");
    cr_assert_eq(pat_walk_need(w, "config/*.json", &err), 0, "%s", err.msg);
    got = joined(pat_walk_files(w));
    cr_expect_str_eq(got, "config/dev.json config/notes.txt config/prod.json");
    free(got);
    cr_assert_eq(pat_walk_need(w, "./src/handler.js", &err), 0, "%s", err.msg);
    cr_assert_eq(pat_walk_need(w, "missing/file.js", &err), 0, "%s", err.msg);
    cr_assert_eq(pat_walk_need(w, ".git/**", &err), 0, "%s", err.msg);
    got = joined(pat_walk_files(w));
    cr_expect_str_eq(got, "config/dev.json config/notes.txt config/prod.json src/handler.js");
    free(got);
    cr_assert_eq(pat_walk_need(w, "*.md", &err), 0, "%s", err.msg);
    got = joined(pat_walk_files(w));
    cr_expect_str_eq(got, ".env .gitignore README.md config/dev.json config/notes.txt "
                          "config/prod.json handler.js npm-debug.log package.json "
                          "serverless.yml src/handler.js");
    free(got);
    pat_walk_free(w);
}
