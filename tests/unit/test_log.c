#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

/* A log writing into memory; fn_log_output() closes it and returns the text. */
static FILE *mem;
static char *mem_text;
static size_t mem_len;

static struct fn_log mem_log(enum fn_log_level level, bool color)
{
    struct fn_log log;
    mem = open_memstream(&mem_text, &mem_len);
    cr_assert_not_null(mem);
    fn_log_init(&log, mem, level);
    log.color = color;
    return log;
}

static char *fn_log_output(void)
{
    fclose(mem);
    mem = NULL;
    return mem_text;
}

/* Every kind of line, once. */
static void log_all(const struct fn_log *log)
{
    fn_log_warn(log, "stage '%s' has no functions", "dev");
    fn_log_info(log, "listening on %s:%d", "localhost", 3000);
    fn_log_debug(log, "worker %d started", 7);
}

Test(log, init_sets_out_level_and_no_color_off_a_terminal)
{
    struct fn_log log;
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    setenv("TERM", "xterm", 1);
    unsetenv("NO_COLOR");
    fn_log_init(&log, f, FN_LOG_DEBUG);
    cr_assert_eq(log.out, f);
    cr_assert_eq(log.level, FN_LOG_DEBUG);
    cr_assert_not(log.color);
    fclose(f);
}

Test(log, quiet_shows_nothing)
{
    struct fn_log log = mem_log(FN_LOG_QUIET, false);
    struct fn_err warning = FN_ERR_INIT;
    fn_err_set(&warning, "unused");
    log_all(&log);
    fn_log_warn_err(&log, &warning);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "");
    free(text);
}

Test(log, info_shows_warnings_and_progress_but_not_debug)
{
    struct fn_log log = mem_log(FN_LOG_INFO, false);
    log_all(&log);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "fnctl: warning: stage 'dev' has no functions\n"
                           "listening on localhost:3000\n");
    free(text);
}

Test(log, debug_shows_everything)
{
    struct fn_log log = mem_log(FN_LOG_DEBUG, false);
    log_all(&log);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "fnctl: warning: stage 'dev' has no functions\n"
                           "listening on localhost:3000\n"
                           "fnctl: debug: worker 7 started\n");
    free(text);
}

Test(log, color_wraps_the_prefixes_only)
{
    struct fn_log log = mem_log(FN_LOG_DEBUG, true);
    log_all(&log);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "\033[1;33mfnctl: warning: \033[0mstage 'dev' has no functions\n"
                           "listening on localhost:3000\n"
                           "\033[2mfnctl: debug: \033[0mworker 7 started\n");
    free(text);
}

Test(log, warn_err_prints_a_located_warning_and_its_hint)
{
    struct fn_log log = mem_log(FN_LOG_INFO, false);
    struct fn_err warning = FN_ERR_INIT;
    fn_err_set(&warning, "unknown property '%s'", "timout");
    fn_err_hint(&warning, "did you mean '%s'?", "timeout");
    fn_err_at(&warning, "serverless.yml", 12, 5);
    fn_log_warn_err(&log, &warning);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "fnctl: warning: serverless.yml:12:5: unknown property 'timout'\n"
                           "  hint: did you mean 'timeout'?\n");
    free(text);
}

Test(log, warn_err_without_location_or_hint_is_one_line)
{
    struct fn_log log = mem_log(FN_LOG_INFO, false);
    struct fn_err warning = FN_ERR_INIT;
    fn_err_set(&warning, "no functions to run");
    fn_log_warn_err(&log, &warning);
    char *text = fn_log_output();
    cr_assert_str_eq(text, "fnctl: warning: no functions to run\n");
    free(text);
}

Test(log, warn_err_in_color)
{
    struct fn_log log = mem_log(FN_LOG_INFO, true);
    struct fn_err warning = FN_ERR_INIT;
    fn_err_set(&warning, "unknown property 'timout'");
    fn_err_hint(&warning, "did you mean 'timeout'?");
    fn_err_at(&warning, "serverless.yml", 12, 0);
    fn_log_warn_err(&log, &warning);
    char *text = fn_log_output();
    cr_assert_str_eq(
        text, "\033[1;33mfnctl: warning: \033[0mserverless.yml:12: unknown property 'timout'\n"
              "  \033[36mhint:\033[0m did you mean 'timeout'?\n");
    free(text);
}
