/* cli: the command table and what every command's run function gets.
 *
 * Each subcommand is one cmd_<name>.c declaring a `const struct fn_cmd`;
 * main.c lists them. Help, usage errors, option parsing and the completion
 * scripts all come from these tables, so they cannot drift apart. Only cli/
 * prints and chooses exit codes. */
#ifndef FN_CLI_H
#define FN_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "log.h"
#include "manifest.h"
#include "strvec.h"

enum {
    FN_EXIT_OK = 0,
    FN_EXIT_FAILED = 1, /* the work failed: a function error, a limit exceeded */
    FN_EXIT_USAGE = 2,  /* bad usage or bad input */
};

enum fn_opt_type { FN_OPT_FLAG, FN_OPT_STRING };

/* What a shell should complete for an option's value or a positional. */
enum fn_complete {
    FN_COMPLETE_NONE,
    FN_COMPLETE_FILE,
    FN_COMPLETE_DIR,
    FN_COMPLETE_FUNCTION,
    FN_COMPLETE_COMMAND,
    FN_COMPLETE_TEMPLATE,   /* built-in template names (fn_template_names) */
    FN_COMPLETE_EVENT_TYPE, /* sample event types (fn_event_type_names) */
    FN_COMPLETE_SHELL,      /* bash, zsh, fish */
};

struct fn_opt {
    const char *name; /* long name, without "--" */
    char short_name;  /* 0 when none */
    enum fn_opt_type type;
    const char *metavar; /* "FILE", "S"; NULL for flags */
    const char *help;
    enum fn_complete complete;
};

#define FN_OPT_END { NULL, 0, FN_OPT_FLAG, NULL, NULL, FN_COMPLETE_NONE }

/* Command flags: what main does before .run. */
#define FN_CMD_NEEDS_MANIFEST 0x1u /* load serverless.yml (-c, --stage, --region) */
#define FN_CMD_HIDDEN 0x2u         /* not listed in help (internal helpers) */

#define FN_MAX_OPTS 32

struct fn_ctx;

struct fn_cmd {
    const char *name;
    const char *summary; /* one line, lowercase, no full stop */
    const char *usage;   /* positionals, e.g. "[FUNCTION...]" */
    const char *description; /* paragraphs for `fnctl help CMD`; may be NULL */
    const struct fn_opt *options; /* ends with FN_OPT_END; may be NULL */
    unsigned flags;
    int min_args, max_args; /* positionals; max -1: unlimited */
    enum fn_complete complete_args;
    int (*run)(struct fn_ctx *ctx);
};

/* Parsed command line and shared state for one run. */
struct fn_ctx {
    const struct fn_cmd *cmd;
    const struct fn_opt *opts[FN_MAX_OPTS]; /* the command's and the common ones */
    const char *values[FN_MAX_OPTS];        /* string value, or "1" for a set flag */
    size_t n_opts;
    char **args; /* positionals */
    int n_args;
    struct manifest *manifest; /* loaded when FN_CMD_NEEDS_MANIFEST */
    struct fn_log log;         /* stderr, for warnings and progress */
    bool color_out;            /* stdout is a colour terminal */
};

/* The value of option `name` (long name), or NULL when not given. */
const char *fn_opt_value(const struct fn_ctx *ctx, const char *name);
bool fn_opt_flag(const struct fn_ctx *ctx, const char *name);

/* --log-format text|json: sets *json; prints the usage error and returns -1
 * for anything else. */
int fn_opt_log_format(const struct fn_ctx *ctx, bool *json);

/* Prints err as "fnctl: ..." + hint on stderr. */
void fn_cli_error(const struct fn_ctx *ctx, const struct fn_err *err);

/* The command table, NULL-terminated (main.c). */
extern const struct fn_cmd *const fn_commands[];
/* Options every command takes, and those FN_CMD_NEEDS_MANIFEST adds. */
extern const struct fn_opt fn_common_opts[];
extern const struct fn_opt fn_manifest_opts[];

extern const struct fn_cmd fn_cmd_help;
extern const struct fn_cmd fn_cmd_validate;
extern const struct fn_cmd fn_cmd_invoke;
extern const struct fn_cmd fn_cmd_start;
extern const struct fn_cmd fn_cmd_package;
extern const struct fn_cmd fn_cmd_new;
extern const struct fn_cmd fn_cmd_events;
extern const struct fn_cmd fn_cmd_completion;

/* Candidate lists for completion (and help): cmd_new.c and cmd_events.c
 * define them. Appends the names to *out. */
void fn_template_names(struct strvec *out);
void fn_event_type_names(struct strvec *out);

extern const struct fn_cmd fn_cmd_complete; /* hidden: `fnctl __complete ...` */

/* help.c */
void fn_help_overview(FILE *out);
void fn_help_command(FILE *out, const struct fn_cmd *cmd);
const struct fn_cmd *fn_find_command(const char *name);

#endif
