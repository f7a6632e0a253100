#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "text.h"
#include "tmpdir.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "file");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

TestSuite(file, .init = make_tmpdir, .fini = remove_tmpdir);

/* A path inside the test's temp dir; each call returns a new string. */
static char *in_tmp(const char *name)
{
    char *p;
    cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, name), -1);
    return p;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* The names in dir, sorted and joined by spaces ("" when empty). */
static char *listing(const char *dir)
{
    struct dirent **names;
    struct buf out = BUF_INIT;
    int n = scandir(dir, &names, NULL, alphasort);
    cr_assert_geq(n, 0, "cannot list %s", dir);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            if (out.len)
                buf_addch(&out, ' ');
            buf_addstr(&out, names[i]->d_name);
        }
        free(names[i]);
    }
    free(names);
    return buf_detach(&out, NULL);
}

/* --- fs_read_file --- */

Test(file, read_appends_the_whole_file)
{
    char *path = in_tmp("event.json");
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "{\"a\":1}\n", 8);
    buf_addstr(&b, "prefix:");
    cr_assert_eq(fs_read_file(path, &b, 0, &err), 0, "%s", err.msg);
    cr_assert_str_eq(buf_cstr(&b), "prefix:{\"a\":1}\n");
    cr_assert_not(fn_err_is_set(&err));
    buf_release(&b);
    free(path);
}

Test(file, read_keeps_binary_data_of_several_chunks)
{
    char *path = in_tmp("blob");
    size_t len = 200000;
    char *data = malloc(len);
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    for (size_t i = 0; i < len; i++)
        data[i] = (char)(i * 7);
    write_file(path, data, len);
    cr_assert_eq(fs_read_file(path, &b, 0, &err), 0, "%s", err.msg);
    cr_assert_eq(b.len, len);
    cr_assert(memcmp(b.data, data, len) == 0);
    buf_release(&b);
    free(data);
    free(path);
}

Test(file, read_of_an_empty_file_succeeds)
{
    char *path = in_tmp("empty");
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "", 0);
    cr_assert_eq(fs_read_file(path, &b, 10, &err), 0, "%s", err.msg);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(buf_cstr(&b), "");
    buf_release(&b);
    free(path);
}

Test(file, read_of_exactly_max_bytes_succeeds)
{
    char *path = in_tmp("five");
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "12345", 5);
    cr_assert_eq(fs_read_file(path, &b, 5, &err), 0, "%s", err.msg);
    cr_assert_str_eq(buf_cstr(&b), "12345");
    buf_release(&b);
    free(path);
}

Test(file, read_over_max_fails_and_leaves_the_buffer_unchanged)
{
    char *path = in_tmp("six");
    char *want;
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "123456", 6);
    buf_addstr(&b, "kept");
    cr_assert_eq(fs_read_file(path, &b, 5, &err), -1);
    cr_assert_str_eq(buf_cstr(&b), "kept");
    cr_assert_eq(b.len, 4);
    cr_assert_neq(asprintf(&want, "'%s' is too large (over 5 bytes)", path), -1);
    cr_assert_str_eq(err.msg, want);
    free(want);
    buf_release(&b);
    free(path);
}

Test(file, read_past_the_buffer_ceiling_fails_too)
{
    char *path = in_tmp("six");
    char *want;
    struct buf b;
    struct fn_err err = FN_ERR_INIT;
    buf_init(&b, 4);
    write_file(path, "123456", 6);
    cr_assert_eq(fs_read_file(path, &b, 0, &err), -1);
    cr_assert_eq(b.len, 0);
    cr_assert_neq(asprintf(&want, "'%s' is too large (over 4 bytes)", path), -1);
    cr_assert_str_eq(err.msg, want);
    free(want);
    buf_release(&b);
    free(path);
}

Test(file, read_of_a_missing_file_names_it)
{
    char *path = in_tmp("nope.yml");
    char *want;
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(fs_read_file(path, &b, 0, &err), -1);
    cr_assert_neq(asprintf(&want, "cannot open '%s': No such file or directory", path), -1);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(b.len, 0);
    free(want);
    buf_release(&b);
    free(path);
}

Test(file, read_of_a_relative_path_shows_it_as_given)
{
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(chdir(tmpdir), 0);
    cr_assert_eq(fs_read_file("missing/serverless.yml", &b, 0, &err), -1);
    cr_assert_str_eq(err.msg, "cannot open 'missing/serverless.yml': No such file or directory");
    buf_release(&b);
}

Test(file, read_of_a_directory_is_refused)
{
    char *want;
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    buf_addstr(&b, "kept");
    cr_assert_eq(fs_read_file(tmpdir, &b, 0, &err), -1);
    cr_assert_neq(asprintf(&want, "'%s' is a directory, not a file", tmpdir), -1);
    cr_assert_str_eq(err.msg, want);
    cr_assert_str_eq(buf_cstr(&b), "kept");
    free(want);
    buf_release(&b);
}

/* --- fs_write_atomic --- */

Test(file, write_atomic_creates_the_file_with_its_mode_and_no_temp_file)
{
    char *path = in_tmp("out.json");
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    struct stat st;
    umask(022);
    cr_assert_eq(fs_write_atomic(path, "hello\0world", 11, 0640, &err), 0, "%s", err.msg);
    cr_assert_eq(fs_read_file(path, &b, 0, &err), 0);
    cr_assert_eq(b.len, 11);
    cr_assert(memcmp(b.data, "hello\0world", 11) == 0);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    char *names = listing(tmpdir);
    cr_assert_str_eq(names, "out.json");
    free(names);
    buf_release(&b);
    free(path);
}

Test(file, write_atomic_replaces_an_existing_file)
{
    char *path = in_tmp("state");
    struct buf b = BUF_INIT;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "old contents that are longer", 28);
    cr_assert_eq(fs_write_atomic(path, "new", 3, 0644, &err), 0, "%s", err.msg);
    cr_assert_eq(fs_read_file(path, &b, 0, &err), 0);
    cr_assert_str_eq(buf_cstr(&b), "new");
    char *names = listing(tmpdir);
    cr_assert_str_eq(names, "state");
    free(names);
    buf_release(&b);
    free(path);
}

Test(file, write_atomic_of_nothing_makes_an_empty_file)
{
    char *path = in_tmp("empty");
    struct fn_err err = FN_ERR_INIT;
    struct stat st;
    cr_assert_eq(fs_write_atomic(path, "", 0, 0644, &err), 0, "%s", err.msg);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_size, 0);
    free(path);
}

Test(file, write_atomic_failing_at_rename_leaves_nothing_behind)
{
    /* The target is a non-empty directory: the temp file is written, then
     * the rename fails, and the temp file must be removed. */
    char *path = in_tmp("target");
    char *inside = in_tmp("target/keep");
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mkdir(path, 0755), 0);
    write_file(inside, "x", 1);
    cr_assert_eq(fs_write_atomic(path, "data", 4, 0644, &err), -1);
    cr_assert(fn_err_is_set(&err));
    cr_assert_not_null(strstr(err.msg, path), "message does not name the path: %s", err.msg);
    cr_assert(tx_ends_with(err.msg, strerror(EISDIR)), "unexpected message: %s", err.msg);
    char *names = listing(tmpdir);
    cr_assert_str_eq(names, "target");
    free(names);
    names = listing(path);
    cr_assert_str_eq(names, "keep");
    free(names);
    free(inside);
    free(path);
}

Test(file, write_atomic_into_a_missing_directory_fails_cleanly)
{
    char *path = in_tmp("no/such/dir/file");
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(fs_write_atomic(path, "data", 4, 0644, &err), -1);
    cr_assert(tx_ends_with(err.msg, ": No such file or directory"), "unexpected message: %s",
              err.msg);
    char *names = listing(tmpdir);
    cr_assert_str_eq(names, "");
    free(names);
    free(path);
}

Test(file, write_atomic_into_a_read_only_directory_fails_cleanly)
{
    if (geteuid() == 0) {
        remove_tmpdir(); /* a skipped test does not run .fini */
        cr_skip_test("root can write into a read-only directory");
    }
    char *dir = in_tmp("ro");
    char *path = in_tmp("ro/file");
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(chmod(dir, 0555), 0);
    cr_assert_eq(fs_write_atomic(path, "data", 4, 0644, &err), -1);
    cr_assert(tx_ends_with(err.msg, ": Permission denied"), "unexpected message: %s", err.msg);
    char *names = listing(dir);
    cr_assert_str_eq(names, "");
    free(names);
    chmod(dir, 0755);
    free(path);
    free(dir);
}

/* --- fs_mkdir_p and predicates --- */

Test(file, mkdir_p_creates_missing_parents)
{
    char *path = in_tmp("a/b/c");
    char *mid = in_tmp("a/b");
    struct fn_err err = FN_ERR_INIT;
    struct stat st;
    umask(022);
    cr_assert_eq(fs_mkdir_p(path, 0750, &err), 0, "%s", err.msg);
    cr_assert(fs_is_dir(path));
    cr_assert(fs_is_dir(mid));
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0750);
    free(mid);
    free(path);
}

Test(file, mkdir_p_of_an_existing_directory_succeeds)
{
    char *path = in_tmp("x/");
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(fs_mkdir_p(tmpdir, 0755, &err), 0, "%s", err.msg);
    cr_assert_eq(fs_mkdir_p(path, 0755, &err), 0, "%s", err.msg);
    cr_assert_eq(fs_mkdir_p(path, 0755, &err), 0, "%s", err.msg);
    cr_assert(fs_is_dir(path));
    cr_assert_not(fn_err_is_set(&err));
    free(path);
}

Test(file, mkdir_p_refuses_a_path_that_is_a_file)
{
    char *path = in_tmp("plain");
    char *want;
    struct fn_err err = FN_ERR_INIT;
    write_file(path, "x", 1);
    cr_assert_eq(fs_mkdir_p(path, 0755, &err), -1);
    cr_assert_neq(asprintf(&want, "'%s' exists and is not a directory", path), -1);
    cr_assert_str_eq(err.msg, want);
    free(want);
    free(path);
}

Test(file, mkdir_p_refuses_a_parent_that_is_a_file)
{
    char *file = in_tmp("plain");
    char *path = in_tmp("plain/sub/dir");
    char *want;
    struct fn_err err = FN_ERR_INIT;
    write_file(file, "x", 1);
    cr_assert_eq(fs_mkdir_p(path, 0755, &err), -1);
    cr_assert_neq(
        asprintf(&want, "cannot create directory '%s/plain/sub': Not a directory", tmpdir), -1);
    cr_assert_str_eq(err.msg, want);
    free(want);
    free(path);
    free(file);
}

Test(file, mkdir_p_of_an_empty_path_fails)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(chdir(tmpdir), 0);
    cr_assert_eq(fs_mkdir_p("", 0755, &err), -1);
    cr_assert(fn_err_is_set(&err));
}

Test(file, exists_is_dir_is_file)
{
    char *file = in_tmp("f");
    char *missing = in_tmp("missing");
    write_file(file, "", 0);
    cr_assert(fs_exists(file));
    cr_assert(fs_is_file(file));
    cr_assert_not(fs_is_dir(file));
    cr_assert(fs_exists(tmpdir));
    cr_assert(fs_is_dir(tmpdir));
    cr_assert_not(fs_is_file(tmpdir));
    cr_assert_not(fs_exists(missing));
    cr_assert_not(fs_is_dir(missing));
    cr_assert_not(fs_is_file(missing));
    free(missing);
    free(file);
}

/* --- path strings --- */

Test(file, join_table)
{
    static const struct {
        const char *a, *b, *want;
    } rows[] = {{"a", "b", "a/b"},
                {"a/", "b", "a/b"},
                {"/srv/app", "src/handler.js", "/srv/app/src/handler.js"},
                {"a", "/abs/b", "/abs/b"},
                {"", "b", "b"},
                {"a", "./b", "a/b"},
                {"a", "././b", "a/b"},
                {"/", "b", "/b"},
                {".", "b", "./b"}};
    struct buf out = BUF_INIT;
    buf_addstr(&out, "stale");
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        fs_join(&out, rows[i].a, rows[i].b);
        cr_expect_str_eq(buf_cstr(&out), rows[i].want,
                         "row %zu: fs_join(\"%s\", \"%s\") = \"%s\", want \"%s\"", i, rows[i].a,
                         rows[i].b, buf_cstr(&out), rows[i].want);
    }
    buf_release(&out);
}

Test(file, dirname_table)
{
    static const struct {
        const char *path, *want;
    } rows[] = {{"a/b", "a"},
                {"/srv/app/serverless.yml", "/srv/app"},
                {"serverless.yml", "."},
                {"", "."},
                {"/a", "/"},
                {"./x", "."}};
    struct buf out = BUF_INIT;
    buf_addstr(&out, "stale");
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        fs_dirname(&out, rows[i].path);
        cr_expect_str_eq(buf_cstr(&out), rows[i].want,
                         "row %zu: fs_dirname(\"%s\") = \"%s\", want \"%s\"", i, rows[i].path,
                         buf_cstr(&out), rows[i].want);
    }
    buf_release(&out);
}

Test(file, basename_table)
{
    static const struct {
        const char *path, *want;
    } rows[] = {{"a/b", "b"},
                {"/srv/app/serverless.yml", "serverless.yml"},
                {"serverless.yml", "serverless.yml"},
                {"/a", "a"},
                {"", ""}};
    for (size_t i = 0; i < N_ROWS(rows); i++) {
        const char *got = fs_basename(rows[i].path);
        cr_expect_str_eq(got, rows[i].want, "row %zu: fs_basename(\"%s\") = \"%s\", want \"%s\"", i,
                         rows[i].path, got, rows[i].want);
        cr_expect(got >= rows[i].path && got <= rows[i].path + strlen(rows[i].path),
                  "row %zu: result does not point into the path", i);
    }
}

Test(file, list_dir_gives_sorted_names_and_keeps_errno)
{
    struct strvec names = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    char *missing = in_tmp("missing");
    const char *files[] = { "b.txt", "a.txt", "C" };

    for (size_t i = 0; i < 3; i++) {
        char *p = in_tmp(files[i]);
        write_file(p, "x", 1);
        free(p);
    }
    cr_assert_eq(fs_list_dir(tmpdir, &names, &err), 0, "%s", err.msg);
    cr_assert_eq(names.n, 3);
    cr_assert_str_eq(names.v[0], "C");
    cr_assert_str_eq(names.v[1], "a.txt");
    cr_assert_str_eq(names.v[2], "b.txt");
    strvec_clear(&names);
    cr_assert_eq(fs_list_dir(missing, &names, &err), -1);
    cr_assert_eq(errno, ENOENT);
    cr_assert(strstr(err.msg, "missing"), "%s", err.msg);
    cr_assert_eq(names.n, 0);
    free(missing);
}
