#!/usr/bin/env bash
# Starts a private PgBouncer in transaction pooling mode on 127.0.0.1:6432,
# in front of the test PostgreSQL (127.0.0.1:5432, databases test and
# postgres, user postgres, trust), for the tests that run the store through
# it (SYSCONFIG_TEST_PGBOUNCER_URL). Installs Debian's pgbouncer first when
# it is missing (apt-get update, then apt-get install; root or sudo).
#
# Everything it writes lives in $dir: the config, the user list, the pid
# file, the log and the Unix socket. The package's own service
# (/etc/pgbouncer, its systemd unit) is never read, changed or started.
# Idempotent: when our PgBouncer already answers with this config, it
# returns at once. When SYSCONFIG_TEST_PGBOUNCER_URL is set, it does
# nothing: that PgBouncer is the caller's.
set -euo pipefail

host=127.0.0.1 port=6432 pg_host=127.0.0.1 pg_port=5432
dir=${SYSCONFIG_PGBOUNCER_DIR:-/tmp/sysconfig-pgbouncer}
ini=$dir/pgbouncer.ini pidfile=$dir/pgbouncer.pid

if [[ -n ${SYSCONFIG_TEST_PGBOUNCER_URL:-} ]]; then
  echo "PgBouncer: using SYSCONFIG_TEST_PGBOUNCER_URL, starting none"
  exit 0
fi

if [[ -n ${SYSCONFIG_TEST_DATABASE_URL:-} ]]; then
  echo "note: SYSCONFIG_TEST_DATABASE_URL is set, but this PgBouncer fronts $pg_host:$pg_port (databases test and" \
    "postgres); to test another server, point SYSCONFIG_TEST_PGBOUNCER_URL at a PgBouncer in front of it" >&2
fi

as_root() {
  if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

find_pgbouncer() { command -v pgbouncer || { [[ -x /usr/sbin/pgbouncer ]] && echo /usr/sbin/pgbouncer; }; }

install_pgbouncer() {
  if ! command -v apt-get >/dev/null; then
    echo "PgBouncer is not installed and this is not Debian: install pgbouncer, or point" \
      "SYSCONFIG_TEST_PGBOUNCER_URL at one in transaction pooling mode" >&2
    exit 1
  fi
  echo "installing Debian's pgbouncer (apt-get update && apt-get install -y pgbouncer)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null
}

# PgBouncer refuses to run as root: run it as postgres when we are root.
run_user() { if [[ $(id -u) == 0 ]]; then echo postgres; else id -un; fi; }

write_config() { # prints the config to stdout
  cat <<EOF
;; Written by sysconfig's scripts/pgbouncer.sh for the tests: do not edit.
[databases]
test = host=$pg_host port=$pg_port dbname=test
postgres = host=$pg_host port=$pg_port dbname=postgres

[pgbouncer]
listen_addr = $host
listen_port = $port
unix_socket_dir = $dir
pidfile = $pidfile
logfile = $dir/pgbouncer.log
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 8
max_client_conn = 1000
log_connections = 0
log_disconnections = 0
EOF
}

answers() { # through PgBouncer to Postgres
  psql -h "$host" -p "$port" -U postgres -d test -tAc 'SELECT 1' 2>/dev/null | grep -qx 1
}

port_taken() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

ours_running() { [[ -s $pidfile ]] && [[ $(cat "/proc/$(cat "$pidfile")/comm" 2>/dev/null) == pgbouncer ]]; }

stop_ours() {
  local pid
  pid=$(cat "$pidfile")
  echo "PgBouncer: its config changed, restarting it (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "PgBouncer (pid $pid) did not stop within 5 s" >&2
  exit 1
}

prepare_dir() { # writes the config; returns 1 when it changed
  local user changed=0
  user=$(run_user)
  mkdir -p "$dir"
  if ! write_config | cmp -s - "$ini"; then
    write_config >"$ini"
    changed=1
  fi
  echo '"postgres" ""' >"$dir/userlist.txt"
  if [[ $(id -u) == 0 ]]; then chown -R "$user" "$dir"; fi
  return "$changed"
}

start() {
  local bin
  bin=$(find_pgbouncer)
  echo "starting PgBouncer (transaction pooling) on $host:$port, files in $dir"
  if [[ $(id -u) == 0 ]]; then
    runuser -u "$(run_user)" -- "$bin" -q -d "$ini"
  else
    "$bin" -q -d "$ini"
  fi
}

wait_until_answering() {
  for _ in $(seq 1 50); do
    if answers; then return 0; fi
    sleep 0.2
  done
  echo "PgBouncer did not answer on $host:$port within 10 s; see $dir/pgbouncer.log" >&2
  exit 1
}

find_pgbouncer >/dev/null || install_pgbouncer
if prepare_dir; then config_changed=0; else config_changed=1; fi
if ours_running && [[ $config_changed == 1 ]]; then stop_ours; fi
if ! ours_running; then
  if port_taken; then
    echo "something else listens on $host:$port (the package's own pgbouncer service?): stop it, or point" \
      "SYSCONFIG_TEST_PGBOUNCER_URL at a PgBouncer in transaction pooling mode" >&2
    exit 1
  fi
  start
fi
wait_until_answering
echo "PgBouncer ready on $host:$port (pool_mode = transaction)"
