/* mfvars: Serverless Framework v3 variables, resolved in place in a tree.
 *
 * Sources: ${self:a.b}, ${env:NAME}, ${opt:stage} / ${opt:region},
 * ${sls:stage} / ${sls:instanceId}, ${aws:accountId} / ${aws:region},
 * ${file(./x.yml):a.b} (YAML or JSON), ${param:x} (from the file's own
 * `params:` section), ${strToBool(...)}. Fallbacks (`${env:X, 'dflt'}`,
 * `${opt:stage, self:provider.stage}`, `${env:A, env:B, 5}`), nesting
 * (`${file(./${opt:stage}.yml)}`) and interpolation in longer strings.
 * A variable that is a whole scalar may become a map or list.
 *
 * Sources that live in an AWS account (ssm, cf, s3, secrets, ...) cannot be
 * read locally: their fallback is used; without one the value becomes "" and
 * a warning says so. Any other unresolvable variable is an error at the
 * node's file:line:column. A variable that refers back to itself is an error
 * that names the chain, never a hang.
 *
 * `\${...}` is the literal text `${...}`. `${...}` whose content is not `source:address` (CloudFormation's
 * `${AWS::Region}` or `${Queue.Arn}` in !Sub strings) is left as text. */
#ifndef FN_MFVARS_H
#define FN_MFVARS_H

#include "err.h"
#include "strvec.h"
#include "ytree.h"

struct mv_ctx;

struct mv_opts {
    const char *service_dir; /* where ${file(...)} paths start */
    const char *stage;       /* --stage, or NULL */
    const char *region;      /* --region, or NULL */
    /* Other CLI options for ${opt:name}, as "name=value"; may be NULL. */
    const struct strvec *options;
    /* Receives warnings (each a located fn_err); may be NULL. */
    void (*warn)(void *arg, const struct fn_err *warning);
    void *warn_arg;
    /* File names that nodes of included files point at are appended here;
     * the owner of the tree keeps them alive as long as the tree. Required. */
    struct strvec *file_names;
};

/* Resolves every variable in root (in place) and stores the stage and region
 * in effect (option, else provider value, else 'dev' / 'us-east-1') in
 * *stage and *region, which the caller frees. On error root is partly
 * resolved and should be freed, and *stage / *region are NULL. */
int mv_resolve(struct yt_node *root, const struct mv_opts *opts, char **stage, char **region,
               struct fn_err *err);

#endif
