#!/usr/bin/env bash
# Classroom mode: serve the room's network from this machine with DEBUG off, gunicorn and
# whitenoise. `make classroom` runs it; BIND (default 0.0.0.0), PORT (8000) and WORKERS (2)
# change where and how. The demo accounts are not created: on a shared network their known
# password would let anyone in (create the teacher's account with `manage.py createsuperuser`).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
bind=${BIND:-0.0.0.0}
port=${PORT:-8000}

# A secret key of its own, made once and kept out of git, so sessions survive a restart.
key_file=.classroom-secret-key
if [ ! -s "$key_file" ]; then
  (umask 077 && "$bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
fi
addresses=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v '^$' | grep -v ':' || true)
export DEBUG=false CLASSROOM=true SERVE_MEDIA=true
export SECRET_KEY=${SECRET_KEY:-$(cat "$key_file")}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$(hostname)$(printf ',%s' $addresses)}

"$bin/python" manage.py migrate --noinput
"$bin/python" manage.py seed_demo --content-only
"$bin/python" manage.py collectstatic --noinput --verbosity 0
"$bin/python" manage.py check --deploy --fail-level WARNING

echo "Classroom mode on $bind:$port; learners open one of:"
for address in localhost $addresses; do echo "  http://$address:$port/"; done
# Threads let a slow login (password hashing) share a worker with pages.
exec "$bin/gunicorn" edu_site.wsgi --bind "$bind:$port" --workers "${WORKERS:-2}" \
  --threads 4 --access-logfile - --error-logfile -
