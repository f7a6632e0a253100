/* Every real serverless.yml in ../shared/corpus/serverless-examples either
 * loads or is refused with a located error; none crashes or hangs. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

#define EXAMPLES FNCTL_CORPUS "/serverless-examples"

struct tally {
    int loaded, warned, refused;
};

static void check_one(const char *name, struct tally *t, FILE *report)
{
    char path[1024];
    struct e2e_result r;
    struct e2e_opts opts = { .timeout_ms = 10000 };
    snprintf(path, sizeof(path), "%s/%s", EXAMPLES, name);

    cr_assert_eq(e2e_fnctl(&r, &opts, "validate", "--json", "-c", path, NULL), 0);
    cr_assert(!r.timed_out, "%s: fnctl validate hung", name);
    cr_assert_eq(r.signal, 0, "%s: fnctl validate died of signal %d\n%s", name, r.signal,
                 buf_cstr(&r.err));
    cr_assert(r.status == 0 || r.status == 2, "%s: exit %d\n%s", name, r.status,
              buf_cstr(&r.err));

    struct fn_err jerr = FN_ERR_INIT;
    json_t *doc = fj_parse(buf_cstr(&r.out), r.out.len, "stdout", &jerr);
    cr_assert_not_null(doc, "%s: --json output is not JSON: %s", name, jerr.msg);
    if (r.status == 0) {
        cr_assert(json_is_true(json_object_get(doc, "ok")), "%s", name);
        size_t warnings = json_array_size(json_object_get(json_object_get(doc, "service"), "warnings"));
        if (warnings)
            t->warned++;
        else
            t->loaded++;
        fprintf(report, "%-70s %s\n", name, warnings ? "warned" : "loaded");
    } else {
        json_t *e = json_object_get(doc, "error");
        const char *msg = fj_str(e, "message", "");
        const char *file = fj_str(e, "file", "");
        cr_assert(msg[0], "%s: refused without a message", name);
        cr_assert(file[0], "%s: error names no file: %s", name, msg);
        /* Located: a line and column, unless the file itself is missing. */
        cr_assert(json_integer_value(json_object_get(e, "line")) > 0 ||
                      strstr(msg, "does not exist"),
                  "%s: error has no line: %s", name, msg);
        cr_assert(strstr(buf_cstr(&r.err), "fnctl: ") == buf_cstr(&r.err) ||
                      strstr(buf_cstr(&r.err), "\nfnctl: "),
                  "%s: stderr does not say 'fnctl: ...':\n%s", name, buf_cstr(&r.err));
        t->refused++;
        fprintf(report, "%-70s refused  %s\n", name, msg);
    }
    json_decref(doc);
    e2e_release(&r);
}

Test(corpus, every_example_loads_or_is_refused_with_a_located_error, .timeout = 600)
{
    DIR *d = opendir(EXAMPLES);
    struct tally t = { 0 };
    struct dirent *de;
    int total = 0;
    char *report_path = getenv("FNCTL_CORPUS_REPORT");
    FILE *report = fopen(report_path ? report_path : "/dev/null", "w");

    cr_assert_not_null(d, "corpus not found at %s", EXAMPLES);
    cr_assert_not_null(report);
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".yml"))
            continue;
        check_one(de->d_name, &t, report);
        total++;
    }
    closedir(d);
    fprintf(report, "total %d: loaded %d, warned %d, refused %d\n", total, t.loaded, t.warned,
            t.refused);
    fclose(report);
    cr_log_info("corpus: %d files: %d loaded clean, %d loaded with warnings, %d refused", total,
                t.loaded, t.warned, t.refused);
    cr_assert_gt(total, 100, "expected the whole corpus, found %d files", total);
    cr_assert_eq(t.loaded + t.warned + t.refused, total);
    /* Every AWS example that needs no missing file, option or secret loads. */
    cr_assert_gt(t.loaded + t.warned, 90);
}
