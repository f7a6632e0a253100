#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "runtimes.h"
#include "tmpdir.h"

static char dir[64];

static void setup(void)
{
    test_tmpdir_make(dir, sizeof(dir), "runtimes");
}

static void teardown(void)
{
    test_tmpdir_remove(dir);
}

TestSuite(runtimes, .init = setup, .fini = teardown);

Test(runtimes, node_and_python_run_the_built_in_bootstraps)
{
    struct strvec argv = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(rtm_command("nodejs20.x", "/rt", dir, &argv, &err), 0, "%s", err.msg);
    cr_assert_str_eq(argv.v[0], "node");
    cr_assert_str_eq(argv.v[1], "/rt/node/bootstrap.cjs");
    strvec_clear(&argv);
    cr_assert_eq(rtm_command("python3.11", "/rt", dir, &argv, &err), 0, "%s", err.msg);
    cr_assert(!strncmp(argv.v[0], "python3", 7), "%s", argv.v[0]);
    cr_assert_str_eq(argv.v[1], "/rt/python/bootstrap.py");
    strvec_clear(&argv);
}

Test(runtimes, provided_needs_an_executable_bootstrap)
{
    struct strvec argv = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    char path[256];
    cr_assert_eq(rtm_command("provided.al2023", "/rt", dir, &argv, &err), -1);
    cr_assert(strstr(err.msg, "needs an executable 'bootstrap'"), "%s", err.msg);
    cr_assert(err.hint[0]);

    snprintf(path, sizeof(path), "%s/bootstrap", dir);
    cr_assert_eq(fs_write_atomic(path, "#!/bin/sh\n", 10, 0644, &err), 0);
    cr_assert_eq(rtm_command("provided.al2", "/rt", dir, &argv, &err), -1);
    cr_assert(strstr(err.msg, "is not executable"), "%s", err.msg);

    chmod(path, 0755);
    cr_assert_eq(rtm_command("provided", "/rt", dir, &argv, &err), 0, "%s", err.msg);
    cr_assert_str_eq(argv.v[0], path);
    strvec_clear(&argv);
}

Test(runtimes, other_runtimes_cannot_run_locally)
{
    struct strvec argv = STRVEC_INIT;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(rtm_command("java21", "/rt", dir, &argv, &err), -1);
    cr_assert_str_eq(err.msg, "runtime 'java21' cannot run locally");
    cr_assert_eq(rtm_command(NULL, "/rt", dir, &argv, &err), -1);
    cr_assert_str_eq(err.msg, "the function has no runtime");
}

Test(runtimes, execution_env_names_the_runtime_except_provided)
{
    char buf[64];
    cr_assert_str_eq(rtm_execution_env("nodejs22.x", buf, sizeof(buf)), "AWS_Lambda_nodejs22.x");
    cr_assert_null(rtm_execution_env("provided.al2023", buf, sizeof(buf)));
}

Test(runtimes, extracts_the_bootstraps_once_into_the_cache)
{
    struct fn_err err = FN_ERR_INIT;
    char *out = NULL, *again = NULL, path[512];
    setenv("XDG_CACHE_HOME", dir, 1);
    unsetenv("FNCTL_RUNTIME_DIR");
    cr_assert_eq(rtm_extract(&out, &err), 0, "%s", err.msg);
    cr_assert(!strncmp(out, dir, strlen(dir)), "%s", out);
    snprintf(path, sizeof(path), "%s/node/bootstrap.cjs", out);
    cr_assert(fs_is_file(path), "%s missing", path);
    snprintf(path, sizeof(path), "%s/python/bootstrap.py", out);
    cr_assert(fs_is_file(path), "%s missing", path);
    cr_assert_eq(rtm_extract(&again, &err), 0);
    cr_assert_str_eq(out, again);
    free(out);
    free(again);
}
