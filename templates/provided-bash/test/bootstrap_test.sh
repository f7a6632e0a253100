#!/bin/bash
# Tests of the custom runtime (bootstrap) without Lambda: a fake `curl`, put
# first on PATH, plays the Runtime API from a queue of events and records what
# bootstrap posts back. Run: bash test/bootstrap_test.sh
set -uo pipefail

ROOT=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
FAKE=$(mktemp -d "${TMPDIR:-/tmp}/bootstrap-test.XXXXXX")
trap 'rm -rf "$FAKE"' EXIT
mkdir -p "$FAKE/bin" "$FAKE/queue" "$FAKE/posted" "$FAKE/task"
export FAKE

# The fake Runtime API. GET .../invocation/next hands out the oldest queued
# event (its file name is the request id), or fails as curl does when nothing
# listens once the queue is empty. POSTs are saved as posted/<id>.<kind>.
cat >"$FAKE/bin/curl" <<'FAKE_CURL'
#!/bin/bash
headers=/dev/null out=/dev/stdout data='' url='' write=''
while (($#)); do
    case $1 in
        -D) headers=$2; shift ;;
        -o) out=$2; shift ;;
        -w) write=$2; shift ;;
        --data-binary) data=$2; shift ;;
        -H | -X) shift ;;
        -*) ;;
        *) url=$1 ;;
    esac
    shift
done
[[ $data == @* ]] && data=$(<"${data#@}")
case $url in
    */invocation/next)
        next=$(find "$FAKE/queue" -type f | sort | head -n 1)
        if [[ -z $next ]]; then
            echo "curl: (7) Failed to connect" >&2
            exit 7
        fi
        id=${next##*/}
        # Odd header cases and CR LF line ends, as HTTP allows.
        printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nlambda-runtime-aws-request-id: %s\r\nLAMBDA-RUNTIME-DEADLINE-MS: 4102444800000\r\nLambda-Runtime-Trace-Id:   Root=1-abc\r\n\r\n' "$id" >"$headers"
        cat "$next" >"$out"
        rm "$next"
        ;;
    */invocation/*/response | */invocation/*/error)
        id=${url%/*}
        id=${id##*/}
        printf '%s' "$data" >"$FAKE/posted/$id.${url##*/}"
        ;;
    */init/error) printf '%s' "$data" >"$FAKE/posted/init.error" ;;
    *) exit 22 ;;
esac
[[ -z $write ]] || printf '%s' "${write//'%{http_code}'/202}"
FAKE_CURL
chmod +x "$FAKE/bin/curl"

passed=0 failed=0
check() { # DESCRIPTION EXPECTED ACTUAL
    if [[ $2 == "$3" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}
posted() { cat "$FAKE/posted/$1" 2>/dev/null || echo "(nothing posted as $1)"; }

# run_bootstrap HANDLER [TASK_ROOT]: runs bootstrap until the queue is empty;
# prints its exit status.
run_bootstrap() {
    (cd "${2:-$ROOT}" && PATH="$FAKE/bin:$PATH" AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 \
        _HANDLER=$1 LAMBDA_TASK_ROOT=${2:-$ROOT} "$ROOT/bootstrap" 2>"$FAKE/log")
    echo $?
}

# Three invocations; the second fails. The runtime must report it and go on.
cp "$ROOT/events/hello-direct.json" "$FAKE/queue/req-1"
printf '{"name": "R2D2"}' >"$FAKE/queue/req-2"
cp "$ROOT/events/hello.json" "$FAKE/queue/req-3"
check "bootstrap stops when the Runtime API goes away" "1" "$(run_bootstrap handler.handle)"
check "first response" '{"message":"Hello, Grace Hopper!"}' "$(posted req-1.response)"
check "the failure is an error, not a response" \
    '{"errorMessage":"handler '\''handler.handle'\'' failed with exit status 1: invalid name: the name may hold only letters, spaces, dots, hyphens and apostrophes","errorType":"HandlerError","stackTrace":[]}' \
    "$(posted req-2.error)"
check "no response for the failure" "no" "$([[ -e $FAKE/posted/req-2.response ]] && echo yes || echo no)"
check "the runtime carried on" \
    '{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"message\":\"Hello, Ada!\"}"}' \
    "$(posted req-3.response)"
check "the handler's stderr reaches the log" "1" "$(grep -c '^invalid name:' "$FAKE/log")"

# A handler that exits, reads the context, and prints nothing.
cat >"$FAKE/task/ctx.sh" <<'HANDLER'
quits() { echo "giving up" >&2; exit 3; }
context() { printf '{"id":"%s","trace":"%s","deadline":%s}' "$LAMBDA_REQUEST_ID" "$_X_AMZN_TRACE_ID" "$LAMBDA_DEADLINE_MS"; }
silent() { :; }
unset_variable() { echo "$no_such_variable"; }
HANDLER
rm -f "$FAKE/posted/"*
for fn in quits context silent unset_variable; do
    echo '{}' >"$FAKE/queue/$fn"
    run_bootstrap "ctx.$fn" "$FAKE/task" >/dev/null
done
check "exit in a handler ends only the invocation" \
    "handler 'ctx.quits' failed with exit status 3: giving up" \
    "$(posted quits.error | sed 's/.*"errorMessage":"\([^"]*\)".*/\1/')"
check "the context, headers read case-insensitively" \
    '{"id":"context","trace":"Root=1-abc","deadline":4102444800000}' "$(posted context.response)"
check "no output is null" "null" "$(posted silent.response)"
check "set -u applies to the handler" "HandlerError" \
    "$(posted unset_variable.error | sed 's/.*"errorType":"\([^"]*\)".*/\1/')"

# Init errors are reported to /init/error and end the runtime.
rm -f "$FAKE/posted/"*
echo '{}' >"$FAKE/queue/never"
check "an unknown function is an init error" "1" "$(run_bootstrap handler.nosuch)"
check "... reported as Runtime.NoSuchHandler" "Runtime.NoSuchHandler" \
    "$(posted init.error | sed 's/.*"errorType":"\([^"]*\)".*/\1/')"
check "... before any invocation" "yes" "$([[ -e $FAKE/queue/never ]] && echo yes || echo no)"
check "an unknown file is an init error" "1" "$(run_bootstrap nofile.handle)"

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
