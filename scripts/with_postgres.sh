#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: a new cluster in a temporary directory,
# listening on a free loopback port, stopped and deleted when the command ends.
# The command sees DATABASE_URL pointing at it.  Usage: scripts/with_postgres.sh CMD [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pg_bin=$("$here/postgres_bin_dir.sh")

workdir=$(mktemp -d "${TMPDIR:-/tmp}/edu-site-pg.XXXXXX")
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root, so the cluster belongs to the postgres (or nobody) account.
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || owner=nobody
  chown "$owner" "$workdir"
  as_owner=(runuser -u "$owner" --)
fi

stop_server() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop_server EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$pg_bin/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$workdir/initdb.log"
# Durability is switched off: the cluster lives for one test run.
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w start \
  -o "-h 127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (temporary, $workdir)"

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/edu_site"
"$@"
