/* trace: the files a function's handler can reach.
 *
 * trace_node() follows require/import from the handler's file (jslex.h,
 * noderes.h); trace_python() follows imports from the handler's module
 * (pylex.h). Both collect paths relative to the service directory, add the
 * package metadata the code needs at run time (node: every package.json that
 * governs a packaged file; python: a package's __init__.py files up to the
 * top, its .dist-info directory and its non-code data files), leave out what
 * the runtime already provides (node's built-ins, @aws-sdk/... when
 * opts->skip_aws_sdk; python's standard library and, when opts->skip_aws_sdk,
 * boto3/botocore), and never start node or python.
 *
 * What cannot be followed statically (a computed require, an unresolvable
 * specifier, an import of a module found nowhere) is a warning naming the
 * file and line with a hint (include the files with package.patterns); an
 * optional python import that is not found is silently skipped. A handler
 * whose file does not exist is an error. */
#ifndef FN_TRACE_H
#define FN_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "strvec.h"

struct trace_opts {
    const char *service_dir; /* absolute */
    const char *handler;     /* as in serverless.yml: "src/orders.create" */
    const char *runtime;     /* "nodejs20.x", "python3.12", ... */
    bool skip_aws_sdk;       /* node: leave out @aws-sdk/...; python: boto3, botocore */
};

struct trace_result {
    struct strvec files;     /* relative to service_dir, '/'-separated, sorted by bytes, unique */
    struct strvec names;     /* names[i]: where files[i] goes in the zip; the same path except
                              * for python's vendored packages (".venv/lib/python3.12/
                              * site-packages/requests/api.py" -> "requests/api.py") */
    struct fn_err *warnings; /* what could not be followed */
    size_t n_warnings;
    /* symlinks the code is reached through (node: pnpm's node_modules/x ->
     * .pnpm/x@1/node_modules/x): links[i], relative to service_dir, points
     * to link_targets[i], a relative path that stays inside it */
    struct strvec links, link_targets;
};

#define TRACE_RESULT_INIT \
    { { NULL, 0, 0 }, { NULL, 0, 0 }, NULL, 0, { NULL, 0, 0 }, { NULL, 0, 0 } }

/* Which tracer a runtime has: 'n' node, 'p' python, 0 none (provided.*,
 * java, go, ...: the whole service directory goes in, as Serverless does,
 * and the handler's own file, e.g. go's "bin/hello" or provided's
 * "bootstrap", counts as traced). */
char trace_kind(const char *runtime);

int trace_node(const struct trace_opts *opts, struct trace_result *out, struct fn_err *err);
int trace_python(const struct trace_opts *opts, struct trace_result *out, struct fn_err *err);

/* Adds a copy of a warning (the tracers' helper, shared by both). */
void trace_warn(struct trace_result *out, const struct fn_err *warning);

/* Appends files[i] = `file` and names[i] = `name` (copies; name NULL: the
 * same as file). Duplicates are allowed until trace_result_sort(). */
void trace_result_add(struct trace_result *out, const char *file, const char *name);

/* Appends a symlink (copies); repeats are allowed until trace_result_sort(). */
void trace_result_add_link(struct trace_result *out, const char *link, const char *target);

/* Sorts files by bytes (names kept beside their files) and drops repeated
 * files (the first name added for a file wins), and the same for links:
 * what a tracer does last. */
void trace_result_sort(struct trace_result *out);

/* Frees everything; out is TRACE_RESULT_INIT again. Safe on an empty one. */
void trace_result_release(struct trace_result *out);

#endif
