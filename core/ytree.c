#include "ytree.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "file.h"
#include "xalloc.h"
#include "banned.h"

#define YT_TAG_STR "tag:yaml.org,2002:str"

struct anchor {
    char *name;
    struct yt_node *node; /* borrowed from the tree being built */
};

struct builder {
    yaml_parser_t parser;
    const char *file;
    struct anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t nodes; /* nodes created so far, aliases' copies included */
    struct fn_err *err;
    /* merge sources (`<<: ...`) taken out of their maps: anchors may still
     * point into them, so they live until the whole document is built */
    struct yt_node **merged;
    size_t n_merged;
};

static struct yt_node *node_new(enum yt_kind kind, const char *file, int line, int col)
{
    struct yt_node *n = xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

struct yt_node *yt_new_scalar(const char *s, size_t len, bool plain, const char *file, int line,
                              int col)
{
    struct yt_node *n = node_new(YT_SCALAR, file, line, col);
    n->str = xmalloc(len + 1);
    memcpy(n->str, s, len);
    n->str[len] = '\0';
    n->len = len;
    n->plain = plain;
    return n;
}

struct yt_node *yt_new_map(const char *file, int line, int col)
{
    return node_new(YT_MAP, file, line, col);
}

struct yt_node *yt_new_seq(const char *file, int line, int col)
{
    return node_new(YT_SEQ, file, line, col);
}

static void push_item(struct yt_node *parent, struct yt_node *item)
{
    if (parent->n * (parent->kind == YT_MAP ? 2 : 1) + 2 > parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        parent->items = xreallocarray(parent->items, parent->cap, sizeof(*parent->items));
    }
    size_t slot = parent->kind == YT_MAP ? parent->n * 2 : parent->n;
    parent->items[slot] = item;
}

void yt_seq_push(struct yt_node *seq, struct yt_node *item)
{
    push_item(seq, item);
    seq->n++;
}

void yt_map_put(struct yt_node *map, struct yt_node *key, struct yt_node *value)
{
    if (map->n * 2 + 2 > map->cap) {
        map->cap = map->cap ? map->cap * 2 : 8;
        map->items = xreallocarray(map->items, map->cap, sizeof(*map->items));
    }
    map->items[map->n * 2] = key;
    map->items[map->n * 2 + 1] = value;
    map->n++;
}

static void node_clear(struct yt_node *node)
{
    size_t count = node->kind == YT_MAP ? node->n * 2 : node->n;
    for (size_t i = 0; i < count; i++)
        yt_free(node->items[i]);
    free(node->items);
    free(node->str);
    free(node->tag);
    node->items = NULL;
    node->str = NULL;
    node->tag = NULL;
    node->n = node->cap = node->len = 0;
}

void yt_free(struct yt_node *node)
{
    if (!node)
        return;
    node_clear(node);
    free(node);
}

void yt_relocate(struct yt_node *node, const char *file, int line, int col)
{
    size_t count = node->kind == YT_MAP ? node->n * 2 : node->n;
    node->file = file;
    node->line = line;
    node->col = col;
    for (size_t i = 0; i < count; i++)
        yt_relocate(node->items[i], file, line, col);
}

struct yt_node *yt_clone(const struct yt_node *node)
{
    struct yt_node *c = node_new(node->kind, node->file, node->line, node->col);
    size_t count = node->kind == YT_MAP ? node->n * 2 : node->n;

    c->tag = node->tag ? xstrdup(node->tag) : NULL;
    c->plain = node->plain;
    c->flags = node->flags;
    if (node->str) {
        c->str = xmalloc(node->len + 1);
        memcpy(c->str, node->str, node->len + 1);
        c->len = node->len;
    }
    if (count) {
        c->cap = count;
        c->items = xreallocarray(NULL, count, sizeof(*c->items));
        for (size_t i = 0; i < count; i++)
            c->items[i] = yt_clone(node->items[i]);
        c->n = node->n;
    }
    return c;
}

void yt_replace(struct yt_node *node, struct yt_node *other, bool keep_loc)
{
    int line = node->line, col = node->col;
    const char *file = node->file;
    node_clear(node);
    *node = *other;
    if (keep_loc) {
        node->line = line;
        node->col = col;
        node->file = file;
    }
    free(other);
}

size_t yt_count(const struct yt_node *node)
{
    size_t total = 1, count = node->kind == YT_MAP ? node->n * 2 : node->n;
    for (size_t i = 0; i < count; i++)
        total += yt_count(node->items[i]);
    return total;
}

/* --- building from libyaml events --- */

static int fail_at(struct builder *b, const yaml_mark_t *mark, const char *fmt, const char *arg)
{
    fn_err_set(b->err, fmt, arg);
    return fn_err_at(b->err, b->file, (int)mark->line + 1, (int)mark->column + 1);
}

static int parse_error(struct builder *b)
{
    const yaml_parser_t *p = &b->parser;
    const char *problem = p->problem ? p->problem : "malformed document";
    if (p->context)
        fn_err_set(b->err, "invalid YAML: %s %s", problem, p->context);
    else
        fn_err_set(b->err, "invalid YAML: %s", problem);
    fn_err_hint(b->err, "check the indentation and quoting around this position");
    return fn_err_at(b->err, b->file, (int)p->problem_mark.line + 1,
                     (int)p->problem_mark.column + 1);
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev))
        return parse_error(b);
    return 0;
}

static int count_node(struct builder *b, const yaml_mark_t *mark, size_t n)
{
    b->nodes += n;
    if (b->nodes > YT_MAX_NODES) {
        fail_at(b, mark, "document too large: more than %s nodes (after expanding aliases)",
                "200000");
        fn_err_hint(b->err, "a YAML anchor may be expanded recursively; simplify the aliases");
        return -1;
    }
    return 0;
}

static void remember_anchor(struct builder *b, const yaml_char_t *name, struct yt_node *node)
{
    if (!name)
        return;
    /* A later anchor of the same name shadows the earlier one (YAML spec). */
    if (b->n_anchors == b->cap_anchors) {
        b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 8;
        b->anchors = xreallocarray(b->anchors, b->cap_anchors, sizeof(*b->anchors));
    }
    b->anchors[b->n_anchors].name = xstrdup((const char *)name);
    b->anchors[b->n_anchors].node = node;
    b->n_anchors++;
}

static struct yt_node *find_anchor(struct builder *b, const char *name)
{
    for (size_t i = b->n_anchors; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0)
            return b->anchors[i].node;
    return NULL;
}

static bool scalar_is(const struct yt_node *n, const char *s)
{
    return n->kind == YT_SCALAR && strcmp(n->str, s) == 0;
}

static bool is_merge_key(const struct yt_node *key)
{
    return key->kind == YT_SCALAR && key->plain && strcmp(key->str, "<<") == 0;
}

static int check_duplicate(struct builder *b, const struct yt_node *map, const struct yt_node *key)
{
    if (key->kind != YT_SCALAR || is_merge_key(key))
        return 0;
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->items[2 * i];
        if (k->kind == YT_SCALAR && k->len == key->len && memcmp(k->str, key->str, k->len) == 0) {
            fn_err_set(b->err, "duplicate key '%s' (first at line %d)", key->str, k->line);
            fn_err_hint(b->err, "remove one of the two; YAML keeps neither silently");
            return fn_err_at(b->err, b->file, key->line, key->col);
        }
    }
    return 0;
}

static int check_merge_source(struct builder *b, const struct yt_node *v)
{
    if (v->kind == YT_MAP)
        return 0;
    if (v->kind == YT_SEQ) {
        for (size_t p = 0; p < v->n; p++) {
            if (v->items[p]->kind != YT_MAP) {
                fn_err_set(b->err, "merge key '<<' list item is %s, not a map",
                           yt_kind_name(v->items[p]));
                return fn_err_at(b->err, b->file, v->items[p]->line, v->items[p]->col);
            }
        }
        return 0;
    }
    fn_err_set(b->err, "merge key '<<' needs a map or a list of maps, not %s", yt_kind_name(v));
    return fn_err_at(b->err, b->file, v->line, v->col);
}

/* Applies `<<` merge keys: the merged maps' pairs are added unless the map
 * already has the key; explicit pairs win, earlier merged maps win over
 * later ones (YAML merge key spec). */
static int apply_merges(struct builder *b, struct yt_node *map)
{
    struct yt_node **sources = NULL;
    size_t n_sources = 0, w = 0;

    for (size_t i = 0; i < map->n; i++)
        if (is_merge_key(map->items[2 * i]) && check_merge_source(b, map->items[2 * i + 1]) < 0)
            return -1;
    for (size_t i = 0; i < map->n; i++) {
        struct yt_node *k = map->items[2 * i], *v = map->items[2 * i + 1];
        if (is_merge_key(k)) {
            sources = xreallocarray(sources, n_sources + 2, sizeof(*sources));
            sources[n_sources++] = k;
            sources[n_sources++] = v;
            continue;
        }
        map->items[2 * w] = k;
        map->items[2 * w + 1] = v;
        w++;
    }
    map->n = w;
    for (size_t s = 1; s < n_sources; s += 2) {
        struct yt_node *v = sources[s];
        size_t parts = v->kind == YT_MAP ? 1 : v->n;
        for (size_t p = 0; p < parts; p++) {
            struct yt_node *src = v->kind == YT_MAP ? v : v->items[p];
            for (size_t i = 0; i < src->n; i++) {
                struct yt_node *k = src->items[2 * i];
                if (k->kind == YT_SCALAR && yt_get(map, k->str))
                    continue;
                yt_map_put(map, yt_clone(k), yt_clone(src->items[2 * i + 1]));
            }
        }
    }
    b->merged = xreallocarray(b->merged, b->n_merged + n_sources, sizeof(*b->merged));
    for (size_t s = 0; s < n_sources; s++)
        b->merged[b->n_merged++] = sources[s];
    free(sources);
    return 0;
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct yt_node **out);

static int build_children(struct builder *b, struct yt_node *parent, int depth)
{
    yaml_event_type_t end = parent->kind == YT_MAP ? YAML_MAPPING_END_EVENT
                                                   : YAML_SEQUENCE_END_EVENT;
    for (;;) {
        yaml_event_t ev;
        struct yt_node *key = NULL, *value = NULL;

        if (next_event(b, &ev) < 0)
            return -1;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return 0;
        }
        int rc = build_node(b, &ev, depth + 1, &key);
        yaml_event_delete(&ev);
        if (rc < 0)
            return -1;
        if (parent->kind == YT_SEQ) {
            yt_seq_push(parent, key);
            continue;
        }
        if (check_duplicate(b, parent, key) < 0) {
            yt_free(key);
            return -1;
        }
        if (next_event(b, &ev) < 0) {
            yt_free(key);
            return -1;
        }
        rc = build_node(b, &ev, depth + 1, &value);
        yaml_event_delete(&ev);
        if (rc < 0) {
            yt_free(key);
            return -1;
        }
        yt_map_put(parent, key, value);
    }
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct yt_node **out)
{
    const yaml_mark_t *mark = &ev->start_mark;
    int line = (int)mark->line + 1, col = (int)mark->column + 1;
    struct yt_node *node = NULL;

    if (depth > YT_MAX_DEPTH)
        return fail_at(b, mark, "document nested too deeply (over %s levels)", "200");
    if (count_node(b, mark, 1) < 0)
        return -1;

    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const char *tag = (const char *)ev->data.scalar.tag;
        bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                     !(tag && strcmp(tag, YT_TAG_STR) == 0);
        node = yt_new_scalar((const char *)ev->data.scalar.value, ev->data.scalar.length, plain,
                             b->file, line, col);
        node->tag = tag ? xstrdup(tag) : NULL;
        remember_anchor(b, ev->data.scalar.anchor, node);
        break;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool is_map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
        const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
                                           : ev->data.sequence_start.anchor;
        node = node_new(is_map ? YT_MAP : YT_SEQ, b->file, line, col);
        node->tag = tag ? xstrdup((const char *)tag) : NULL;
        if (build_children(b, node, depth) < 0)
            goto fail;
        if (is_map && apply_merges(b, node) < 0)
            goto fail;
        /* Registered after its children: an alias inside a node to the node
         * itself would be a cycle, which YAML does not allow either. */
        remember_anchor(b, anchor, node);
        break;
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        struct yt_node *target = find_anchor(b, name);
        if (!target) {
            fail_at(b, mark, "unknown alias '*%s'", name);
            fn_err_hint(b->err, "define the anchor with '&name' before using '*name'");
            return -1;
        }
        if (count_node(b, mark, yt_count(target)) < 0)
            return -1;
        node = yt_clone(target);
        break;
    }
    default:
        return fail_at(b, mark, "invalid YAML: unexpected %s", "event");
    }
    *out = node;
    return 0;
fail:
    yt_free(node);
    return -1;
}

int yt_load(const char *text, size_t len, const char *file, struct yt_node **root,
            struct fn_err *err)
{
    struct builder b = { .file = file, .err = err };
    yaml_event_t ev;
    struct yt_node *doc = NULL;
    bool have_event = false;
    int rc = -1;

    *root = NULL;
    if (!yaml_parser_initialize(&b.parser))
        FN_BUG("yaml_parser_initialize failed");
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);

    /* STREAM-START, then DOCUMENT-START or STREAM-END (empty file). */
    if (next_event(&b, &ev) < 0)
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        doc = yt_new_map(file, 1, 1);
        rc = 0;
        goto out;
    }
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    have_event = true;
    if (build_node(&b, &ev, 0, &doc) < 0)
        goto out;
    yaml_event_delete(&ev);
    have_event = false;
    /* DOCUMENT-END, then STREAM-END: a second document is refused. */
    if (next_event(&b, &ev) < 0)
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&b, &ev) < 0)
        goto out;
    if (ev.type != YAML_STREAM_END_EVENT) {
        fail_at(&b, &ev.start_mark, "more than one YAML document in %s", file);
        fn_err_hint(err, "keep one document: remove the '---' line and what follows it");
        yaml_event_delete(&ev);
        goto out;
    }
    yaml_event_delete(&ev);
    rc = 0;
out:
    if (have_event)
        yaml_event_delete(&ev);
    for (size_t i = 0; i < b.n_anchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    for (size_t i = 0; i < b.n_merged; i++)
        yt_free(b.merged[i]);
    free(b.merged);
    yaml_parser_delete(&b.parser);
    if (rc == 0) {
        /* A document that is only "null" or "~" counts as empty. */
        if (doc->kind == YT_SCALAR && yt_is_null(doc)) {
            yt_free(doc);
            doc = yt_new_map(file, 1, 1);
        }
        *root = doc;
    } else {
        yt_free(doc);
    }
    return rc;
}

int yt_load_file(const char *path, struct yt_node **root, struct fn_err *err)
{
    struct buf text = BUF_INIT;
    int rc = fs_read_file(path, &text, 16u << 20, err);
    if (rc == 0)
        rc = yt_load(buf_cstr(&text), text.len, path, root, err);
    buf_release(&text);
    return rc;
}

/* --- access and typing --- */

struct yt_node *yt_get(const struct yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (scalar_is(map->items[2 * i], key))
            return map->items[2 * i + 1];
    return NULL;
}

struct yt_node *yt_key_of(const struct yt_node *map, const struct yt_node *value)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->items[2 * i + 1] == value)
            return map->items[2 * i];
    return NULL;
}

const char *yt_str(const struct yt_node *node)
{
    return node && node->kind == YT_SCALAR ? node->str : NULL;
}

bool yt_is_null(const struct yt_node *node)
{
    if (!node)
        return true;
    if (node->kind != YT_SCALAR || !node->plain)
        return false;
    return node->len == 0 || !strcmp(node->str, "~") || !strcmp(node->str, "null") ||
           !strcmp(node->str, "Null") || !strcmp(node->str, "NULL");
}

bool yt_bool(const struct yt_node *node, bool *out)
{
    static const char *const t[] = { "true", "True", "TRUE" };
    static const char *const f[] = { "false", "False", "FALSE" };
    if (!node || node->kind != YT_SCALAR || !node->plain)
        return false;
    for (size_t i = 0; i < 3; i++) {
        if (!strcmp(node->str, t[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(node->str, f[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool yt_long(const struct yt_node *node, long *out)
{
    const char *s;
    char *end;
    int base = 10;
    if (!node || node->kind != YT_SCALAR || !node->plain || node->len == 0)
        return false;
    s = node->str;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && s[1] == 'o') {
        base = 8;
        s += 2;
    }
    if (!*s || isspace((unsigned char)*s))
        return false;
    /* digits only after a prefix: strtol would take a sign or a second "0x" */
    if (base == 16 && s[strspn(s, "0123456789abcdefABCDEF")])
        return false;
    if (base == 8 && s[strspn(s, "01234567")])
        return false;
    errno = 0;
    long v = strtol(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool yt_double(const struct yt_node *node, double *out)
{
    char *end;
    long l;
    if (yt_long(node, &l)) {
        *out = (double)l;
        return true;
    }
    if (!node || node->kind != YT_SCALAR || !node->plain || node->len == 0)
        return false;
    const char *s = node->str;
    /* YAML 1.2 floats: digits, optional fraction and exponent; .inf/.nan. */
    {
        const char *u = s + (s[0] == '+' || s[0] == '-');
        if (!strcmp(u, ".inf") || !strcmp(u, ".Inf") || !strcmp(u, ".INF")) {
            *out = s[0] == '-' ? -INFINITY : INFINITY;
            return true;
        }
        if (u == s && (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))) {
            *out = NAN;
            return true;
        }
    }
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return false;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q) && !strchr(".eE+-", *q))
            return false;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool yt_is_str(const struct yt_node *node)
{
    bool b;
    double d;
    return node && node->kind == YT_SCALAR && !yt_is_null(node) && !yt_bool(node, &b) &&
           !yt_double(node, &d);
}

const char *yt_kind_name(const struct yt_node *node)
{
    bool b;
    double d;
    if (!node || yt_is_null(node))
        return "null";
    if (node->kind == YT_MAP)
        return "a map";
    if (node->kind == YT_SEQ)
        return "a list";
    if (yt_bool(node, &b))
        return "a boolean";
    if (yt_double(node, &d))
        return "a number";
    return "a string";
}

json_t *yt_to_json(const struct yt_node *node)
{
    bool b;
    long l;
    double d;
    json_t *v;

    if (!node || yt_is_null(node))
        return json_null();
    switch (node->kind) {
    case YT_SCALAR:
        if (yt_bool(node, &b))
            return json_boolean(b);
        if (yt_long(node, &l))
            return json_integer(l);
        if (yt_double(node, &d) && isfinite(d))
            return json_real(d);
        return json_stringn_nocheck(node->str, node->len);
    case YT_SEQ:
        v = json_array();
        for (size_t i = 0; i < node->n; i++)
            json_array_append_new(v, yt_to_json(node->items[i]));
        return v;
    case YT_MAP:
        v = json_object();
        for (size_t i = 0; i < node->n; i++) {
            const struct yt_node *k = node->items[2 * i];
            const char *key = k->kind == YT_SCALAR ? k->str : "?";
            json_object_set_new(v, key, yt_to_json(node->items[2 * i + 1]));
        }
        return v;
    }
    return json_null();
}

