/* fnctl new (placeholder; being written). */
#include "cli.h"
#include "banned.h"

static int new_run(struct fn_ctx *ctx)
{
    (void)ctx;
    return FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_new = {
    .name = "new",
    .summary = "(being written)",
    .usage = "",
    .max_args = -1,
    .run = new_run,
};

void fn_template_names(struct strvec *out)
{
    (void)out;
}
