/* fnctl completion (placeholder; being written). */
#include "cli.h"
#include "banned.h"

static int completion_run(struct fn_ctx *ctx)
{
    (void)ctx;
    return FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_completion = {
    .name = "completion",
    .summary = "(being written)",
    .usage = "",
    .max_args = -1,
    .run = completion_run,
};

const struct fn_cmd fn_cmd_complete = {
    .name = "__complete",
    .summary = "answer a shell completion query",
    .flags = FN_CMD_HIDDEN,
    .max_args = -1,
    .run = completion_run,
};
