/* libFuzzer target: the Python import lexer on arbitrary bytes (the source
 * is not NUL-terminated: libFuzzer's buffer ends where the input does, so
 * an over-read is an ASan report). Every import it reports must be
 * well-formed: a module that is NULL or a string, a position inside the
 * input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pylex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pylex_result r = PYLEX_RESULT_INIT;

    pylex_scan((const char *)data, size, &r);
    for (size_t i = 0; i < r.n; i++) {
        const struct pylex_import *im = &r.imports[i];
        if (im->line < 1 || im->col < 1 || (size_t)im->line > size + 1 || im->level < 0)
            abort();
        for (size_t k = 0; k < im->names.n; k++)
            if (!im->names.v[k][0])
                abort();
    }
    pylex_result_release(&r);
    return 0;
}
