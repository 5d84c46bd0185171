#!/usr/bin/env bash
# Rebuild the upgrade fixture: a learner's records as the release before this wave made them,
# dumped as SQL for SQLite and for PostgreSQL (tests/upgrade/release-<commit>.*.sql.gz).
# tests/upgrade/test_upgrade.py loads each dump and migrates it to the current code.
# Usage: scripts/build_upgrade_fixture.sh [COMMIT]   (default 15810da, the release before)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
commit=${1:-15810da}
python="$repo/.venv/bin/python"
out="$repo/tests/upgrade"
build="$out/build_release_data.py"

old=$(mktemp -d "${TMPDIR:-/tmp}/edu-site-release.XXXXXX")
chmod 755 "$old"  # with_postgres.sh runs the server as another account when run as root
cleanup() {
  git -C "$repo" worktree remove --force "$old/tree" >/dev/null 2>&1 || true
  rm -rf "$old"
}
trap cleanup EXIT
git -C "$repo" worktree add --detach "$old/tree" "$commit" >/dev/null

echo "== SQLite, release $commit"
(cd "$old/tree" && SQLITE_PATH="$old/release.sqlite3" "$python" "$build" >/dev/null)
"$python" - "$old/release.sqlite3" "$out/release-$commit.sqlite.sql.gz" <<'PY'
import gzip, io, sqlite3, sys
source, target = sys.argv[1:]
with sqlite3.connect(source) as db, gzip.GzipFile(target, "wb", mtime=0) as raw:
    dump = io.TextIOWrapper(raw, encoding="utf-8")
    for line in db.iterdump():
        dump.write(line + "\n")
PY

echo "== PostgreSQL, release $commit"
pg_bin=$("$here/postgres_bin_dir.sh")
export python build pg_bin
(cd "$old/tree" && "$here/with_postgres.sh" sh -c '
  "$pg_bin/psql" -q "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE edu_site" &&
  "$python" "$build" >/dev/null &&
  "$pg_bin/pg_dump" --no-owner --no-privileges --dbname="$DATABASE_URL" >"$0"' "$old/release.postgres.sql" >/dev/null)
gzip -9n <"$old/release.postgres.sql" >"$out/release-$commit.postgres.sql.gz"
ls -l "$out"/release-"$commit".*.sql.gz
