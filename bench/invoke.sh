#!/usr/bin/env bash
# bench/invoke.sh: what fnctl adds to a Lambda invocation.
#  1. cold start: `fnctl invoke` of a trivial node handler vs `node -e` running
#     the same handler in-process (hyperfine, same run).
#  2. warm invokes through the Invoke API of `fnctl start` vs node's own http
#     server calling the handler in-process (wrk -c1 and -c16, same run).
# Targets (issue 3): under 5 ms added to a cold start, under 0.3 ms added to
# a warm invoke's p50. Run by hand: needs hyperfine and wrk (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null && command -v wrk >/dev/null ||
  { echo "bench: apt-get install hyperfine wrk" >&2; exit 2; }
[ -x build/fnctl ] || { echo "bench: build fnctl first (scripts/demo or scripts/test)" >&2; exit 2; }
fnctl=$PWD/build/fnctl
dir=$PWD/bench/invoke
cd "$dir"
export NO_COLOR=1

echo "== cold start (hyperfine, 20 runs each)"
# fnctl's workers get Lambda's clean environment; `node -e` gets the user's
# (here NODE_EXTRA_CA_CERTS, which costs node ~40 ms): both peers are shown.
clean="env -i PATH=$PATH HOME=$HOME"
hyperfine -N -w 3 -r 20 --export-json /tmp/fnctl-bench-cold.json \
  "node -e \"require('./handler').noop({}).then(r => console.log(JSON.stringify(r)))\"" \
  "$clean node run_handler.js" \
  "$clean node run_handler_net.js" \
  "$fnctl invoke noop -q" >/dev/null 2>&1
python3 - <<'PY'
import json
r = json.load(open('/tmp/fnctl-bench-cold.json'))['results']
node, clean, net, fn = (x['median'] * 1000 for x in r)
print(f"node -e, the user's environment          median {node:8.2f} ms")
print(f"node run_handler.js, clean environment    median {clean:8.2f} ms")
print(f"  ... plus node:net (a Runtime API client) median {net:8.2f} ms")
print(f"fnctl invoke (worker + Runtime API)       median {fn:8.2f} ms")
print(f"fnctl adds vs node -e                            {fn - node:8.2f} ms  (ratio {fn / node:.2f}; target < 5 ms)")
print(f"fnctl adds vs the same clean environment         {fn - clean:8.2f} ms  (ratio {fn / clean:.2f})")
print(f"fnctl adds vs clean node + node:net              {fn - net:8.2f} ms  (ratio {fn / net:.2f})")
PY

latency() { # wrk output -> "p50 p99" in ms
  awk '/ 50%/{p50=$2} / 99%/{p99=$2} /Requests\/sec/{rps=$2} END{print p50, p99, rps}' |
  python3 -c '
import sys
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
p50, p99, rps = sys.stdin.read().split()
print(f"{ms(p50):.3f} {ms(p99):.3f} {float(rps):.0f}")'
}

echo "== warm invokes (wrk, 10 s each)"
"$fnctl" start --aws-port 0 -q 2>/tmp/fnctl-bench-start.log &
fpid=$!
node peer_server.js >/tmp/fnctl-bench-peer.port &
npid=$!
trap 'kill $fpid $npid 2>/dev/null; wait $fpid $npid 2>/dev/null' EXIT
for _ in $(seq 100); do
  grep -q 'aws endpoint' /tmp/fnctl-bench-start.log 2>/dev/null && [ -s /tmp/fnctl-bench-peer.port ] && break
  sleep 0.05
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' /tmp/fnctl-bench-start.log | head -1)/2015-03-31/functions/bench-dev-noop/invocations
peer=http://127.0.0.1:$(cat /tmp/fnctl-bench-peer.port)/
curl -s -X POST -d '{}' "$url" >/dev/null   # the cold start happens here, not in the measurement
for c in 1 16; do
  t=$(( c < 2 ? 1 : 2 ))
  read -r fp50 fp99 frps < <(wrk -t$t -c$c -d10s --latency -s post.lua "$url" | latency)
  read -r np50 np99 nrps < <(wrk -t$t -c$c -d10s --latency -s post.lua "$peer" | latency)
  echo "-c$c node http server, in-process  p50 ${np50} ms  p99 ${np99} ms  ${nrps} req/s"
  echo "-c$c fnctl Invoke API, warm worker p50 ${fp50} ms  p99 ${fp99} ms  ${frps} req/s"
  python3 -c "print(f'-c$c fnctl adds {float(\"$fp50\") - float(\"$np50\"):.3f} ms at p50 (target < 0.3 ms); throughput ratio {float(\"$frps\") / float(\"$nrps\"):.2f}')"
done
rss=$(awk '/VmRSS/{print $2}' /proc/$fpid/status)
echo "fnctl start RSS after the run: $((rss / 1024)) MB"
