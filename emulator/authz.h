/* authz: API Gateway's authorizers, run locally.
 *
 * HTTP API JWT authorizers: the token from the identity source ("Bearer "
 * optional) is decoded and its issuer, audience (aud or client_id), expiry,
 * not-before, issued-at and scopes are checked as API Gateway checks them;
 * its SIGNATURE IS NOT VERIFIED (fnctl has no network and no issuer keys).
 * Lambda authorizers (HTTP API REQUEST with payload 1.0 or 2.0, simple or IAM
 * policy responses; REST TOKEN and REQUEST with IAM policies): the event is
 * built as API Gateway builds it, the authorizer function runs as any other,
 * and its answer decides, with API Gateway's statuses and bodies.
 *
 * Lambda authorizers' answers are cached as API Gateway caches them: for
 * resultTtlInSeconds (REST: 300 unless set; HTTP API: only when set above
 * 0), keyed by the values of the identity sources. A cached IAM policy is
 * evaluated again against each request's own ARN: a policy that allows only
 * the first request's resource denies the next one, as on AWS. */
#ifndef FN_AUTHZ_H
#define FN_AUTHZ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "apigw.h"
#include "buf.h"
#include "manifest.h"
#include "router.h"

enum az_verdict { AZ_ALLOW, AZ_DENY };

struct az_decision {
    enum az_verdict verdict;
    json_t *authorizer;      /* ALLOW: requestContext.authorizer for the integration (owned) */
    int status;              /* DENY: the gateway's status and body */
    char body[256];
    const char *error_type;  /* DENY: x-amzn-ErrorType (REST), or NULL */
    char www_authenticate[256];
};

enum az_kind { AZ_NONE, AZ_JWT, AZ_LAMBDA };

/* What guards the route: nothing (or an authorizer fnctl does not enforce),
 * a JWT authorizer (def set), or a Lambda authorizer (function set, def set
 * for HTTP API). */
enum az_kind az_kind_of(const struct manifest *m, const struct route *rt,
                        const struct mf_authorizer **def, const char **function);

/* JWT: decides at once. */
void az_jwt(const struct mf_authorizer *def, const struct route *rt,
            const struct apigw_request *req, struct az_decision *out);

/* Lambda authorizer, step 1: when the identity sources are present, builds
 * the authorizer's event into *event and returns true; otherwise fills out
 * with the 401 and returns false. */
bool az_lambda_event(const struct manifest *m, const struct mf_authorizer *def,
                     const struct route *rt, const struct apigw_request *req,
                     const struct route_match *match, struct buf *event, struct az_decision *out);

/* Step 2: the authorizer function's outcome decides. */
void az_lambda_decide(const struct manifest *m, const struct mf_authorizer *def,
                      const struct route *rt, const struct apigw_request *req,
                      const struct route_match *match, bool function_error, const char *payload,
                      size_t len, struct az_decision *out);

void az_decision_release(struct az_decision *d);

/* The cache of Lambda authorizers' answers (one per gateway). */
struct az_cache;
struct az_cache *az_cache_new(void);
void az_cache_free(struct az_cache *c);
/* Forgets every answer (the service changed). */
void az_cache_clear(struct az_cache *c);
/* For the route's Lambda authorizer: how long API Gateway keeps its answer
 * (seconds; 0: not cached, or an identity source is missing) and, appended
 * to key, the answer's key (the authorizer and its identity values). */
long az_cache_key(const struct mf_authorizer *def, const struct route *rt,
                  const struct apigw_request *req, struct buf *key);
/* The answer kept under key, unless it expired by now_us; NULL otherwise. */
const char *az_cache_get(const struct az_cache *c, const char *key, uint64_t now_us,
                         size_t *len);
/* Keeps an answer (copied) until expires_us. */
void az_cache_put(struct az_cache *c, const char *key, const char *payload, size_t len,
                  uint64_t expires_us);

#endif
