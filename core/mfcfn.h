/* mfcfn: CloudFormation intrinsics resolved locally, for the manifest.
 *
 * Where serverless.yml points at resources declared in the same file
 * (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, in
 * map form or as the short tags !Ref, !GetAtt, !Sub, !Join, !Select, !Split),
 * the value is replaced by what AWS would give, with local names: a queue's
 * Ref is its local URL, its Arn arn:aws:sqs:<region>:000000000000:<name>, a
 * bucket's Ref its name. Pseudo parameters (AWS::Region, AWS::AccountId,
 * AWS::StackName, AWS::Partition, AWS::URLSuffix) resolve too.
 *
 * What cannot be known locally (Fn::ImportValue, a Ref to a resource fnctl
 * does not emulate) becomes a best-effort string and a warning that names it. */
#ifndef FN_MFCFN_H
#define FN_MFCFN_H

#include "err.h"
#include "manifest.h"
#include "ytree.h"

struct cfn_ctx {
    const struct manifest *m;        /* queues and buckets known so far, region, ... */
    const struct yt_node *resources; /* resources.Resources, or NULL */
    void (*warn)(void *arg, const struct fn_err *warning);
    void *warn_arg;
};

/* True when node is an intrinsic function (map form or short tag). */
bool cfn_is_intrinsic(const struct yt_node *node);

/* Replaces every intrinsic in node's subtree by its local value (a string,
 * or a list for Fn::Split). */
int cfn_resolve(const struct cfn_ctx *ctx, struct yt_node *node, struct fn_err *err);

#endif
