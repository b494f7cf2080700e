#!/usr/bin/env bash
# Installs Debian's Chromium and/or Firefox ESR when missing (browser test tools cannot download
# their own browsers here). Usage: install-browsers.sh chromium [firefox-esr]
set -euo pipefail
missing=()
for browser in "$@"; do
  case "$browser" in
    chromium) [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    firefox-esr) command -v firefox-esr >/dev/null || missing+=(firefox-esr) ;;
    *) echo "unknown browser: $browser" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} from Debian's packages…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
