#!/usr/bin/env bash
# bench/package.sh: the same node project (tests/data/package/node-service:
# uuid and @aws-sdk/client-s3 used, express and a devDependency not) packaged
# by `fnctl package`, by `serverless package` (serverless@3) and traced by
# @vercel/nft, in one run: time and zip size of each side by side, the ratio,
# whether fnctl's zips are byte-identical across runs, and the files nft
# includes that fnctl does not.
# Targets (issue 5): fnctl's file set no larger than nft's, the handler runs
# (tests/e2e/clients/test_package.py), fnctl >= 10x faster than serverless
# package, byte-identical across runs.
# Peers (run by hand once): bench/setup-peers.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fnctl=$root/build/fnctl
peers=$root/bench/.peers/node_modules
[ -x "$fnctl" ] || { echo "bench: build fnctl first" >&2; exit 2; }
[ -d "$peers/serverless" ] && [ -d "$peers/@vercel/nft" ] ||
  { echo "bench: run bench/setup-peers.sh first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 2; }
export NO_COLOR=1 SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
export NODE_OPTIONS=--no-experimental-require-module # serverless v3 on node >= 20.19 (PEERS.md)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

svc=$work/svc
cp -r tests/data/package/node-service "$svc"
(cd "$svc" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)

median() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }
zipinfo_of() { python3 - "$@" <<'PY'
import sys, zipfile, os
files = sizes = 0
zipped = 0
for p in sys.argv[1:]:
    z = zipfile.ZipFile(p)
    files += len(z.namelist()); sizes += sum(i.file_size for i in z.infolist()); zipped += os.path.getsize(p)
print(files, sizes, zipped)
PY
}

echo "== fnctl package"
hyperfine -N -w 2 -r 20 --export-json "$work/f.json" \
  "$fnctl package -q -c $svc/serverless.yml -o $work/f1" >/dev/null 2>&1
f_ms=$(median "$work/f.json")
"$fnctl" package -q -c "$svc/serverless.yml" -o "$work/f2" >/dev/null 2>&1
TZ=Asia/Tokyo LC_ALL=C "$fnctl" package -q -c "$svc/serverless.yml" -o "$work/f3" >/dev/null 2>&1
same=yes
for z in "$work"/f1/*.zip; do
  cmp -s "$z" "$work/f2/$(basename "$z")" && cmp -s "$z" "$work/f3/$(basename "$z")" || same=no
done
read -r f_files f_unzipped f_zipped < <(zipinfo_of "$work/f1/api.zip")

echo "== serverless package (3 runs)"
ln -s "$peers/serverless" "$work/sls"
hyperfine -w 0 -r 3 --export-json "$work/s.json" \
  "cd $svc && node $peers/serverless/bin/serverless.js package --package $work/s1" >/dev/null 2>&1
s_ms=$(median "$work/s.json")
read -r s_files s_unzipped s_zipped < <(zipinfo_of "$work/s1/api.zip")

echo "== @vercel/nft (whole process, @aws-sdk ignored as fnctl leaves it out)"
cp bench/package/nft-trace.mjs "$peers/../nft-trace.mjs"
hyperfine -w 1 -r 5 --export-json "$work/n.json" \
  "node $peers/../nft-trace.mjs $svc src/handler.js --ignore-aws-sdk" >/dev/null 2>&1
n_ms=$(median "$work/n.json")
node "$peers/../nft-trace.mjs" "$svc" src/handler.js --ignore-aws-sdk > "$work/nft.json"
(cd "$svc" && python3 -c 'import json,sys,zipfile
nft = set(json.load(open(sys.argv[1]))["files"])
z = zipfile.ZipFile(sys.argv[2]); ours = set(z.namelist())
os_ = __import__("os")
nft_sizes = sum(os_.path.getsize(f) for f in nft if os_.path.isfile(f))
print("nft files: %d (%d bytes unzipped)" % (len(nft), nft_sizes))
only_nft = sorted(nft - ours); only_ours = sorted(ours - nft)
print("in nft, not in fnctl (%d):" % len(only_nft)); [print("   ", f) for f in only_nft]
print("in fnctl, not in nft (%d):" % len(only_ours)); [print("   ", f) for f in only_ours]
' "$work/nft.json" "$work/f1/api.zip") | tee "$work/diff.txt"
n_files=$(head -1 "$work/diff.txt" | awk '{print $3}')

echo "== with the AWS SDK: fnctl --bundle-aws-sdk vs nft following @aws-sdk too"
node "$peers/../nft-trace.mjs" "$svc" src/handler.js > "$work/nft-sdk.json"
"$fnctl" package -q -c "$svc/serverless.yml" -o "$work/f-sdk" --bundle-aws-sdk api >/dev/null 2>&1
(cd "$svc" && python3 -c 'import json,sys,zipfile
nft = set(json.load(open(sys.argv[1]))["files"])
ours = set(zipfile.ZipFile(sys.argv[2]).namelist())
print("nft files: %d, fnctl files: %d" % (len(nft), len(ours)))
only_nft = sorted(nft - ours); only_ours = sorted(ours - nft)
print("in nft, not in fnctl (%d):" % len(only_nft)); [print("   ", f) for f in only_nft[:40]]
print("in fnctl, not in nft (%d):" % len(only_ours)); [print("   ", f) for f in only_ours[:40]]
' "$work/nft-sdk.json" "$work/f-sdk/api.zip")

echo
printf '%-34s %10s %8s %12s %12s\n' "api function" "time (ms)" "files" "unzipped" "zipped"
printf '%-34s %10s %8s %12s %12s\n' "fnctl package (2 zips)" "$f_ms" "$f_files" "$f_unzipped" "$f_zipped"
printf '%-34s %10s %8s %12s %12s\n' "serverless package (2 zips)" "$s_ms" "$s_files" "$s_unzipped" "$s_zipped"
printf '%-34s %10s %8s %12s %12s\n' "@vercel/nft (trace only)" "$n_ms" "$n_files" "-" "-"
python3 -c 'import sys; f,s,n=map(float,sys.argv[1:4]); print("serverless package / fnctl: %.0fx   nft / fnctl: %.0fx" % (s/f, n/f))' "$f_ms" "$s_ms" "$n_ms"
echo "fnctl zips byte-identical across runs, zones and locales: $same"
echo "fnctl file set <= nft's: $([ "$f_files" -le "$n_files" ] && echo yes || echo no)"
