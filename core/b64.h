/* b64: base64 (RFC 4648, standard alphabet, padded), for headers such as
 * X-Amz-Log-Result and X-Amz-Client-Context. */
#ifndef FN_B64_H
#define FN_B64_H

#include <stddef.h>

#include "buf.h"

/* Appends the encoding of len bytes to out. */
void b64_encode(const void *data, size_t len, struct buf *out);

/* Appends the decoded bytes to out. Returns -1 (out unchanged) on a
 * character outside the alphabet or bad padding; whitespace is skipped. */
int b64_decode(const char *text, size_t len, struct buf *out);

#endif
