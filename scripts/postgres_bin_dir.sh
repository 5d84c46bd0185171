#!/usr/bin/env bash
# Print the newest PostgreSQL server bin directory (Debian keeps them under /usr/lib/postgresql).
set -euo pipefail
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
    exit 0
  fi
done
echo "No PostgreSQL server found under /usr/lib/postgresql (Debian package: postgresql)." >&2
exit 1
