/* extract: hostile archives are refused and leave nothing behind; good ones
 * are extracted completely. Archives are built in the test with libarchive's
 * writer, so each case says exactly which entries it holds. */
#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "buf.h"
#include "extract.h"
#include "file.h"
#include "tmpdir.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

enum fmt { TAR, TGZ, ZIP };

struct ent {
    char type;        /* 'f' file, 'd' directory, 'l' symlink, 'h' hardlink, 'c' device */
    const char *name;
    const char *data; /* contents, or the link's target */
    unsigned mode;    /* permissions; 0: 0644 (0755 for directories) */
};

static char tmpdir[64];
static char dest[128];

static void setup(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "extract");
    snprintf(dest, sizeof(dest), "%s/out", tmpdir);
}

static void teardown(void)
{
    test_tmpdir_remove(tmpdir);
}

TestSuite(extract, .init = setup, .fini = teardown);

/* An archive of ents in the given format; the caller frees *out. */
static void build(enum fmt fmt, const struct ent *ents, size_t n, void **out, size_t *len)
{
    size_t cap = 1 << 20;
    struct archive *a = archive_write_new();
    void *mem = malloc(cap);
    cr_assert_not_null(mem);
    if (fmt == ZIP) {
        archive_write_set_format_zip(a);
    } else {
        archive_write_set_format_pax_restricted(a);
        if (fmt == TGZ)
            archive_write_add_filter_gzip(a);
    }
    cr_assert_eq(archive_write_open_memory(a, mem, cap, len), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        const struct ent *e = &ents[i];
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e->name);
        archive_entry_set_mtime(ae, 0, 0);
        switch (e->type) {
        case 'f':
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_size(ae, (la_int64_t)strlen(e->data));
            break;
        case 'd':
            archive_entry_set_filetype(ae, AE_IFDIR);
            break;
        case 'l':
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_symlink(ae, e->data);
            break;
        case 'h':
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_hardlink(ae, e->data);
            break;
        case 'c':
            archive_entry_set_filetype(ae, AE_IFCHR);
            archive_entry_set_rdev(ae, makedev(1, 3));
            break;
        }
        archive_entry_set_perm(ae, e->mode ? e->mode : e->type == 'd' ? 0755 : 0644);
        cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK, "entry %s: %s", e->name,
                     archive_error_string(a));
        if (e->type == 'f' && e->data[0])
            cr_assert_eq(archive_write_data(a, e->data, strlen(e->data)),
                         (la_ssize_t)strlen(e->data));
        archive_entry_free(ae);
    }
    cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *out = mem;
}

/* Extracts ents (in fmt) into dest; returns ex_extract_memory's result. */
static int run(enum fmt fmt, const struct ent *ents, size_t n, struct fn_err *err)
{
    void *data;
    size_t len;
    build(fmt, ents, n, &data, &len);
    int rc = ex_extract_memory(data, len, "'test.archive'", dest, err);
    free(data);
    return rc;
}

static char *in_tmp(const char *name)
{
    char *p;
    cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, name), -1);
    return p;
}

static void assert_file(const char *rel, const char *data, unsigned mode)
{
    struct buf b = BUF_INIT, path = BUF_INIT;
    struct stat st;
    fs_join(&path, dest, rel);
    cr_assert_eq(lstat(buf_cstr(&path), &st), 0, "%s is missing", rel);
    cr_assert(S_ISREG(st.st_mode), "%s is not a file", rel);
    cr_assert_eq(st.st_mode & 07777, mode, "%s: mode %o", rel, st.st_mode & 07777);
    cr_assert_eq(fs_read_file(buf_cstr(&path), &b, 0, NULL), 0);
    cr_assert_str_eq(buf_cstr(&b), data, "%s", rel);
    buf_release(&b);
    buf_release(&path);
}

/* A refused archive: the error mentions `needle`, the destination is gone,
 * and the directory around it holds nothing new. */
static void assert_refused(enum fmt fmt, const struct ent *ents, size_t n, const char *needle)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(run(fmt, ents, n, &err), -1, "format %d: accepted", (int)fmt);
    cr_assert(strstr(err.msg, needle), "format %d: '%s' lacks '%s'", (int)fmt, err.msg, needle);
    cr_assert_not(fs_exists(dest), "the destination was left behind");
    struct buf path = BUF_INIT;
    const char *left[] = { "x", "abs", "escape", "evil" };
    for (size_t i = 0; i < N_ROWS(left); i++) {
        struct stat st;
        fs_join(&path, tmpdir, left[i]);
        cr_assert_neq(lstat(buf_cstr(&path), &st), 0, "'%s' was written outside", left[i]);
    }
    buf_release(&path);
}

static const struct ent good[] = {
    { 'd', "app/", NULL, 0 },
    { 'f', "app/handler.js", "exports.handler = async () => 1;\n", 0 },
    { 'f', "app/bootstrap", "#!/bin/sh\necho hi\n", 0755 },
    { 'f', "./app/nested/deep/readme.md", "# deep\n", 0600 },
    { 'f', "empty.txt", "", 0 },
    { 'l', "app/link", "nested/deep/readme.md", 0 },
    { 'l', "app/nested/up", "../handler.js", 0 },
    { 'f', "setuid", "x", 04755 },
};

static void assert_good_tree(void)
{
    char target[256];
    struct buf path = BUF_INIT;
    assert_file("app/handler.js", "exports.handler = async () => 1;\n", 0644);
    assert_file("app/bootstrap", "#!/bin/sh\necho hi\n", 0755);
    assert_file("app/nested/deep/readme.md", "# deep\n", 0644);
    assert_file("empty.txt", "", 0644);
    assert_file("setuid", "x", 0755); /* set-id bits dropped */
    fs_join(&path, dest, "app/link");
    ssize_t n = readlink(buf_cstr(&path), target, sizeof(target) - 1);
    cr_assert_gt(n, 0);
    target[n] = 0;
    cr_assert_str_eq(target, "nested/deep/readme.md");
    fs_join(&path, dest, "app/nested/up");
    cr_assert(fs_is_file(buf_cstr(&path)), "app/nested/up does not resolve");
    buf_release(&path);
}

Test(extract, good_archives_extract_completely)
{
    enum fmt fmts[] = { TAR, TGZ, ZIP };
    for (size_t i = 0; i < N_ROWS(fmts); i++) {
        struct fn_err err = FN_ERR_INIT;
        cr_assert_eq(run(fmts[i], good, N_ROWS(good), &err), 0, "format %zu: %s", i, err.msg);
        assert_good_tree();
        cr_assert_eq(fs_rmtree(dest, NULL), 0);
    }
}

Test(extract, hardlink_to_an_earlier_file)
{
    struct ent ents[] = {
        { 'f', "a/one", "same\n", 0 },
        { 'h', "b/two", "a/one", 0 },
    };
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(run(TAR, ents, N_ROWS(ents), &err), 0, "%s", err.msg);
    assert_file("b/two", "same\n", 0644);
}

Test(extract, zip_slip_dotdot)
{
    struct ent ents[] = { { 'f', "ok.txt", "fine", 0 }, { 'f', "../x", "pwned", 0 } };
    enum fmt fmts[] = { TAR, TGZ, ZIP };
    for (size_t i = 0; i < N_ROWS(fmts); i++)
        assert_refused(fmts[i], ents, N_ROWS(ents), "'..' in the path");
    struct ent deep[] = { { 'f', "a/b/../../../x", "pwned", 0 } };
    assert_refused(TAR, deep, N_ROWS(deep), "'..' in the path");
}

Test(extract, absolute_path)
{
    char *abs = in_tmp("abs");
    struct ent ents[] = { { 'f', "fine", "ok", 0 }, { 'f', abs, "pwned", 0 } };
    assert_refused(TAR, ents, N_ROWS(ents), "absolute path");
    assert_refused(ZIP, ents, N_ROWS(ents), "absolute path");
    free(abs);
}

Test(extract, symlink_to_etc_then_file_through_it)
{
    struct ent ents[] = {
        { 'l', "evil", "/etc", 0 },
        { 'f', "evil/fnctl-test-extract-must-not-exist", "x", 0 },
    };
    assert_refused(TAR, ents, N_ROWS(ents), "symlink pointing outside");
    assert_refused(ZIP, ents, N_ROWS(ents), "symlink pointing outside");
    cr_assert_not(fs_exists("/etc/fnctl-test-extract-must-not-exist"), "written into /etc");
}

Test(extract, symlink_escaping_relatively)
{
    struct ent ents[] = { { 'd', "d/", NULL, 0 }, { 'l', "d/a", "../../x", 0 } };
    assert_refused(TAR, ents, N_ROWS(ents), "symlink pointing outside");
    assert_refused(ZIP, ents, N_ROWS(ents), "symlink pointing outside");
    struct ent up[] = { { 'l', "evil", "..", 0 }, { 'f', "evil/x", "pwned", 0 } };
    assert_refused(TAR, up, N_ROWS(up), "symlink pointing outside");
}

Test(extract, symlink_escaping_through_another_symlink)
{
    /* each link alone stays inside by its text; together they escape */
    struct ent ents[] = {
        { 'd', "sub/", NULL, 0 },
        { 'l', "sub/here", "..", 0 },
        { 'l', "sub/t", "here/../escape", 0 },
    };
    assert_refused(TAR, ents, N_ROWS(ents), "points outside");
}

Test(extract, no_write_through_an_inside_symlink)
{
    struct ent ents[] = {
        { 'd', "real/", NULL, 0 },
        { 'l', "alias", "real", 0 },
        { 'f', "alias/file", "x", 0 },
    };
    assert_refused(TAR, ents, N_ROWS(ents), "'alias' is a symlink");
}

Test(extract, hardlinks_outside)
{
    struct ent rel[] = { { 'h', "h", "../x", 0 } };
    assert_refused(TAR, rel, N_ROWS(rel), "hardlink pointing outside");
    struct ent abs[] = { { 'h', "passwd", "/etc/passwd", 0 } };
    assert_refused(TAR, abs, N_ROWS(abs), "hardlink pointing outside");
    struct ent missing[] = { { 'h', "h", "nothing", 0 } };
    assert_refused(TAR, missing, N_ROWS(missing), "extracted before it");
    struct ent to_link[] = { { 'l', "l", "a", 0 }, { 'h', "h", "l", 0 } };
    assert_refused(TAR, to_link, N_ROWS(to_link), "extracted before it");
}

Test(extract, devices_refused)
{
    struct ent ents[] = { { 'f', "a", "x", 0 }, { 'c', "null", NULL, 0 } };
    assert_refused(TAR, ents, N_ROWS(ents), "not a file, directory or symlink");
}

Test(extract, duplicate_entries_refused)
{
    struct ent ents[] = { { 'f', "a", "first", 0 }, { 'l', "a", "/etc/passwd", 0 } };
    assert_refused(TAR, ents, N_ROWS(ents), "appears twice");
    struct ent dirs[] = { { 'd', "d/", NULL, 0 }, { 'd', "d/", NULL, 0 }, { 'f', "d/f", "x", 0 } };
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(run(TAR, dirs, N_ROWS(dirs), &err), 0, "%s", err.msg);
    assert_file("d/f", "x", 0644);
}

Test(extract, not_an_archive)
{
    struct fn_err err = FN_ERR_INIT;
    const char junk[] = "this is not an archive at all, just some words of text";
    cr_assert_eq(ex_extract_memory(junk, sizeof(junk) - 1, "'junk'", dest, &err), -1);
    cr_assert(strstr(err.msg, "cannot read 'junk'"), "%s", err.msg);
    cr_assert_not(fs_exists(dest));
}

Test(extract, truncated_archive_leaves_nothing)
{
    void *data;
    size_t len;
    struct fn_err err = FN_ERR_INIT;
    build(TGZ, good, N_ROWS(good), &data, &len);
    cr_assert_eq(ex_extract_memory(data, len / 2, "'half'", dest, &err), -1);
    cr_assert_not(fs_exists(dest));
    free(data);
}

Test(extract, existing_destination_untouched)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mkdir(dest, 0755), 0);
    char *keep = in_tmp("out/keep");
    FILE *f = fopen(keep, "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_eq(run(TAR, good, N_ROWS(good), &err), -1);
    cr_assert(strstr(err.msg, "cannot create"), "%s", err.msg);
    cr_assert(fs_is_file(keep), "the existing destination was changed");
    free(keep);
}

Test(extract, from_a_file)
{
    void *data;
    size_t len;
    struct fn_err err = FN_ERR_INIT;
    build(ZIP, good, N_ROWS(good), &data, &len);
    char *path = in_tmp("t.zip");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    cr_assert_eq(ex_extract_file(path, dest, &err), 0, "%s", err.msg);
    assert_good_tree();
    free(path);
    path = in_tmp("o2");
    cr_assert_eq(ex_extract_file("/nonexistent/t.zip", path, &err), -1);
    cr_assert(strstr(err.msg, "/nonexistent/t.zip"), "%s", err.msg);
    cr_assert_not(fs_exists(path));
    free(path);
    free(data);
}

Test(extract, check_tree_finds_a_link_outside)
{
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mkdir(dest, 0755), 0);
    char *link = in_tmp("out/l");
    cr_assert_eq(symlink("../x", link), 0);
    cr_assert_eq(ex_check_tree(dest, &err), -1);
    cr_assert(strstr(err.msg, "'l'"), "%s", err.msg);
    cr_assert_eq(unlink(link), 0);
    cr_assert_eq(symlink(".", link), 0);
    cr_assert_eq(ex_check_tree(dest, &err), 0, "%s", err.msg);
    free(link);
}

Test(extract, name_is_safe)
{
    static const struct {
        const char *name;
        bool safe;
    } rows[] = {
        { "a", true },        { "./a/b", true },   { "a//b/", true },    { "a..b", true },
        { "..a/b..", true },  { "", false },       { "/a", false },      { "..", false },
        { "../a", false },    { "a/..", false },   { "a/../b", false },  { "a//..//b", false },
    };
    for (size_t i = 0; i < N_ROWS(rows); i++)
        cr_assert_eq(ex_name_is_safe(rows[i].name), rows[i].safe, "row %zu: '%s'", i,
                     rows[i].name);
}
