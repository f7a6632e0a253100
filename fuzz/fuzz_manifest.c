/* libFuzzer target: the manifest loader (YAML, variables, intrinsics,
 * events) on arbitrary text. ${file()} and ${env:} resolve against an empty
 * directory and whatever the environment holds; neither may crash it. */
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mf_opts opts = { .dir = "/nonexistent-fnctl-fuzz" };
    struct manifest *m = NULL;
    struct fn_err err = FN_ERR_INIT;

    if (mf_load_text((const char *)data, size, "serverless.yml", &opts, &m, &err) == 0) {
        json_t *j = mf_to_json(m);
        json_decref(j);
    }
    mf_free(m);
    return 0;
}
