/* crypto_dl: OpenSSL's libcrypto digests, loaded on first use.
 *
 * Linking libcrypto costs every fnctl process 1.5 ms at start (measured:
 * an empty program 1.10 ms, linked with -lcrypto 2.62 ms), and only some
 * commands hash anything. So it is loaded with dlopen when first needed. */
#ifndef FN_CRYPTO_DL_H
#define FN_CRYPTO_DL_H

#include <stddef.h>

#include "err.h"

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_MD5_LEN 16

struct crypto_hash; /* an incremental digest */

enum crypto_alg { CRYPTO_SHA256, CRYPTO_MD5 };

/* Loads libcrypto if needed. Returns -1 with err set when it cannot. */
int crypto_dl_load(struct fn_err *err);

/* Incremental digest: new (NULL with err set when libcrypto cannot be
 * loaded), update any number of times, final writes the digest (32 or 16
 * bytes) and frees the context. crypto_hash_free() frees an unfinished one. */
struct crypto_hash *crypto_hash_new(enum crypto_alg alg, struct fn_err *err);
void crypto_hash_update(struct crypto_hash *h, const void *data, size_t len);
void crypto_hash_final(struct crypto_hash *h, unsigned char *digest);
void crypto_hash_free(struct crypto_hash *h);

#endif
