#!/usr/bin/env bash
# The project's whole test suite: `npm test` runs this.
# Layers: lint -> type gate -> Python (training) -> TypeScript units -> server integration -> reliability -> end to end.
# Set PGM_SKIP_E2E=1 to skip the real-VS-Code layer (it needs scripts/setup-e2e.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

step() { printf '\n== %s\n' "$1"; }

step "lint: eslint (TypeScript, JavaScript), ruff (Python)"
npm run --silent lint
"$PY" -m ruff check --quiet

step "typecheck"
npm run --silent typecheck

step "python: training pipeline"
"$PY" -m pytest -q training/tests

step "typescript: unit tests"
npm run --silent test:unit

step "server: integration tests"
npm run --silent test:server

# CI setting: 1,000 load requests, 1,000 fuzz cases; LOAD_* / FUZZ_* env vars give the longer
# settings of docs/reliability.md.
step "reliability: load, faults, fuzz, security"
npm run --silent test:reliability

if [ "${PGM_SKIP_E2E:-0}" != "1" ]; then
  step "end to end: real VS Code (code-server + Chromium)"
  npm run --silent test:e2e
fi
echo
echo "all tests passed"
