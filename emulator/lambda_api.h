/* lambda_api: the aws port, and on it the Lambda Invoke API as AWS serves
 * it: POST /2015-03-31/functions/{FunctionName}/invocations with
 * X-Amz-Invocation-Type RequestResponse, Event (202, queued and retried
 * twice on error) or DryRun (204), X-Amz-Log-Type Tail
 * (X-Amz-Log-Result: base64 of the last 4 KB of the log),
 * X-Amz-Client-Context, and AWS's error responses (ResourceNotFound,
 * RequestEntityTooLarge, InvalidRequestContent, TooManyRequests). A
 * function error is 200 with X-Amz-Function-Error: Unhandled, as on AWS, so
 * that the aws CLI and the SDKs read it as they do there. */
#ifndef FN_LAMBDA_API_H
#define FN_LAMBDA_API_H

#include "emu.h"

/* Binds opts.host:opts.aws_port (0: any free port) and serves it. Sets
 * e->aws_port and e->aws_endpoint. */
int lapi_listen(struct emu *e, struct fn_err *err);

/* Delay before an asynchronous invocation's retry n (1 or 2), seconds:
 * Lambda waits about a minute, then two; FNCTL_ASYNC_RETRY_SECONDS sets
 * both for impatient local runs. */
int lapi_retry_delay(int attempt);

/* Drops the Event invocations waiting to be retried (the emulator stops). */
void lapi_drop_retries(struct emu *e);

#endif
