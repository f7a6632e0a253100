/* git_dl: libgit2, loaded when a command first needs it.
 *
 * Only `fnctl package` (.gitignore rules) and `fnctl new` (git templates)
 * use libgit2, and linking it would cost every fnctl process its TLS and
 * Kerberos dependencies at start (`fnctl invoke`'s cold start included). So
 * it is loaded with dlopen on first use and called through this table;
 * git_libgit2_init() has run when git_dl() returns. */
#ifndef FN_GIT_DL_H
#define FN_GIT_DL_H

#include <git2.h>

#include "err.h"

struct git_api {
    int (*repository_open_ext)(git_repository **, const char *, unsigned int, const char *);
    const char *(*repository_workdir)(const git_repository *);
    void (*repository_free)(git_repository *);
    int (*ignore_path_is_ignored)(int *, git_repository *, const char *);
    const git_error *(*error_last)(void);
    int (*clone)(git_repository **, const char *, const char *, const git_clone_options *);
    int (*clone_options_init)(git_clone_options *, unsigned int);
    int (*revparse_single)(git_object **, git_repository *, const char *);
    int (*checkout_tree)(git_repository *, const git_object *, const git_checkout_options *);
    int (*checkout_options_init)(git_checkout_options *, unsigned int);
    int (*repository_set_head_detached)(git_repository *, const git_oid *);
    const git_oid *(*object_id)(const git_object *);
    void (*object_free)(git_object *);
};

/* The loaded API (the same table on every call), or NULL with err set when
 * libgit2 cannot be loaded. */
const struct git_api *git_dl(struct fn_err *err);

/* libgit2's last error message, or "unknown error". */
const char *git_dl_last_error(const struct git_api *git);

#endif
