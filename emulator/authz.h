/* authz: API Gateway's authorizers, run locally.
 *
 * HTTP API JWT authorizers: the token from the identity source ("Bearer "
 * optional) is decoded and its issuer, audience (aud or client_id), expiry,
 * not-before, issued-at and scopes are checked as API Gateway checks them;
 * its SIGNATURE IS NOT VERIFIED (fnctl has no network and no issuer keys).
 * Lambda authorizers (HTTP API REQUEST with payload 1.0 or 2.0, simple or IAM
 * policy responses; REST TOKEN and REQUEST with IAM policies): the event is
 * built as API Gateway builds it, the authorizer function runs as any other,
 * and its answer decides, with API Gateway's statuses and bodies. Results are
 * not cached. */
#ifndef FN_AUTHZ_H
#define FN_AUTHZ_H

#include <jansson.h>
#include <stdbool.h>

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

#endif
