/* strset: a hash set of owned strings, each optionally carrying a value.
 *
 * For "have I seen this path already?" (the tracers) and for caches keyed
 * by a string (noderes: a directory's package.json). Lookups and additions
 * take expected constant time; keys are compared byte for byte.
 *
 *     struct strset seen = STRSET_INIT;
 *     if (strset_add(&seen, path))   // NULL: it was there already
 *         queue(path);
 *     strset_release(&seen, NULL);
 *
 * Ownership: the set copies every key and frees the copies in
 * strset_release(); the pointer strset_add()/strset_put() return stays
 * valid (and unchanged) until then, so callers may keep it instead of a
 * copy of their own. Values are the caller's: the set stores them and hands
 * each one to strset_release()'s free_val. Iteration order is not defined,
 * so nothing may depend on it. Not thread-safe. */
#ifndef FN_STRSET_H
#define FN_STRSET_H

#include <stddef.h>
#include <stdint.h>

/* The fields are the module's own: use the functions. */
struct strset {
    struct strset_slot {
        char *key; /* NULL: an empty slot */
        size_t len;
        uint64_t hash;
        void *val;
    } *slot;
    size_t cap, n; /* cap is 0 or a power of two; n <= cap / 2 */
};

#define STRSET_INIT { NULL, 0, 0 }

/* Adds a copy of the NUL-terminated str, with no value. Returns the set's
 * copy, or NULL when str was there already. */
const char *strset_add(struct strset *s, const char *str);

/* Adds a copy of key[0..len) (which need not be NUL-terminated and must not
 * contain NUL) with the value val. Returns the set's NUL-terminated copy,
 * or NULL when the key was there already (its value is left as it was). */
const char *strset_put(struct strset *s, const char *key, size_t len, void *val);

/* The value stored with key[0..len), or NULL when the key is not in the set
 * (or was stored with the value NULL). */
void *strset_get(const struct strset *s, const char *key, size_t len);

/* Calls free_val (when not NULL) on every value that is not NULL, frees
 * every key and the table: s is STRSET_INIT again. Safe on an empty set. */
void strset_release(struct strset *s, void (*free_val)(void *));

#endif
