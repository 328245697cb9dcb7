#!/usr/bin/env bash
# The cluster benchmark of issue 14 (docs/benchmarks.md, step 12), on this machine:
#
#   src/test/bench/cluster.sh                    # one node on PostgreSQL, then three nodes + Redis
#   MODES=cluster src/test/bench/cluster.sh      # only the cluster (single: only the one node)
#   RATES=40000,80000,120000 src/test/bench/cluster.sh
#   FAILURES=false src/test/bench/cluster.sh     # no Redis restart, no kill -9
#   CLIENTS=60 RATES=600,1200 src/test/bench/cluster.sh   # a quick check that it all works
#   STALL=2 MODES=cluster src/test/bench/cluster.sh   # the third node SIGSTOPped for 2 s as Redis returns
#   WARM_PHASE=120 src/test/bench/cluster.sh     # load before the first measured step, in seconds (default
#                                                # 10): the JIT compiles for minutes at these rates
#   SCENARIO=joinstorm src/test/bench/cluster.sh # 5,000 clients join at once (spread over the nodes):
#                                                # time until every join is answered and counts settle
#   STORM_WARM=1 SCENARIO=joinstorm src/test/bench/cluster.sh   # ... after one storm that is not
#                                                # measured, whose clients have left (warm nodes)
#   STORM_PROFILE=30 STORM_WARM=3 SCENARIO=joinstorm MODES=cluster src/test/bench/cluster.sh
#                                                # ... and each node profiled (profile.sh, 4 ms) for the
#                                                # first 30 s of the measured storm
#
# Each mode gets a fresh PostgreSQL database (127.0.0.1:5432, user postgres, trust) and, for the
# cluster, a private redis-server on a free port (never the machine's shared one). The same
# generator runs the same stepped fan-out (2,000 clients, 10 senders, RATES deliveries/s) against
# both, so that the CPU per delivery of all three JVMs + Redis + the PostgreSQL backends compares
# with one JVM + its PostgreSQL backends at the same load, in the same session. In the cluster,
# client i joins node i mod 3 and latency is split by whether the sender was on the receiver's
# node; then Redis is restarted under load, and the third node is killed with -9. Every step runs on
# both sides (no stop at the first step over p99 100 ms, no retry), so that each rate is compared.
#
# Results (JSON, the nodes' logs, the chart) go to $OUT (default target/bench/cluster-<time>/).
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -f target/server.jar ]] || mvn -q -B package -DskipTests -DskipBrowserTests
SERVER_OPTS=${SERVER_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC}
RATES=${RATES:-40000,80000,120000,160000}
MODES=${MODES:-single cluster}
NODES=${NODES:-3}
CLIENTS=${CLIENTS:-2000}
FAILURES=${FAILURES:-true}
WARM_PHASE=${WARM_PHASE:-10}
PG=${PG:-127.0.0.1}
OUT=${OUT:-target/bench/cluster-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STAMP=$(date +%s)
echo "results in $OUT; server JVM flags: $SERVER_OPTS; rates $RATES; open files: $(ulimit -n)"

PIDS=()
URLS=()
REDIS_PORT=
DATABASES=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
psql_() { psql -h "$PG" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
  URLS=()
  if [[ -n $REDIS_PORT ]]; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  REDIS_PORT=
  for db in "${DATABASES[@]}"; do psql_ -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true; done
  DATABASES=()
}
trap cleanup EXIT

start_node() { # NAME DB [extra server options]
  local name=$1 db=$2; shift 2
  local log="$OUT/$MODE-$name.log"
  # shellcheck disable=SC2086
  java $SERVER_OPTS -jar target/server.jar --host 127.0.0.1 --port 0 --max-connections-per-address 0 --rate-limit 0 \
    --db-url "jdbc:postgresql://$PG:5432/$db" --db-user postgres "$@" >"$log" 2>&1 &
  PIDS+=($!)
  local url=
  for _ in $(seq 1 600); do
    url=$(grep -so 'ws://[^ ]*' "$log" | head -1 || true)
    [[ -n $url ]] && break
    sleep 0.1
  done
  [[ -n $url ]] || { echo "node $name did not start; see $log" >&2; exit 1; }
  URLS+=("$url")
}

join() { local IFS=$1; shift; echo "$*"; }
# The join storm against the nodes of $MODE: STORM_WARM storms first (default 0) whose clients all
# leave again, on nodes that have then compiled the path, as nodes that have been up a while have;
# then the measured one. Every storm's JSON is kept.
storm() { # bench options naming the nodes
  for w in $(seq 1 "${STORM_WARM:-0}"); do
    src/test/bench/bench.sh --scenario joinstorm --clients "${STORM:-5000}" "$@" --out "$OUT/$MODE-joinstorm-warm$w.json" \
      2>&1 | grep -v '^\[' | tee "$OUT/$MODE-joinstorm-warm$w.out"
    sleep 5 # every leave announced
  done
  local profilers=()
  if [[ -n ${STORM_PROFILE:-} ]]; then # each node's CPU profile over the measured storm
    for i in "${!PIDS[@]}"; do
      src/test/bench/profile.sh "${PIDS[$i]}" "$STORM_PROFILE" "$OUT/$MODE-storm-n$((i + 1)).collapsed" 4ms \
        >"$OUT/$MODE-storm-n$((i + 1)).shares" 2>&1 &
      profilers+=($!)
    done
    sleep 2 # attached before the first client
  fi
  src/test/bench/bench.sh --scenario joinstorm --clients "${STORM:-5000}" "$@" --out "$OUT/$MODE-joinstorm.json" \
    2>&1 | grep -v '^\[' | tee "$OUT/$MODE-joinstorm.out"
  for p in "${profilers[@]}"; do wait "$p" || true; done
}

for MODE in $MODES; do
  DB=sori_bench_${STAMP}_$MODE
  psql_ -c "create database $DB" >/dev/null
  DATABASES+=("$DB")
  case $MODE in
    single)
      start_node n1 "$DB"
      echo "== single (load $(cut -d' ' -f1-3 /proc/loadavg)): one node on PostgreSQL $DB"
      if [[ ${SCENARIO:-} == joinstorm ]]; then
        storm --url "${URLS[0]}" --pid "${PIDS[0]}" --pg-db "$DB" --label "join storm, one node"
        psql_ -c "select 1" >/dev/null; cleanup; continue
      fi
      src/test/bench/bench.sh --scenario ceiling --url "${URLS[0]}" --pid "${PIDS[0]}" --pg-db "$DB" \
        --clients "$CLIENTS" --senders 10 --rates "$RATES" --warm-phase "$WARM_PHASE" --warmup 3 --duration 10 --after-fail 9 --retries 0 --label "one node + PostgreSQL" \
        --out "$OUT/single.json" 2>&1 | grep -v '^\[' | tee "$OUT/single.out"
      ;;
    cluster)
      REDIS_PORT=$(free_port)
      mkdir -p "$OUT/redis"
      redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes --dir "$OUT/redis" \
        --logfile "$OUT/redis/redis.log"
      for i in $(seq 1 "$NODES"); do
        start_node "n$i" "$DB" --redis-url "redis://127.0.0.1:$REDIS_PORT" --node-id "n$i"
      done
      # Every node hears the others before the clients come.
      for _ in $(seq 1 100); do
        ok=0
        for u in "${URLS[@]}"; do
          h=${u#ws://}; h=${h%/chat}
          curl -s "http://$h/healthz" | grep -q "\"nodes\":$NODES,\"redis\":\"ok\"" && ok=$((ok + 1))
        done
        (( ok == NODES )) && break
        sleep 0.2
      done
      echo "== cluster (load $(cut -d' ' -f1-3 /proc/loadavg)): $NODES nodes on Redis :$REDIS_PORT and PostgreSQL $DB"
      if [[ ${SCENARIO:-} == joinstorm ]]; then
        storm --urls "$(join , "${URLS[@]}")" --pid "${PIDS[0]}" --pids "$(join , "${PIDS[@]}")" \
          --redis-port "$REDIS_PORT" --pg-db "$DB" --label "join storm, $NODES nodes"
        cleanup; continue
      fi
      src/test/bench/bench.sh --scenario cluster --urls "$(join , "${URLS[@]}")" --pids "$(join , "${PIDS[@]}")" \
        --pid "${PIDS[0]}" --redis-port "$REDIS_PORT" --redis-dir "$OUT/redis" --pg-db "$DB" \
        --clients "$CLIENTS" --senders 10 --rates "$RATES" --warm-phase "$WARM_PHASE" --warmup 3 --duration 10 --after-fail 9 --retries 0 --failures "$FAILURES" \
        --stall-node-seconds "${STALL:-0}" \
        --label "$NODES nodes + Redis + PostgreSQL" --out "$OUT/cluster.json" 2>&1 | grep -v '^\[' | tee "$OUT/cluster.out"
      ;;
    *) echo "MODES are single and cluster" >&2; exit 2 ;;
  esac
  psql_ -d "$DB" -c "select count(*), count(distinct (room_id, seq)) from messages" >"$OUT/$MODE-messages.txt" 2>&1 || true
  cleanup
done
