/* buf: a growable byte buffer with a size ceiling (after git's strbuf and
 * curl's dynbuf).
 *
 * data is always NUL-terminated (the NUL is not counted in len), so a buf
 * holding text can be passed where a C string is expected. Everything filled
 * from the network or a file gets a ceiling (max), e.g. Lambda's payload
 * limits: an append past it fails and leaves the buffer unchanged, so a
 * too-large input is an error, never an unbounded allocation.
 *
 *     struct buf b = BUF_INIT;          // no ceiling
 *     buf_init(&b, 6 * 1024 * 1024);    // or: at most 6 MiB
 *     buf_addf(&b, "%d", n);
 *     ...
 *     buf_release(&b);                  // frees; b is reusable as BUF_INIT
 */
#ifndef FN_BUF_H
#define FN_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append; buf_cstr() never is */
    size_t len;
    size_t cap;
    size_t max; /* 0: no ceiling */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
/* Frees the storage; the buffer is left empty and keeps its ceiling. */
void buf_release(struct buf *b);
/* Empties the buffer, keeping its storage. */
void buf_reset(struct buf *b);
/* Hands the storage to the caller (who frees it) and empties the buffer.
 * Never NULL. If lenp is not NULL, the length is stored there. */
char *buf_detach(struct buf *b, size_t *lenp);

/* Appends; each returns 0, or -1 when the ceiling would be passed (the
 * buffer is then unchanged). */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);

/* Makes room for at least extra more bytes; 0 or -1 as above. */
int buf_grow(struct buf *b, size_t extra);
/* Shortens to len (no-op when len >= b->len). */
void buf_truncate(struct buf *b, size_t len);
/* The contents as a C string ("" when empty; never NULL). */
const char *buf_cstr(const struct buf *b);

#endif
