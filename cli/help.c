/* help: `fnctl help`, `fnctl help CMD` and `fnctl CMD --help`, derived from
 * the command table. */
#include <string.h>

#include "cli.h"
#include "banned.h"

const struct fn_cmd *fn_find_command(const char *name)
{
    for (size_t i = 0; fn_commands[i]; i++)
        if (!strcmp(fn_commands[i]->name, name))
            return fn_commands[i];
    return NULL;
}

void fn_help_overview(FILE *out)
{
    fprintf(out, "fnctl %s: run, test and package serverless functions locally\n\n", FNCTL_VERSION);
    fprintf(out, "usage: fnctl COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; fn_commands[i]; i++) {
        const struct fn_cmd *c = fn_commands[i];
        if (!(c->flags & FN_CMD_HIDDEN))
            fprintf(out, "  %-12s %s\n", c->name, c->summary);
    }
    fprintf(out, "\n'fnctl help COMMAND' or 'fnctl COMMAND --help' shows a command's options.\n"
                 "'fnctl --version' prints the version.\n");
}

static void print_opts(FILE *out, const struct fn_opt *opts)
{
    for (size_t i = 0; opts && opts[i].name; i++) {
        const struct fn_opt *o = &opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
}

void fn_help_command(FILE *out, const struct fn_cmd *cmd)
{
    fprintf(out, "usage: fnctl %s [OPTIONS]%s%s\n\n%s\n", cmd->name, cmd->usage ? " " : "",
            cmd->usage ? cmd->usage : "", cmd->summary);
    if (cmd->description)
        fprintf(out, "\n%s\n", cmd->description);
    fprintf(out, "\noptions:\n");
    print_opts(out, cmd->options);
    if (cmd->flags & FN_CMD_NEEDS_MANIFEST)
        print_opts(out, fn_manifest_opts);
    print_opts(out, fn_common_opts);
}

static int help_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    if (ctx->n_args == 0) {
        fn_help_overview(stdout);
        return FN_EXIT_OK;
    }
    const struct fn_cmd *cmd = fn_find_command(ctx->args[0]);
    if (!cmd) {
        fn_err_set(&err, "no help for '%s': there is no such command", ctx->args[0]);
        fn_err_hint(&err, "'fnctl help' lists the commands");
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    fn_help_command(stdout, cmd);
    return FN_EXIT_OK;
}

const struct fn_cmd fn_cmd_help = {
    .name = "help",
    .summary = "show the commands, or one command's options",
    .usage = "[COMMAND]",
    .min_args = 0,
    .max_args = 1,
    .complete_args = FN_COMPLETE_COMMAND,
    .run = help_run,
};
