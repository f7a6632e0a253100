/* fnctl invoke: one invocation of a real function, run as Lambda runs it.
 *
 * Each test writes the same small service into a fresh temporary directory:
 * node (CommonJS, ES modules, callbacks), python (a handler in a package),
 * a provided.al2023 custom runtime whose bootstrap is the bash + curl script
 * of AWS's custom-runtime tutorial, and handlers that throw, time out, crash
 * and run out of memory. The assertions are what Lambda itself prints and
 * returns (see the facts in DESIGN.md §4). */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "json.h"

static char *dir;

static const char *manifest =
    "service: svc\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "  region: eu-west-1\n"
    "  environment:\n"
    "    SHARED: from-provider\n"
    "    OVERRIDDEN: provider\n"
    "functions:\n"
    "  cjs:\n    handler: handler.main\n"
    "  esm:\n    handler: esm.main\n"
    "  typemod:\n    handler: lib/index.main\n"
    "  callback:\n    handler: callback.main\n"
    "  users:\n    runtime: python3.11\n    handler: src/handlers/users.get\n"
    "  pyboom:\n    runtime: python3.11\n    handler: src/handlers/users.boom\n"
    "  pynomodule:\n    runtime: python3.11\n    handler: src/handlers/missing.get\n"
    "  pynohandler:\n    runtime: python3.11\n    handler: src/handlers/users.nothere\n"
    "  custom:\n    runtime: provided.al2023\n    handler: function.handler\n"
    "  boom:\n    handler: handler.boom\n"
    "  nomodule:\n    handler: missing.main\n"
    "  nohandler:\n    handler: handler.nothere\n"
    "  slow:\n    handler: handler.slow\n    timeout: 1\n"
    "  crash:\n    handler: handler.crash\n"
    "  hog:\n    handler: handler.hog\n    memorySize: 128\n"
    "  env:\n"
    "    handler: handler.env\n"
    "    memorySize: 256\n"
    "    environment:\n"
    "      OVERRIDDEN: function\n"
    "      FN_ONLY: \"42\"\n";

static const char *handler_js =
    "const fs = require('fs');\n"
    "exports.main = async (event, context) => {\n"
    "  console.log('cjs got', JSON.stringify(event));\n"
    "  return { kind: 'cjs', event, functionName: context.functionName,\n"
    "           memory: context.memoryLimitInMB, requestId: context.awsRequestId,\n"
    "           remaining: context.getRemainingTimeInMillis() };\n"
    "};\n"
    "exports.boom = async () => { throw new TypeError('kaboom'); };\n"
    "exports.slow = async () => {\n"
    "  fs.writeFileSync('worker.pid', String(process.pid));\n"
    "  await new Promise((resolve) => setTimeout(resolve, 10000));\n"
    "  return 'too late';\n"
    "};\n"
    "exports.crash = async () => {\n"
    "  fs.writeFileSync('worker.pid', String(process.pid));\n"
    "  process.exit(3);\n"
    "};\n"
    "exports.hog = async () => {\n"
    "  fs.writeFileSync('worker.pid', String(process.pid));\n"
    "  const keep = [];\n"
    "  for (let i = 0; i < 300; i++) keep.push(Buffer.alloc(1 << 20, 1));\n"
    "  return keep.length;\n"
    "};\n"
    "exports.env = async () => process.env;\n";

static const char *esm_mjs =
    "export const main = async (event) =>\n"
    "  ({ kind: 'esm', event, isModule: typeof require === 'undefined' });\n";

static const char *lib_index_js = /* .js under "type": "module" */
    "export async function main(event) {\n"
    "  return { kind: 'type-module', event, isModule: typeof require === 'undefined' };\n"
    "}\n";

static const char *callback_js =
    "exports.main = (event, context, callback) => {\n"
    "  setTimeout(() => callback(null, { kind: 'callback', event,\n"
    "                                    requestId: context.awsRequestId }), 20);\n"
    "};\n";

static const char *users_py =
    "def get(event, context):\n"
    "    print(\"getting user\", event.get(\"id\"))\n"
    "    return {\"kind\": \"python\", \"user\": event.get(\"id\"), \"module\": __name__,\n"
    "            \"functionName\": context.function_name,\n"
    "            \"memory\": context.memory_limit_in_mb, \"requestId\": context.aws_request_id}\n"
    "\n"
    "\n"
    "def boom(event, context):\n"
    "    raise ValueError(\"bad user\")\n";

/* AWS's custom runtime tutorial, as published (bash instead of sh). */
static const char *bootstrap_sh =
    "#!/bin/bash\n"
    "set -euo pipefail\n"
    "# Initialization - load function handler\n"
    "source $LAMBDA_TASK_ROOT/\"$(echo $_HANDLER | cut -d. -f1).sh\"\n"
    "# Processing\n"
    "while true\n"
    "do\n"
    "  HEADERS=\"$(mktemp)\"\n"
    "  # Get an event. The HTTP request will block until one is received\n"
    "  EVENT_DATA=$(curl -sS -LD \"$HEADERS\" "
    "\"http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next\")\n"
    "  # Extract request ID by scraping response headers received above\n"
    "  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id \"$HEADERS\" | tr -d '[:space:]' | "
    "cut -d: -f2)\n"
    "  # Run the handler function from the script\n"
    "  RESPONSE=$($(echo \"$_HANDLER\" | cut -d. -f2) \"$EVENT_DATA\")\n"
    "  # Send the response\n"
    "  curl -sS \"http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/"
    "response\" -d \"$RESPONSE\"\n"
    "  rm -f \"$HEADERS\"\n"
    "done\n";

static const char *function_sh =
    "function handler () {\n"
    "  EVENT_DATA=$1\n"
    "  echo \"$EVENT_DATA\" 1>&2;\n"
    "  RESPONSE=\"Echoing request: '$EVENT_DATA'\"\n"
    "  echo $RESPONSE\n"
    "}\n";

static void make_service(void)
{
    char path[PATH_MAX];
    dir = e2e_tmpdir();
    e2e_write(dir, "serverless.yml", manifest);
    e2e_write(dir, "handler.js", handler_js);
    e2e_write(dir, "esm.mjs", esm_mjs);
    e2e_write(dir, "lib/package.json", "{\"type\": \"module\"}\n");
    e2e_write(dir, "lib/index.js", lib_index_js);
    e2e_write(dir, "callback.js", callback_js);
    e2e_write(dir, "src/__init__.py", "");
    e2e_write(dir, "src/handlers/__init__.py", "");
    e2e_write(dir, "src/handlers/users.py", users_py);
    e2e_write(dir, "bootstrap", bootstrap_sh);
    e2e_write(dir, "function.sh", function_sh);
    snprintf(path, sizeof(path), "%s/bootstrap", dir);
    chmod(path, 0755);
}

static void remove_service(void)
{
    e2e_rmrf(dir);
    free(dir);
}

TestSuite(invoke, .init = make_service, .fini = remove_service);

/* --- helpers --- */

#define UUID_RE "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

/* fnctl invoke FUNCTION ARGS... in the service directory. */
#define invoke(r, ...) run_invoke(r, NULL, NULL, __VA_ARGS__, NULL)

static void run_invoke(struct e2e_result *r, const char *const *env, const char *input, ...)
{
    const char *argv[16] = { FNCTL_BIN, "invoke" };
    size_t n = 2;
    va_list ap;
    va_start(ap, input);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 15)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    struct e2e_opts o = { .cwd = dir, .env = env, .input = input, .timeout_ms = 30000 };
    cr_assert_eq(e2e_run(r, &o, argv), 0);
    cr_assert(!r->timed_out, "fnctl invoke %s hung\n%s", argv[2], buf_cstr(&r->err));
}

static bool matches(const char *s, const char *pattern)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0, "%s", pattern);
    bool ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* The whole line of text that contains needle (malloc'd), or NULL. */
static char *line_with(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    if (!hit)
        return NULL;
    const char *start = hit;
    while (start > text && start[-1] != '\n')
        start--;
    size_t len = strcspn(start, "\n");
    return strndup(start, len);
}

static long offset_of(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    return hit ? hit - text : -1;
}

/* The request id of the START line of function key in the log. */
static void request_id(const char *log, const char *key, char id[37])
{
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "[%s] START RequestId: ", key);
    const char *p = strstr(log, prefix);
    cr_assert_not_null(p, "no START line for %s in:\n%s", key, log);
    snprintf(id, 37, "%s", p + strlen(prefix));
    cr_assert(matches(id, "^" UUID_RE "$"), "request id '%s'", id);
}

#define assert_exit(r, code)                                                                 \
    cr_assert_eq((r)->status, (code), "exit %d (signal %d), expected %d\nstdout:\n%s\nstderr:\n%s", \
                 (r)->status, (r)->signal, (code), buf_cstr(&(r)->out), buf_cstr(&(r)->err))

static json_t *stdout_json(const struct e2e_result *r)
{
    struct fn_err err = FN_ERR_INIT;
    json_t *doc = fj_parse(buf_cstr(&r->out), r->out.len, "stdout", &err);
    cr_assert_not_null(doc, "stdout is not JSON (%s): %s\nstderr:\n%s", err.msg,
                       buf_cstr(&r->out), buf_cstr(&r->err));
    return doc;
}

/* START, then the function's line, then END and REPORT, all of one request. */
static void assert_logged_in_order(const char *log, const char *key, const char *fn_line)
{
    char id[37], start[128], end[128], report[128];
    request_id(log, key, id);
    snprintf(start, sizeof(start), "[%s] START RequestId: %s Version: $LATEST\n", key, id);
    snprintf(end, sizeof(end), "[%s] END RequestId: %s\n", key, id);
    snprintf(report, sizeof(report), "[%s] REPORT RequestId: %s\t", key, id);
    long s = offset_of(log, start), f = offset_of(log, fn_line), e = offset_of(log, end);
    long rp = offset_of(log, report);
    cr_assert(s >= 0 && e > s && rp > e, "START/END/REPORT missing or out of order:\n%s", log);
    cr_assert(f > s && f < e, "'%s' is not between START and END:\n%s", fn_line, log);
}

static pid_t pid_file(const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "the handler did not write %s", name);
    long pid = 0;
    cr_assert_eq(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    return (pid_t)pid;
}

/* Gone: no such process, or at most a zombie nobody waits for any more. */
static bool process_gone(pid_t pid)
{
    char path[64], st[512];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(st, 1, sizeof(st) - 1, f);
    fclose(f);
    st[n] = '\0';
    const char *paren = strrchr(st, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void assert_error_payload(const struct e2e_result *r, const char *type, const char *message)
{
    json_t *doc = stdout_json(r);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), type, "%s", buf_cstr(&r->out));
    if (message)
        cr_assert_str_eq(fj_str(doc, "errorMessage", ""), message, "%s", buf_cstr(&r->out));
    json_decref(doc);
}

/* --- runtimes --- */

Test(invoke, node_commonjs_handler)
{
    struct e2e_result r;
    char id[37];
    invoke(&r, "cjs", "--data", "{\"id\": 7}");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    request_id(buf_cstr(&r.err), "cjs", id);
    cr_assert_str_eq(fj_str(doc, "kind", ""), "cjs");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "event"), "id")), 7);
    cr_assert_str_eq(fj_str(doc, "functionName", ""), "svc-dev-cjs");
    cr_assert_str_eq(fj_str(doc, "memory", ""), "1024"); /* a string, as in AWS's runtime */
    cr_assert_str_eq(fj_str(doc, "requestId", ""), id);
    json_int_t left = json_integer_value(json_object_get(doc, "remaining"));
    cr_assert(left > 0 && left <= 6000, "getRemainingTimeInMillis() = %lld", (long long)left);
    /* console.log as Lambda's node runtime writes it: time, request id, level */
    char *line = line_with(buf_cstr(&r.err), "cjs got");
    cr_assert_not_null(line, "%s", buf_cstr(&r.err));
    cr_assert(matches(line, "^\\[cjs\\] [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\."
                            "[0-9]{3}Z\t" UUID_RE "\tINFO\tcjs got \\{\"id\":7\\}$"),
              "%s", line);
    cr_assert(strstr(line, id));
    assert_logged_in_order(buf_cstr(&r.err), "cjs", "cjs got");
    free(line);
    json_decref(doc);
    e2e_release(&r);
}

static void assert_module_handler(const char *key, const char *kind)
{
    struct e2e_result r;
    invoke(&r, key, "--data", "[1, 2]");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "kind", ""), kind);
    cr_assert(json_is_true(json_object_get(doc, "isModule")), "%s was not loaded as an ES module",
              key);
    cr_assert_eq(json_array_size(json_object_get(doc, "event")), 2);
    e2e_release(&r);
    json_decref(doc);
}

Test(invoke, node_esm_mjs_handler)
{
    assert_module_handler("esm", "esm");
}

Test(invoke, node_js_handler_under_type_module)
{
    assert_module_handler("typemod", "type-module");
}

Test(invoke, node_callback_handler)
{
    struct e2e_result r;
    char id[37];
    invoke(&r, "callback", "--data", "{\"cb\": true}");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    request_id(buf_cstr(&r.err), "callback", id);
    cr_assert_str_eq(fj_str(doc, "kind", ""), "callback");
    cr_assert_str_eq(fj_str(doc, "requestId", ""), id);
    cr_assert(json_is_true(json_object_get(json_object_get(doc, "event"), "cb")));
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, python_handler_in_a_package)
{
    struct e2e_result r;
    char id[37];
    invoke(&r, "users", "--data", "{\"id\": \"u-1\"}");
    assert_exit(&r, 0);
    request_id(buf_cstr(&r.err), "users", id);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "kind", ""), "python");
    cr_assert_str_eq(fj_str(doc, "user", ""), "u-1");
    cr_assert_str_eq(fj_str(doc, "module", ""), "src.handlers.users");
    cr_assert_str_eq(fj_str(doc, "functionName", ""), "svc-dev-users");
    cr_assert_str_eq(fj_str(doc, "memory", ""), "1024");
    cr_assert_str_eq(fj_str(doc, "requestId", ""), id);
    /* print() is plain stdout in Lambda's python runtime: no prefix */
    assert_logged_in_order(buf_cstr(&r.err), "users", "\n[users] getting user u-1\n");
    json_decref(doc);
    e2e_release(&r);
}

/* Once, print() lines could reach the log after END (about 1 cold start in
 * 7): the worker's stdout was not drained at /response. A few more tries. */
Test(invoke, python_print_is_logged_before_end)
{
    for (int i = 0; i < 4; i++) {
        struct e2e_result r;
        invoke(&r, "users", "--data", "{\"id\": \"u-1\"}");
        assert_exit(&r, 0);
        assert_logged_in_order(buf_cstr(&r.err), "users", "[users] getting user u-1\n");
        e2e_release(&r);
    }
}

Test(invoke, provided_runtime_bash_bootstrap_with_curl)
{
    struct e2e_result r;
    invoke(&r, "custom", "--data", "{\"id\":7}");
    assert_exit(&r, 0);
    /* the function's response is bytes, passed through as they are */
    cr_assert_str_eq(buf_cstr(&r.out), "Echoing request: '{\"id\":7}'\n");
    /* what the script wrote to stderr is the function's log */
    assert_logged_in_order(buf_cstr(&r.err), "custom", "[custom] {\"id\":7}\n");
    e2e_release(&r);
}

/* --- function errors --- */

Test(invoke, thrown_error_exits_1_with_the_error_json)
{
    struct e2e_result r;
    invoke(&r, "boom");
    assert_exit(&r, 1);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "TypeError");
    cr_assert_str_eq(fj_str(doc, "errorMessage", ""), "kaboom");
    json_t *trace = json_object_get(doc, "trace");
    cr_assert(json_array_size(trace) >= 2, "%s", buf_cstr(&r.out));
    cr_assert_str_eq(json_string_value(json_array_get(trace, 0)), "TypeError: kaboom");
    /* the runtime logs it too, as "Invoke Error" */
    char *line = line_with(buf_cstr(&r.err), "\tERROR\tInvoke Error \t{");
    cr_assert_not_null(line, "%s", buf_cstr(&r.err));
    cr_assert(strstr(line, "\"errorMessage\":\"kaboom\""), "%s", line);
    free(line);
    cr_assert(strstr(buf_cstr(&r.err), "[boom] END RequestId: "));
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, python_exception_has_lambda_error_shape)
{
    struct e2e_result r;
    char id[37];
    invoke(&r, "pyboom");
    assert_exit(&r, 1);
    request_id(buf_cstr(&r.err), "pyboom", id);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "ValueError");
    cr_assert_str_eq(fj_str(doc, "errorMessage", ""), "bad user");
    cr_assert_str_eq(fj_str(doc, "requestId", ""), id);
    json_t *trace = json_object_get(doc, "stackTrace");
    cr_assert_eq(json_array_size(trace), 1, "%s", buf_cstr(&r.out));
    cr_assert(strstr(json_string_value(json_array_get(trace, 0)), "users.py\", line 9, in boom"),
              "%s", buf_cstr(&r.out));
    cr_assert(strstr(buf_cstr(&r.err), "[ERROR] ValueError: bad user"), "%s", buf_cstr(&r.err));
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, node_missing_module_is_import_module_error)
{
    struct e2e_result r;
    invoke(&r, "nomodule");
    assert_exit(&r, 1);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "Runtime.ImportModuleError");
    cr_assert(!strncmp(fj_str(doc, "errorMessage", ""), "Error: Cannot find module 'missing'", 35),
              "%s", buf_cstr(&r.out));
    cr_assert(strstr(buf_cstr(&r.err), "\tERROR\tUncaught Exception \t"), "%s", buf_cstr(&r.err));
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, node_missing_handler_is_handler_not_found)
{
    struct e2e_result r;
    invoke(&r, "nohandler");
    assert_exit(&r, 1);
    assert_error_payload(&r, "Runtime.HandlerNotFound", "handler.nothere is undefined or not exported");
    e2e_release(&r);
}

Test(invoke, python_missing_module_is_import_module_error)
{
    struct e2e_result r;
    invoke(&r, "pynomodule");
    assert_exit(&r, 1);
    assert_error_payload(&r, "Runtime.ImportModuleError",
                         "Unable to import module 'src/handlers/missing': "
                         "No module named 'src.handlers.missing'");
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "requestId", "-"), ""); /* an init error has none */
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, python_missing_handler_is_handler_not_found)
{
    struct e2e_result r;
    invoke(&r, "pynohandler");
    assert_exit(&r, 1);
    assert_error_payload(&r, "Runtime.HandlerNotFound",
                         "Handler 'nothere' missing on module 'src/handlers/users'");
    e2e_release(&r);
}

/* --- what Lambda enforces --- */

Test(invoke, timeout_kills_the_worker_with_sandbox_timedout)
{
    struct e2e_result r;
    char id[37], re[256];
    invoke(&r, "slow");
    assert_exit(&r, 1);
    request_id(buf_cstr(&r.err), "slow", id);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "Sandbox.Timedout");
    snprintf(re, sizeof(re), "^RequestId: %s Error: Task timed out after 1\\.[0-9]{2} seconds$", id);
    cr_assert(matches(fj_str(doc, "errorMessage", ""), re), "%s", buf_cstr(&r.out));
    char *line = line_with(buf_cstr(&r.err), "Task timed out after 1.0");
    cr_assert_not_null(line, "%s", buf_cstr(&r.err));
    snprintf(re, sizeof(re), "^\\[slow\\] [0-9T:.-]{23}Z %s Task timed out after 1\\.0[0-9] seconds$",
             id);
    cr_assert(matches(line, re), "%s", line);
    free(line);
    /* never before the deadline the function was given (once the loop's
     * cached clock fired it ~2 ms early: "Duration: 999.74 ms") */
    char *report = line_with(buf_cstr(&r.err), "[slow] REPORT RequestId: ");
    cr_assert_not_null(report, "%s", buf_cstr(&r.err));
    double ms = 0;
    cr_assert_eq(sscanf(strstr(report, "\tDuration: "), "\tDuration: %lf ms", &ms), 1, "%s", report);
    cr_assert_geq(ms, 1000.0, "%s", report);
    cr_assert_lt(ms, 3000.0, "%s", report);
    free(report);
    /* the worker was killed, not waited for (it sleeps 10 s) */
    cr_assert(process_gone(pid_file("worker.pid")), "the timed-out worker is still running");
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, crash_is_runtime_exit_error)
{
    struct e2e_result r;
    char id[37], message[160];
    invoke(&r, "crash");
    assert_exit(&r, 1);
    request_id(buf_cstr(&r.err), "crash", id);
    snprintf(message, sizeof(message),
             "RequestId: %s Error: Runtime exited with error: exit status 3", id);
    assert_error_payload(&r, "Runtime.ExitError", message);
    /* the platform lines between START and END, as CloudWatch shows them */
    char logged[200];
    snprintf(logged, sizeof(logged), "[crash] %s\n[crash] Runtime.ExitError\n", message);
    assert_logged_in_order(buf_cstr(&r.err), "crash", logged);
    cr_assert(process_gone(pid_file("worker.pid")));
    e2e_release(&r);
}

Test(invoke, worker_over_its_memory_is_out_of_memory)
{
    struct e2e_result r;
    char id[37], message[160];
    invoke(&r, "hog");
    assert_exit(&r, 1);
    request_id(buf_cstr(&r.err), "hog", id);
    snprintf(message, sizeof(message), "RequestId: %s Error: Runtime exited with error: signal: killed",
             id);
    assert_error_payload(&r, "Runtime.OutOfMemory", message);
    char *report = line_with(buf_cstr(&r.err), "[hog] REPORT");
    cr_assert_not_null(report, "%s", buf_cstr(&r.err));
    cr_assert(strstr(report, "\tMemory Size: 128 MB\t"), "%s", report);
    long used = 0;
    const char *m = strstr(report, "\tMax Memory Used: ");
    cr_assert_not_null(m, "%s", report);
    cr_assert_eq(sscanf(m, "\tMax Memory Used: %ld MB", &used), 1);
    cr_assert_geq(used, 128, "%s", report);
    cr_assert(strstr(buf_cstr(&r.err), "\n[hog] Runtime.OutOfMemory\n"), "%s", buf_cstr(&r.err));
    cr_assert(process_gone(pid_file("worker.pid")));
    free(report);
    e2e_release(&r);
}

/* --- the log --- */

Test(invoke, report_line_has_lambdas_format)
{
    struct e2e_result r;
    char id[37], re[512];
    invoke(&r, "cjs");
    assert_exit(&r, 0);
    request_id(buf_cstr(&r.err), "cjs", id);
    const char *log = buf_cstr(&r.err);
    snprintf(re, sizeof(re), "^\\[cjs\\] START RequestId: %s Version: \\$LATEST$", id);
    cr_assert(matches(log, re), "%s", log);
    snprintf(re, sizeof(re), "^\\[cjs\\] END RequestId: %s$", id);
    cr_assert(matches(log, re), "%s", log);
    /* a cold start: Init Duration after Max Memory Used; tab separated,
     * with the trailing tab */
    snprintf(re, sizeof(re),
             "^\\[cjs\\] REPORT RequestId: %s\tDuration: [0-9]+\\.[0-9]{2} ms\t"
             "Billed Duration: [0-9]+ ms\tMemory Size: 1024 MB\tMax Memory Used: [0-9]+ MB\t"
             "Init Duration: [0-9]+\\.[0-9]{2} ms\t$",
             id);
    cr_assert(matches(log, re), "%s", log);
    char *report = line_with(log, "[cjs] REPORT");
    double duration = 0, init = 0;
    long billed = 0, used = 0;
    cr_assert_eq(sscanf(strchr(report, '\t'),
                        "\tDuration: %lf ms\tBilled Duration: %ld ms\tMemory Size: 1024 MB\t"
                        "Max Memory Used: %ld MB\tInit Duration: %lf ms",
                        &duration, &billed, &used, &init),
                 4, "%s", report);
    cr_assert_geq((double)billed, duration, "%s", report); /* rounded up, never down */
    cr_assert(used > 0 && used < 1024, "%s", report);     /* measured, not the size */
    cr_assert(init > 0, "%s", report);
    free(report);
    e2e_release(&r);
}

Test(invoke, log_format_json_is_one_object_per_line)
{
    struct e2e_result r;
    invoke(&r, "cjs", "--log-format", "json", "--data", "{\"id\": 1}");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r); /* the response is unchanged */
    cr_assert_str_eq(fj_str(doc, "kind", ""), "cjs");
    json_decref(doc);

    char *log = strdup(buf_cstr(&r.err)), *save = NULL;
    int lines = 0;
    bool start = false, fn = false, report = false;
    for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        struct fn_err err = FN_ERR_INIT;
        json_t *o = fj_parse(l, strlen(l), "stderr line", &err);
        cr_assert_not_null(o, "not JSON: %s (%s)", l, err.msg);
        cr_assert(json_is_object(o), "%s", l);
        cr_assert_str_eq(fj_str(o, "function", ""), "cjs", "%s", l);
        cr_assert(matches(fj_str(o, "time", ""), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z$"), "%s", l);
        const char *type = fj_str(o, "type", ""), *msg = fj_str(o, "message", "");
        cr_assert(!strcmp(type, "platform") || !strcmp(type, "function"), "%s", l);
        start |= !strcmp(type, "platform") && !strncmp(msg, "START RequestId: ", 17);
        report |= !strcmp(type, "platform") && !strncmp(msg, "REPORT RequestId: ", 18);
        fn |= !strcmp(type, "function") && strstr(msg, "\tINFO\tcjs got {\"id\":1}");
        json_decref(o);
        lines++;
    }
    cr_assert(lines >= 4 && start && fn && report, "%s", buf_cstr(&r.err));
    free(log);
    e2e_release(&r);
}

/* --- the environment --- */

Test(invoke, function_sees_the_lambda_environment)
{
    /* the host's own credentials must never reach a function */
    const char *host_env[] = { "AWS_ACCESS_KEY_ID=AKIAHOSTKEYNEVERSHOWN",
                               "AWS_SECRET_ACCESS_KEY=host-secret-never-shown",
                               "AWS_SESSION_TOKEN=host-token", NULL };
    struct e2e_result r;
    run_invoke(&r, host_env, NULL, "env", "--stage", "qa", NULL);
    assert_exit(&r, 0);
    json_t *env = stdout_json(&r);
    cr_assert_str_eq(fj_str(env, "AWS_LAMBDA_FUNCTION_NAME", ""), "svc-qa-env");
    cr_assert_str_eq(fj_str(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", ""), "256");
    cr_assert_str_eq(fj_str(env, "AWS_LAMBDA_FUNCTION_VERSION", ""), "$LATEST");
    cr_assert_str_eq(fj_str(env, "AWS_LAMBDA_LOG_GROUP_NAME", ""), "/aws/lambda/svc-qa-env");
    cr_assert(matches(fj_str(env, "AWS_LAMBDA_LOG_STREAM_NAME", ""),
                      "^[0-9]{4}/[0-9]{2}/[0-9]{2}/\\[\\$LATEST\\][0-9a-f]{32}$"));
    cr_assert_str_eq(fj_str(env, "AWS_REGION", ""), "eu-west-1");
    cr_assert_str_eq(fj_str(env, "AWS_DEFAULT_REGION", ""), "eu-west-1");
    cr_assert_str_eq(fj_str(env, "AWS_EXECUTION_ENV", ""), "AWS_Lambda_nodejs20.x");
    cr_assert_str_eq(fj_str(env, "_HANDLER", ""), "handler.env");
    cr_assert(matches(fj_str(env, "AWS_LAMBDA_RUNTIME_API", ""), "^127\\.0\\.0\\.1:[0-9]+$"));
    cr_assert(matches(fj_str(env, "AWS_ENDPOINT_URL", ""), "^http://[^ ]+:[0-9]+$"), "%s",
              fj_str(env, "AWS_ENDPOINT_URL", "(unset)"));
    cr_assert_str_neq(fj_str(env, "LAMBDA_TASK_ROOT", ""), "");
    cr_assert_str_neq(fj_str(env, "AWS_ACCESS_KEY_ID", ""), "");
    cr_assert_str_neq(fj_str(env, "AWS_ACCESS_KEY_ID", ""), "AKIAHOSTKEYNEVERSHOWN");
    cr_assert_str_neq(fj_str(env, "AWS_SECRET_ACCESS_KEY", ""), "host-secret-never-shown");
    cr_assert_str_neq(fj_str(env, "AWS_SESSION_TOKEN", ""), "host-token");
    /* serverless.yml: provider environment, the function's over it */
    cr_assert_str_eq(fj_str(env, "SHARED", ""), "from-provider");
    cr_assert_str_eq(fj_str(env, "OVERRIDDEN", ""), "function");
    cr_assert_str_eq(fj_str(env, "FN_ONLY", ""), "42");
    json_decref(env);
    e2e_release(&r);
}

Test(invoke, lambda_task_root_is_the_absolute_service_directory)
{
    struct e2e_result r;
    char real[PATH_MAX];
    invoke(&r, "env");
    assert_exit(&r, 0);
    json_t *env = stdout_json(&r);
    cr_assert_not_null(realpath(dir, real));
    cr_assert_str_eq(fj_str(env, "LAMBDA_TASK_ROOT", ""), real);
    json_decref(env);
    e2e_release(&r);
}

/* --- where the event comes from --- */

Test(invoke, event_from_a_file)
{
    struct e2e_result r;
    e2e_write(dir, "events/user.json", "{\"id\": \"from-file\"}\n");
    invoke(&r, "users", "--event-file", "events/user.json");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "user", ""), "from-file");
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, event_from_stdin)
{
    struct e2e_result r;
    run_invoke(&r, NULL, "{\"id\": \"from-stdin\"}", "users", NULL);
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "user", ""), "from-stdin");
    json_decref(doc);
    e2e_release(&r);

    run_invoke(&r, NULL, "{\"id\": \"dash\"}", "users", "--event-file", "-", NULL);
    assert_exit(&r, 0);
    doc = stdout_json(&r);
    cr_assert_str_eq(fj_str(doc, "user", ""), "dash");
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, no_event_is_an_empty_object)
{
    struct e2e_result r;
    invoke(&r, "cjs");
    assert_exit(&r, 0);
    json_t *doc = stdout_json(&r);
    json_t *event = json_object_get(doc, "event");
    cr_assert(json_is_object(event) && json_object_size(event) == 0, "%s", buf_cstr(&r.out));
    json_decref(doc);
    e2e_release(&r);
}

Test(invoke, invalid_json_event_exits_2_without_running)
{
    struct e2e_result r;
    invoke(&r, "cjs", "--data", "{bad");
    assert_exit(&r, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    cr_assert(!strncmp(buf_cstr(&r.err), "fnctl: ", 7), "%s", buf_cstr(&r.err));
    cr_assert(strstr(buf_cstr(&r.err), "invalid JSON"), "%s", buf_cstr(&r.err));
    cr_assert_null(strstr(buf_cstr(&r.err), "START RequestId"), "%s", buf_cstr(&r.err));
    e2e_release(&r);

    e2e_write(dir, "bad.json", "{\"id\": }");
    invoke(&r, "cjs", "--event-file", "bad.json");
    assert_exit(&r, 2);
    cr_assert(strstr(buf_cstr(&r.err), "bad.json:1:"), "the error names the file: %s",
              buf_cstr(&r.err));
    e2e_release(&r);

    run_invoke(&r, NULL, "not json", "cjs", NULL);
    assert_exit(&r, 2);
    cr_assert_str_eq(buf_cstr(&r.out), "");
    e2e_release(&r);
}
