/* The Lambda Invoke API of `fnctl start`, over raw HTTP (libcurl), checked
 * against what AWS answers: status codes, x-amzn-ErrorType, the bodies of
 * the errors, X-Amz-Function-Error, X-Amz-Log-Result; warm reuse, reserved
 * concurrency and throttling; and a clean stop on SIGINT that leaves no
 * worker behind.
 *
 * Each test has its own temporary directory: the service in svc/, what the
 * handlers record in out/ (outside the watched service directory), and its
 * own `fnctl start` on free loopback ports, stopped by PID at the end. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "harness.h"
#include "json.h"

static char *root;              /* the test's temporary directory */
static char svc[PATH_MAX];      /* root/svc: the service */
static char out[PATH_MAX];      /* root/out: what handlers record */
static pid_t server = -1;
static char endpoint[128];

static const char *manifest =
    "service: api\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: nodejs20.x\n"
    "functions:\n"
    "  echo:\n    handler: handler.echo\n"
    "  boom:\n    handler: handler.boom\n"
    "  size:\n    handler: handler.size\n"
    "  crash:\n    handler: handler.crash\n"
    "  sleeper:\n    handler: handler.sleeper\n    reservedConcurrency: 2\n";

static const char *handler_js =
    "const fs = require('fs');\n"
    "const path = require('path');\n"
    "const out = (name) => path.resolve('..', 'out', name);\n"
    "exports.echo = async (event, context) => {\n"
    "  console.log('echo', JSON.stringify(event));\n"
    "  if (event && event.mark) {\n"
    "    /* written whole, then renamed: the test reads it as soon as it exists */\n"
    "    fs.writeFileSync(out(event.mark) + '.tmp', JSON.stringify({ event, requestId: context.awsRequestId }));\n"
    "    fs.renameSync(out(event.mark) + '.tmp', out(event.mark));\n"
    "  }\n"
    "  return { event, pid: process.pid, requestId: context.awsRequestId,\n"
    "           endpoint: process.env.AWS_ENDPOINT_URL };\n"
    "};\n"
    "exports.boom = async () => { throw new TypeError('kaboom'); };\n"
    "exports.size = async (event) => ({ length: event.data.length });\n"
    "exports.crash = async (event) => {\n"
    "  if (event.crash) process.exit(3);\n"
    "  return { pid: process.pid };\n"
    "};\n"
    "exports.sleeper = async (event) => {\n"
    "  const start = Date.now();\n"
    "  fs.writeFileSync(out(`started-${process.pid}-${start}`), '');\n"
    "  await new Promise((resolve) => setTimeout(resolve, event.ms || 300));\n"
    "  fs.appendFileSync(out('records.txt'), `${process.pid} ${start} ${Date.now()}\\n`);\n"
    "  return 'slept';\n"
    "};\n";

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void nap(void)
{
    struct timespec ts = { 0, 10 * 1000000L };
    nanosleep(&ts, NULL);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    buf_addstr(&b, "");
    return buf_detach(&b, NULL);
}

static char *server_log(void)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/fnctl.log", root);
    char *text = read_text(path);
    return text ? text : strdup("");
}

/* Starts `fnctl start` in svc/ and waits for its aws endpoint line. Each
 * test calls it first (not .init: Criterion skips .fini when .init fails,
 * which would leave the directory behind). */
static void start_server(void)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof(log), "%s/fnctl.log", root);
    server = fork();
    cr_assert_geq(server, 0);
    if (server == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd < 0 || null < 0 || chdir(svc) != 0)
            _exit(127);
        dup2(null, 0);
        dup2(null, 1);
        dup2(fd, 2);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a crashed test */
        execl(FNCTL_BIN, FNCTL_BIN, "start", "--aws-port", "0", "--port", "0", (char *)NULL);
        _exit(127);
    }
    long deadline = now_ms() + 15000;
    endpoint[0] = '\0';
    while (!endpoint[0]) {
        char *text = server_log();
        const char *p = strstr(text, "  aws endpoint  http://");
        if (p)
            sscanf(p, "  aws endpoint  %127s", endpoint);
        int status;
        if (!endpoint[0] && waitpid(server, &status, WNOHANG) == server) {
            server = -1;
            cr_assert_fail("fnctl start exited early (status %#x%s):\n%s", status,
                           WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ", could not run "
                                                                              FNCTL_BIN : "",
                           text);
        }
        free(text);
        if (!endpoint[0]) {
            cr_assert_lt(now_ms(), deadline, "fnctl start printed no aws endpoint");
            nap();
        }
    }
    cr_assert(!strncmp(endpoint, "http://127.0.0.1:", 17), "%s", endpoint);
}

/* The processes other than fnctl itself whose working directory is inside
 * the test's directory: the workers (they run in the service directory). */
static int leftovers(char *report, size_t size)
{
    char real[PATH_MAX];
    int n = 0;
    size_t used = 0;
    cr_assert_not_null(realpath(root, real));
    size_t rlen = strlen(real);
    DIR *d = opendir("/proc");
    cr_assert_not_null(d);
    struct dirent *de;
    report[0] = '\0';
    while ((de = readdir(d))) {
        char link[300], cwd[PATH_MAX];
        if (de->d_name[0] < '0' || de->d_name[0] > '9' || atol(de->d_name) == (long)server)
            continue;
        snprintf(link, sizeof(link), "/proc/%s/cwd", de->d_name);
        ssize_t len = readlink(link, cwd, sizeof(cwd) - 1);
        if (len < 0)
            continue;
        cwd[len] = '\0';
        if (strncmp(cwd, real, rlen) || (cwd[rlen] && cwd[rlen] != '/'))
            continue;
        n++;
        if (used < size)
            used += (size_t)snprintf(report + used, size - used, " pid %s (cwd %s)", de->d_name, cwd);
    }
    closedir(d);
    return n;
}

/* SIGINT, by PID: fnctl must exit 0 and leave no worker behind. */
static void stop_server(void)
{
    int status = 0;
    pid_t pid = server;
    cr_assert_gt(pid, 0);
    cr_assert_eq(kill(pid, SIGINT), 0);
    long deadline = now_ms() + 10000;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
        nap();
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    server = -1;
    char *log = server_log();
    cr_assert_neq(got, 0, "fnctl start did not stop within 10 s of SIGINT:\n%s", log);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "fnctl start ended with status %#x after SIGINT:\n%s", status, log);
    free(log);
    char report[1024];
    /* workers are SIGKILLed; give the kernel a moment to tear them down */
    deadline = now_ms() + 2000;
    while (leftovers(report, sizeof(report)) && now_ms() < deadline)
        nap();
    cr_assert_eq(leftovers(report, sizeof(report)), 0, "left running:%s", report);
}

static void setup(void)
{
    root = e2e_tmpdir();
    snprintf(svc, sizeof(svc), "%s/svc", root);
    snprintf(out, sizeof(out), "%s/out", root);
    e2e_write(svc, "serverless.yml", manifest);
    e2e_write(svc, "handler.js", handler_js);
    e2e_write(out, ".keep", "");
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    if (server > 0) { /* the test failed before stopping it */
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
        server = -1;
    }
    curl_global_cleanup();
    e2e_rmrf(root);
    free(root);
}

TestSuite(lambda_api, .init = setup, .fini = teardown, .timeout = 60);

/* --- HTTP --- */

struct http {
    long status;
    struct buf head; /* the response headers, as received */
    struct buf body;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    buf_add(arg, data, size * n);
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct buf *head = arg;
    if (n * size > 5 && !strncmp(data, "HTTP/", 5)) /* a new response (after 100) */
        buf_reset(head);
    buf_add(head, data, size * n);
    return size * n;
}

/* POST /2015-03-31/functions/{name}/invocations; extra is a NULL-terminated
 * list of "Header: value" lines. No Content-Type, as botocore sends none. */
static void post_len(struct http *h, const char *name, const char *body, size_t len,
                     const char *const *extra)
{
    char url[512];
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type:");
    hdrs = curl_slist_append(hdrs, "Expect:");
    for (size_t i = 0; extra && extra[i]; i++)
        hdrs = curl_slist_append(hdrs, extra[i]);
    snprintf(url, sizeof(url), "%s/2015-03-31/functions/%s/invocations", endpoint, name);
    memset(h, 0, sizeof(*h));
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &h->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h->head);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "POST %s: %s", url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
}

static void post(struct http *h, const char *name, const char *body, const char *const *extra)
{
    post_len(h, name, body, strlen(body), extra);
}

static void http_release(struct http *h)
{
    buf_release(&h->head);
    buf_release(&h->body);
}

/* The value of response header name (case-insensitive), or NULL. */
static const char *header(const struct http *h, const char *name, char *val, size_t size)
{
    size_t nlen = strlen(name);
    const char *l = buf_cstr(&h->head);
    while (*l) {
        size_t len = strcspn(l, "\n");
        if (!strncasecmp(l, name, nlen) && l[nlen] == ':') {
            const char *v = l + nlen + 1;
            v += strspn(v, " ");
            snprintf(val, size, "%.*s", (int)strcspn(v, "\r\n"), v);
            return val;
        }
        l += len + (l[len] == '\n');
    }
    return NULL;
}

static json_t *body_json(const struct http *h)
{
    struct fn_err err = FN_ERR_INIT;
    json_t *doc = fj_parse(buf_cstr(&h->body), h->body.len, "body", &err);
    cr_assert_not_null(doc, "the body is not JSON (%s): %s", err.msg, buf_cstr(&h->body));
    return doc;
}

/* The error answer of the Invoke API: status, x-amzn-ErrorType, the body's
 * Type; returns the body's message ("message" or "Message"), malloc'd. */
static char *assert_api_error(const struct http *h, long status, const char *type)
{
    char v[256];
    cr_assert_eq(h->status, status, "HTTP %ld, expected %ld: %s", h->status, status,
                 buf_cstr(&h->body));
    cr_assert_not_null(header(h, "x-amzn-ErrorType", v, sizeof(v)), "%s", buf_cstr(&h->head));
    cr_assert_str_eq(v, type);
    json_t *doc = body_json(h);
    cr_assert_str_eq(fj_str(doc, "Type", ""), "User", "%s", buf_cstr(&h->body));
    char *msg = strdup(fj_str(doc, "message", fj_str(doc, "Message", "")));
    json_decref(doc);
    return msg;
}

/* The decoded X-Amz-Log-Result (malloc'd), asserted present. */
static char *tail_log(const struct http *h)
{
    char v[8192];
    struct buf log = BUF_INIT;
    cr_assert_not_null(header(h, "X-Amz-Log-Result", v, sizeof(v)), "no X-Amz-Log-Result:\n%s",
                       buf_cstr(&h->head));
    cr_assert_eq(b64_decode(v, strlen(v), &log), 0, "not base64: %s", v);
    buf_addstr(&log, "");
    return buf_detach(&log, NULL);
}

static const char *const tail[] = { "X-Amz-Log-Type: Tail", NULL };
static const char *const event_type[] = { "X-Amz-Invocation-Type: Event", NULL };

/* Waits for root/out/name to exist; returns its text (malloc'd). */
static char *wait_for_file(const char *name, long timeout_ms)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", out, name);
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        char *text = read_text(path);
        if (text)
            return text;
        if (now_ms() > deadline) {
            char *log = server_log();
            cr_assert_fail("%s never appeared; fnctl's log:\n%s", name, log);
        }
        nap();
    }
}

/* --- synchronous invocations --- */

Test(lambda_api, warm_worker_is_reused_without_init_duration)
{
    start_server();
    struct http a, b;
    post(&a, "api-dev-echo", "{\"n\": 1}", tail);
    post(&b, "api-dev-echo", "{\"n\": 2}", tail);
    cr_assert_eq(a.status, 200, "%s", buf_cstr(&a.body));
    cr_assert_eq(b.status, 200, "%s", buf_cstr(&b.body));
    json_t *ja = body_json(&a), *jb = body_json(&b);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(jb, "event"), "n")), 2);
    cr_assert_eq(json_integer_value(json_object_get(ja, "pid")),
                 json_integer_value(json_object_get(jb, "pid")), "a second worker was started");
    cr_assert_str_neq(fj_str(ja, "requestId", "a"), fj_str(jb, "requestId", "b"));
    /* the function's own SDK calls reach this emulator, on the port it bound */
    cr_assert_str_eq(fj_str(ja, "endpoint", ""), endpoint);
    char *la = tail_log(&a), *lb = tail_log(&b);
    cr_assert(strstr(la, "\tInit Duration: "), "cold start without Init Duration:\n%s", la);
    cr_assert(strstr(lb, "REPORT RequestId: "), "%s", lb);
    cr_assert_null(strstr(lb, "Init Duration"), "warm invoke with Init Duration:\n%s", lb);
    free(la);
    free(lb);
    json_decref(ja);
    json_decref(jb);
    http_release(&a);
    http_release(&b);
    stop_server();
}

Test(lambda_api, tail_returns_the_log_as_base64)
{
    start_server();
    struct http h;
    char id[64], v[64];
    post(&h, "api-dev-echo", "{\"tail\": 1}", tail);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    cr_assert_not_null(header(&h, "x-amzn-RequestId", id, sizeof(id)));
    cr_assert_not_null(header(&h, "X-Amz-Executed-Version", v, sizeof(v)));
    cr_assert_str_eq(v, "$LATEST");
    cr_assert_null(header(&h, "X-Amz-Function-Error", v, sizeof(v)));
    char *log = tail_log(&h), start[128], end[128], report[128];
    snprintf(start, sizeof(start), "START RequestId: %s Version: $LATEST\n", id);
    snprintf(end, sizeof(end), "\nEND RequestId: %s\n", id);
    snprintf(report, sizeof(report), "\nREPORT RequestId: %s\tDuration: ", id);
    cr_assert(!strncmp(log, start, strlen(start)), "the tail starts with START:\n%s", log);
    cr_assert(strstr(log, "\tINFO\techo {\"tail\":1}\n"), "%s", log);
    cr_assert(strstr(log, end) && strstr(log, report), "%s", log);
    cr_assert_null(strstr(log, "[echo]"), "the tail is the raw log, without fnctl's prefix");
    free(log);
    http_release(&h);

    /* without Tail, no log */
    post(&h, "api-dev-echo", "{}", NULL);
    cr_assert_eq(h.status, 200);
    cr_assert_null(header(&h, "X-Amz-Log-Result", v, sizeof(v)));
    http_release(&h);

    /* the last 4 KB only: a 10 KB log line pushes START out */
    struct buf big = BUF_INIT;
    buf_addstr(&big, "{\"big\": \"");
    for (int i = 0; i < 10000; i++)
        buf_addch(&big, 'x');
    buf_addstr(&big, "\"}");
    post(&h, "api-dev-echo", buf_cstr(&big), tail);
    cr_assert_eq(h.status, 200);
    log = tail_log(&h);
    cr_assert_leq(strlen(log), 4096);
    cr_assert_geq(strlen(log), 4000);
    cr_assert_null(strstr(log, "START RequestId"), "%s", log);
    cr_assert(strstr(log, "REPORT RequestId: "), "the end of the log is kept:\n%s", log);
    free(log);
    buf_release(&big);
    http_release(&h);
    stop_server();
}

Test(lambda_api, function_error_is_200_with_unhandled)
{
    start_server();
    struct http h;
    char v[64];
    post(&h, "api-dev-boom", "{}", NULL);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    cr_assert_not_null(header(&h, "X-Amz-Function-Error", v, sizeof(v)), "%s", buf_cstr(&h.head));
    cr_assert_str_eq(v, "Unhandled");
    json_t *doc = body_json(&h);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "TypeError");
    cr_assert_str_eq(fj_str(doc, "errorMessage", ""), "kaboom");
    json_decref(doc);
    http_release(&h);
    stop_server();
}

Test(lambda_api, crashed_worker_fails_its_invocation_and_is_replaced)
{
    start_server();
    struct http h;
    char v[64], id[64];
    post(&h, "api-dev-crash", "{\"crash\": true}", NULL);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    cr_assert_not_null(header(&h, "X-Amz-Function-Error", v, sizeof(v)));
    cr_assert_not_null(header(&h, "x-amzn-RequestId", id, sizeof(id)));
    json_t *doc = body_json(&h);
    char message[160];
    snprintf(message, sizeof(message), "RequestId: %s Error: Runtime exited with error: exit status 3",
             id);
    cr_assert_str_eq(fj_str(doc, "errorType", ""), "Runtime.ExitError");
    cr_assert_str_eq(fj_str(doc, "errorMessage", ""), message);
    json_decref(doc);
    http_release(&h);

    post(&h, "api-dev-crash", "{}", tail);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    cr_assert_null(header(&h, "X-Amz-Function-Error", v, sizeof(v)), "%s", buf_cstr(&h.body));
    char *log = tail_log(&h);
    cr_assert(strstr(log, "\tInit Duration: "), "the replacement is a cold start:\n%s", log);
    free(log);
    http_release(&h);
    stop_server();
}

Test(lambda_api, function_names_and_qualifiers)
{
    start_server();
    struct http h;
    /* botocore percent-encodes the name: api-dev-echo:$LATEST */
    post(&h, "api-dev-echo%3A%24LATEST", "{}", NULL);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    http_release(&h);
    post(&h, "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aapi-dev-echo", "{}", NULL);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    http_release(&h);
    /* no published versions locally */
    post(&h, "api-dev-echo%3Av1", "{}", NULL);
    char *msg = assert_api_error(&h, 404, "ResourceNotFoundException");
    cr_assert(strstr(msg, ":function:api-dev-echo:v1"), "%s", msg);
    free(msg);
    http_release(&h);
    stop_server();
}

/* --- the Invoke API's own errors --- */

Test(lambda_api, unknown_function_is_404_resource_not_found)
{
    start_server();
    struct http h;
    post(&h, "nope", "{}", NULL);
    char *msg = assert_api_error(&h, 404, "ResourceNotFoundException");
    cr_assert(!strncmp(msg, "Function not found: arn:aws:lambda:us-east-1:", 45), "%s", msg);
    const char *suffix = ":function:nope:$LATEST";
    cr_assert(strlen(msg) > strlen(suffix) &&
                  !strcmp(msg + strlen(msg) - strlen(suffix), suffix), "%s", msg);
    free(msg);
    http_release(&h);
    stop_server();
}

Test(lambda_api, invalid_json_is_400_invalid_request_content)
{
    start_server();
    struct http h;
    post(&h, "api-dev-echo", "{not json", NULL);
    char *msg = assert_api_error(&h, 400, "InvalidRequestContentException");
    const char *prefix = "Could not parse request body into json: Could not parse payload into json: ";
    cr_assert(!strncmp(msg, prefix, strlen(prefix)), "%s", msg);
    free(msg);
    http_release(&h);
    /* the function never saw it */
    char *log = server_log();
    cr_assert_null(strstr(log, "START RequestId"), "%s", log);
    free(log);
    stop_server();
}

static void json_payload(struct buf *b, size_t total)
{
    /* {"data":"xxx...x"}: total bytes */
    buf_addstr(b, "{\"data\":\"");
    while (b->len < total - 2)
        buf_addch(b, 'x');
    buf_addstr(b, "\"}");
}

Test(lambda_api, request_over_6291456_bytes_is_413)
{
    start_server();
    struct http h;
    struct buf p = BUF_INIT;
    json_payload(&p, 6291456 + 1);
    post_len(&h, "api-dev-size", p.data, p.len, NULL);
    char *msg = assert_api_error(&h, 413, "RequestEntityTooLargeException");
    cr_assert_str_eq(msg, "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    free(msg);
    http_release(&h);

    /* exactly the limit is fine */
    buf_reset(&p);
    json_payload(&p, 6291456);
    post_len(&h, "api-dev-size", p.data, p.len, NULL);
    cr_assert_eq(h.status, 200, "%s", buf_cstr(&h.body));
    json_t *doc = body_json(&h);
    cr_assert_eq(json_integer_value(json_object_get(doc, "length")), 6291456 - 11);
    json_decref(doc);
    http_release(&h);

    /* Event invocations have a far smaller limit (256 KB, lately 1 MB) */
    buf_reset(&p);
    json_payload(&p, 1048576 + 1);
    post_len(&h, "api-dev-size", p.data, p.len, event_type);
    msg = assert_api_error(&h, 413, "RequestEntityTooLargeException");
    free(msg);
    http_release(&h);
    buf_release(&p);
    stop_server();
}

/* --- invocation types --- */

Test(lambda_api, dry_run_is_204_and_runs_nothing)
{
    start_server();
    struct http h;
    const char *const dry[] = { "X-Amz-Invocation-Type: DryRun", NULL };
    post(&h, "api-dev-echo", "{\"mark\": \"dry\"}", dry);
    cr_assert_eq(h.status, 204, "%s", buf_cstr(&h.body));
    cr_assert_eq(h.body.len, 0);
    http_release(&h);
    post(&h, "nope", "{}", dry);
    free(assert_api_error(&h, 404, "ResourceNotFoundException"));
    http_release(&h);
    char *log = server_log();
    cr_assert_null(strstr(log, "START RequestId"), "a dry run ran the function:\n%s", log);
    free(log);
    stop_server();
}

Test(lambda_api, event_is_202_and_runs_later)
{
    start_server();
    struct http h;
    char id[64];
    post(&h, "api-dev-echo", "{\"mark\": \"event-ran\"}", event_type);
    cr_assert_eq(h.status, 202, "%s", buf_cstr(&h.body));
    cr_assert_eq(h.body.len, 0, "%s", buf_cstr(&h.body));
    cr_assert_not_null(header(&h, "x-amzn-RequestId", id, sizeof(id)));
    char *ran = wait_for_file("event-ran", 15000);
    cr_assert(strstr(ran, id), "the function's awsRequestId is the one answered: %s vs %s", ran, id);
    free(ran);
    http_release(&h);
    stop_server();
}

/* --- reserved concurrency --- */

struct record {
    long pid, start, end;
};

static int by_time(const void *a, const void *b)
{
    const long *x = a, *y = b; /* {time, +1|-1}: an end before a start at the same ms */
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

Test(lambda_api, reserved_concurrency_caps_parallel_workers)
{
    start_server();
    enum { N = 6 };
    for (int i = 0; i < N; i++) {
        struct http h;
        post(&h, "api-dev-sleeper", "{\"ms\": 300}", event_type);
        cr_assert_eq(h.status, 202, "Event %d: HTTP %ld %s", i, h.status, buf_cstr(&h.body));
        http_release(&h);
    }
    char path[PATH_MAX + 32], *text = NULL;
    snprintf(path, sizeof(path), "%s/records.txt", out);
    long deadline = now_ms() + 20000;
    struct record rec[N + 4];
    int n = 0;
    for (;;) {
        free(text);
        text = read_text(path);
        n = 0;
        for (const char *l = text; l && *l && n < N + 4; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "")
            if (sscanf(l, "%ld %ld %ld", &rec[n].pid, &rec[n].start, &rec[n].end) == 3)
                n++;
        if (n >= N)
            break;
        cr_assert_lt(now_ms(), deadline, "%d of %d invocations ran", n, N);
        nap();
    }
    cr_assert_eq(n, N, "%s", text);
    long ev[2 * N][2];
    long pids[N];
    int npids = 0;
    for (int i = 0; i < N; i++) {
        ev[2 * i][0] = rec[i].start, ev[2 * i][1] = 1;
        ev[2 * i + 1][0] = rec[i].end, ev[2 * i + 1][1] = -1;
        bool seen = false;
        for (int j = 0; j < npids; j++)
            seen |= pids[j] == rec[i].pid;
        if (!seen)
            pids[npids++] = rec[i].pid;
    }
    qsort(ev, 2 * N, sizeof(ev[0]), by_time);
    int running = 0, most = 0;
    for (int i = 0; i < 2 * N; i++) {
        running += (int)ev[i][1];
        most = running > most ? running : most;
    }
    cr_assert_leq(most, 2, "%d ran at once with reservedConcurrency 2:\n%s", most, text);
    cr_assert_leq(npids, 2, "%d workers with reservedConcurrency 2:\n%s", npids, text);
    /* and the two it may use, it uses */
    cr_assert_eq(most, 2, "never 2 at once:\n%s", text);
    free(text);
    stop_server();
}

Test(lambda_api, sync_invoke_over_reserved_concurrency_is_429)
{
    start_server();
    struct http h;
    for (int i = 0; i < 2; i++) {
        post(&h, "api-dev-sleeper", "{\"ms\": 1500}", event_type);
        cr_assert_eq(h.status, 202);
        http_release(&h);
    }
    post(&h, "api-dev-sleeper", "{\"ms\": 1}", NULL);
    char *msg = assert_api_error(&h, 429, "TooManyRequestsException");
    cr_assert_str_eq(msg, "Rate Exceeded.");
    json_t *doc = body_json(&h);
    cr_assert_str_eq(fj_str(doc, "Reason", ""), "ReservedFunctionConcurrentInvocationLimitExceeded");
    json_decref(doc);
    free(msg);
    http_release(&h);
    /* stopped while both still sleep: nothing is left behind */
    stop_server();
}

static int count_started(void)
{
    int n = 0;
    DIR *d = opendir(out);
    cr_assert_not_null(d);
    struct dirent *de;
    while ((de = readdir(d)))
        n += !strncmp(de->d_name, "started-", 8);
    closedir(d);
    return n;
}

Test(lambda_api, sigint_stops_busy_workers_at_once)
{
    start_server();
    struct http h;
    for (int i = 0; i < 2; i++) {
        post(&h, "api-dev-sleeper", "{\"ms\": 20000}", event_type);
        cr_assert_eq(h.status, 202);
        http_release(&h);
    }
    long deadline = now_ms() + 15000;
    while (count_started() < 2) {
        cr_assert_lt(now_ms(), deadline, "the two invocations never started");
        nap();
    }
    long t0 = now_ms();
    stop_server();
    cr_assert_lt(now_ms() - t0, 3000, "fnctl waited for the functions instead of stopping them");
}
