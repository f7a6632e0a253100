#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "b64.h"
#include "buf.h"
#include "crypto_dl.h"
#include "file.h"
#include "tmpdir.h"
#include "zipw.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))
#define MTIME ((time_t)1700000000) /* 2023-11-14 22:13:20 UTC */

static char tmpdir[64];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "zipw");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

TestSuite(zipw, .init = make_tmpdir, .fini = remove_tmpdir);

/* tmpdir/<rel>; each call returns a new string. */
static char *in_tmp(const char *rel)
{
    char *p;
    cr_assert_neq(asprintf(&p, "%s/%s", tmpdir, rel), -1);
    return p;
}

static void put(const char *rel, const char *data, size_t len, mode_t mode)
{
    char *path = in_tmp(rel), *slash;
    FILE *f;

    for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    cr_assert_eq(chmod(path, mode), 0);
    free(path);
}

/* The service: sorted by bytes, as callers pass entries. */
static const char *const names[] = { "a.txt", "bin/bootstrap", "caf\xc3\xa9/\xc3\xbc.txt",
                                     "dir/b.txt" };

static void make_service(void)
{
    struct buf big = BUF_INIT;
    for (int i = 0; i < 4000; i++)
        buf_addf(&big, "line %d of a file deflate can shrink\n", i % 37);
    put("a.txt", "hello", 5, 0644);
    put("bin/bootstrap", "#!/bin/sh\necho hi\n", 18, 0755);
    put("caf\xc3\xa9/\xc3\xbc.txt", "utf-8 name\n", 11, 0644);
    put("dir/b.txt", big.data, big.len, 0644);
    buf_release(&big);
}

/* Writes the service's entries to tmpdir/<zipname>; returns the zip's path. */
static char *write_zip(const char *zipname, struct zipw_stats *st)
{
    struct zipw_entry e[N_ROWS(names)] = { 0 };
    struct fn_err err = FN_ERR_INIT;
    char *path = in_tmp(zipname);

    for (size_t i = 0; i < N_ROWS(names); i++) {
        e[i].name = names[i];
        e[i].src = in_tmp(names[i]);
    }
    cr_assert_eq(zipw_write(path, tmpdir, e, N_ROWS(e), MTIME, st, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < N_ROWS(names); i++)
        free((char *)e[i].src);
    return path;
}

static void read_all(const char *path, struct buf *out)
{
    struct fn_err err = FN_ERR_INIT;
    buf_reset(out);
    cr_assert_eq(fs_read_file(path, out, 0, &err), 0, "%s", err.msg);
}

static void set_mtime(const char *rel, time_t t)
{
    char *path = in_tmp(rel);
    struct timeval tv[2] = { { t, 0 }, { t, 0 } };
    cr_assert_eq(utimes(path, tv), 0);
    free(path);
}

Test(zipw, same_bytes_whatever_the_clock_zone_locale_umask_and_owner)
{
    struct zipw_stats st = { 0 };
    struct buf first = BUF_INIT, again = BUF_INIT;
    char *p1, *p2, *p3, *bin, *big;

    make_service();
    setenv("TZ", "UTC", 1);
    tzset();
    cr_assert_not_null(setlocale(LC_ALL, "C"));
    p1 = write_zip("one.zip", &st);
    zipw_stats_release(&st);
    read_all(p1, &first);

    /* other mtimes, modes, owner, umask, zone and locale */
    for (size_t i = 0; i < N_ROWS(names); i++)
        set_mtime(names[i], (time_t)(1600000000 + 86400 * (long)i));
    bin = in_tmp("bin/bootstrap");
    big = in_tmp("dir/b.txt");
    cr_assert_eq(chmod(bin, 0700), 0);
    cr_assert_eq(chmod(big, 0600), 0);
    cr_assert_eq(chown(big, 1234, 5678), 0);
    umask(077);
    setenv("TZ", "America/New_York", 1);
    tzset();
    cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
    p2 = write_zip("two.zip", &st);
    zipw_stats_release(&st);
    read_all(p2, &again);
    cr_expect_eq(first.len, again.len);
    cr_expect(first.len == again.len && !memcmp(first.data, again.data, first.len),
              "TZ=America/New_York, LC_ALL=C.UTF-8 changed the bytes");
    cr_expect_str_eq(getenv("TZ"), "America/New_York", "the caller's TZ is restored");

    setenv("TZ", "Asia/Kolkata", 1);
    tzset();
    cr_assert_not_null(setlocale(LC_ALL, "POSIX"));
    p3 = write_zip("three.zip", &st);
    zipw_stats_release(&st);
    read_all(p3, &again);
    cr_expect(first.len == again.len && !memcmp(first.data, again.data, first.len),
              "TZ=Asia/Kolkata, LC_ALL=POSIX changed the bytes");
    cr_expect_str_eq(getenv("TZ"), "Asia/Kolkata");

    unsetenv("TZ");
    tzset();
    p3 = (free(p3), write_zip("three.zip", &st));
    zipw_stats_release(&st);
    read_all(p3, &again);
    cr_expect(first.len == again.len && !memcmp(first.data, again.data, first.len),
              "an unset TZ changed the bytes");
    cr_expect_null(getenv("TZ"), "an unset TZ stays unset");
    umask(022);
    buf_release(&first);
    buf_release(&again);
    free(p1);
    free(p2);
    free(p3);
    free(bin);
    free(big);
}

static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* Checks one entry's extra fields: "UT" with the mtime alone, "ux" with
 * uid and gid 0, nothing else. */
static void check_extra(const unsigned char *x, unsigned n, const char *name)
{
    static const unsigned char ux[] = { 'u', 'x', 11, 0, 1, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0 };
    cr_assert_eq(n, 9 + sizeof(ux), "%s: %u bytes of extra fields", name, n);
    cr_expect(x[0] == 'U' && x[1] == 'T' && le16(x + 2) == 5 && x[4] == 1, "%s: UT", name);
    cr_expect_eq(le32(x + 5), (uint32_t)MTIME, "%s: UT mtime", name);
    cr_expect(!memcmp(x + 9, ux, sizeof(ux)), "%s: ux with uid 0, gid 0", name);
}

/* Walks the central directory (libarchive writes no zip comment). */
Test(zipw, headers_hold_nothing_that_varies)
{
    static const uint32_t modes[] = { 0100644, 0100755, 0100644, 0100644 };
    /* 2023-11-14 22:13:20 in UTC, whatever TZ says */
    const unsigned dos_time = 22 << 11 | 13 << 5 | 10, dos_date = 43 << 9 | 11 << 5 | 14;
    struct zipw_stats st = { 0 };
    struct buf z = BUF_INIT;
    const unsigned char *d, *eocd, *cd;
    char *path;

    make_service();
    setenv("TZ", "Asia/Kolkata", 1);
    tzset();
    path = write_zip("svc.zip", &st);
    read_all(path, &z);
    d = (const unsigned char *)z.data;
    cr_assert_gt(z.len, 22);
    eocd = d + z.len - 22;
    cr_assert_eq(le32(eocd), 0x06054b50, "the end record closes the file: no padding");
    cr_assert_eq(le16(eocd + 10), N_ROWS(names));
    cd = d + le32(eocd + 16);
    cr_assert_eq(le32(eocd + 16) + le32(eocd + 12), z.len - 22);
    for (size_t i = 0; i < N_ROWS(names); i++) {
        unsigned name_len = le16(cd + 28), extra_len = le16(cd + 30);
        const unsigned char *local = d + le32(cd + 42);
        cr_assert_eq(le32(cd), 0x02014b50);
        cr_expect_eq(cd[5], 3, "made on unix");
        cr_expect_eq(le16(cd + 8) & 1, 0, "not encrypted");
        cr_expect(le16(cd + 10) == 8 || le16(cd + 10) == 0, "deflate or stored");
        cr_expect_eq(le16(cd + 12), dos_time, "%s: DOS time %#x", names[i], le16(cd + 12));
        cr_expect_eq(le16(cd + 14), dos_date, "%s: DOS date %#x", names[i], le16(cd + 14));
        cr_expect_eq(le32(cd + 24), st.sizes[i]);
        cr_expect_eq(le16(cd + 32), 0, "no comment");
        cr_expect_eq(le32(cd + 38) >> 16, modes[i], "%s: mode %o", names[i], le32(cd + 38) >> 16);
        cr_expect(name_len == strlen(names[i]) && !memcmp(cd + 46, names[i], name_len),
                  "entry %zu is %s", i, names[i]);
        check_extra(cd + 46 + name_len, extra_len, names[i]);
        /* the local header says the same */
        cr_assert_eq(le32(local), 0x04034b50);
        cr_expect_eq(le16(local + 10), dos_time);
        cr_expect_eq(le16(local + 12), dos_date);
        cr_expect_eq(le16(local + 26), name_len);
        check_extra(local + 30 + name_len, le16(local + 28), names[i]);
        cd += 46 + name_len + extra_len + le16(cd + 32);
    }
    /* the non-ASCII name is flagged UTF-8 */
    cd = d + le32(eocd + 16);
    for (size_t i = 0; i < 2; i++)
        cd += 46 + le16(cd + 28) + le16(cd + 30);
    cr_expect(le16(cd + 8) & 0x800, "UTF-8 flag on %s", names[2]);
    zipw_stats_release(&st);
    buf_release(&z);
    free(path);
}

Test(zipw, reads_back_with_libarchive)
{
    struct zipw_stats st = { 0 };
    struct archive *a = archive_read_new();
    struct archive_entry *ae;
    char *path, data[16];
    size_t i = 0;

    make_service();
    path = write_zip("svc.zip", &st);
    cr_expect_eq(st.n_files, N_ROWS(names));
    /* libarchive's reader converts names to the locale's charset */
    cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
    archive_read_support_format_zip(a);
    cr_assert_eq(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        cr_assert_lt(i, N_ROWS(names));
        cr_expect_str_eq(archive_entry_pathname_utf8(ae), names[i]);
        cr_expect_eq(archive_entry_filetype(ae), AE_IFREG, "no directory entries");
        cr_expect_eq(archive_entry_perm(ae), i == 1 ? 0755 : 0644, "%s", names[i]);
        cr_expect_eq(archive_entry_mtime(ae), MTIME);
        cr_expect_eq(archive_entry_uid(ae), 0);
        cr_expect_eq(archive_entry_gid(ae), 0);
        cr_expect_eq((uint64_t)archive_entry_size(ae), st.sizes[i]);
        if (i == 0) {
            cr_expect_eq(archive_read_data(a, data, sizeof(data)), 5);
            cr_expect(!memcmp(data, "hello", 5));
        }
        i++;
    }
    cr_expect_eq(i, N_ROWS(names), "%s", archive_error_string(a));
    archive_read_free(a);
    zipw_stats_release(&st);
    free(path);
}

/* python's zipfile and Info-ZIP's unzip read what Lambda reads. */
Test(zipw, python_and_unzip_accept_it)
{
    struct zipw_stats st = { 0 };
    char *path, *cmd;

    make_service();
    path = write_zip("svc.zip", &st);
    cr_assert_neq(asprintf(&cmd, "python3 -m zipfile -t '%s' >/dev/null", path), -1);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
    cr_assert_neq(asprintf(&cmd,
                           "python3 -c 'import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "for i in z.infolist():\n"
                           "    assert i.date_time == (2023, 11, 14, 22, 13, 20), i.date_time\n"
                           "    assert i.external_attr >> 16 in (0o100644, 0o100755)\n"
                           "    assert not i.is_dir()\n"
                           "assert z.read(\"a.txt\") == b\"hello\"\n"
                           "assert z.getinfo(\"bin/bootstrap\").external_attr >> 16 == 0o100755\n"
                           "' '%s'",
                           path),
                  -1);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
    cr_assert_neq(asprintf(&cmd, "unzip -tqq '%s'", path), -1);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
    zipw_stats_release(&st);
    free(path);
}

Test(zipw, stats_and_code_sha256)
{
    struct zipw_stats st = { 0 }, again = { 0 };
    struct fn_err err = FN_ERR_INIT;
    unsigned char digest[CRYPTO_SHA256_LEN];
    struct crypto_hash *h;
    struct buf z = BUF_INIT, want = BUF_INIT;
    uint64_t sum = 0;
    char *path, *cmd, line[128] = "";
    FILE *p;

    make_service();
    path = write_zip("svc.zip", &st);
    read_all(path, &z);
    cr_expect_eq(st.zipped, z.len);
    cr_expect_eq(st.n_files, 4);
    cr_expect_eq(st.sizes[0], 5);
    cr_expect_eq(st.sizes[1], 18);
    cr_expect_eq(st.sizes[2], 11);
    for (size_t i = 0; i < st.n_files; i++)
        sum += st.sizes[i];
    cr_expect_eq(st.unzipped, sum);
    cr_expect_gt(st.unzipped, st.zipped, "deflate shrank the big file");

    h = crypto_hash_new(CRYPTO_SHA256, &err);
    cr_assert_not_null(h, "%s", err.msg);
    crypto_hash_update(h, z.data, z.len);
    crypto_hash_final(h, digest);
    b64_encode(digest, sizeof(digest), &want);
    cr_expect_str_eq(st.code_sha256, want.data);

    cr_assert_neq(asprintf(&cmd, "openssl dgst -sha256 -binary '%s' | base64", path), -1);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(line, sizeof(line), p));
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    cr_expect_str_eq(st.code_sha256, line);

    cr_assert_eq(zipw_hash_file(path, &again, &err), 0, "%s", err.msg);
    cr_expect_str_eq(again.code_sha256, st.code_sha256);
    cr_expect_eq(again.zipped, st.zipped);
    cr_expect_null(again.sizes);
    zipw_stats_release(&st);
    zipw_stats_release(&again);
    buf_release(&z);
    buf_release(&want);
    free(cmd);
    free(path);
}

Test(zipw, hash_file_of_a_prebuilt_artifact)
{
    struct zipw_stats st = { 0 };
    struct fn_err err = FN_ERR_INIT;
    char *path = in_tmp("artifact.zip"), *missing = in_tmp("missing.zip");

    put("artifact.zip", "hello", 5, 0644);
    cr_assert_eq(zipw_hash_file(path, &st, &err), 0, "%s", err.msg);
    /* printf hello | openssl dgst -sha256 -binary | base64 */
    cr_expect_str_eq(st.code_sha256, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
    cr_expect_eq(st.zipped, 5);
    cr_expect_eq(zipw_hash_file(missing, &st, &err), -1);
    cr_expect(strstr(err.msg, "missing.zip") != NULL, "%s", err.msg);
    zipw_stats_release(&st);
    free(path);
    free(missing);
}

/* No temporary or partial zip is left in tmpdir. */
static void expect_no_zip(const char *zipname)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;

    cr_assert_not_null(d);
    while ((de = readdir(d)))
        cr_expect(strncmp(de->d_name, zipname, strlen(zipname)) != 0, "left behind: %s",
                  de->d_name);
    closedir(d);
}

Test(zipw, symlinks_inside_the_root_are_followed)
{
    struct zipw_stats st = { 0 };
    struct fn_err err = FN_ERR_INIT;
    struct zipw_entry e[2] = { 0 };
    char *link = in_tmp("lib/current.txt"), *dirlink = in_tmp("linkdir");
    char *path = in_tmp("links.zip");
    struct archive *a = archive_read_new();
    struct archive_entry *ae;
    char data[8];

    make_service();
    put("lib/placeholder", "", 0, 0644);
    cr_assert_eq(symlink("../a.txt", link), 0);
    cr_assert_eq(symlink("dir", dirlink), 0);
    e[0].name = "lib/current.txt";
    e[0].src = link;
    e[1].name = "linkdir/b.txt";
    e[1].src = in_tmp("linkdir/b.txt");
    cr_assert_eq(zipw_write(path, tmpdir, e, 2, MTIME, &st, &err), 0, "%s", err.msg);
    cr_expect_eq(st.sizes[0], 5);
    archive_read_support_format_zip(a);
    cr_assert_eq(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
    cr_assert_eq(archive_read_next_header(a, &ae), ARCHIVE_OK);
    cr_expect_eq(archive_entry_filetype(ae), AE_IFREG, "the link's content, not a link");
    cr_expect_eq(archive_read_data(a, data, sizeof(data)), 5);
    cr_expect(!memcmp(data, "hello", 5));
    archive_read_free(a);
    zipw_stats_release(&st);
    free((char *)e[1].src);
    free(link);
    free(dirlink);
    free(path);
}

Test(zipw, symlinks_out_of_the_root_are_refused)
{
    struct zipw_stats st = { 0 };
    struct fn_err err = FN_ERR_INIT;
    char outside[64];
    char *target, *link = in_tmp("svc/evil.txt"), *root = in_tmp("svc");
    char *path = in_tmp("evil.zip");
    struct zipw_entry e[2] = { 0 };

    put("svc/ok.txt", "ok", 2, 0644);
    test_tmpdir_make(outside, sizeof(outside), "zipw-out");
    cr_assert_neq(asprintf(&target, "%s/secret", outside), -1);
    cr_assert(fs_write_atomic(target, "s", 1, 0644, &err) == 0, "%s", err.msg);
    cr_assert_eq(symlink(target, link), 0);
    e[0].name = "evil.txt";
    e[0].src = link;
    e[1].name = "ok.txt";
    e[1].src = in_tmp("svc/ok.txt");
    cr_expect_eq(zipw_write(path, root, e, 2, MTIME, &st, &err), -1);
    cr_expect(strstr(err.msg, "symlink 'evil.txt'") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, target) != NULL, "names the target: %s", err.msg);
    cr_expect(err.hint[0] != '\0');
    cr_expect_null(st.sizes);
    expect_no_zip("evil.zip");
    unlink(target);
    rmdir(outside);
    free((char *)e[1].src);
    free(target);
    free(link);
    free(root);
    free(path);
}

Test(zipw, a_failed_write_leaves_no_file)
{
    struct zipw_stats st = { 0 };
    struct fn_err err = FN_ERR_INIT;
    char *path = in_tmp("bad.zip"), *nodir = in_tmp("no/such/dir.zip");
    struct zipw_entry e[2] = { { "a.txt", NULL, NULL }, { "gone.txt", NULL, NULL } };
    static const char *const bad_names[] = { "../up.txt", "/abs.txt", "a//b", "./a", "" };

    make_service();
    e[0].src = in_tmp("a.txt");
    e[1].src = in_tmp("gone.txt");
    cr_expect_eq(zipw_write(path, tmpdir, e, 2, MTIME, &st, &err), -1);
    cr_expect(strstr(err.msg, "gone.txt") != NULL, "%s", err.msg);
    expect_no_zip("bad.zip");

    /* an existing zip is kept as it was */
    put("bad.zip", "old", 3, 0644);
    cr_expect_eq(zipw_write(path, tmpdir, e, 2, MTIME, &st, &err), -1);
    {
        struct buf old = BUF_INIT;
        read_all(path, &old);
        cr_expect_str_eq(old.data, "old");
        buf_release(&old);
    }
    unlink(path);

    cr_expect_eq(zipw_write(nodir, tmpdir, e, 1, MTIME, &st, &err), -1);
    cr_expect(strstr(err.msg, "no/such/dir.zip") != NULL, "%s", err.msg);

    /* a directory is not a file */
    e[1].name = "dir";
    free((char *)e[1].src);
    e[1].src = in_tmp("dir");
    cr_expect_eq(zipw_write(path, tmpdir, e, 2, MTIME, &st, &err), -1);
    cr_expect(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
    expect_no_zip("bad.zip");

    for (size_t i = 0; i < N_ROWS(bad_names); i++) {
        e[0].name = bad_names[i];
        cr_expect_eq(zipw_write(path, tmpdir, e, 1, MTIME, &st, &err), -1, "'%s'", bad_names[i]);
        cr_expect(strstr(err.msg, "cannot be a name") != NULL, "%s", err.msg);
    }
    expect_no_zip("bad.zip");
    free((char *)e[0].src);
    free((char *)e[1].src);
    free(path);
    free(nodir);
}

Test(zipw, no_entries_make_an_empty_zip)
{
    struct zipw_stats st = { 0 };
    struct fn_err err = FN_ERR_INIT;
    char *path = in_tmp("empty.zip"), *cmd;

    cr_assert_eq(zipw_write(path, tmpdir, NULL, 0, MTIME, &st, &err), 0, "%s", err.msg);
    cr_expect_eq(st.zipped, 22, "the end record alone");
    cr_expect_eq(st.n_files, 0);
    cr_assert_neq(asprintf(&cmd, "python3 -m zipfile -t '%s' >/dev/null", path), -1);
    cr_expect_eq(system(cmd), 0);
    zipw_stats_release(&st);
    free(cmd);
    free(path);
}
