#include "curl_dl.h"

#include <dlfcn.h>
#include <stddef.h>

#include "banned.h"

const struct curl_api *curl_dl(struct fn_err *err)
{
    /* loaded once per process; main's only state of this kind */
    static struct curl_api api;
    static void *lib;
    if (lib)
        return &api;
    lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fn_err_set(err, "cannot load libcurl: %s", dlerror());
        fn_err_hint(err, "install it: apt-get install libcurl4");
        return NULL;
    }
#define LOAD(field, name)                                                                          \
    if (!(*(void **)&api.field = dlsym(lib, name))) {                                              \
        fn_err_set(err, "libcurl has no %s", name);                                               \
        dlclose(lib);                                                                              \
        lib = NULL;                                                                                \
        return NULL;                                                                               \
    }
    LOAD(easy_init, "curl_easy_init");
    LOAD(easy_setopt, "curl_easy_setopt");
    LOAD(easy_perform, "curl_easy_perform");
    LOAD(easy_getinfo, "curl_easy_getinfo");
    LOAD(easy_cleanup, "curl_easy_cleanup");
    LOAD(easy_escape, "curl_easy_escape");
    LOAD(easy_strerror, "curl_easy_strerror");
    LOAD(free, "curl_free");
    LOAD(slist_append, "curl_slist_append");
    LOAD(slist_free_all, "curl_slist_free_all");
#undef LOAD
    return &api;
}
