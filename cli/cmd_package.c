/* fnctl package: one deterministic, size-checked zip per function (or per
 * service); see packager/pkg.h. */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "pkg.h"
#include "term.h"
#include "banned.h"

static const struct fn_opt package_opts[] = {
    { "output", 'o', FN_OPT_STRING, "DIR", "where the zips go (default: .fnctl/dist/ in the service)",
      FN_COMPLETE_DIR },
    { "json", 0, FN_OPT_FLAG, NULL, "print the report as JSON on stdout", FN_COMPLETE_NONE },
    { "bundle-aws-sdk", 0, FN_OPT_FLAG, NULL,
      "package @aws-sdk/... and boto3 even for runtimes that provide them", FN_COMPLETE_NONE },
    FN_OPT_END,
};

/* "1.5 MB", "820 KB", "96 B" (powers of 1024, as the Lambda console shows). */
static void human_size(char *out, size_t size, unsigned long long bytes)
{
    if (bytes >= 1024ULL * 1024)
        snprintf(out, size, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024)
        snprintf(out, size, "%.1f KB", (double)bytes / 1024.0);
    else
        snprintf(out, size, "%llu B", bytes);
}

static void print_zip(FILE *out, const struct pkg_zip *z, bool color)
{
    const char *b = term_sgr(color, TERM_BOLD), *r = term_sgr(color, TERM_RESET);
    const char *red = term_sgr(color, TERM_RED);
    char zipped[32], unzipped[32];

    human_size(zipped, sizeof(zipped), z->zipped);
    if (z->artifact) {
        fprintf(out, "%s%s%s  %s (package.artifact)  %s  CodeSha256 %s\n", b, z->name, r, z->path,
                zipped, z->code_sha256);
        return;
    }
    human_size(unzipped, sizeof(unzipped), z->unzipped);
    fprintf(out, "%s%s.zip%s  %zu file%s  %s%s%s zipped (limit 50 MB)  %s unzipped (limit 250 MB)\n",
            b, z->name, r, z->n_files, z->n_files == 1 ? "" : "s", z->over_limit ? red : "",
            zipped, z->over_limit ? r : "", unzipped);
    fprintf(out, "  %-10s  %s\n", "path", z->path);
    fprintf(out, "  %-10s  %s\n", "CodeSha256", z->code_sha256);
    fprintf(out, "  %-10s  ", "functions");
    for (size_t i = 0; i < z->functions.n; i++)
        fprintf(out, "%s%s", i ? ", " : "", z->functions.v[i]);
    fputc('\n', out);
    for (size_t i = 0; i < z->n_contribs; i++) {
        char size[32];
        human_size(size, sizeof(size), z->contribs[i].bytes);
        fprintf(out, "  %-10s  %9s  %s (%zu file%s)\n", i ? "" : "largest", size,
                z->contribs[i].name, z->contribs[i].files, z->contribs[i].files == 1 ? "" : "s");
    }
}

static json_t *report_json(const struct pkg_report *rep, const struct fn_err *err, bool ok)
{
    json_t *zips = json_array(), *warnings = json_array();
    json_t *doc;

    for (size_t i = 0; i < rep->n_zips; i++) {
        const struct pkg_zip *z = &rep->zips[i];
        json_t *fns = json_array(), *contribs = json_array();
        if (!z->path)
            continue; /* not built: the error says why */
        for (size_t j = 0; j < z->functions.n; j++)
            json_array_append_new(fns, json_string(z->functions.v[j]));
        for (size_t j = 0; j < z->n_contribs; j++)
            json_array_append_new(contribs,
                                  json_pack("{s:s, s:I, s:I}", "name", z->contribs[j].name,
                                            "bytes", (json_int_t)z->contribs[j].bytes, "files",
                                            (json_int_t)z->contribs[j].files));
        json_array_append_new(
            zips, json_pack("{s:s, s:s, s:o, s:b, s:I, s:I, s:I, s:s, s:b, s:o}", "name", z->name,
                            "path", z->path, "functions", fns, "artifact", z->artifact, "zipped",
                            (json_int_t)z->zipped, "unzipped", (json_int_t)z->unzipped, "files",
                            (json_int_t)z->n_files, "codeSha256", z->code_sha256, "overLimit",
                            z->over_limit, "largest", contribs));
    }
    for (size_t i = 0; i < rep->n_warnings; i++)
        json_array_append_new(warnings, fj_err_object(&rep->warnings[i]));
    doc = json_pack("{s:b, s:o, s:o, s:{s:I, s:I, s:I}}", "ok", ok, "zips", zips, "warnings",
                    warnings, "limits", "zipped", (json_int_t)PKG_LIMIT_ZIPPED, "request",
                    (json_int_t)PKG_LIMIT_REQUEST, "unzipped", (json_int_t)PKG_LIMIT_UNZIPPED);
    if (!ok)
        json_object_set_new(doc, "error", fj_err_object(err));
    return doc;
}

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int package_run(struct fn_ctx *ctx)
{
    const struct manifest *m = ctx->manifest;
    struct pkg_opts opts = {
        .out_dir = fn_opt_value(ctx, "output"),
        .functions = ctx->args,
        .n_functions = (size_t)ctx->n_args,
        .mtime = pkg_default_mtime(),
        .bundle_aws_sdk = fn_opt_flag(ctx, "bundle-aws-sdk"),
    };
    struct pkg_report rep;
    struct fn_err err = FN_ERR_INIT;
    struct timespec t0;
    bool json = fn_opt_flag(ctx, "json");
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pkg_check_functions(m, &opts, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    for (size_t i = 0; i < m->n_warnings; i++)
        fn_log_warn_err(&ctx->log, &m->warnings[i]);
    rc = pkg_build(m, &opts, &rep, &err);
    if (json) {
        json_t *doc = report_json(&rep, &err, rc == 0);
        fj_print(stdout, doc, true);
        json_decref(doc);
    } else {
        for (size_t i = 0; i < rep.n_warnings; i++)
            fn_log_warn_err(&ctx->log, &rep.warnings[i]);
        for (size_t i = 0; i < rep.n_zips; i++)
            if (rep.zips[i].path)
                print_zip(stdout, &rep.zips[i], ctx->color_out);
        if (rc == 0)
            fn_log_info(&ctx->log, "packaged %zu zip%s in %.0f ms", rep.n_zips,
                        rep.n_zips == 1 ? "" : "s", elapsed_ms(&t0));
    }
    if (rc < 0)
        fn_err_print(&err, stderr, ctx->log.color); /* with --json, the report holds it too */
    pkg_report_release(&rep);
    return rc == 0 ? FN_EXIT_OK : FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_package = {
    .name = "package",
    .summary = "build each function's deployment zip, tree-shaken and size-checked",
    .usage = "[FUNCTION...]",
    .description =
        "Traces the files each handler can reach (node: require and import; python:\n"
        "import), adds what package.patterns (and package.include) select, removes what\n"
        "they exclude and what .gitignore ignores, and writes one zip per function\n"
        "(package.individually) or one for the service, as Serverless names them.\n"
        "The same tree always gives the same bytes (SOURCE_DATE_EPOCH sets the\n"
        "timestamps). Each zip is checked against Lambda's limits (50 MB zipped,\n"
        "250 MB unzipped) and reported with its CodeSha256 and largest parts.\n"
        "@aws-sdk/... (nodejs18.x and later) and boto3 (python) are left out: the\n"
        "runtime provides them (--bundle-aws-sdk keeps them). No node or python\n"
        "process is started.\n"
        "Exit status: 0 packaged, 1 a limit exceeded or a zip failed, 2 bad input.",
    .options = package_opts,
    .flags = FN_CMD_NEEDS_MANIFEST,
    .min_args = 0,
    .max_args = -1,
    .complete_args = FN_COMPLETE_FUNCTION,
    .run = package_run,
};
