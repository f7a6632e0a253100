# shellcheck shell=bash
# The Lambda adapter, sourced once by bootstrap at the cold start; bootstrap
# then calls `handle EVENT` for every invocation, in a subshell with
# `set -euo pipefail`. handle prints the response on stdout; a non-zero exit
# status fails the invocation (its stderr is the function's log).
#
# It answers API Gateway HTTP API events (payload 2.0) with an HTTP response,
# and a direct invocation ({"name": "Ada"}) with {"message": "..."}.

# The business logic, next to this file.
# shellcheck source=greeting.sh
source "${BASH_SOURCE[0]%/*}/greeting.sh"

# Configuration is read once per execution environment, here at the cold
# start, not on every invocation.
SALUTATION=${GREETING:-Hello}
DEFAULT_NAME=world

handle() {
    local event=$1 name reason message
    if [[ $event != *'"requestContext"'* ]]; then
        # A direct invocation: a bad name is the caller's bug, an error.
        name=$(json_string "$event" name) || name=$DEFAULT_NAME
        if ! reason=$(validate_name "$name"); then
            echo "invalid name: $reason" >&2
            return 1
        fi
        printf '{"message":%s}\n' "$(json_escape "$(greeting "$SALUTATION" "$name")")"
        return 0
    fi

    # An HTTP request: the name from the path (/hello/{name}), else the query
    # string (/hello?name=Ada), else the default.
    name=$(json_string "$(json_object "$event" pathParameters)" name) ||
        name=$(json_string "$(json_object "$event" queryStringParameters)" name) ||
        name=$DEFAULT_NAME
    if ! reason=$(validate_name "$name"); then
        http_response 400 "$(printf '{"message":%s}' "$(json_escape "$reason")")"
        return 0
    fi
    message=$(greeting "$SALUTATION" "$name")
    http_response 200 "$(printf '{"message":%s}' "$(json_escape "$message")")"
}

# http_response STATUS BODY: prints the Lambda proxy response for a JSON body.
http_response() {
    printf '{"statusCode":%d,"headers":{"content-type":"application/json"},"body":%s}\n' \
        "$1" "$(json_escape "$2")"
}

# --- JSON, with nothing but bash (jq is not part of the Lambda image) ---
# These read the flat objects API Gateway sends (pathParameters,
# queryStringParameters) and small direct events; use a real parser for more.

# json_object JSON KEY: prints the flat object {...} that KEY holds.
json_object() {
    local re='"'"$2"'"[[:space:]]*:[[:space:]]*(\{[^{}]*\})'
    [[ $1 =~ $re ]] || return 1
    printf '%s' "${BASH_REMATCH[1]}"
}

# json_string JSON KEY: prints the string that KEY holds (its first
# occurrence), decoded.
json_string() {
    local re='"'"$2"'"[[:space:]]*:[[:space:]]*"(([^"\\]|\\.)*)"'
    [[ $1 =~ $re ]] || return 1
    json_unescape "${BASH_REMATCH[1]}"
}

# json_unescape TEXT: decodes the escapes of a JSON string's contents. After
# \" and \/, what is left (\\ \b \f \n \r \t \uXXXX) printf %b decodes.
json_unescape() {
    local s=$1
    s=${s//\\\"/\"}
    s=${s//\\\//\/}
    printf '%b' "$s"
}

# json_escape TEXT: prints TEXT as a JSON string, quotes included.
json_escape() {
    local s=$1 out='' c i
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    if [[ $s == *[[:cntrl:]]* ]]; then
        # Rare: the other control characters, one at a time.
        for ((i = 0; i < ${#s}; i++)); do
            c=${s:i:1}
            [[ $c == [[:cntrl:]] ]] && printf -v c '\\u%04x' "'$c"
            out+=$c
        done
        s=$out
    fi
    printf '"%s"' "$s"
}
