#!/usr/bin/env bash
# Packs the extension as a platform-specific VSIX.
#   scripts/package.sh [--target linux-x64] [--model DIR] [--out FILE] [--no-build]
# Ships what the allow-list .vscodeignore names, narrowed for this package to ONE model folder
# (default: models/pgm-code when it has a manifest, else models/tiny; or PGM_PACKAGE_MODEL /
# --model) and onnxruntime-node's binaries for the target only: the esbuild bundles (dist/),
# the webview assets, the model, onnxruntime-node + onnxruntime-common. Prints the VSIX size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TARGET=linux-x64
MODEL=${PGM_PACKAGE_MODEL:-}
OUT=""
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [ -z "$MODEL" ]; then
  if [ -f models/pgm-code/manifest.json ]; then MODEL=models/pgm-code; else MODEL=models/tiny; fi
fi
[ -f "$MODEL/manifest.json" ] || { echo "no model at $MODEL (manifest.json missing)" >&2; exit 1; }

case "$TARGET" in
  linux-x64) ORT_DIR=linux/x64 ;; linux-arm64) ORT_DIR=linux/arm64 ;;
  darwin-x64) ORT_DIR=darwin/x64 ;; darwin-arm64) ORT_DIR=darwin/arm64 ;;
  win32-x64) ORT_DIR=win32/x64 ;; win32-arm64) ORT_DIR=win32/arm64 ;;
  *) echo "unsupported target $TARGET" >&2; exit 2 ;;
esac
ORT_BIN=$(ls -d node_modules/onnxruntime-node/bin/napi-v*/"$ORT_DIR" 2>/dev/null | head -1)
[ -n "$ORT_BIN" ] || { echo "onnxruntime-node has no binaries for $TARGET" >&2; exit 1; }

VERSION=$(node -p "require('./package.json').version")
OUT=${OUT:-$ROOT/pgm-infill-$VERSION-$TARGET.vsix}
[ "$BUILD" = 1 ] && npm run --silent build
for f in dist/client.js dist/server.js; do [ -f "$f" ] || { echo "missing $f (run npm run build)" >&2; exit 1; }; done

# Narrow the allow-list to the chosen model folder and the target's onnxruntime binaries.
IGNORE=$ROOT/.tools/vscodeignore.$TARGET
mkdir -p "$ROOT/.tools"
MODEL_REL=${MODEL#./}
sed -e "s#^!models/\*/#!$MODEL_REL/#" \
    -e "s#^!node_modules/onnxruntime-node/bin/napi-v\*/\*/\*/\*#!$ORT_BIN/*#" .vscodeignore > "$IGNORE"
grep -q "^!$MODEL_REL/manifest.json" "$IGNORE" || { echo "model must be a folder under models/ (got $MODEL)" >&2; exit 1; }

# VS Code's extension page drops relative images and links. With a `repository` in package.json,
# vsce rewrites them to absolute URLs there; without one, keep them relative (the files ship).
VSCE_FLAGS=(--target "$TARGET" --out "$OUT" --ignoreFile "$IGNORE")
if ! node -e "process.exit(require('./package.json').repository ? 0 : 1)"; then
  VSCE_FLAGS+=(--allow-missing-repository --no-rewrite-relative-links)
fi
[ -f LICENSE ] || VSCE_FLAGS+=(--skip-license)
node_modules/.bin/vsce package "${VSCE_FLAGS[@]}"

BYTES=$(stat -c %s "$OUT")
echo "VSIX: $OUT"
echo "  target $TARGET, model $MODEL, $(python3 -c "import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))" "$OUT") files"
echo "  size $(numfmt --to=iec-i --suffix=B "$BYTES") ($BYTES bytes)"
