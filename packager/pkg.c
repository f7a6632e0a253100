/* pkg: see pkg.h. */
#include "pkg.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

time_t pkg_default_mtime(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long v;

    if (sde && *sde) {
        v = strtoll(sde, &end, 10);
        if (end && *end == '\0' && v >= 315532800LL)
            return (time_t)v;
    }
    return (time_t)315532800; /* 1980-01-01T00:00:00Z */
}
