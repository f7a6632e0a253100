/* json: helpers over jansson.
 *
 * jansson values are reference counted: a function returning json_t * gives
 * the caller one reference (json_decref when done) unless it says "borrowed". */
#ifndef FN_JSON_H
#define FN_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

/* Parses len bytes of text named `name` (for messages: a file name or
 * "request body"). On error, err has name:line:column and jansson's reason. */
json_t *fj_parse(const char *text, size_t len, const char *name, struct fn_err *err);

/* Reads and parses a JSON file of at most max bytes (0: no limit). */
json_t *fj_load_file(const char *path, size_t max, struct fn_err *err);

/* Appends the compact serialisation (keys in insertion order) to out. */
int fj_dump(const json_t *value, struct buf *out);

/* Prints value on out: indented by 2 when pretty, compact otherwise, then a
 * newline. */
void fj_print(FILE *out, const json_t *value, bool pretty);

/* Borrowed string member of obj, or dflt when missing or not a string. */
const char *fj_str(const json_t *obj, const char *key, const char *dflt);

/* Sets obj[key] to a new string (steals nothing; copies s). NULL s: null. */
void fj_set_str(json_t *obj, const char *key, const char *s);

/* True when s[0..len) is valid UTF-8 (what jansson accepts as a string). */
bool fj_utf8_valid(const char *s, size_t len);

/* Appends s[0..len) as a JSON string literal, quoted and escaped as
 * jansson's compact dump writes it (", \, control characters; '/' and
 * non-ASCII as they are), for hot paths that write JSON without building
 * jansson values. Returns -1 (out unchanged) when s is not valid UTF-8. */
int fj_write_string(struct buf *out, const char *s, size_t len);

/* The error (or warning) as data: {"message", "hint", "file", "line",
 * "column"}, as every --json output shows one. */
json_t *fj_err_object(const struct fn_err *err);

#endif
