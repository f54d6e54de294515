#!/usr/bin/env bash
# `npm test`: provision what the tests need, type-check, lint, build the web page (the browser tests must
# never run a stale one), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci
bash scripts/provision.sh
npx tsc --noEmit
npx tsc --noEmit -p web
npx biome check .
node scripts/build.mjs --web
node scripts/run-tests.js "$@"
