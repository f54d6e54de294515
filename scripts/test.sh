#!/usr/bin/env bash
# `npm test`: provision what the tests need, type-check, lint, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci
bash scripts/provision.sh
npx tsc --noEmit
npx biome check .
node scripts/run-tests.js "$@"
