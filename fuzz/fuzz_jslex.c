/* libFuzzer target: the JavaScript module-specifier lexer on arbitrary bytes
 * (the source is not NUL-terminated: libFuzzer's buffer ends where the input
 * does, so an over-read is an ASan report). Every specifier it reports must
 * be well-formed: a position inside the input, a known kind, a specifier
 * that is NULL or a string no longer than the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jslex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jslex_result r = JSLEX_RESULT_INIT;

    jslex_scan((const char *)data, size, &r);
    for (size_t i = 0; i < r.n; i++) {
        const struct jslex_spec *sp = &r.specs[i];
        if (sp->line < 1 || sp->col < 1 || (size_t)sp->line > size + 1 ||
            (size_t)sp->col > size || sp->kind > JSLEX_DYNAMIC_IMPORT)
            abort();
        /* decoding never lengthens: \u{10FFFF} (10 bytes) is 4 in UTF-8 */
        if (sp->specifier && strlen(sp->specifier) > size)
            abort();
    }
    jslex_result_release(&r);
    return 0;
}
