#!/usr/bin/env bash
# bench/setup-peers.sh: install the peers the benchmarks compare against into
# bench/.peers (ignored by git), as ../shared/PEERS.md describes.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .peers && cd .peers
[ -f package.json ] || npm init -y >/dev/null
SLS_TELEMETRY_DISABLED=1 npm install --no-audit --no-fund serverless@3.39.0 serverless-offline@13.9.0 @vercel/nft@1.11.5
command -v wrk >/dev/null && command -v hyperfine >/dev/null || sudo apt-get install -y wrk hyperfine
