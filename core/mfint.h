/* mfint: what the manifest loader's files (manifest.c, mfevents.c,
 * mfjson.c) share. Not for use outside core/manifest*. */
#ifndef FN_MFINT_H
#define FN_MFINT_H

#include "manifest.h"
#include "mfcfn.h"
#include "strvec.h"
#include "ytree.h"

/* The loader's state while it builds one manifest. */
struct mfb {
    struct manifest *m;
    struct yt_node *root;
    struct fn_err *err;
    bool strict;      /* configValidationMode: error */
    bool validation_off; /* configValidationMode: off: unknown keys are not reported */
    bool has_plugins; /* plugins may add events and keys */
    struct cfn_ctx cfn;
};

/* Appends a warning located at node. */
void mfb_warn(struct mfb *b, const struct yt_node *node, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Fills b->err located at node; returns -1. */
int mfb_fail(struct mfb *b, const struct yt_node *node, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The warning sink for mfvars and mfcfn (arg is a struct manifest). */
void mfb_collect(void *arg, const struct fn_err *warning);

/* Every key of map not in known (NULL-terminated) is a warning, or an error
 * in strict mode, with a did-you-mean hint. `what` names the map. */
int mfb_check_keys(struct mfb *b, const struct yt_node *map, const char *const *known,
                   const char *what);
/* map must be a map (or absent/null when optional). */
int mfb_expect_map(struct mfb *b, const struct yt_node *node, const char *what);

/* Typed getters for map[key]. A missing or null key leaves *out unchanged
 * and returns 0. Numbers and booleans are accepted where a string is wanted,
 * and numeric strings where a number is (as Serverless coerces them). */
int mfb_str(struct mfb *b, const struct yt_node *map, const char *key, const char *what,
            char **out);
int mfb_long(struct mfb *b, const struct yt_node *map, const char *key, const char *what, long min,
             long max, long *out);
int mfb_bool(struct mfb *b, const struct yt_node *map, const char *key, const char *what,
             bool *out);
/* A string or a list of strings, appended to out. */
int mfb_strlist(struct mfb *b, const struct yt_node *node, const char *what, struct strvec *out);

struct mf_loc mfb_loc(const struct yt_node *node);

/* Scalar text of a node that may be a string, number or boolean; NULL for
 * null, maps and lists. */
const char *mfb_text(const struct yt_node *node);

/* mffunc.c */
int mfb_functions(struct mfb *b, struct yt_node *functions, struct yt_node *provider);
/* Lambda authorizers must name functions of this service. */
int mfb_check_authorizers(struct mfb *b);
/* A current runtime is fine, a retired one a warning, others an error. */
int mfb_check_runtime(struct mfb *b, const char *runtime, const struct yt_node *at,
                      const char *what);
int mfb_package(struct mfb *b, struct yt_node *pkg, const char *what, struct mf_package *out);
void mfb_package_release(struct mf_package *p);

/* mfres.c: queues and buckets, declared or implied by events. */
int mfb_resources(struct mfb *b, struct yt_node *resources);
struct mf_bucket *mf_add_bucket(struct manifest *m, const char *logical_id, const char *name,
                                const struct yt_node *at);
void mf_add_event_queue(struct manifest *m, const char *name);

/* mfevents.c */
/* The events of fn, whose definition (the map under functions:) is def. */
int mfb_events(struct mfb *b, struct mf_function *fn, struct yt_node *def);
int mfb_cors(struct mfb *b, const struct yt_node *node, bool http_api, const char *method,
             struct mf_cors *out);
int mfb_authorizers(struct mfb *b, struct yt_node *provider);
void mfb_event_release(struct mf_event *ev);
void mfb_cors_release(struct mf_cors *cors);

#endif
