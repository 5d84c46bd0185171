#!/usr/bin/env bash
# The deployment a school outgrowing one machine runs, started on loopback with real parts:
# nginx in front of two gunicorn app servers and a login pool, PostgreSQL reached through
# psycopg's connection pool, and Redis as Django's cache, session cache and lock-out store.
#
#   scripts/stack.sh start    # nginx on http://127.0.0.1:${STACK_PORT:-8080}/
#   scripts/stack.sh kill-app1  # kill -9 the first app server (the load test's fault run)
#   scripts/stack.sh stop
#
# WORKERS sets the sync workers per app server (default 2), LOGIN_WORKERS the login pool's
# (default 2). nginx sends /accounts/login/ to the login pool, so pages never queue behind
# password hashing. Everything lives in .stack/ (STACK_DIR) and listens on 127.0.0.1 only.
# nginx and redis-server come from Debian's packages; as root they are installed if missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${STACK_DIR:-$repo/.stack}
bin=$repo/.venv/bin
port=${STACK_PORT:-8080}
pg_port=${STACK_PG_PORT:-5433}
redis_port=${STACK_REDIS_PORT:-6390}
app_ports=(8101 8102)
login_port=8103

ensure_packages() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v redis-server >/dev/null || missing+=(redis-server)
  "$here/postgres_bin_dir.sh" >/dev/null 2>&1 || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing from Debian's packages: ${missing[*]}"
    apt-get update -qq
    # RUNLEVEL=1: the packages' own services are not started; this script starts its own.
    RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || owner=nobody
  as_owner=(runuser -u "$owner" --)
fi

app_env() {
  export DEBUG=false BEHIND_PROXY=true SERVE_MEDIA=false
  export SECRET_KEY=${SECRET_KEY:-$(cat "$dir/secret-key")}
  export ALLOWED_HOSTS=127.0.0.1,localhost
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/op"
  export DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-4}
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  export MEDIA_ROOT="$dir/media"
}

start_postgres() {
  local pg_bin
  pg_bin=$("$here/postgres_bin_dir.sh")
  if [ ! -d "$dir/pg" ]; then
    mkdir -p "$dir/pg" && chmod 755 "$dir"
    [ ${#as_owner[@]} -eq 0 ] || chown "$owner" "$dir/pg"
    "${as_owner[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/pg/initdb.log"
  fi
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w start \
    -o "-h 127.0.0.1 -p $pg_port -k $dir/pg -c max_connections=100" >/dev/null
  "$pg_bin/psql" -q "postgres://postgres@127.0.0.1:$pg_port/postgres" -tc \
    "SELECT 1 FROM pg_database WHERE datname = 'op'" | grep -q 1 ||
    "$pg_bin/psql" -q "postgres://postgres@127.0.0.1:$pg_port/postgres" -c "CREATE DATABASE op"
}

start_gunicorn() {  # name port workers
  "$bin/gunicorn" edu_site.wsgi --chdir "$repo" --bind "127.0.0.1:$2" --workers "$3" \
    --daemon --pid "$dir/$1.pid" --error-logfile "$dir/$1.log" --graceful-timeout 5 \
    --control-socket "$dir/$1.ctl"
}

write_nginx_conf() {
  mkdir -p "$dir/nginx-tmp" "$dir/media"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $dir/nginx-tmp/body;
  proxy_temp_path $dir/nginx-tmp/proxy;
  fastcgi_temp_path $dir/nginx-tmp/fastcgi;
  uwsgi_temp_path $dir/nginx-tmp/uwsgi;
  scgi_temp_path $dir/nginx-tmp/scgi;
  client_max_body_size 6m;

  upstream app {
    server 127.0.0.1:${app_ports[0]} max_fails=3 fail_timeout=5s;
    server 127.0.0.1:${app_ports[1]} max_fails=3 fail_timeout=5s;
    keepalive 16;
  }
  upstream login {
    server 127.0.0.1:$login_port;
    server 127.0.0.1:${app_ports[0]} backup;
    server 127.0.0.1:${app_ports[1]} backup;
  }
  server {
    listen 127.0.0.1:$port;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_set_header X-Real-IP \$remote_addr;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    # A server that refuses the connection is skipped; a request it had begun is not
    # retried elsewhere unless it is a GET (nginx never resends a POST on its own).
    # A slow reply is not a failure: counting timeouts marked a busy but healthy server
    # down, and with both marked down nginx answered "no live upstreams" to everyone.
    # Three refused connections within 5 s take a server out for 5 s (a crashed one).
    proxy_next_upstream error http_502 http_503;

    location /static/ { alias $repo/staticfiles/; expires 7d; }
    location /media/ { alias $dir/media/; add_header X-Content-Type-Options nosniff; }
    location = /accounts/login/ { proxy_pass http://login; }
    location / { proxy_pass http://app; }
  }
}
CONF
}

start() {
  ensure_packages
  mkdir -p "$dir"
  [ -s "$dir/secret-key" ] || (umask 077 && "$bin/python" -c \
    'import secrets; print(secrets.token_urlsafe(50))' >"$dir/secret-key")
  start_postgres
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log"
  app_env
  (cd "$repo" && "$bin/python" manage.py migrate --noinput --verbosity 0 &&
    "$bin/python" manage.py seed_demo --content-only --verbosity 0 &&
    "$bin/python" manage.py collectstatic --noinput --verbosity 0)
  start_gunicorn app1 "${app_ports[0]}" "${WORKERS:-2}"
  start_gunicorn app2 "${app_ports[1]}" "${WORKERS:-2}"
  start_gunicorn login "$login_port" "${LOGIN_WORKERS:-2}"
  write_nginx_conf
  nginx -c "$dir/nginx.conf" -p "$dir"
  for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break
    sleep 0.2
  done
  echo "Stack up: http://127.0.0.1:$port/ (app servers ${app_ports[*]} with ${WORKERS:-2} workers each, login pool $login_port with ${LOGIN_WORKERS:-2}, PostgreSQL $pg_port, Redis $redis_port)"
}

stop_pidfile() {
  [ -s "$1" ] && kill "$(cat "$1")" 2>/dev/null || true
  rm -f "$1"
}

stop_nginx() {  # a graceful quit lets open connections finish; wait for it (at most 10 s)
  [ -s "$dir/nginx.pid" ] || return 0
  local master
  master=$(cat "$dir/nginx.pid")
  nginx -c "$dir/nginx.conf" -p "$dir" -s quit 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$master" 2>/dev/null || return 0
    sleep 0.2
  done
  pkill -9 -P "$master" 2>/dev/null || true
  kill -9 "$master" 2>/dev/null || true
}

stop() {
  stop_nginx
  for name in app1 app2 login redis; do stop_pidfile "$dir/$name.pid"; done
  local pg_bin
  pg_bin=$("$here/postgres_bin_dir.sh")
  [ -d "$dir/pg/data" ] && "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast stop \
    >/dev/null 2>&1 || true
  echo "Stack stopped (data kept in $dir; delete it for a fresh start)."
}

kill_app1() {  # the whole first app server at once, master and workers, as a crash would
  local master
  master=$(cat "$dir/app1.pid")
  pkill -9 -P "$master" || true
  kill -9 "$master"
  rm -f "$dir/app1.pid"
  echo "app server 1 (127.0.0.1:${app_ports[0]}) killed"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill-app1) kill_app1 ;;
  env) app_env && env | grep -E '^(DATABASE_URL|DATABASE_POOL_SIZE|REDIS_URL|MEDIA_ROOT|DEBUG|BEHIND_PROXY|SERVE_MEDIA)=' ;;
  *) echo "usage: $0 start|stop|kill-app1|env" >&2; exit 2 ;;
esac
