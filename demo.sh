#!/usr/bin/env bash
# Quick start, step 1: installs what the demo and `npm test` need on a fresh machine (npm packages,
# Chromium, Firefox ESR), then runs the demo.
#   ./demo.sh              Chromium window with the extension, against the Xero sandbox
#   ./demo.sh --headless   the same start-up without a display; saves artifacts/demo-options.png
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-browsers.sh chromium firefox-esr
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi
npm run demo -- "$@"
