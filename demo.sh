#!/usr/bin/env bash
# Quick start, step 1: installs what the demo needs on a fresh machine, then runs it.
#   ./demo.sh              Chromium window with the extension, against the Xero sandbox
#   ./demo.sh --headless   the same start-up without a display; saves artifacts/demo-options.png
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-browsers.sh chromium
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi
npm run demo -- "$@"
