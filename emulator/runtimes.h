/* runtimes: how a worker process is started for each Lambda runtime.
 *
 * fnctl's own bootstraps for nodejs* and python* (emulator/runtimes/, built
 * into the binary as one archive) are extracted once into a cache directory
 * named after their content; a provided* runtime runs the function's own
 * `bootstrap` executable, as on Lambda. */
#ifndef FN_RUNTIMES_H
#define FN_RUNTIMES_H

#include "err.h"
#include "strvec.h"

/* The directory holding node/bootstrap.cjs and python/bootstrap.py,
 * extracting them on first use ($XDG_CACHE_HOME/fnctl or ~/.cache/fnctl, or
 * $FNCTL_RUNTIME_DIR when set). The caller frees *out. */
int rtm_extract(char **out, struct fn_err *err);

/* The argv that starts a worker for `runtime` whose code is in task_root.
 * Fails, with a hint, for runtimes fnctl cannot run or a missing bootstrap
 * or interpreter. */
int rtm_command(const char *runtime, const char *runtime_dir, const char *task_root,
                struct strvec *argv, struct fn_err *err);

/* AWS_EXECUTION_ENV for the runtime ("AWS_Lambda_nodejs20.x"), or NULL
 * (provided runtimes have none). */
const char *rtm_execution_env(const char *runtime, char *buf, size_t size);

#endif
