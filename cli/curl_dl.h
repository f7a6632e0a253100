/* curl_dl: libcurl, loaded when a command first needs it.
 *
 * Linking libcurl costs every fnctl process about 5 ms at start (its TLS,
 * Kerberos and LDAP dependencies initialise themselves), although only
 * `invoke --endpoint` (and template downloads) use it. So cli/ loads it with
 * dlopen on first use and calls it through this table. */
#ifndef FN_CURL_DL_H
#define FN_CURL_DL_H

#include <curl/curl.h>

#include "err.h"

struct curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    char *(*easy_escape)(CURL *, const char *, int);
    const char *(*easy_strerror)(CURLcode);
    void (*free)(void *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
};

/* The loaded API (the same table on every call), or NULL with err set when
 * libcurl cannot be loaded. */
const struct curl_api *curl_dl(struct fn_err *err);

#endif
