/* fnctl events (placeholder; being written). */
#include "cli.h"
#include "banned.h"

static int events_run(struct fn_ctx *ctx)
{
    (void)ctx;
    return FN_EXIT_FAILED;
}

const struct fn_cmd fn_cmd_events = {
    .name = "events",
    .summary = "(being written)",
    .usage = "",
    .max_args = -1,
    .run = events_run,
};

void fn_event_type_names(struct strvec *out)
{
    (void)out;
}
