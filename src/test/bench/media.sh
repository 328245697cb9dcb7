#!/usr/bin/env bash
# The image benchmark of issue 16 (docs/benchmarks.md, "Images"), on this machine: uploads per
# second, MB/s and server CPU per MB for 100 KB and 5 MB PNGs, then GET of one stored image by wrk
# (full bodies, and If-None-Match: the 304 path), on the embedded store (H2, the bytes in files)
# and on PostgreSQL (the bytes in a table):
#
#   src/test/bench/media.sh                       # both backends, PASSES (3) passes of each scenario
#   BACKENDS=h2 src/test/bench/media.sh           # only the embedded store (pg: only PostgreSQL)
#   PASSES=1 UP_SECONDS=3 GET_SECONDS=3 src/test/bench/media.sh   # a quick check that it all works
#   JFR=1 BACKENDS=h2 src/test/bench/media.sh     # and one more upload run of each size under JFR
#
# One fresh server per backend (--uploads-per-minute 0: 10 a minute per identity by default;
# --rate-limit 0 --max-connections-per-address 0 as in the other scripts), a pass not counted to
# warm it up, then PASSES passes of every scenario in turn, so that a slow phase of a shared
# machine spreads over all of them rather than falling on one. PostgreSQL: 127.0.0.1:5432, user
# postgres, trust, a fresh database dropped at the end. wrk (Debian's) is installed if missing.
#
# Results (one JSON per run, the server logs) go to $OUT (default target/bench/media-<time>/).
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -f target/server.jar ]] || mvn -q -B package -DskipTests -DskipBrowserTests
command -v wrk >/dev/null || bash src/test/scripts/bench-setup.sh
SERVER_OPTS=${SERVER_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC}
BACKENDS=${BACKENDS:-h2 pg}
PASSES=${PASSES:-3}
UPLOADERS=${UPLOADERS:-4}
UP_SECONDS=${UP_SECONDS:-15}
GET_SECONDS=${GET_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-8}
PG=${PG:-127.0.0.1}
OUT=${OUT:-target/bench/media-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "results in $OUT; server JVM flags: $SERVER_OPTS; $(wrk --version 2>&1 | head -1)"

SERVER_PID=
URL=
DB=
PG_OPTS=()
psql_() { psql -h "$PG" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
stop_server() {
  [[ -n $SERVER_PID ]] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  SERVER_PID=
  [[ -n $DB ]] && { psql_ -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; }
  DB=
  rm -rf "$OUT/data"
}
trap stop_server EXIT

start_server() { # BACKEND
  local log="$OUT/$1-server.log" db_opts=()
  rm -rf "$OUT/data"
  if [[ $1 == pg ]]; then
    DB=sori_media_$(date +%s)
    psql_ -c "create database $DB" >/dev/null
    db_opts=(--db-url "jdbc:postgresql://$PG:5432/$DB" --db-user postgres)
    PG_OPTS=(--pg-db "$DB") # its backends' CPU is reported too
  else
    PG_OPTS=()
  fi
  # shellcheck disable=SC2086
  java $SERVER_OPTS -jar target/server.jar --host 127.0.0.1 --port 0 --max-connections-per-address 0 --rate-limit 0 \
    --uploads-per-minute 0 --data-dir "$OUT/data" "${db_opts[@]}" >"$log" 2>&1 &
  SERVER_PID=$!
  URL=
  for _ in $(seq 1 600); do
    URL=$(grep -so 'ws://[^ ]*' "$log" | head -1 || true)
    [[ -n $URL ]] && break
    sleep 0.1
  done
  [[ -n $URL ]] || { echo "server did not start; see $log" >&2; exit 1; }
}

bench() { # NAME bench-options...
  local name=$1; shift
  echo "== $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  src/test/bench/bench.sh --url "$URL" --pid "$SERVER_PID" --out "$OUT/$name.json" --label "$name" "${PG_OPTS[@]}" "$@" \
    2>&1 | grep -v '^\[' | tee "$OUT/$name.out"
}

pass() { # BACKEND PASS [upload seconds] [get seconds]
  local b=$1 p=$2 up=${3:-$UP_SECONDS} get=${4:-$GET_SECONDS}
  bench "$b-upload-100k-$p" --scenario upload --uploaders "$UPLOADERS" --size 100000 --warmup 3 --duration "$up"
  bench "$b-upload-5m-$p" --scenario upload --uploaders "$UPLOADERS" --size 5000000 --warmup 3 --duration "$up"
  bench "$b-get-100k-$p" --scenario fetch --size 100000 --connections "$CONNECTIONS" --warmup 2 --duration "$get"
  bench "$b-get-5m-$p" --scenario fetch --size 5000000 --connections "$CONNECTIONS" --warmup 2 --duration "$get"
  bench "$b-get-304-$p" --scenario fetch --size 100000 --not-modified true --connections "$CONNECTIONS" --warmup 2 \
    --duration "$get"
}

for b in $BACKENDS; do
  case $b in h2|pg) ;; *) echo "BACKENDS are h2 and pg" >&2; exit 2 ;; esac
  start_server "$b"
  pass "$b" warm 3 3
  for p in $(seq 1 "$PASSES"); do pass "$b" "$p"; done
  if [[ -n ${JFR:-} ]]; then
    bench "$b-upload-100k-jfr" --scenario upload --uploaders "$UPLOADERS" --size 100000 --warmup 3 --duration "$UP_SECONDS" \
      --jfr "$OUT/$b-upload-100k.jfr"
    bench "$b-upload-5m-jfr" --scenario upload --uploaders "$UPLOADERS" --size 5000000 --warmup 3 --duration "$UP_SECONDS" \
      --jfr "$OUT/$b-upload-5m.jfr"
    sleep 2 # JFR writes its file as its duration ends
  fi
  [[ $b == pg ]] && psql_ -d "$DB" -c "select count(*), pg_size_pretty(pg_total_relation_size('media_content')) from media" \
    >"$OUT/pg-media.txt" 2>&1 || true
  stop_server
done
