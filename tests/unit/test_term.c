#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A terminal to ask about, without a child process: the slave side of a
 * pseudo-terminal. Skips the test when the system has none. */
struct pty {
    int master, slave;
};

static struct pty open_pty(void)
{
    struct pty p = {-1, -1};
    p.master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p.master < 0 || grantpt(p.master) < 0 || unlockpt(p.master) < 0)
        cr_skip_test("no pseudo-terminal available");
    const char *name = ptsname(p.master);
    if (!name || (p.slave = open(name, O_RDWR | O_NOCTTY)) < 0)
        cr_skip_test("no pseudo-terminal available");
    cr_assert(isatty(p.slave));
    return p;
}

static void close_pty(struct pty *p)
{
    close(p->slave);
    close(p->master);
}

Test(term, terminal_with_a_usual_term_gets_color)
{
    struct pty p = open_pty();
    unsetenv("NO_COLOR");
    setenv("TERM", "xterm-256color", 1);
    cr_assert(term_use_color(p.slave));
    close_pty(&p);
}

Test(term, no_color_with_any_value_turns_color_off)
{
    static const char *const values[] = {"1", "0", "false", "yes"};
    struct pty p = open_pty();
    setenv("TERM", "xterm", 1);
    for (size_t i = 0; i < N_ROWS(values); i++) {
        setenv("NO_COLOR", values[i], 1);
        cr_expect_not(term_use_color(p.slave), "NO_COLOR=%s still gives colour", values[i]);
    }
    close_pty(&p);
}

Test(term, empty_no_color_is_ignored)
{
    /* no-color.org: "when present and not an empty string". */
    struct pty p = open_pty();
    setenv("TERM", "xterm", 1);
    setenv("NO_COLOR", "", 1);
    cr_assert(term_use_color(p.slave));
    close_pty(&p);
}

Test(term, dumb_terminal_gets_no_color)
{
    struct pty p = open_pty();
    unsetenv("NO_COLOR");
    setenv("TERM", "dumb", 1);
    cr_assert_not(term_use_color(p.slave));
    close_pty(&p);
}

Test(term, not_a_terminal_gets_no_color)
{
    int fds[2];
    int devnull = open("/dev/null", O_WRONLY);
    unsetenv("NO_COLOR");
    setenv("TERM", "xterm", 1);
    cr_assert_eq(pipe(fds), 0);
    cr_assert_not(term_use_color(fds[1]), "a pipe");
    cr_assert_not(term_use_color(devnull), "/dev/null");
    cr_assert_not(term_use_color(-1), "a closed descriptor");
    close(fds[0]);
    close(fds[1]);
    close(devnull);
}

Test(term, sgr_without_color_is_empty)
{
    for (int s = TERM_RESET; s <= TERM_CYAN; s++)
        cr_expect_str_eq(term_sgr(false, (enum term_sgr)s), "", "sgr %d", s);
}

Test(term, sgr_with_color_is_an_escape_sequence)
{
    static const struct {
        enum term_sgr sgr;
        const char *want;
    } rows[] = {
        {TERM_RESET, "\033[0m"},    {TERM_BOLD, "\033[1m"},           {TERM_DIM, "\033[2m"},
        {TERM_RED, "\033[31m"},     {TERM_RED_BOLD, "\033[1;31m"},    {TERM_GREEN, "\033[32m"},
        {TERM_YELLOW, "\033[33m"},  {TERM_YELLOW_BOLD, "\033[1;33m"}, {TERM_BLUE, "\033[34m"},
        {TERM_MAGENTA, "\033[35m"}, {TERM_CYAN, "\033[36m"}};
    for (size_t i = 0; i < N_ROWS(rows); i++)
        cr_expect_str_eq(term_sgr(true, rows[i].sgr), rows[i].want,
                         "row %zu: sgr %d is \"\\033%s\"", i, rows[i].sgr,
                         term_sgr(true, rows[i].sgr) + 1);
}

Test(term, sgr_out_of_range_is_empty)
{
    cr_assert_str_eq(term_sgr(true, (enum term_sgr)(TERM_CYAN + 1)), "");
    cr_assert_str_eq(term_sgr(true, (enum term_sgr)1000), "");
}
