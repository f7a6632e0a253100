/* fnctl new: scaffold a service from a template (cli/template.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file.h"
#include "json.h"
#include "template.h"
#include "xalloc.h"
#include "banned.h"

static const struct fn_opt new_opts[] = {
    { "name", 'n', FN_OPT_STRING, "NAME",
      "the service name (default: the directory's name); replaces __SERVICE_NAME__",
      FN_COMPLETE_NONE },
    { "list", 'l', FN_OPT_FLAG, NULL, "list the built-in templates", FN_COMPLETE_NONE },
    { "force", 'f', FN_OPT_FLAG, NULL, "write into a directory that is not empty",
      FN_COMPLETE_NONE },
    { "json", 0, FN_OPT_FLAG, NULL, "print the result (or the list) as JSON on stdout",
      FN_COMPLETE_NONE },
    FN_OPT_END,
};

void fn_template_names(struct strvec *out)
{
    struct tmpl_info *infos = NULL;
    size_t n = 0;
    if (tmpl_builtin_list(&infos, &n, NULL) < 0)
        return;
    for (size_t i = 0; i < n; i++)
        strvec_push(out, infos[i].name);
    tmpl_info_free(infos, n);
}

static int list_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    struct tmpl_info *infos = NULL;
    size_t n = 0, wname = 4, wrt = 7;

    if (tmpl_builtin_list(&infos, &n, &err) < 0) {
        fn_cli_error(ctx, &err);
        return FN_EXIT_FAILED;
    }
    if (fn_opt_flag(ctx, "json")) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "name", infos[i].name,
                                                  "description", infos[i].description,
                                                  "runtime", infos[i].runtime));
        fj_print(stdout, list, true);
        json_decref(list);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (strlen(infos[i].name) > wname)
                wname = strlen(infos[i].name);
            if (strlen(infos[i].runtime) > wrt)
                wrt = strlen(infos[i].runtime);
        }
        for (size_t i = 0; i < n; i++)
            printf("%-*s  %-*s  %s\n", (int)wname, infos[i].name, (int)wrt, infos[i].runtime,
                   infos[i].description);
    }
    tmpl_info_free(infos, n);
    return FN_EXIT_OK;
}

/* The service name a directory implies: its last component ("." and ".."
 * resolved first). NULL when it has none. */
static char *name_from_dir(const char *dir)
{
    char *copy = xstrdup(dir), *name = NULL;
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = 0;
    const char *base = fs_basename(copy);
    if (!strcmp(base, ".") || !strcmp(base, "..") || !base[0]) {
        char *real = realpath(copy, NULL);
        if (real && strcmp(real, "/"))
            name = xstrdup(fs_basename(real));
        free(real);
    } else {
        name = xstrdup(base);
    }
    free(copy);
    return name;
}

/* dir as a shell word: quoted when it has anything but the usual. */
static void print_cd(const char *dir)
{
    if (dir[strspn(dir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-")]) {
        fputs("  cd '", stdout);
        for (const char *p = dir; *p; p++)
            fputs(*p == '\'' ? "'\\''" : (char[2]){ *p, 0 }, stdout);
        fputs("' && fnctl start\n", stdout);
    } else {
        printf("  cd %s && fnctl start\n", dir);
    }
}

static void report(const struct fn_ctx *ctx, const char *spec, const char *dir,
                   const char *service, const struct strvec *files)
{
    bool has_manifest = false;
    for (size_t i = 0; i < files->n; i++)
        if (!strcmp(files->v[i], "serverless.yml") || !strcmp(files->v[i], "serverless.yaml"))
            has_manifest = true;
    if (!has_manifest)
        fn_log_warn(&ctx->log, "the template '%s' has no serverless.yml: '%s' is not a service "
                               "fnctl can run yet", spec, dir);
    if (fn_opt_flag(ctx, "json")) {
        json_t *list = json_array();
        for (size_t i = 0; i < files->n; i++)
            json_array_append_new(list, json_string(files->v[i]));
        json_t *doc = json_pack("{s:b, s:s, s:s, s:o}", "ok", 1, "directory", dir, "service",
                                service, "files", list);
        fj_print(stdout, doc, true);
        json_decref(doc);
        return;
    }
    if (ctx->log.level == FN_LOG_QUIET)
        return;
    printf("created '%s' (service '%s') from '%s':\n", dir, service, spec);
    for (size_t i = 0; i < files->n; i++)
        printf("  %s\n", files->v[i]);
    printf("\nnext steps:\n");
    if (strcmp(dir, "."))
        print_cd(dir);
    else
        printf("  fnctl start\n");
}

static int new_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    struct tmpl_source src = { 0 };
    struct strvec files = STRVEC_INIT;
    const char *name = fn_opt_value(ctx, "name");
    const char *dir;
    char *service = NULL;
    int rc = FN_EXIT_USAGE;

    if (fn_opt_flag(ctx, "list"))
        return list_run(ctx);
    if (ctx->n_args < 1) {
        fn_err_set(&err, "'new' needs a template");
        fn_err_hint(&err, "usage: fnctl new TEMPLATE [DIR]; 'fnctl new --list' shows the "
                          "built-in templates");
        goto fail;
    }
    if (name && !tmpl_service_name_ok(name)) {
        fn_err_set(&err, "'%s' is not a valid service name", name);
        fn_err_hint(&err, "use letters, digits and hyphens, starting with a letter (at most %d)",
                    TMPL_NAME_MAX);
        goto fail;
    }
    if (tmpl_parse(ctx->args[0], &src, &err) < 0)
        goto fail;
    dir = ctx->n_args > 1 ? ctx->args[1] : name ? name : src.default_dir;
    if (!dir) {
        fn_err_set(&err, "cannot tell a directory name from '%s'", ctx->args[0]);
        fn_err_hint(&err, "give one: fnctl new %s DIR", ctx->args[0]);
        goto fail;
    }
    service = name ? xstrdup(name) : name_from_dir(dir);
    if (!service || !tmpl_service_name_ok(service)) {
        fn_err_set(&err, "'%s' is not a valid service name", service ? service : dir);
        fn_err_hint(&err, "pass --name NAME: letters, digits and hyphens, starting with a letter");
        goto fail;
    }
    /* bad input, so exit 2; tmpl_create checks again right before it writes */
    if (tmpl_check_target(dir, fn_opt_flag(ctx, "force"), &err) < 0)
        goto fail;
    if (src.kind != TMPL_BUILTIN && src.kind != TMPL_LOCAL)
        fn_log_info(&ctx->log, "fetching '%s'", src.location);
    if (tmpl_create(&src, dir, service, fn_opt_flag(ctx, "force"), &files, &err) < 0) {
        rc = FN_EXIT_FAILED;
        goto fail;
    }
    report(ctx, ctx->args[0], dir, service, &files);
    rc = FN_EXIT_OK;
    goto out;
fail:
    fn_cli_error(ctx, &err);
out:
    strvec_clear(&files);
    tmpl_source_release(&src);
    free(service);
    return rc;
}

const struct fn_cmd fn_cmd_new = {
    .name = "new",
    .summary = "create a service from a template",
    .usage = "TEMPLATE [DIR]",
    .description =
        "TEMPLATE is a built-in template (see --list), a git repository (https://.../repo.git,\n"
        "git@host:repo.git, file:///path/repo; '#REF' picks a branch, tag or commit and\n"
        "'//DIR' a directory of the repository), the URL of a .tar.gz, .tgz, .tar or .zip\n"
        "archive, or a local directory (./path). DIR defaults to --name, else the\n"
        "template's name; it must be new or empty (or --force). Every __SERVICE_NAME__\n"
        "in the template becomes the service name. Nothing is written unless everything is.",
    .options = new_opts,
    .min_args = 0,
    .max_args = 2,
    .complete_args = FN_COMPLETE_TEMPLATE,
    .run = new_run,
};
