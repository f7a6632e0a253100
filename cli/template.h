/* template: where `fnctl new` gets a project from, and how it writes it.
 *
 * A template is a directory of files. It comes from one of four places: the
 * built-in templates (templates/ of the source tree, embedded in the binary
 * as one tar archive), a git repository (cloned with libgit2, which runs no
 * hooks; "#ref" picks a branch, tag or commit and "//dir" a directory of the
 * repository), a tar/tar.gz/zip archive (downloaded with libcurl, extracted
 * by core/extract, a single top-level directory stripped as GitHub's
 * tarballs need), or a local directory.
 *
 * Writing it: every "__SERVICE_NAME__" in a file's contents (files that look
 * like text: no NUL byte in their first 8 KB) and in file names becomes the
 * service name; a file named "gitignore" is written as ".gitignore" (npm
 * drops .gitignore files from packages, so templates carry it renamed); the
 * template's root "template.json" ({"description", "runtime"}) and any .git
 * are not copied; modes are kept (0755 when any execute bit is set, 0644
 * otherwise). Everything is written into a staging directory first and then
 * renamed into place, so a failure leaves the target as it was. */
#ifndef FN_TEMPLATE_H
#define FN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "strvec.h"

#define TMPL_TOKEN "__SERVICE_NAME__"
#define TMPL_NAME_MAX 128 /* a Serverless service name's length limit */

enum tmpl_kind {
    TMPL_BUILTIN,      /* location: the template's name */
    TMPL_GIT,          /* location: the repository URL, without #ref and //dir */
    TMPL_ARCHIVE_URL,  /* location: the URL (http, https, file) */
    TMPL_ARCHIVE_FILE, /* location: a local archive's path */
    TMPL_LOCAL,        /* location: a local directory's path (~ expanded) */
};

struct tmpl_source {
    enum tmpl_kind kind;
    char *location;
    char *ref;         /* git: branch, tag or commit; NULL: the default branch */
    char *subdir;      /* git: the template's directory in the repository; NULL: the root */
    char *default_dir; /* a directory name for the project when none is given; may be NULL */
};

/* One built-in template, from its template.json. */
struct tmpl_info {
    char *name;
    char *description; /* "" when template.json says nothing */
    char *runtime;     /* "" likewise */
};

/* Classifies the TEMPLATE argument of `fnctl new` into *out (released with
 * tmpl_source_release). An unknown name is an error with a "did you mean"
 * hint. */
int tmpl_parse(const char *spec, struct tmpl_source *out, struct fn_err *err);
void tmpl_source_release(struct tmpl_source *src);

/* The built-in templates, sorted by name, into a newly allocated array that
 * the caller frees with tmpl_info_free. */
int tmpl_builtin_list(struct tmpl_info **out, size_t *n, struct fn_err *err);
void tmpl_info_free(struct tmpl_info *infos, size_t n);

/* Whether name is a valid Serverless service name: letters, digits and
 * hyphens, starting with a letter, at most TMPL_NAME_MAX characters. */
bool tmpl_service_name_ok(const char *name);

/* Whether path may receive a project: it does not exist, or is an empty
 * directory (or any directory when force). */
int tmpl_check_target(const char *path, bool force, struct fn_err *err);

/* Fetches the template and writes it into target with service as the
 * service name. The files created (paths relative to target, sorted) are
 * appended to *files. On failure nothing of the template is left in target
 * and no temporary directory remains. */
int tmpl_create(const struct tmpl_source *src, const char *target, const char *service,
                bool force, struct strvec *files, struct fn_err *err);

#endif
