#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis that the tests and the demo use, if
# they are installed but not running, and waits until both answer. Servers
# that already run (or that SYSCONFIG_TEST_DATABASE_URL /
# SYSCONFIG_TEST_REDIS_URL point elsewhere) are left alone.
set -euo pipefail

pg_host=127.0.0.1 pg_port=5432 redis_host=127.0.0.1 redis_port=6379

postgres_up() { pg_isready -q -h "$pg_host" -p "$pg_port" 2>/dev/null; }
redis_up() { (exec 3<>"/dev/tcp/$redis_host/$redis_port" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]) 2>/dev/null; }

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not running and not installed here (apt-get install postgresql)" >&2
    return 1
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not running and not installed here (apt-get install redis-server)" >&2
    return 1
  fi
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

wait_for() { # name check
  for _ in $(seq 1 50); do
    if "$2"; then return 0; fi
    sleep 0.2
  done
  echo "$1 did not come up within 10 s" >&2
  return 1
}

ensure_test_database() {
  if ! psql -h "$pg_host" -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
    psql -h "$pg_host" -p "$pg_port" -U postgres -d postgres -qc "CREATE DATABASE test"
  fi
}

if [[ -z ${SYSCONFIG_TEST_DATABASE_URL:-} ]]; then
  postgres_up || start_postgres
  wait_for PostgreSQL postgres_up
  ensure_test_database
  echo "PostgreSQL ready on $pg_host:$pg_port"
fi
if [[ -z ${SYSCONFIG_TEST_REDIS_URL:-} ]]; then
  redis_up || start_redis
  wait_for Redis redis_up
  echo "Redis ready on $redis_host:$redis_port"
fi
