/* fnctl package: see packager/pkg.h. */
#include "cli.h"
#include "banned.h"

static int package_run(struct fn_ctx *ctx)
{
    (void)ctx;
    return FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_package = {
    .name = "package",
    .summary = "build each function's deployment zip",
    .usage = "[FUNCTION...]",
    .flags = FN_CMD_NEEDS_MANIFEST,
    .min_args = 0,
    .max_args = -1,
    .complete_args = FN_COMPLETE_FUNCTION,
    .run = package_run,
};
