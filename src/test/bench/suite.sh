#!/usr/bin/env bash
# The table of issue 6, each scenario against a fresh server.jar on this machine:
#
#   src/test/bench/suite.sh                      # every scenario
#   src/test/bench/suite.sh fanout ceiling       # some of them
#   SERVER_OPTS="-Xms512m -Xmx2g -XX:+UseG1GC" src/test/bench/suite.sh fanout
#   src/test/bench/suite.sh fanout-jfr           # the fan-out again, with a JFR profile of the server
#   QUIET_LOAD=1.5 src/test/bench/suite.sh       # before each scenario, wait (up to QUIET_WAIT s, default
#                                                # 1800) for the 1-minute load average to drop below 1.5
#   SERVER=node src/test/bench/suite.sh fanout   # the same scenarios against the Node `ws` yardstick
#                                                # (src/test/bench/node-ws/) instead of Sori
#   SERVER=socketio src/test/bench/suite.sh fanout  # ... or against the Socket.IO yardstick
#                                                # (src/test/bench/node-socketio/; the generator runs with
#                                                # --wire socketio; fanout-jfr is skipped: JFR is Java-only;
#                                                # stuck runs but sees no 1013: Socket.IO has no close code)
#   SERVER=floor src/test/bench/suite.sh fanout  # ... or against the floor of issue 19 (src/test/bench/floor/):
#                                                # a C server doing one write() per delivery and nothing
#                                                # else, compiled into target/floor on demand; FLOOR_OPTS
#                                                # passes it options (--no-coalesce: every join on its own)
#   SERVER=tyrus src/test/bench/suite.sh fanout  # ... or against the same chat on Sori's own stack, written as
#                                                # Tyrus's tutorials write it (dev.sori.bench.yardstick: Tyrus's
#                                                # Server on Grizzly, JSON-B, no code of Sori's), with SERVER_OPTS
#   SERVER_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java src/test/bench/suite.sh connect-raw
#                                                # the server on another JDK (the generator stays on java)
#   SERVER_OPTS=" " src/test/bench/suite.sh connect-raw  # no JVM flag at all: the README's run command
#   SORI_WARM_UP=0 src/test/bench/suite.sh connect-raw   # any SORI_* variable reaches the server: here,
#                                                # no warm-up before it listens (the memory runs set it)
#   CLIENT=jdk src/test/bench/suite.sh fanout     # the generator's client library: raw (default, the lean
#                                                # one), jdk (steps 1-5 of docs/benchmarks.md) or tyrus
#
# Results (JSON, server logs, the chart, profiles) go to $OUT (default target/bench/suite-<time>/).
set -euo pipefail
cd "$(dirname "$0")/../../.."
SERVER=${SERVER:-sori}
case $SERVER in
  sori) [[ -f target/server.jar ]] || mvn -q -B package -DskipTests -DskipBrowserTests ;;
  tyrus) ;; # bench.sh compiles it and runs it
  node) [[ -d src/test/bench/node-ws/node_modules ]] || (cd src/test/bench/node-ws && npm ci --silent) ;;
  socketio) [[ -d src/test/bench/node-socketio/node_modules ]] || (cd src/test/bench/node-socketio && npm ci --silent) ;;
  floor) [[ target/floor -nt src/test/bench/floor/floor.c ]] \
           || { mkdir -p target && gcc -O2 -Wall -o target/floor src/test/bench/floor/floor.c; } ;;
  *) echo "SERVER is sori, tyrus, node, socketio or floor" >&2; exit 2 ;;
esac
# The Socket.IO yardstick carries each frame as a Socket.IO event; the others speak the protocol as is.
if [[ $SERVER == socketio ]]; then WIRE=socketio; else WIRE=sori; fi
SERVER_OPTS=${SERVER_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC}
# The README's memory-first flags: a small young generation, an old one that grows only as needed.
LEAN_OPTS=${LEAN_OPTS:--XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xms32m -Xmn24m}
OUT=${OUT:-target/bench/suite-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
if [[ $SERVER == sori ]]; then
  echo "results in $OUT; server JVM flags: $SERVER_OPTS; open files: $(ulimit -n)"
elif [[ $SERVER == tyrus ]]; then
  echo "results in $OUT; server: the Tyrus yardstick (dev.sori.bench.yardstick.TyrusYardstick), JVM flags: $SERVER_OPTS; open files: $(ulimit -n)"
elif [[ $SERVER == floor ]]; then
  echo "results in $OUT; server: the C floor (target/floor, $(gcc --version | head -1)) ${FLOOR_OPTS:-}; open files: $(ulimit -n)"
elif [[ $SERVER == node ]]; then
  echo "results in $OUT; server: Node $(node --version) with ws $(node -p "require('./src/test/bench/node-ws/node_modules/ws/package.json').version"); open files: $(ulimit -n)"
else
  echo "results in $OUT; server: Node $(node --version) with socket.io $(node -p "require('./src/test/bench/node-socketio/node_modules/socket.io/package.json').version"); open files: $(ulimit -n)"
fi

SERVER_PID=
URL=
start_server() { # NAME [extra JVM flags]
  local name=$1; shift
  local log="$OUT/$name-server.log"
  # shellcheck disable=SC2086
  # Every generator client comes from 127.0.0.1: no per-address connection cap. The rate limit stays
  # on (the generator keeps each sender at or below 18 messages/s, under the default 20/s).
  if [[ $SERVER == sori ]]; then
    # A fresh embedded database per scenario, so that no run depends on the one before (or on a
    # server still holding ./data).
    rm -rf "$OUT/data"
    ${SERVER_JAVA:-java} $SERVER_OPTS "$@" -jar target/server.jar --host 127.0.0.1 --port 0 --max-connections-per-address 0 \
      --data-dir "$OUT/data" >"$log" 2>&1 &
  elif [[ $SERVER == tyrus ]]; then
    # bench.sh compiles the test classes, then execs the JVM: $! is the server's pid. " ": no flag at all.
    BENCH_JVM_OPTS="${SERVER_OPTS:- } $*" BENCH_MAIN=dev.sori.bench.yardstick.TyrusYardstick \
      src/test/bench/bench.sh --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  elif [[ $SERVER == floor ]]; then
    # shellcheck disable=SC2086
    target/floor --host 127.0.0.1 --port 0 ${FLOOR_OPTS:-} >"$log" 2>&1 &
  elif [[ $SERVER == node ]]; then
    node src/test/bench/node-ws/server.mjs --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  else
    node src/test/bench/node-socketio/server.mjs --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  fi
  SERVER_PID=$!
  URL=
  # 30 s, plus the warm-up Sori runs before it listens (SORI_WARM_UP, 10 s by default)
  for _ in $(seq 1 $(( (30 + ${SORI_WARM_UP:-10}) * 10 ))); do
    # (Tyrus's Server logs its root, ws://host:port, before the yardstick's own line)
    URL=$(grep -o 'ws://[^ ]*' "$log" | grep -v '^ws://[^/]*$' | head -1 || true)
    [[ -n $URL ]] && break
    sleep 0.1
  done
  [[ -n $URL ]] || { echo "server did not start; see $log" >&2; exit 1; }
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT

wait_quiet() {
  [[ -n ${QUIET_LOAD:-} ]] || return 0
  local waited=0
  while awk -v max="$QUIET_LOAD" '{exit !($1 >= max)}' /proc/loadavg && (( waited < ${QUIET_WAIT:-1800} )); do
    sleep 10; waited=$((waited + 10))
  done
}

run() { # NAME bench-options...
  local name=$1; shift
  wait_quiet
  # shellcheck disable=SC2086
  start_server "$name" ${JVM_EXTRA:-}
  echo "== $name (load $(cut -d' ' -f1-3 /proc/loadavg)): bench $*"
  src/test/bench/bench.sh --url "$URL" --pid "$SERVER_PID" --out "$OUT/$name.json" --label "$name" \
    --client "${CLIENT:-raw}" --wire "$WIRE" "$@" \
    2>&1 | grep -v '^\[' | tee "$OUT/$name.out"
  stop_server
}

# Handshakes against a warmed-up server: the same raw run WARM_PASSES (default 20) times on one
# server. The first carries the JIT's first compilation of the handshake path; passes 2 and 3 are
# what records before step 7 call warm, yet a JVM keeps compiling (H2's code above all) for a
# minute of handshakes; by the last pass it has settled, and the server holds 76,000 identities,
# as one that has been up for a while does.
run_warm_connect() {
  wait_quiet
  start_server connect-warm
  for pass in $(seq 1 "${WARM_PASSES:-20}"); do
    echo "== connect-warm pass $pass (load $(cut -d' ' -f1-3 /proc/loadavg))"
    src/test/bench/bench.sh --url "$URL" --pid "$SERVER_PID" --out "$OUT/connect-warm-$pass.json" \
      --label "connect-warm-$pass" --client "${CLIENT:-raw}" --wire "$WIRE" --scenario connect --clients 4000 --mode raw --in-flight 64 \
      2>&1 | grep -v '^\[' | tee "$OUT/connect-warm-$pass.out"
  done
  stop_server
}

# Against Node or the floor there is no live heap to read (jcmd speaks only to a JVM).
no_heap() { [[ $SERVER == sori || $SERVER == tyrus ]] || echo --heap false; }
skip_socketio() { # NAME WHY: true (and says so) when NAME cannot run against the Socket.IO yardstick
  [[ $SERVER == socketio ]] || return 1
  echo "== $1: not supported against SERVER=socketio ($2); skipped"
}

skip_floor() { # NAME WHY: true (and says so) when NAME cannot run against the floor
  [[ $SERVER == floor ]] || return 1
  echo "== $1: not supported against SERVER=floor ($2); skipped"
}

# The fan-out's warm-up in seconds. 10 s leaves the JIT compiling through the measured 30 s (13-17 %
# of the server's CPU there, session 10); FANOUT_WARMUP=60 or more measures a settled server.
FANOUT_WARMUP=${FANOUT_WARMUP:-10}
all=(fanout fanout-jfr ceiling memory memory-lean memory-default-2k memory-default joinstorm connect-raw connect-minute connect-warm connect-churn connect-hold stuck stuck-fast)
for s in "${@:-${all[@]}}"; do
  case $s in
    fanout)        run fanout --scenario fanout --clients 2000 --senders 10 --rate 40000 --warmup "$FANOUT_WARMUP" --duration 30 ;;
    fanout-jfr)    skip_socketio fanout-jfr "JFR profiles a JVM" || skip_floor fanout-jfr "JFR profiles a JVM" || run fanout-jfr --scenario fanout --clients 2000 --senders 10 --rate 40000 --warmup "$FANOUT_WARMUP" --duration 30 \
                     --jfr "$OUT/fanout.jfr" ;;
    ceiling)       run ceiling --scenario ceiling --clients 2000 --senders 10 --warmup 3 --duration 10 ;;
    memory)        SORI_WARM_UP=0 run memory --scenario memory --clients 10000 $(no_heap) ;;
    # The same with the README's memory-first flags for many idle connections.
    memory-lean)   SORI_WARM_UP=0 SERVER_OPTS=$LEAN_OPTS run memory-lean --scenario memory --clients 10000 $(no_heap) ;;
    # 4,000 idle connections: small enough for the Node yardstick, whose uncoalesced join storm
    # makes 10,000 take far longer than the rest of the suite.
    memory-4k)     SORI_WARM_UP=0 SERVER_OPTS=$LEAN_OPTS run memory-4k --scenario memory --clients 4000 \
                     $(no_heap) ;;
    # Issue 19: the default command (`java -jar target/server.jar`, no JVM flag at all) at 2,000 and
    # 10,000 idle connections, RSS only (a live-heap reading would force full collections between
    # the points and change what is measured). Against Node the same runs measure its RSS.
    # LONG_IDLE (seconds, default 60) adds a reading after that much more quiet.
    # The memory scenarios start the server without its warm-up (SORI_WARM_UP=0): the twin's
    # garbage would raise the starting point and so shrink the growth per connection, and the
    # series would no longer compare with the runs before it (docs/benchmarks.md, step 24).
    memory-default-2k) SORI_WARM_UP=0 SERVER_OPTS= run memory-default-2k --scenario memory --clients 2000 --heap false \
                         --long-idle-ms $(( ${LONG_IDLE:-60} * 1000 )) ;;
    memory-default)    SORI_WARM_UP=0 SERVER_OPTS= run memory-default --scenario memory --clients 10000 --heap false \
                         --long-idle-ms $(( ${LONG_IDLE:-60} * 1000 )) ;;
    joinstorm)     run joinstorm --scenario joinstorm --clients 5000 ;;
    # Plain-socket handshakes (connect, upgrade, welcome, close): the generator's cost is minimal.
    connect-raw)   run connect-raw --scenario connect --clients 4000 --mode raw --in-flight 64 ;;
    # Issue 19's first minute as it reads: a fresh server, 60 s of the same handshakes, the rate per 10 s.
    connect-minute) run connect-minute --scenario connect --seconds 60 --mode raw --in-flight 64 ;;
    connect-warm)  run_warm_connect ;;
    connect-churn) run connect-churn --scenario connect --clients 2000 --mode churn ;;
    connect-hold)  run connect-hold --scenario connect --clients 2000 --mode hold ;;
    stuck)         run stuck --scenario stuck --clients 2000 --stuck 10 --rate 40000 --warmup 5 --duration 60 \
                     --rounds 2 --server-log "$OUT/stuck-server.log" ;;
    # Few readers, big frames, a high rate: the stuck sockets' kernel buffers (about 4 MB each on
    # loopback) and then the 1 MiB outbox cap fill within the run, so the 1013 can be seen.
    stuck-fast)    run stuck-fast --scenario stuck --clients 100 --stuck 10 --rate 20000 --pad 1500 --warmup 3 \
                     --duration 40 --server-log "$OUT/stuck-fast-server.log" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
