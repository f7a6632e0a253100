/* gateway: the API Gateway port (default 3000) of `fnctl start`.
 *
 * Every httpApi and http event of the service is a route (router.h). A
 * request becomes a proxy event (apigw.h), an invocation of the route's
 * function, and the function's response is mapped back, with API Gateway's
 * status codes and bodies for each kind of failure, its integration timeout
 * (HTTP API 30 s: 503; REST 29 s: 504), its request-id headers, and CORS
 * (HTTP API corsConfiguration; REST `cors` OPTIONS methods). */
#ifndef FN_GATEWAY_H
#define FN_GATEWAY_H

#include <stdbool.h>

#include "emu.h"
#include "router.h"

struct gateway;

struct gw_opts {
    const char *host;
    int port;           /* 0: any free port */
    bool prepend_stage; /* REST routes under /<stage> (API Gateway's invoke URL) */
};

int gw_new(struct emu *e, const struct gw_opts *opts, struct gateway **out, struct fn_err *err);
void gw_free(struct gateway *g);

int gw_port(const struct gateway *g);
const struct router *gw_router(const struct gateway *g);

/* Replaces the routes (hot reload of serverless.yml); requests in flight
 * finish on the old ones. */
void gw_set_manifest(struct gateway *g, const struct manifest *m);

/* Forgets the Lambda authorizers' cached answers (their code changed). */
void gw_forget_authorizations(struct gateway *g);

#endif
