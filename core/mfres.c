/* mfres: the resources the emulator creates: SQS queues and S3 buckets
 * declared under resources.Resources (or implied by events). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mfint.h"
#include "text.h"
#include "xalloc.h"
#include "banned.h"


static bool valid_queue_name(const char *name, bool fifo)
{
    size_t len = strlen(name), base = fifo ? len - 5 : len;
    if (fifo && !tx_ends_with(name, ".fifo"))
        return false;
    if (base < 1 || base > 80)
        return false;
    for (size_t i = 0; i < base; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
            return false;
    return true;
}

bool mf_valid_bucket_name(const char *name)
{
    size_t len = strlen(name);
    int dots = 0, digits_only_labels = 0;
    if (len < 3 || len > 63)
        return false;
    if (!isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-' || c == '.'))
            return false;
        if (c == '.' && (name[i + 1] == '.' || name[i + 1] == '-' || (i && name[i - 1] == '-')))
            return false;
        dots += c == '.';
    }
    /* not an IP address */
    if (dots == 3) {
        digits_only_labels = 1;
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)name[i]) && name[i] != '.')
                digits_only_labels = 0;
    }
    return !digits_only_labels;
}

static char *local_queue_url(const struct manifest *m, const char *name)
{
    return xasprintf("%s/%s/%s", m->aws_endpoint, MF_ACCOUNT_ID, name);
}

static char *local_queue_arn(const struct manifest *m, const char *name)
{
    return xasprintf("arn:aws:sqs:%s:%s:%s", m->region, MF_ACCOUNT_ID, name);
}

static struct mf_queue *add_queue(struct manifest *m, const char *logical_id, const char *name)
{
    m->queues = xreallocarray(m->queues, m->n_queues + 1, sizeof(*m->queues));
    struct mf_queue *q = &m->queues[m->n_queues++];
    memset(q, 0, sizeof(*q));
    q->logical_id = logical_id ? xstrdup(logical_id) : NULL;
    q->name = xstrdup(name);
    q->arn = local_queue_arn(m, name);
    q->url = local_queue_url(m, name);
    q->fifo = tx_ends_with(name, ".fifo");
    q->visibility_timeout = 30;
    q->retention = 345600;
    q->max_message_size = 262144;
    return q;
}

struct mf_bucket *mf_add_bucket(struct manifest *m, const char *logical_id, const char *name,
                                const struct yt_node *at)
{
    for (size_t i = 0; i < m->n_buckets; i++)
        if (!strcmp(m->buckets[i].name, name))
            return &m->buckets[i];
    m->buckets = xreallocarray(m->buckets, m->n_buckets + 1, sizeof(*m->buckets));
    struct mf_bucket *bk = &m->buckets[m->n_buckets++];
    bk->logical_id = logical_id ? xstrdup(logical_id) : NULL;
    bk->name = xstrdup(name);
    bk->loc = mfb_loc(at);
    return bk;
}

void mf_add_event_queue(struct manifest *m, const char *name)
{
    if (!mf_queue_by_name(m, name))
        add_queue(m, NULL, name);
}

static int resolve_name(struct mfb *b, struct yt_node *props, const char *key, char **out)
{
    struct yt_node *v = yt_get(props, key);
    if (!v || yt_is_null(v))
        return 0;
    if (cfn_resolve(&b->cfn, v, b->err) < 0)
        return -1;
    return mfb_str(b, props, key, key, out);
}

static int load_queue(struct mfb *b, const char *logical_id, struct yt_node *res)
{
    struct manifest *m = b->m;
    struct yt_node *props = yt_get(res, "Properties");
    char *name = NULL;
    bool fifo = false, dedup = false;
    char what[300];
    int rc = -1;

    snprintf(what, sizeof(what), "resources.Resources.%s.Properties", logical_id);
    if (mfb_expect_map(b, props, what) < 0 || resolve_name(b, props, "QueueName", &name) < 0 ||
        mfb_bool(b, props, "FifoQueue", what, &fifo) < 0 ||
        mfb_bool(b, props, "ContentBasedDeduplication", what, &dedup) < 0)
        goto out;
    if (!name) {
        /* CloudFormation names it <stack>-<LogicalId>-<random>; locally the
         * random part is left out so that the name is stable. */
        name = xasprintf("%s-%s-%s%s", m->service, m->stage, logical_id, fifo ? ".fifo" : "");
    }
    if (!valid_queue_name(name, fifo)) {
        mfb_fail(b, yt_get(props, "QueueName") ? yt_get(props, "QueueName") : res,
                 fifo ? "a FIFO queue's name ends in '.fifo'; up to 80 letters, digits, '-' and '_' before it"
                      : "up to 80 letters, digits, '-' and '_'; only FIFO queues end in '.fifo' (set FifoQueue: true)",
                 "invalid queue name '%s'", name);
        goto out;
    }
    struct mf_queue *q = add_queue(m, logical_id, name);
    q->fifo = fifo;
    q->content_based_dedup = dedup;
    q->loc = mfb_loc(res);
    if (mfb_long(b, props, "VisibilityTimeout", what, 0, 43200, &q->visibility_timeout) < 0 ||
        mfb_long(b, props, "DelaySeconds", what, 0, 900, &q->delay) < 0 ||
        mfb_long(b, props, "MessageRetentionPeriod", what, 60, 1209600, &q->retention) < 0 ||
        mfb_long(b, props, "MaximumMessageSize", what, 1024, 1048576, &q->max_message_size) < 0 ||
        mfb_long(b, props, "ReceiveMessageWaitTimeSeconds", what, 0, 20, &q->receive_wait) < 0)
        goto out;
    rc = 0;
out:
    free(name);
    return rc;
}

/* RedrivePolicy after every queue is known: it points at another queue. */
static int load_redrive(struct mfb *b, struct mf_queue *q, struct yt_node *res)
{
    struct yt_node *props = yt_get(res, "Properties");
    struct yt_node *policy = yt_get(props, "RedrivePolicy");
    struct yt_node *parsed = NULL;
    char *target = NULL;
    int rc = -1;

    if (!policy || yt_is_null(policy))
        return 0;
    if (policy->kind == YT_SCALAR) {
        /* a JSON string, as the SQS API takes it */
        struct fn_err perr = FN_ERR_INIT;
        if (yt_load(policy->str, policy->len, policy->file, &parsed, &perr) < 0 ||
            parsed->kind != YT_MAP) {
            mfb_fail(b, policy, "write RedrivePolicy as a map with deadLetterTargetArn and maxReceiveCount",
                     "RedrivePolicy of '%s' is not a JSON object", q->logical_id);
            goto out;
        }
        /* problems inside the string are reported at the string */
        yt_relocate(parsed, policy->file, policy->line, policy->col);
        policy = parsed;
    }
    if (policy->kind != YT_MAP) {
        mfb_fail(b, policy, NULL, "RedrivePolicy of '%s' must be a map, not %s", q->logical_id,
                 yt_kind_name(policy));
        goto out;
    }
    struct yt_node *arn = yt_get(policy, "deadLetterTargetArn");
    if (!arn || cfn_resolve(&b->cfn, arn, b->err) < 0 ||
        mfb_str(b, policy, "deadLetterTargetArn", "RedrivePolicy", &target) < 0 || !target ||
        mfb_long(b, policy, "maxReceiveCount", "RedrivePolicy", 1, 1000, &q->max_receive_count) < 0) {
        if (!fn_err_is_set(b->err))
            mfb_fail(b, policy, "write deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn",
                     "RedrivePolicy of '%s' has no deadLetterTargetArn", q->logical_id);
        goto out;
    }
    if (!q->max_receive_count) {
        mfb_fail(b, policy, "add maxReceiveCount: 3 (or how many receives before a message moves)",
                 "RedrivePolicy of '%s' has no maxReceiveCount", q->logical_id);
        goto out;
    }
    const char *colon = strrchr(target, ':');
    const char *dlq = colon ? colon + 1 : target;
    if (!mf_queue_by_name(b->m, dlq)) {
        mfb_warn(b, arn, "declare the queue under resources.Resources so fnctl creates it",
                 "dead-letter queue '%s' of '%s' is not declared in this service; fnctl creates it locally",
                 dlq, q->logical_id);
        size_t index = (size_t)(q - b->m->queues);
        add_queue(b->m, NULL, dlq);
        q = &b->m->queues[index];
    }
    q->dlq = xstrdup(dlq);
    rc = 0;
out:
    free(target);
    yt_free(parsed);
    return rc;
}

int mfb_resources(struct mfb *b, struct yt_node *resources)
{
    struct manifest *m = b->m;
    struct buf skipped = BUF_INIT;
    struct yt_node *merged = NULL;
    int rc = -1;

    if (!resources || yt_is_null(resources))
        return 0;
    /* resources may be a list of fragments (often ${file(...)}), merged */
    if (resources->kind == YT_SEQ) {
        merged = yt_new_map(resources->file, resources->line, resources->col);
        struct yt_node *all = yt_new_map(resources->file, resources->line, resources->col);
        yt_map_put(merged, yt_new_scalar("Resources", 9, false, NULL, 0, 0), all);
        for (size_t i = 0; i < resources->n; i++) {
            struct yt_node *part = yt_get(resources->items[i], "Resources");
            for (size_t j = 0; part && part->kind == YT_MAP && j < part->n; j++)
                yt_map_put(all, yt_clone(part->items[2 * j]), yt_clone(part->items[2 * j + 1]));
        }
        resources = merged;
    }
    if (mfb_expect_map(b, resources, "resources") < 0)
        goto out;
    struct yt_node *res = yt_get(resources, "Resources");
    if (mfb_expect_map(b, res, "resources.Resources") < 0)
        goto out;
    b->cfn.resources = res;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; res && i < res->n; i++) {
            const char *id = yt_str(res->items[2 * i]);
            struct yt_node *r = res->items[2 * i + 1];
            const char *type = yt_str(yt_get(r, "Type"));
            if (!id)
                continue;
            if (!type) {
                if (pass == 0 && r->kind == YT_MAP)
                    mfb_warn(b, r, "every resource needs a Type, e.g. AWS::SQS::Queue",
                             "resource '%s' has no Type", id);
                continue;
            }
            if (!strcmp(type, "AWS::SQS::Queue")) {
                if (pass == 0 && load_queue(b, id, r) < 0)
                    goto out;
                if (pass == 1) {
                    for (size_t q = 0; q < m->n_queues; q++)
                        if (m->queues[q].logical_id && !strcmp(m->queues[q].logical_id, id) &&
                            load_redrive(b, &m->queues[q], r) < 0)
                            goto out;
                }
            } else if (!strcmp(type, "AWS::S3::Bucket")) {
                if (pass == 0) {
                    struct yt_node *props = yt_get(r, "Properties");
                    char *name = NULL;
                    if (mfb_expect_map(b, props, "bucket Properties") < 0 ||
                        resolve_name(b, props, "BucketName", &name) < 0)
                        goto out;
                    if (!name) {
                        name = xasprintf("%s-%s-%s", m->service, m->stage, id);
                        for (char *p = name; *p; p++)
                            *p = (char)tolower((unsigned char)*p);
                    }
                    if (!mf_valid_bucket_name(name)) {
                        mfb_fail(b, yt_get(props, "BucketName") ? yt_get(props, "BucketName") : r,
                                 "3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
                                 "invalid bucket name '%s'", name);
                        free(name);
                        goto out;
                    }
                    mf_add_bucket(m, id, name, r);
                    free(name);
                }
            } else if (pass == 0) {
                buf_addf(&skipped, "%s%s (%s)", skipped.len ? ", " : "", id, type);
            }
        }
    }
    if (skipped.len)
        mfb_warn(b, res, "fnctl emulates AWS::SQS::Queue and AWS::S3::Bucket; point the others at real or other local services",
                 "resources not emulated: %s", buf_cstr(&skipped));
    rc = 0;
out:
    /* cfn.resources pointed into `merged`: nothing later reads it */
    if (merged)
        b->cfn.resources = NULL;
    yt_free(merged);
    buf_release(&skipped);
    return rc;
}
