/* trace: what the node and python tracers share (see trace.h). */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"
#include "banned.h"

char trace_kind(const char *runtime)
{
    if (!runtime)
        return 0;
    if (tx_starts_with(runtime, "nodejs"))
        return 'n';
    if (tx_starts_with(runtime, "python"))
        return 'p';
    return 0;
}

void trace_warn(struct trace_result *out, const struct fn_err *warning)
{
    out->warnings = xreallocarray(out->warnings, out->n_warnings + 1, sizeof(*out->warnings));
    out->warnings[out->n_warnings++] = *warning;
}

void trace_result_add(struct trace_result *out, const char *file, const char *name)
{
    strvec_push(&out->files, file);
    strvec_push(&out->names, name ? name : file);
}

void trace_result_add_link(struct trace_result *out, const char *link, const char *target)
{
    strvec_push(&out->links, link);
    strvec_push(&out->link_targets, target);
}

/* One file with its name and the order it was added in, so that equal files
 * sort by insertion and the first name added wins. */
struct trace_entry {
    char *file, *name;
    size_t order;
};

static int cmp_entry(const void *a, const void *b)
{
    const struct trace_entry *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorts and dedups pairs (a[i], b[i]) by a; the first b added wins. */
static void sort_pairs(struct strvec *a, struct strvec *b)
{
    size_t n = a->n, kept = 0;
    struct trace_entry *e;

    if (n == 0 || b->n != n)
        return;
    e = xreallocarray(NULL, n, sizeof(*e));
    for (size_t i = 0; i < n; i++)
        e[i] = (struct trace_entry){ a->v[i], b->v[i], i };
    qsort(e, n, sizeof(*e), cmp_entry);
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && !strcmp(a->v[kept - 1], e[i].file)) {
            free(e[i].file);
            free(e[i].name);
            continue;
        }
        a->v[kept] = e[i].file;
        b->v[kept] = e[i].name;
        kept++;
    }
    a->n = b->n = kept;
    a->v[kept] = NULL;
    b->v[kept] = NULL;
    free(e);
}

void trace_result_sort(struct trace_result *out)
{
    sort_pairs(&out->files, &out->names);
    sort_pairs(&out->links, &out->link_targets);
}

void trace_result_release(struct trace_result *out)
{
    if (!out)
        return;
    strvec_clear(&out->files);
    strvec_clear(&out->names);
    strvec_clear(&out->links);
    strvec_clear(&out->link_targets);
    free(out->warnings);
    out->warnings = NULL;
    out->n_warnings = 0;
}
