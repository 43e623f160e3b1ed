#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (.ci/run uses it; so can you):
#   scripts/postgres-server.sh start DIR   initdb under DIR, start on a free port (127.0.0.1),
#                                          print the DATABASE_URL as the last line
#   scripts/postgres-server.sh stop DIR    stop it (DIR can then be removed)
# Debian's `postgresql` is installed first when no server binaries are found. As root, the
# server runs as the package's postgres user, which must be able to reach DIR (mktemp -d does).
set -euo pipefail
action=${1:?usage: scripts/postgres-server.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: scripts/postgres-server.sh start|stop DIR}")

pg_bin() { find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1; }
# initdb and postgres refuse to run as root: as root, run them as the package's postgres user.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
start)
  if [ -z "$(pg_bin)" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "PostgreSQL is not installed: sudo apt-get install postgresql" >&2
      exit 1
    fi
    echo "installing Debian's postgresql" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  fi
  bin=$(pg_bin)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  as_owner "$bin/initdb" -D "$dir/data" -U socratic --auth=trust -E UTF8 --no-sync >"$dir/initdb.log"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U socratic socratic
  echo "postgres://socratic@127.0.0.1:$port/socratic"
  ;;
stop)
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  ;;
*)
  echo "usage: scripts/postgres-server.sh start|stop DIR" >&2
  exit 2
  ;;
esac
