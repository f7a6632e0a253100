/* ytree: a YAML document as a tree of located nodes (libyaml underneath).
 *
 * Every node keeps the line and column where it starts, so that any later
 * check (the manifest loader, variable resolution) can say exactly where a
 * problem is. Scalars stay text: the `plain` flag records whether a scalar
 * was written unquoted, which decides whether it may be read as a number,
 * boolean or null (YAML 1.2 core schema, as js-yaml and so Serverless read
 * it). Explicit tags (`!Ref`, `!GetAtt`, `!Sub`, `!Join`, ...) are kept.
 *
 * Anchors and aliases are expanded into copies, and merge keys (`<<: *base`)
 * merged, under a node budget that stops "billion laughs" documents.
 * Duplicate keys in one mapping are an error, as they are for Serverless.
 *
 * Ownership: a tree is owned by its root; yt_free(root) frees it all.
 * Nodes point at a file name they do not own: the name given to the loader
 * must outlive the tree (the manifest keeps its names for its lifetime). */
#ifndef FN_YTREE_H
#define FN_YTREE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum yt_kind { YT_SCALAR, YT_MAP, YT_SEQ };

struct yt_node {
    enum yt_kind kind;
    const char *file; /* borrowed; see above */
    int line, col;    /* 1-based */
    char *tag;        /* explicit tag ("!Ref", "tag:yaml.org,2002:str"), or NULL */
    /* YT_SCALAR */
    char *str; /* NUL-terminated; may contain NULs, len counts them */
    size_t len;
    bool plain; /* written unquoted, without a !!str tag: may be a number etc. */
    /* YT_MAP: items[2i] is a key, items[2i+1] its value. YT_SEQ: items[i]. */
    struct yt_node **items;
    size_t n; /* pairs in a map, items in a sequence */
    size_t cap;
    unsigned flags; /* free for users of the tree (variable resolution marks) */
};

/* Limits applied to every document. */
#define YT_MAX_DEPTH 200
#define YT_MAX_NODES 200000

/* Parses text (len bytes) named `file` into *root. An empty document gives
 * an empty map. Errors carry file:line:column. */
int yt_load(const char *text, size_t len, const char *file, struct yt_node **root,
            struct fn_err *err);

/* Reads and parses a file (at most 16 MiB). */
int yt_load_file(const char *path, struct yt_node **root, struct fn_err *err);

void yt_free(struct yt_node *node);

/* The number of nodes in the tree at node (node included). */
size_t yt_count(const struct yt_node *node);

/* Gives node and everything below it one location (for a tree parsed from
 * a string inside the document, e.g. a JSON policy). */
void yt_relocate(struct yt_node *node, const char *file, int line, int col);

/* A deep copy (file names still borrowed). */
struct yt_node *yt_clone(const struct yt_node *node);

/* New nodes at a location; the caller owns them until attached. */
struct yt_node *yt_new_scalar(const char *s, size_t len, bool plain, const char *file, int line,
                              int col);
struct yt_node *yt_new_map(const char *file, int line, int col);
struct yt_node *yt_new_seq(const char *file, int line, int col);
/* Appends to a sequence, or a key/value pair to a map; takes ownership. */
void yt_seq_push(struct yt_node *seq, struct yt_node *item);
void yt_map_put(struct yt_node *map, struct yt_node *key, struct yt_node *value);

/* Map lookup by scalar key; NULL when absent or node is not a map. */
struct yt_node *yt_get(const struct yt_node *map, const char *key);
/* The key node of a pair whose value is `value`, or NULL. */
struct yt_node *yt_key_of(const struct yt_node *map, const struct yt_node *value);
/* Replaces node's content with other's, freeing the old content and `other`
 * itself; node keeps its own location when keep_loc. */
void yt_replace(struct yt_node *node, struct yt_node *other, bool keep_loc);

/* Scalar typing (YAML 1.2 core schema). Each is false for non-scalars. */
bool yt_is_null(const struct yt_node *node); /* also true for NULL */
bool yt_is_str(const struct yt_node *node);  /* a scalar that is not null/bool/number */
bool yt_bool(const struct yt_node *node, bool *out);
bool yt_long(const struct yt_node *node, long *out);
bool yt_double(const struct yt_node *node, double *out);

/* The scalar's text, or NULL for maps and sequences. */
const char *yt_str(const struct yt_node *node);

/* Name of the node's kind for messages: "a string", "a map", "a list", ... */
const char *yt_kind_name(const struct yt_node *node);

/* A JSON value with scalars typed as above and tags dropped (new reference). */
json_t *yt_to_json(const struct yt_node *node);

#endif
