#!/usr/bin/env bash
# The whole test suite, as CI and the README run it: static checks, unit and sync tests (vitest,
# with real PouchDB servers started by the tests), the production build, and the end-to-end
# tests (Playwright in Debian's Chromium). Installs Chromium and poppler-utils when missing.
# The sync suites (vitest and the Playwright sync spec) run on the embedded PouchDB Server and the
# strict CouchDB 3.5 stand-in, and also on the CouchDB named by COUCH_URL when it is set (admin from
# COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD or COUCH_ADMIN_FILE; docs/testing.md).
# Ends with a line per sync server and one summary line: "Summary: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
export CI="${CI:-}"
failed_stages=()

stage() {
  local name="$1"; shift
  echo
  echo "=== $name"
  if ! "$@"; then
    failed_stages+=("$name")
    echo "!!! $name failed"
  fi
}

ensure_system_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} from Debian…"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ ! -d node_modules ]; then
  stage "npm ci" npm ci --no-audit --no-fund
fi
stage "system packages (chromium, poppler-utils)" ensure_system_packages
stage "lint (incl. layer boundaries, formatting)" npm run --silent lint
stage "typecheck (shared, web, node, tools)" npm run --silent typecheck
stage "electron-builder config (offline)" npm run --silent check:builder
stage "unit + sync tests (vitest)" npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json
stage "build (electron-vite: main, preload, renderer)" npx electron-vite build
# The e2e tests serve the renderer's test build (out-e2e/renderer, with the test hooks), which
# Playwright's web server builds first (playwright.config.ts); the product build above has none.
# A free port for the e2e web server (4173 may be taken by a developer's preview server).
export E2E_PORT="${E2E_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
stage "end-to-end tests (Playwright, Chromium)" env PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright.json npx playwright test --reporter=list,json

node scripts/test-summary.mjs .tmp/vitest.json .tmp/playwright.json "${failed_stages[@]+"${failed_stages[@]}"}"
