#!/usr/bin/env bash
# bench/gateway.sh: the same node handler behind serverless-offline and behind
# `fnctl start`, under the same wrk load on loopback, in one run. Prints
# requests/s, p50 and p99 of both and the ratios, the time from start to the
# first answered request, and fnctl's memory.
# Targets (issue 4): >= 5x serverless-offline's requests/s with a lower p99,
# start < 100 ms, idle RSS < 20 MB.
# Peers (run by hand once): bench/setup-peers.sh installs serverless@3.39.0 and
# serverless-offline@13.9.0 into bench/.peers (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fnctl=$root/build/fnctl
peers=$root/bench/.peers/node_modules
command -v wrk >/dev/null || { echo "bench: apt-get install wrk" >&2; exit 2; }
[ -x "$fnctl" ] || { echo "bench: build fnctl first" >&2; exit 2; }
[ -d "$peers/serverless-offline" ] || { echo "bench: run bench/setup-peers.sh first" >&2; exit 2; }
export NO_COLOR=1 SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
work=$(mktemp -d)
cp bench/gateway/serverless.yml bench/gateway/handler.js "$work/"
ln -s "$peers" "$work/node_modules"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ms_now() { date +%s%3N; }
wait_answer() { # url -> ms until the first 200
  local t0=$1 url=$2
  for _ in $(seq 2000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ]; then echo $(( $(ms_now) - t0 )); return; fi
    sleep 0.005
  done
  echo "never"
}
load() { # url -> "rps p50ms p99ms"
  wrk -t1 -c16 -d10s --latency "$1" | awk '
    function ms(v) { if (v ~ /us$/) return substr(v,1,length(v)-2)/1000; if (v ~ /ms$/) return substr(v,1,length(v)-2); return substr(v,1,length(v)-1)*1000 }
    / 50%/{p50=ms($2)} / 99%/{p99=ms($2)} /Requests\/sec/{rps=$2} END{printf "%.0f %.3f %.3f\n", rps, p50, p99}'
}

gw=$(free_port); aws=$(free_port)
t0=$(ms_now)
(cd "$work" && exec "$fnctl" start -q --no-watch --port "$gw" --aws-port "$aws" 2>/dev/null) &
fpid=$!; pids+=("$fpid")
f_start=$(wait_answer "$t0" "http://127.0.0.1:$gw/hello")
f_idle=$(awk '/VmRSS/{print int($2/1024)}' /proc/$fpid/status)

sp=$(free_port); sl=$(free_port)
t0=$(ms_now)
(cd "$work" && NODE_OPTIONS=--no-experimental-require-module exec node node_modules/serverless/bin/serverless.js offline start --httpPort "$sp" --lambdaPort "$sl" --noPrependStageInUrl >/dev/null 2>&1) &
spid=$!; pids+=("$spid")
s_start=$(wait_answer "$t0" "http://127.0.0.1:$sp/hello")

read -r f_rps f_p50 f_p99 < <(load "http://127.0.0.1:$gw/hello")
read -r s_rps s_p50 s_p99 < <(load "http://127.0.0.1:$sp/hello")
# the same handler behind a REST route (payload 1.0): fnctl serves it under the
# stage as API Gateway's invoke URL has it, serverless-offline at the root
read -r fr_rps fr_p50 fr_p99 < <(load "http://127.0.0.1:$gw/dev/rest")
read -r sr_rps sr_p50 sr_p99 < <(load "http://127.0.0.1:$sp/rest")
f_rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$fpid/status)
s_rss=$(ps -o rss= --ppid "$spid" -p "$spid" | awk '{s+=$1} END{print int(s/1024)}')

printf '%-22s %10s %10s %10s %12s\n' "" "req/s" "p50 ms" "p99 ms" "start ms"
printf '%-22s %10s %10s %10s %12s\n' "serverless-offline" "$s_rps" "$s_p50" "$s_p99" "$s_start"
printf '%-22s %10s %10s %10s %12s\n' "fnctl start" "$f_rps" "$f_p50" "$f_p99" "$f_start"
printf '%-22s %10s %10s %10s\n' "offline, REST route" "$sr_rps" "$sr_p50" "$sr_p99"
printf '%-22s %10s %10s %10s\n' "fnctl, REST route" "$fr_rps" "$fr_p50" "$fr_p99"
python3 -c "print(f'ratio fnctl/offline: {$f_rps/$s_rps:.1f}x req/s (target >= 5x), p99 {$f_p99/$s_p99:.2f}x (target < 1)')"
python3 -c "print(f'REST route ratio:    {$fr_rps/$sr_rps:.1f}x req/s, p99 {$fr_p99/$sr_p99:.2f}x')"
echo "fnctl RSS: idle ${f_idle} MB (target < 20), after the load ${f_rss} MB (workers not counted); serverless-offline RSS after the load ${s_rss} MB"
