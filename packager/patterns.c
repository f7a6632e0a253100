/* patterns: see patterns.h.
 *
 * Matching is micromatch's with { dot: true } as Serverless v3 calls it,
 * done without regular expressions: braces are expanded first (bash's
 * rules, at most PAT_MAX_ALTS alternatives), then each alternative is
 * matched segment by segment, `**` standing for any number of segments.
 * Both levels backtrack only to the last star (the classic wildcard
 * algorithm), so a match costs O(pattern x path) whatever the stars: a
 * pattern of many globstars in a row against a deep path stays linear. */
#include "patterns.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

#define PAT_MAX_ALTS 1024 /* brace alternatives per pattern; more are dropped */
#define NONE SIZE_MAX

/* --- braces --- */

/* Index just past the ']' closing the bracket expression at p[i] == '[',
 * or 0 when it is unterminated (then '[' is an ordinary character). */
static size_t bracket_end(const char *p, size_t n, size_t i)
{
    size_t j = i + 1;

    if (j < n && (p[j] == '!' || p[j] == '^'))
        j++;
    if (j < n && p[j] == ']')
        j++;
    while (j < n && p[j] != ']') {
        if (p[j] == '\\' && j + 1 < n) {
            j += 2;
        } else if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
            const char *end = strstr(p + j + 2, ":]");
            j = end && (size_t)(end - p) < n ? (size_t)(end - p) + 2 : j + 1;
        } else {
            j++;
        }
    }
    return j < n ? j + 1 : 0;
}

/* The index of the '}' matching the '{' at p[i], or NONE. */
static size_t brace_close(const char *p, size_t n, size_t i)
{
    size_t depth = 0;

    for (size_t j = i; j < n; j++) {
        if (p[j] == '\\' && j + 1 < n) {
            j++;
        } else if (p[j] == '[') {
            size_t e = bracket_end(p, n, j);
            if (e)
                j = e - 1;
        } else if (p[j] == '{') {
            depth++;
        } else if (p[j] == '}' && --depth == 0) {
            return j;
        }
    }
    return NONE;
}

static bool parse_int(const char *s, size_t n, long *out, bool *padded)
{
    char tmp[24];
    char *end;
    size_t k = s[0] == '-' ? 1 : 0;

    if (n == 0 || n >= sizeof(tmp) || k == n)
        return false;
    for (size_t i = k; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    *out = strtol(tmp, &end, 10);
    *padded = *padded || (s[k] == '0' && n - k > 1);
    return !errno && *end == '\0' && *out > -1000000000L && *out < 1000000000L;
}

/* {x..y} and {x..y..step}: integers (zero-padded when an end is) or
 * single characters, as bash expands them. */
static bool brace_range(const char *s, size_t n, struct strvec *items)
{
    const char *dots = memmem(s, n, "..", 2), *dots2;
    size_t an, bn;
    long a, b, step = 1;
    bool padded = false, num;
    int width;

    if (!dots)
        return false;
    an = (size_t)(dots - s);
    dots2 = memmem(dots + 2, n - an - 2, "..", 2);
    bn = dots2 ? (size_t)(dots2 - dots - 2) : n - an - 2;
    if (dots2) {
        bool unused = false;
        size_t sn = n - an - bn - 4;
        if (!parse_int(dots2 + 2, sn, &step, &unused))
            return false;
        if (step < 0)
            step = -step;
        if (step == 0)
            step = 1;
    }
    num = parse_int(s, an, &a, &padded) && parse_int(dots + 2, bn, &b, &padded);
    if (!num) {
        if (an != 1 || bn != 1)
            return false;
        a = (unsigned char)s[0];
        b = (unsigned char)dots[2];
    }
    width = padded ? (int)(an > bn ? an : bn) : 0;
    for (long v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) {
        if (items->n >= PAT_MAX_ALTS)
            break;
        if (num)
            strvec_pushf(items, "%0*ld", width, v);
        else
            strvec_pushf(items, "%c", (char)v);
    }
    return true;
}

/* The alternatives of the brace body s[0..n): "a,b" lists (at least one
 * top-level comma) or ranges. False when it is neither: literal braces. */
static bool brace_items(const char *s, size_t n, struct strvec *items)
{
    size_t start = 0, depth = 0;
    bool comma = false;

    for (size_t j = 0; j < n; j++) {
        if (s[j] == '\\' && j + 1 < n) {
            j++;
        } else if (s[j] == '[') {
            size_t e = bracket_end(s, n, j);
            if (e)
                j = e - 1;
        } else if (s[j] == '{') {
            depth++;
        } else if (s[j] == '}') {
            depth--;
        } else if (s[j] == ',' && depth == 0) {
            strvec_push_owned(items, xstrndup(s + start, j - start));
            start = j + 1;
            comma = true;
        }
    }
    if (comma) {
        strvec_push_owned(items, xstrndup(s + start, n - start));
        return true;
    }
    return brace_range(s, n, items);
}

/* Expands the first brace group of pat and recurses on each result. */
static void expand(const char *pat, struct strvec *out)
{
    size_t n = strlen(pat);

    for (size_t i = 0; i < n && out->n < PAT_MAX_ALTS; i++) {
        struct strvec items = STRVEC_INIT;
        size_t close;

        if (pat[i] == '\\' && i + 1 < n) {
            i++;
            continue;
        }
        if (pat[i] == '[') {
            size_t e = bracket_end(pat, n, i);
            if (e)
                i = e - 1;
            continue;
        }
        if (pat[i] != '{' || (close = brace_close(pat, n, i)) == NONE)
            continue;
        if (!brace_items(pat + i + 1, close - i - 1, &items)) {
            strvec_clear(&items);
            continue;
        }
        for (size_t k = 0; k < items.n && out->n < PAT_MAX_ALTS; k++) {
            char *next = xasprintf("%.*s%s%s", (int)i, pat, items.v[k], pat + close + 1);
            expand(next, out);
            free(next);
        }
        strvec_clear(&items);
        return;
    }
    if (out->n < PAT_MAX_ALTS)
        strvec_push(out, pat);
}

/* --- matching --- */

static bool posix_class(const char *name, size_t n, unsigned char c)
{
#define IS(s) (n == sizeof(s) - 1 && !memcmp(name, s, n))
    bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    bool digit = c >= '0' && c <= '9';
    if (IS("alpha"))
        return upper || lower;
    if (IS("digit"))
        return digit;
    if (IS("alnum"))
        return upper || lower || digit;
    if (IS("upper"))
        return upper;
    if (IS("lower"))
        return lower;
    if (IS("word"))
        return upper || lower || digit || c == '_';
    if (IS("xdigit"))
        return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (IS("space"))
        return c == ' ' || (c >= '\t' && c <= '\r');
    if (IS("blank"))
        return c == ' ' || c == '\t';
    if (IS("punct"))
        return c > ' ' && c < 127 && !upper && !lower && !digit;
    if (IS("cntrl"))
        return c < ' ' || c == 127;
    if (IS("print"))
        return c >= ' ' && c < 127;
    if (IS("graph"))
        return c > ' ' && c < 127;
    return false;
#undef IS
}

/* Matches c against the bracket expression at p[i] == '['. Returns its
 * length, or 0 when unterminated. Bytes compare as unsigned values, never
 * through the locale. */
static size_t class_match(const char *p, size_t n, size_t i, unsigned char c, bool *ok)
{
    size_t end = bracket_end(p, n, i), j = i + 1;
    bool neg = false, hit = false;

    if (!end)
        return 0;
    if (p[j] == '!' || p[j] == '^') {
        neg = true;
        j++;
    }
    while (j < end - 1) {
        unsigned char lo, hi;
        if (p[j] == '[' && p[j + 1] == ':') {
            const char *close = strstr(p + j + 2, ":]");
            if (close && close < p + end) {
                hit = hit || posix_class(p + j + 2, (size_t)(close - p - j - 2), c);
                j = (size_t)(close - p) + 2;
                continue;
            }
        }
        if (p[j] == '\\' && j + 1 < end - 1)
            j++;
        lo = hi = (unsigned char)p[j++];
        if (j + 1 < end - 1 && p[j] == '-') {
            j++;
            if (p[j] == '\\' && j + 1 < end - 1)
                j++;
            hi = (unsigned char)p[j++];
        }
        hit = hit || (c >= lo && c <= hi);
    }
    *ok = hit != neg;
    return end - i;
}

/* One path segment against one pattern segment (`*`, `?`, `[...]`, `\x`). */
static bool seg_match(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star_p = NONE, star_s = 0;

    while (si < sn) {
        if (pi < pn) {
            bool ok = false;
            size_t adv = 1;
            if (p[pi] == '*') {
                while (pi < pn && p[pi] == '*')
                    pi++;
                star_p = pi;
                star_s = si;
                continue;
            }
            if (p[pi] == '?')
                ok = true;
            else if (p[pi] == '[' && (adv = class_match(p, pn, pi, (unsigned char)s[si], &ok)))
                ;
            else if (p[pi] == '\\' && pi + 1 < pn)
                ok = p[pi + 1] == s[si], adv = 2;
            else
                ok = p[pi] == s[si], adv = 1;
            if (ok) {
                pi += adv;
                si++;
                continue;
            }
        }
        if (star_p == NONE)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

struct pat_seg {
    const char *p; /* into pat_alt.text */
    size_t n;
    bool globstar; /* the whole segment is `**` */
};

struct pat_alt {
    char *text;
    struct pat_seg *segs;
    size_t n;
};

struct pat_glob {
    struct pat_alt *alts;
    size_t n;
    bool catch_all; /* exactly `**`: what Serverless starts from */
};

static const char *skip_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    return p;
}

static void glob_compile(const char *pattern, struct pat_glob *g)
{
    struct strvec alts = STRVEC_INIT;

    pattern = skip_dot_slash(pattern);
    g->catch_all = !strcmp(pattern, "**");
    expand(pattern, &alts);
    g->alts = xcalloc(alts.n + 1, sizeof(*g->alts));
    g->n = alts.n;
    for (size_t i = 0; i < alts.n; i++) {
        struct pat_alt *a = &g->alts[i];
        const char *s;
        size_t cap = 1;
        a->text = xstrdup(skip_dot_slash(alts.v[i]));
        for (s = a->text; *s; s++)
            cap += *s == '/';
        a->segs = xcalloc(cap, sizeof(*a->segs));
        for (s = a->text;;) {
            const char *e = strchrnul(s, '/');
            struct pat_seg *seg = &a->segs[a->n++];
            seg->p = s;
            seg->n = (size_t)(e - s);
            seg->globstar = seg->n == 2 && s[0] == '*' && s[1] == '*';
            if (!*e)
                break;
            s = e + 1;
        }
    }
    strvec_clear(&alts);
}

static void glob_release(struct pat_glob *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->alts[i].text);
        free(g->alts[i].segs);
    }
    free(g->alts);
    memset(g, 0, sizeof(*g));
}

/* The segment-level wildcard match: `**` is the star, every other segment
 * consumes exactly one path segment. */
static bool alt_match(const struct pat_alt *a, const char *path)
{
    size_t pi = 0, star_p = NONE;
    const char *s = path, *star_s = NULL;

    while (s) {
        const char *e = strchrnul(s, '/');
        if (pi < a->n && a->segs[pi].globstar) {
            star_p = ++pi;
            star_s = s;
            continue;
        }
        if (pi < a->n && seg_match(a->segs[pi].p, a->segs[pi].n, s, (size_t)(e - s))) {
            pi++;
            s = *e ? e + 1 : NULL;
            continue;
        }
        if (star_p == NONE)
            return false;
        /* the last `**` takes one more segment */
        e = strchrnul(star_s, '/');
        star_s = *e ? e + 1 : NULL;
        pi = star_p;
        s = star_s;
    }
    while (pi < a->n && a->segs[pi].globstar)
        pi++;
    return pi == a->n;
}

static bool glob_match(const struct pat_glob *g, const char *path)
{
    for (size_t i = 0; i < g->n; i++)
        if (alt_match(&g->alts[i], path))
            return true;
    return false;
}

bool pat_match(const char *pattern, const char *path)
{
    struct pat_glob g = { 0 };
    bool hit;

    glob_compile(pattern, &g);
    hit = glob_match(&g, path);
    glob_release(&g);
    return hit;
}

/* --- the pattern list --- */

/* lodash's _.union: appends what is not already in out. */
static void union_add(struct strvec *out, const struct strvec *add)
{
    for (size_t i = 0; i < add->n; i++)
        if (strvec_find(out, add->v[i]) < 0)
            strvec_push(out, add->v[i]);
}

void pat_list_build(const struct mf_package *service, const struct mf_package *fn,
                    struct strvec *out)
{
    struct strvec excl = STRVEC_INIT, incl = STRVEC_INIT;

    union_add(&excl, &service->exclude);
    if (fn)
        union_add(&excl, &fn->exclude);
    union_add(&incl, &service->include);
    union_add(&incl, &service->patterns);
    if (fn) {
        union_add(&incl, &fn->include);
        union_add(&incl, &fn->patterns);
    }
    /* an exclude entry "!x" re-includes x: Serverless flips its sign */
    for (size_t i = 0; i < excl.n; i++) {
        if (excl.v[i][0] == '!')
            strvec_push(out, excl.v[i] + 1);
        else
            strvec_pushf(out, "!%s", excl.v[i]);
    }
    for (size_t i = 0; i < incl.n; i++)
        strvec_push(out, incl.v[i]);
    strvec_clear(&excl);
    strvec_clear(&incl);
}

/* --- applying the list --- */

/* One file that a pattern may add or remove. */
struct pat_file {
    const char *path;
    bool in_walk, traced, in_set;
};

int pat_apply(const struct pat_walk *w, const struct strvec *patterns,
              const struct strvec *traced, struct strvec *files, struct fn_err *err)
{
    const struct strvec *all;
    struct pat_file *u;
    struct strvec result = STRVEC_INIT;
    size_t n = 0, i = 0, j = 0;

    /* list what the positive patterns can reach, and no more */
    for (size_t p = 0; p < patterns->n; p++)
        if (patterns->v[p][0] != '!' && pat_walk_need(w, patterns->v[p], err) < 0)
            return -1;
    all = pat_walk_files(w);
    u = xcalloc(all->n + files->n + 1, sizeof(*u));
    /* the universe: the walk's files merged with the starting set */
    while (i < all->n || j < files->n) {
        int c = i == all->n ? 1 : j == files->n ? -1 : strcmp(all->v[i], files->v[j]);
        struct pat_file *f = &u[n++];
        f->path = c <= 0 ? all->v[i] : files->v[j];
        f->in_walk = c <= 0;
        f->in_set = c >= 0;
        f->traced = strvec_find_sorted(traced, f->path) >= 0;
        i += c <= 0;
        j += c >= 0;
    }
    for (size_t p = 0; p < patterns->n; p++) {
        const char *pat = patterns->v[p];
        bool neg = pat[0] == '!';
        struct pat_glob g = { 0 };

        glob_compile(neg ? pat + 1 : pat, &g);
        for (size_t k = 0; k < n; k++) {
            struct pat_file *f = &u[k];
            if (f->in_set != neg || !glob_match(&g, f->path))
                continue;
            if (neg)
                f->in_set = false;
            else if (f->traced || (f->in_walk && !(g.catch_all && pat_walk_ignored(w, f->path))))
                f->in_set = true;
        }
        glob_release(&g);
    }
    for (size_t k = 0; k < n; k++)
        if (u[k].in_set)
            strvec_push(&result, u[k].path);
    strvec_clear(files);
    *files = result;
    free(u);
    return 0;
}
