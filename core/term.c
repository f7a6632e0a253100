#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "banned.h"

bool term_use_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if (no_color && no_color[0])
        return false;
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

const char *term_sgr(bool color, enum term_sgr sgr)
{
    static const char *const seq[] = {
        [TERM_RESET] = "\033[0m",       [TERM_BOLD] = "\033[1m",
        [TERM_DIM] = "\033[2m",         [TERM_RED] = "\033[31m",
        [TERM_RED_BOLD] = "\033[1;31m", [TERM_GREEN] = "\033[32m",
        [TERM_YELLOW] = "\033[33m",     [TERM_YELLOW_BOLD] = "\033[1;33m",
        [TERM_BLUE] = "\033[34m",       [TERM_MAGENTA] = "\033[35m",
        [TERM_CYAN] = "\033[36m",
    };
    if (!color || (unsigned)sgr >= sizeof(seq) / sizeof(seq[0]))
        return "";
    return seq[sgr];
}

