#include "crypto_dl.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "banned.h"

struct crypto_api {
    EVP_MD_CTX *(*ctx_new)(void);
    void (*ctx_free)(EVP_MD_CTX *);
    int (*init_ex)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
    int (*update)(EVP_MD_CTX *, const void *, size_t);
    int (*final_ex)(EVP_MD_CTX *, unsigned char *, unsigned int *);
    const EVP_MD *(*sha256)(void);
    const EVP_MD *(*md5)(void);
};

/* loaded once per process, like curl_dl's table */
static struct crypto_api api;
static void *lib;

int crypto_dl_load(struct fn_err *err)
{
    if (lib)
        return 0;
    lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fn_err_set(err, "cannot load libcrypto: %s", dlerror());
        return fn_err_hint(err, "install it: apt-get install libssl3");
    }
#define LOAD(field, name)                                                                          \
    if (!(*(void **)&api.field = dlsym(lib, name))) {                                              \
        fn_err_set(err, "libcrypto has no %s", name);                                             \
        dlclose(lib);                                                                              \
        lib = NULL;                                                                                \
        return -1;                                                                                 \
    }
    LOAD(ctx_new, "EVP_MD_CTX_new");
    LOAD(ctx_free, "EVP_MD_CTX_free");
    LOAD(init_ex, "EVP_DigestInit_ex");
    LOAD(update, "EVP_DigestUpdate");
    LOAD(final_ex, "EVP_DigestFinal_ex");
    LOAD(sha256, "EVP_sha256");
    LOAD(md5, "EVP_md5");
#undef LOAD
    return 0;
}

struct crypto_hash *crypto_hash_new(enum crypto_alg alg, struct fn_err *err)
{
    EVP_MD_CTX *ctx;

    if (crypto_dl_load(err) < 0)
        return NULL;
    ctx = api.ctx_new();
    if (!ctx || api.init_ex(ctx, alg == CRYPTO_MD5 ? api.md5() : api.sha256(), NULL) != 1) {
        if (ctx)
            api.ctx_free(ctx);
        fn_err_set(err, "libcrypto cannot start a digest");
        return NULL;
    }
    return (struct crypto_hash *)ctx;
}

void crypto_hash_update(struct crypto_hash *h, const void *data, size_t len)
{
    api.update((EVP_MD_CTX *)h, data, len);
}

void crypto_hash_final(struct crypto_hash *h, unsigned char *digest)
{
    unsigned int n = 0;
    api.final_ex((EVP_MD_CTX *)h, digest, &n);
    api.ctx_free((EVP_MD_CTX *)h);
}

void crypto_hash_free(struct crypto_hash *h)
{
    if (h)
        api.ctx_free((EVP_MD_CTX *)h);
}
