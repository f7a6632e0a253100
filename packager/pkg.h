/* pkg: `fnctl package`: one deterministic, size-checked zip per function
 * (or one for the service when package.individually is not set).
 *
 * For each function: the files its handler reaches (trace.h; the whole
 * service directory for runtimes without a tracer), then the package
 * patterns (patterns.h), then one zip (zipw.h), measured against Lambda's
 * limits. A function with package.artifact is not built: its prebuilt zip
 * is measured. Nothing here prints: the CLI renders struct pkg_report. */
#ifndef FN_PKG_H
#define FN_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "manifest.h"
#include "strvec.h"

/* Lambda's limits for a .zip deployment package. */
#define PKG_LIMIT_ZIPPED 52428800ULL       /* 50 MB, direct upload */
#define PKG_LIMIT_REQUEST 69905067ULL      /* what AWS enforces on the request */
#define PKG_LIMIT_UNZIPPED 262144000ULL    /* 250 MB, layers included */

struct pkg_opts {
    const char *out_dir;          /* NULL: <service>/.fnctl/dist */
    char *const *functions;       /* function keys to build; NULL or empty: all */
    size_t n_functions;
    time_t mtime;                 /* SOURCE_DATE_EPOCH, or the fixed default */
    bool bundle_aws_sdk;          /* package @aws-sdk/... (node) and boto3 (python) even
                                   * for runtimes that ship them */
};

/* A package (directory of a dependency) and how much it weighs unzipped. */
struct pkg_contrib {
    char *name;      /* "uuid", "@aws-sdk/client-s3", "requests", "(function code)" */
    uint64_t bytes;
    size_t files;
};

struct pkg_zip {
    char *name;             /* "<function>" or "<service>" */
    char *path;             /* the zip written (or the artifact) */
    struct strvec functions; /* the function keys this zip serves */
    uint64_t zipped, unzipped;
    size_t n_files;
    char code_sha256[45];
    bool artifact;          /* a prebuilt package.artifact, not built here */
    struct pkg_contrib *contribs; /* largest first, at most 10 */
    size_t n_contribs;
    bool over_limit;        /* zipped or unzipped beyond Lambda's limits */
};

struct pkg_report {
    struct pkg_zip *zips;
    size_t n_zips;
    struct fn_err *warnings; /* tracer warnings, with file:line */
    size_t n_warnings;
};

/* The default zip timestamp: SOURCE_DATE_EPOCH when set and valid, else
 * 1980-01-01T00:00:00Z (the earliest a zip can say). */
time_t pkg_default_mtime(void);

/* Checks that every function opts names exists (bad usage otherwise, with
 * a did-you-mean hint). pkg_build() checks it too. */
int pkg_check_functions(const struct manifest *m, const struct pkg_opts *opts,
                        struct fn_err *err);

/* Builds the zips. Returns 0 when every zip is within the limits, -1 with
 * err filled otherwise (the report is filled as far as it got, so the CLI
 * can show what exceeded a limit). */
int pkg_build(const struct manifest *m, const struct pkg_opts *opts, struct pkg_report *out,
              struct fn_err *err);

void pkg_report_release(struct pkg_report *r);

#endif
