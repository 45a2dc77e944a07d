#!/usr/bin/env bash
# End-to-end tests in a real VS Code: set up the tools (idempotent), build, package the VSIX,
# then drive code-server with Chromium. Screenshots: test-artifacts/e2e/.
#   PGM_E2E_SKIP_SETUP=1   skip scripts/setup-e2e.sh (tools already installed)
#   PGM_E2E_VSIX=file      test this VSIX instead of packaging one
set -euo pipefail
cd "$(dirname "$0")/../.."

[ "${PGM_E2E_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup-e2e.sh
if [ -z "${PGM_E2E_VSIX:-}" ]; then
  PGM_E2E_VSIX=$PWD/.tools/e2e/pgm-infill-e2e.vsix
  mkdir -p .tools/e2e
  bash scripts/package.sh --out "$PGM_E2E_VSIX"
fi
export PGM_E2E_VSIX
rm -rf test-artifacts/e2e && mkdir -p test-artifacts/e2e
node --import tsx --test --test-concurrency=1 --test-reporter=spec test/e2e/*.test.ts
