/* Helpers shared by the manifest loader's unit tests (test_manifest.c,
 * test_mfcfn.c, test_mfvars.c): a temporary service directory per test,
 * files written into it, and mf_load() on a manifest text. */
#ifndef FN_MF_TESTUTIL_H
#define FN_MF_TESTUTIL_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "xalloc.h"

/* A new directory under /tmp; free() it after mt_rmrf(). */
static inline char *mt_tmpdir(void)
{
    char tmpl[] = "/tmp/fnctl-unit-mf-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert_not_null(d, "mkdtemp failed");
    return xstrdup(d);
}

static inline int mt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void mt_rmrf(const char *dir)
{
    if (dir)
        nftw(dir, mt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/name, caller frees. */
static inline char *mt_path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static inline void mt_write(const char *dir, const char *name, const char *text)
{
    char *path = mt_path(dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* Writes text as dir/serverless.yml and loads it as `fnctl` would there. */
static inline int mt_load_opts(const char *dir, const char *text, const char *stage,
                               const char *region, struct manifest **m, struct fn_err *err)
{
    struct mf_opts opts = {.dir = dir, .stage = stage, .region = region};
    mt_write(dir, "serverless.yml", text);
    return mf_load(&opts, m, err);
}

static inline int mt_load(const char *dir, const char *text, struct manifest **m,
                          struct fn_err *err)
{
    return mt_load_opts(dir, text, NULL, NULL, m, err);
}

/* The value of NAME in a function's environment, or NULL. */
static inline const char *mt_env(const struct mf_function *fn, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < fn->env.n; i++)
        if (!strncmp(fn->env.v[i], name, len) && fn->env.v[i][len] == '=')
            return fn->env.v[i] + len + 1;
    return NULL;
}

/* The warning whose message is exactly msg, or NULL. */
static inline const struct fn_err *mt_warning(const struct manifest *m, const char *msg)
{
    for (size_t i = 0; i < m->n_warnings; i++)
        if (!strcmp(m->warnings[i].msg, msg))
            return &m->warnings[i];
    return NULL;
}

/* Every warning, one per line, for failure messages. */
static inline const char *mt_warnings_text(const struct manifest *m)
{
    static char text[8192];
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; m && i < m->n_warnings && used < sizeof(text); i++) {
        int n = snprintf(text + used, sizeof(text) - used, "\n  %d:%d: %s", m->warnings[i].line,
                         m->warnings[i].col, m->warnings[i].msg);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return text;
}

/* The start of most test manifests. */
#define HEAD                                                                                       \
    "service: svc\n"                                                                               \
    "provider:\n"                                                                                  \
    "  name: aws\n"                                                                                \
    "  runtime: nodejs20.x\n"

/* HEAD, then function f whose events start on line 9. */
#define EVENTS                                                                                     \
    HEAD "functions:\n"                                                                            \
         "  f:\n"                                                                                  \
         "    handler: h.main\n"                                                                   \
         "    events:\n"

#define BUCKET_HINT                                                                                \
    "3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"

/* Loads text as dir/serverless.yml; the test fails unless it loads. */
static inline struct manifest *mt_load_ok(const char *dir, const char *text)
{
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    int rc = mt_load(dir, text, &m, &err);
    cr_assert_eq(rc, 0, "load failed: %d:%d: %s (hint: %s)", err.line, err.col, err.msg, err.hint);
    cr_assert_not_null(m);
    return m;
}

/* One error case: the text, what the error must say and where. hint NULL
 * means "no hint"; line 0 means "no line" (the file only). */
struct mt_error_row {
    const char *name;
    const char *text;
    const char *msg;
    const char *hint;
    int line, col;
};

/* Loads each row's text as dir/serverless.yml (whose path is `path`) and
 * checks the error; a failing row prints its name. */
static inline void mt_check_error_rows(const char *dir, const char *path,
                                       const struct mt_error_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct mt_error_row *row = &rows[i];
        struct manifest *m = (struct manifest *)1;
        struct fn_err err = FN_ERR_INIT;
        int rc = mt_load(dir, row->text, &m, &err);
        cr_assert_eq(rc, -1, "[%s] loaded without error", row->name);
        cr_assert_null(m, "[%s] *out is not NULL after an error", row->name);
        cr_assert_str_eq(err.msg, row->msg, "[%s] message", row->name);
        cr_assert_str_eq(err.hint, row->hint ? row->hint : "", "[%s] hint", row->name);
        cr_assert_str_eq(err.file, path, "[%s] file", row->name);
        cr_assert_eq(err.line, row->line, "[%s] line %d, want %d", row->name, err.line, row->line);
        cr_assert_eq(err.col, row->col, "[%s] column %d, want %d", row->name, err.col, row->col);
    }
}

/* Declares a test suite whose tests each get a fresh temporary directory
 * `dir` (removed after the test) and the path of dir/serverless.yml, plus
 * load_ok(text) and CHECK_ERRORS(rows) working in it. */
#define MT_SUITE(suite)                                                                            \
    static char *dir;                                                                              \
    static char *manifest_path;                                                                    \
    static void mt_setup(void)                                                                     \
    {                                                                                              \
        dir = mt_tmpdir();                                                                         \
        manifest_path = mt_path(dir, "serverless.yml");                                            \
    }                                                                                              \
    static void mt_teardown(void)                                                                  \
    {                                                                                              \
        mt_rmrf(dir);                                                                              \
        free(dir);                                                                                 \
        free(manifest_path);                                                                       \
    }                                                                                              \
    TestSuite(suite, .init = mt_setup, .fini = mt_teardown)

#define load_ok(text) mt_load_ok(dir, text)
#define CHECK_ERRORS(rows)                                                                         \
    mt_check_error_rows(dir, manifest_path, rows, sizeof(rows) / sizeof(rows[0]))

#endif
