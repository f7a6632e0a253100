/* term: whether and how to colour terminal output.
 *
 * Colour only on a terminal, never when NO_COLOR is set to a non-empty value
 * (no-color.org) or TERM is "dumb". */
#ifndef FN_TERM_H
#define FN_TERM_H

#include <stdbool.h>

enum term_sgr {
    TERM_RESET,
    TERM_BOLD,
    TERM_DIM,
    TERM_RED,
    TERM_RED_BOLD,
    TERM_GREEN,
    TERM_YELLOW,
    TERM_YELLOW_BOLD,
    TERM_BLUE,
    TERM_MAGENTA,
    TERM_CYAN,
};

/* True when output to fd should be coloured. */
bool term_use_color(int fd);

/* The escape sequence for sgr, or "" when color is false. Static storage. */
const char *term_sgr(bool color, enum term_sgr sgr);

#endif
