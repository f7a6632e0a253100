/* completion: `fnctl completion SHELL` prints a shell's completion script,
 * and the hidden `fnctl __complete -- WORD...` answers the scripts' queries.
 *
 * The scripts (completions/, built into the binary by CMakeLists.txt) know
 * nothing about fnctl's commands: they pass the words before the cursor and
 * the partial word under it, and show what comes back. Every candidate is
 * computed here from fn_commands[] and the option tables, so a new command or
 * option completes in every shell without touching a script.
 *
 * The answer, on stdout, one line per candidate: "value" or
 * "value<TAB>description", then optionally one directive line: ":file" or
 * ":dir" asks the shell to complete file (directory) names for the current
 * word, after any "--option=" prefix. A query never fails and never prints
 * an error: a broken serverless.yml just has no function names to offer. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"

/* Generated from completions/ at build time (cmake/embed.cmake); each is
 * NUL-terminated. */
extern const unsigned char fn_completion_bash[];
extern const unsigned char fn_completion_zsh[];
extern const unsigned char fn_completion_fish[];

static const char *const shell_names[] = { "bash", "zsh", "fish", NULL };

static const char *shell_script(const char *shell)
{
    if (!strcmp(shell, "bash"))
        return (const char *)fn_completion_bash;
    if (!strcmp(shell, "zsh"))
        return (const char *)fn_completion_zsh;
    if (!strcmp(shell, "fish"))
        return (const char *)fn_completion_fish;
    return NULL;
}

static int completion_run(struct fn_ctx *ctx)
{
    struct fn_err err = FN_ERR_INIT;
    const char *script = shell_script(ctx->args[0]);
    if (!script) {
        const char *guess = tx_suggest(ctx->args[0], shell_names);
        fn_err_set(&err, "no completion for shell '%s'", ctx->args[0]);
        if (guess)
            fn_err_hint(&err, "did you mean '%s'?", guess);
        else
            fn_err_hint(&err, "fnctl completes in bash, zsh and fish");
        fn_cli_error(ctx, &err);
        return FN_EXIT_USAGE;
    }
    fputs(script, stdout);
    return fflush(stdout) ? FN_EXIT_FAILED : FN_EXIT_OK;
}

const struct fn_cmd fn_cmd_completion = {
    .name = "completion",
    .summary = "print the completion script for bash, zsh or fish",
    .usage = "SHELL",
    .description =
        "Prints the script on stdout. To install it:\n"
        "  bash: fnctl completion bash > ~/.local/share/bash-completion/completions/fnctl\n"
        "  zsh:  fnctl completion zsh > \"${fpath[1]}/_fnctl\"   (then: compinit)\n"
        "  fish: fnctl completion fish > ~/.config/fish/completions/fnctl.fish\n"
        "or load it for the current shell only: source <(fnctl completion bash)",
    .min_args = 1,
    .max_args = 1,
    .complete_args = FN_COMPLETE_SHELL,
    .run = completion_run,
};

/* ------------------------------------------------------------------------
 * __complete */

/* One query: the candidates printed so far are filtered by `prefix` (the
 * partial word); `lead` is printed before each value (an "--option=" the
 * value follows). */
struct query {
    FILE *out;
    const char *prefix;
    const char *lead;
};

static void offer(const struct query *q, const char *value, const char *descr)
{
    size_t lead_len = strlen(q->lead);
    /* the partial word includes the lead: match the rest against the value */
    if (!tx_starts_with(q->prefix, q->lead) || !tx_starts_with(value, q->prefix + lead_len))
        return;
    if (descr && *descr)
        fprintf(q->out, "%s%s\t%s\n", q->lead, value, descr);
    else
        fprintf(q->out, "%s%s\n", q->lead, value);
}

static void offer_commands(const struct query *q)
{
    for (size_t i = 0; fn_commands[i]; i++)
        if (!(fn_commands[i]->flags & FN_CMD_HIDDEN))
            offer(q, fn_commands[i]->name, fn_commands[i]->summary);
}

static void offer_list(const struct query *q, void (*names)(struct strvec *))
{
    struct strvec v = STRVEC_INIT;
    names(&v);
    for (size_t i = 0; i < v.n; i++)
        offer(q, v.v[i], NULL);
    strvec_clear(&v);
}

/* The parsed words before the cursor: the options in force (as main.c
 * would add them) and the values and positionals seen. */
struct line {
    const struct fn_cmd *cmd;
    const struct fn_opt *opts[FN_MAX_OPTS];
    const char *values[FN_MAX_OPTS];
    size_t n_opts;
    char **args;
    int n_args;
    bool options_done;
    int pending; /* the last word was this option (index), wanting a value; -1: none */
};

static void add_opts(struct line *l, const struct fn_opt *opts)
{
    for (size_t i = 0; opts && opts[i].name; i++)
        if (l->n_opts < FN_MAX_OPTS)
            l->opts[l->n_opts++] = &opts[i];
}

static int find_long(const struct line *l, const char *name, size_t len)
{
    for (size_t i = 0; i < l->n_opts; i++)
        if (strlen(l->opts[i]->name) == len && !strncmp(l->opts[i]->name, name, len))
            return (int)i;
    return -1;
}

static int find_short(const struct line *l, char c)
{
    for (size_t i = 0; i < l->n_opts; i++)
        if (l->opts[i]->short_name == c)
            return (int)i;
    return -1;
}

static const char *line_value(const struct line *l, const char *name)
{
    int i = find_long(l, name, strlen(name));
    return i < 0 ? NULL : l->values[i];
}

/* Follows main.c's parse_args over the complete words, without complaint:
 * unknown options are skipped. */
static void parse_words(struct line *l, char **words, int n)
{
    for (int i = 0; i < n; i++) {
        char *a = words[i];
        int idx = -1;
        if (l->pending >= 0) {
            l->values[l->pending] = a;
            l->pending = -1;
            continue;
        }
        if (l->options_done || a[0] != '-' || !a[1]) {
            l->args[l->n_args++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            l->options_done = true;
            continue;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            idx = find_long(l, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (idx >= 0 && eq) {
                l->values[idx] = eq + 1;
                continue;
            }
        } else {
            idx = find_short(l, a[1]);
            if (idx >= 0 && a[2] && l->opts[idx]->type == FN_OPT_STRING) {
                l->values[idx] = a + 2; /* -cFILE */
                continue;
            }
            if (a[2])
                continue; /* a bundle of flags: -qv */
        }
        if (idx < 0)
            continue;
        if (l->opts[idx]->type == FN_OPT_STRING)
            l->pending = idx;
        else
            l->values[idx] = "1";
    }
}

static void offer_functions(const struct query *q, const struct line *l)
{
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    struct mf_opts opts = {
        .path = line_value(l, "config"),
        .stage = line_value(l, "stage"),
        .region = line_value(l, "region"),
    };
    if (mf_load(&opts, &m, &err) < 0)
        return; /* no candidates; the error is for `fnctl validate` to show */
    for (size_t i = 0; i < m->n_functions; i++) {
        const struct mf_function *f = &m->functions[i];
        bool given = false;
        for (int a = 0; a < l->n_args && !given; a++)
            given = !strcmp(l->args[a], f->key);
        if (!given)
            offer(q, f->key, f->handler ? f->handler : f->image);
    }
    mf_free(m);
}

static void offer_kind(const struct query *q, const struct line *l, enum fn_complete kind)
{
    switch (kind) {
    case FN_COMPLETE_NONE:
        break;
    case FN_COMPLETE_FILE:
        fputs(":file\n", q->out);
        break;
    case FN_COMPLETE_DIR:
        fputs(":dir\n", q->out);
        break;
    case FN_COMPLETE_FUNCTION:
        offer_functions(q, l);
        break;
    case FN_COMPLETE_COMMAND:
        offer_commands(q);
        break;
    case FN_COMPLETE_TEMPLATE:
        offer_list(q, fn_template_names);
        break;
    case FN_COMPLETE_EVENT_TYPE:
        offer_list(q, fn_event_type_names);
        break;
    case FN_COMPLETE_SHELL:
        for (size_t i = 0; shell_names[i]; i++)
            offer(q, shell_names[i], NULL);
        break;
    }
}

static void offer_options(const struct query *q, const struct line *l)
{
    char word[80];
    for (size_t i = 0; i < l->n_opts; i++) {
        const struct fn_opt *o = l->opts[i];
        snprintf(word, sizeof(word), "--%s", o->name);
        offer(q, word, o->help);
    }
    if (tx_starts_with(q->prefix, "--"))
        return;
    for (size_t i = 0; i < l->n_opts; i++) {
        const struct fn_opt *o = l->opts[i];
        if (!o->short_name)
            continue;
        snprintf(word, sizeof(word), "-%c", o->short_name);
        offer(q, word, o->help);
    }
}

/* words: what follows `fnctl` up to the cursor; the last is the partial
 * word (possibly empty). */
static void complete_words(FILE *out, char **words, int n)
{
    static char empty[] = "";
    struct query q = { out, n ? words[n - 1] : empty, "" };
    struct line l = { .pending = -1 };
    const char *cur = q.prefix;

    if (n <= 1) {
        if (cur[0] == '-') {
            offer(&q, "--help", "show the commands");
            offer(&q, "--version", "print the version");
        } else {
            offer_commands(&q);
        }
        return;
    }
    l.cmd = fn_find_command(words[0]);
    if (!l.cmd || (l.cmd->flags & FN_CMD_HIDDEN))
        return;
    add_opts(&l, l.cmd->options);
    if (l.cmd->flags & FN_CMD_NEEDS_MANIFEST)
        add_opts(&l, fn_manifest_opts);
    add_opts(&l, fn_common_opts);
    l.args = xcalloc((size_t)n, sizeof(*l.args));
    parse_words(&l, words + 1, n - 2);

    if (l.pending >= 0) {
        offer_kind(&q, &l, l.opts[l.pending]->complete);
    } else if (!l.options_done && tx_starts_with(cur, "--") && strchr(cur, '=')) {
        size_t len = (size_t)(strchr(cur, '=') - cur - 2);
        int idx = find_long(&l, cur + 2, len);
        if (idx >= 0 && l.opts[idx]->type == FN_OPT_STRING) {
            char *lead = xstrndup(cur, len + 3);
            q.lead = lead;
            offer_kind(&q, &l, l.opts[idx]->complete);
            free(lead);
        }
    } else if (!l.options_done && cur[0] == '-') {
        offer_options(&q, &l);
    } else if (l.cmd->max_args < 0 || l.n_args < l.cmd->max_args) {
        offer_kind(&q, &l, l.cmd->complete_args);
    }
    free(l.args);
}

static int complete_run(struct fn_ctx *ctx)
{
    complete_words(stdout, ctx->args, ctx->n_args);
    fflush(stdout);
    return FN_EXIT_OK;
}

const struct fn_cmd fn_cmd_complete = {
    .name = "__complete",
    .summary = "answer a shell completion query",
    .usage = "-- WORD...",
    .flags = FN_CMD_HIDDEN,
    .max_args = -1,
    .run = complete_run,
};
