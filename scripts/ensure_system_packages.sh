#!/usr/bin/env bash
# Install the two system programs the test suite drives, from Debian's packages, when missing:
# Chromium for the browser tests and a PostgreSQL server for the PostgreSQL run.
# In CI (CI=true) a program that is still missing afterwards fails the run; elsewhere the
# suite says what it skips and why.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
"$here/postgres_bin_dir.sh" >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing from Debian's packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})" >&2
if [ "${CI:-}" = "true" ]; then
  echo "CI=true: browser tests and the PostgreSQL run may not be skipped." >&2
  exit 1
fi
