/* text: small string utilities: edit distance, "did you mean", predicates. */
#ifndef FN_TEXT_H
#define FN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Damerau-Levenshtein (optimal string alignment) distance between a and b,
 * case-insensitive, so that a transposition ("htpp") costs 1. Strings longer
 * than 64 bytes are compared on their first 64 bytes. */
size_t tx_distance(const char *a, const char *b);

/* The candidate closest to word, if it is close enough to be a likely typo
 * (distance <= 2 and less than half of word's length, or a case-only
 * difference); NULL otherwise. candidates is a NULL-terminated list. */
const char *tx_suggest(const char *word, const char *const *candidates);

/* Appends candidates as "'a', 'b', 'c'" into out (size bytes, truncated). */
void tx_join_quoted(char *out, size_t size, const char *const *candidates);

bool tx_starts_with(const char *s, const char *prefix);
bool tx_ends_with(const char *s, const char *suffix);

/* The value of a hexadecimal digit, or -1. */
int tx_hex_value(char c);

/* Appends s[0..len) percent-decoded to out; a '+' is a space when
 * plus_is_space (query strings). A '%' not followed by two hex digits is
 * kept as it is. */
void tx_url_decode(const char *s, size_t len, bool plus_is_space, struct buf *out);

/* Parses a whole string as a decimal integer in [min, max]. */
bool tx_parse_long(const char *s, long min, long max, long *out);

#endif
