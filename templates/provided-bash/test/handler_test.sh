#!/bin/bash
# Unit tests of the handler and the business logic: bash test/handler_test.sh
# (from the project's root or anywhere else). Exits non-zero when one fails.
set -uo pipefail

ROOT=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
# shellcheck source=handler.sh
source "$ROOT/handler.sh"

passed=0 failed=0

# check DESCRIPTION EXPECTED ACTUAL
check() {
    if [[ $2 == "$3" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

# run_handle EVENT: what bootstrap does: handle in a subshell with set -euo
# pipefail; prints stdout, then "status=N".
run_handle() {
    local out status
    out=$( (set -euo pipefail; handle "$1") 2>/dev/null)
    status=$?
    printf '%s status=%d' "$out" "$status"
}

# An HTTP API event for path, with the given path and query parameters.
http_event() { # PATH PATH_PARAMETERS_JSON QUERY_JSON
    local event
    event=$(<"$ROOT/events/hello.json")
    event=${event//\/hello\/Ada/$1}
    event=${event//'"pathParameters": {
    "name": "Ada"
  }'/\"pathParameters\": $2}
    [[ -n $3 ]] && event=${event/'"isBase64Encoded"'/\"queryStringParameters\": $3, \"isBase64Encoded\"}
    printf '%s' "$event"
}

ok_response() { # MESSAGE
    printf '{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\\"message\\":\\"%s\\"}"} status=0' "$1"
}

# --- the business logic ---
check "a plain name is valid" "0" "$(validate_name "Ada" >/dev/null; echo $?)"
check "spaces, hyphens, apostrophes" "0" "$(validate_name "Jean-Luc O'Neil" >/dev/null; echo $?)"
check "empty name" "the name is empty" "$(validate_name "")"
check "digits" "the name may hold only letters, spaces, dots, hyphens and apostrophes" "$(validate_name "R2D2")"
check "markup" "1" "$(validate_name "<b>" >/dev/null; echo $?)"
check "too long" "the name is longer than 50 characters" "$(validate_name "$(printf 'a%.0s' {1..51})")"
check "greeting" "Hi, Ada!" "$(greeting Hi Ada)"

# --- JSON helpers ---
check "json_escape" '"a\"b\\c\nd\te\u0001"' "$(json_escape $'a"b\\c\nd\te\x01')"
check "json_string decodes" $'say "hi"/\\\nto \u00e9' "$(json_string '{"x": "say \"hi\"\/\\\nto \u00e9"}' x)"
check "json_string misses" "1" "$(json_string '{"y": "1"}' x; echo $?)"
check "json_object" '{"a": "1", "b": "2"}' "$(json_object '{"o": {"a": "1", "b": "2"}, "p": 3}' o)"

# --- the handler, with the example events ---
check "events/hello.json" "$(ok_response "Hello, Ada!")" "$(run_handle "$(<"$ROOT/events/hello.json")")"
check "events/hello-direct.json" '{"message":"Hello, Grace Hopper!"} status=0' \
    "$(run_handle "$(<"$ROOT/events/hello-direct.json")")"
check "GET /hello" "$(ok_response "Hello, world!")" "$(run_handle "$(http_event /hello null '')")"
check "GET /hello?name=Lin" "$(ok_response "Hello, Lin!")" \
    "$(run_handle "$(http_event /hello null '{"name": "Lin"}')")"
check "an escaped name in the path" "$(ok_response "Hello, O'Brien!")" \
    "$(run_handle "$(http_event "/hello/O'Brien" '{"name": "O\u0027Brien"}' '')")"
check "a bad name is a 400" \
    '{"statusCode":400,"headers":{"content-type":"application/json"},"body":"{\"message\":\"the name may hold only letters, spaces, dots, hyphens and apostrophes\"}"} status=0' \
    "$(run_handle "$(http_event '/hello/%22x%22' '{"name": "\"x\""}' '')")"
check "a bad name in a direct invocation fails it" " status=1" "$(run_handle '{"name": "42"}')"
check "GREETING is read at load" "$(ok_response "Hello, Ada!")" \
    "$(GREETING=Hey run_handle "$(<"$ROOT/events/hello.json")")"
# shellcheck disable=SC2034 # handle reads SALUTATION
check "the configured salutation" '{"message":"Hey, Ada!"} status=0' \
    "$(SALUTATION=Hey; run_handle '{"name":"Ada"}')"

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
