/* mvint: what mfvars.c (parsing, interpolation, cycles) and mvsrc.c (the
 * variable sources) share. Not for use outside them. */
#ifndef FN_MVINT_H
#define FN_MVINT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mfvars.h"
#include "ytree.h"

/* The sources fnctl knows, and those only an AWS account can answer. */
extern const char *const mv_sources[];
extern const char *const mv_remote_sources[];

#define MV_RESOLVING 0x1u
#define MV_DONE 0x2u

#define MV_MAX_DEPTH 64
/* Variables that copy maps into maps into maps grow exponentially: stop. */
#define MV_MAX_COPIED 1000000


struct loaded_file {
    char *path;
    struct yt_node *root; /* NULL when the file does not exist */
};

struct frame {
    const struct yt_node *node;
    const char *text;
};

struct mv_ctx {
    struct yt_node *root;
    const struct mv_opts *opts;
    struct fn_err *err;
    char *stage, *region;
    char instance_id[24];
    struct loaded_file *files;
    size_t n_files;
    struct frame stack[MV_MAX_DEPTH];
    size_t depth;
    size_t copied; /* nodes copied by ${self:...} and friends, against MV_MAX_COPIED */
};

/* Why a source gave no value: the reason, and whether it is a source that a
 * local run can never read (then a missing fallback is a warning, not an
 * error). */
struct miss {
    char why[384];
    char hint[256];
    bool remote;
};

/* Resolves one scalar (in place) / every scalar below node. */
int mv_resolve_scalar(struct mv_ctx *ctx, struct yt_node *node);
int mv_resolve_tree(struct mv_ctx *ctx, struct yt_node *node);

/* A resolved scalar node located at `at` (the caller owns it). */
struct yt_node *mv_str_node(const char *s, size_t len, bool plain, const struct yt_node *at);

/* The stage and region in effect (option, provider value, default), or NULL
 * with ctx->err set. */
const char *mv_stage(struct mv_ctx *ctx);
const char *mv_region(struct mv_ctx *ctx);

/* One reference without fallbacks: source, params (inside parentheses, or
 * NULL) and address (after ':', or NULL). A resolved copy, or NULL with
 * miss filled (or with ctx->err set: check fn_err_is_set). */
struct yt_node *mv_resolve_source(struct mv_ctx *ctx, const struct yt_node *at,
                                  const char *source, const char *params, const char *address,
                                  struct miss *miss);

#endif
