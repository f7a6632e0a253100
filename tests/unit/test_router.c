/* router: API Gateway's route selection, as a table of requests. */
#include <criterion/criterion.h>
#include <string.h>

#include "manifest.h"
#include "router.h"

static const char *service =
    "service: shop\n"
    "provider:\n  name: aws\n  runtime: nodejs20.x\n"
    "functions:\n"
    "  dog1:\n    handler: h.a\n    events:\n      - httpApi: 'GET /pets/dog/1'\n"
    "  dogid:\n    handler: h.a\n    events:\n      - httpApi: 'GET /pets/dog/{id}'\n"
    "  pets:\n    handler: h.a\n    events:\n      - httpApi: 'GET /pets/{proxy+}'\n"
    "  anyproxy:\n    handler: h.a\n    events:\n      - httpApi: 'ANY /{proxy+}'\n"
    "  orders:\n    handler: h.a\n    events:\n      - httpApi: 'POST /orders'\n"
    "      - httpApi:\n          method: '*'\n          path: /orders\n"
    "  catchall:\n    handler: h.a\n    events:\n      - httpApi: '*'\n"
    "  rest:\n    handler: h.a\n    events:\n      - http: 'GET /items/{id}'\n"
    "      - http: 'ANY /files/{path+}'\n";

struct row {
    const char *method, *path;
    const char *function; /* NULL: no match */
    const char *param, *value;
};

static const struct row rows[] = {
    { "GET", "/pets/dog/1", "dog1", NULL, NULL },
    { "GET", "/pets/dog/2", "dogid", "id", "2" },
    { "GET", "/pets/cat/1", "pets", "proxy", "cat/1" },
    { "POST", "/test/5", "anyproxy", "proxy", "test/5" },
    { "GET", "/pets/dog/1/", "dog1", NULL, NULL },      /* trailing slash tolerated */
    { "POST", "/orders", "orders", NULL, NULL },         /* specific method beats ANY */
    { "DELETE", "/orders", "orders", NULL, NULL },       /* ANY on the same path */
    { "GET", "/", "catchall", NULL, NULL },              /* {proxy+} never matches empty */
    { "GET", "/dev/items/7", "rest", "id", "7" },        /* REST under the stage */
    { "PUT", "/dev/files/a/b%20c", "rest", "path", "a/b%20c" },
    { "GET", "/dev/items/", "anyproxy", "proxy", "dev/items" }, /* empty {id} never matches */
};

Test(router, picks_the_route_api_gateway_picks)
{
    struct mf_opts opts = { 0 };
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mf_load_text(service, strlen(service), "serverless.yml", &opts, &m, &err), 0,
                 "%s", err.msg);
    struct router *r = router_new(m, true);
    cr_assert_eq(router_count(r), 9);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *row = &rows[i];
        struct route_match match;
        bool found = router_match(r, row->method, row->path, &match, NULL);
        if (!row->function) {
            cr_assert(!found, "[%s %s] matched %s", row->method, row->path,
                      found ? match.route->fn->key : "");
            continue;
        }
        cr_assert(found, "[%s %s] no match", row->method, row->path);
        cr_assert_str_eq(match.route->fn->key, row->function, "[%s %s]", row->method, row->path);
        if (row->param) {
            cr_assert_eq(match.n_params, 1, "[%s %s]", row->method, row->path);
            cr_assert_eq(match.params[0].name_len, strlen(row->param));
            cr_assert_eq(strncmp(match.params[0].name, row->param, strlen(row->param)), 0);
            cr_assert_eq(match.params[0].value_len, strlen(row->value), "[%s %s] %.*s",
                         row->method, row->path, (int)match.params[0].value_len,
                         match.params[0].value);
            cr_assert_eq(strncmp(match.params[0].value, row->value, strlen(row->value)), 0);
        }
    }
    router_free(r);
    mf_free(m);
}

Test(router, route_keys_and_stage_prefix)
{
    struct mf_opts opts = { .stage = "prod" };
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mf_load_text(service, strlen(service), "serverless.yml", &opts, &m, &err), 0);
    struct router *r = router_new(m, true);
    cr_assert_str_eq(router_stage_prefix(r), "/prod");
    cr_assert_str_eq(router_at(r, 0)->route_key, "GET /pets/dog/1");
    cr_assert_str_eq(router_at(r, 6)->route_key, "$default");
    struct route_match match;
    cr_assert(router_match(r, "GET", "/prod/items/9", &match, NULL));
    cr_assert_str_eq(match.route->fn->key, "rest");
    cr_assert_str_eq(match.path, "/items/9");
    router_free(r);

    r = router_new(m, false); /* --noPrependStageInUrl */
    cr_assert_str_eq(router_stage_prefix(r), "");
    cr_assert(router_match(r, "GET", "/items/9", &match, NULL));
    cr_assert_str_eq(match.route->fn->key, "rest");
    router_free(r);
    mf_free(m);
}

Test(router, path_matched_tells_a_wrong_method_from_no_route)
{
    const char *text = "service: s1\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
                       "functions:\n  f:\n    handler: h.a\n    events:\n"
                       "      - http: 'GET /x'\n";
    struct mf_opts opts = { 0 };
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;
    cr_assert_eq(mf_load_text(text, strlen(text), "serverless.yml", &opts, &m, &err), 0);
    struct router *r = router_new(m, true);
    struct route_match match;
    bool path_matched;
    cr_assert(!router_match(r, "POST", "/dev/x", &match, &path_matched));
    cr_assert(path_matched);
    cr_assert(!router_match(r, "GET", "/dev/y", &match, &path_matched));
    cr_assert(!path_matched);
    cr_assert(!router_match(r, "GET", "/x", &match, &path_matched), "REST without the stage");
    router_free(r);
    mf_free(m);
}
