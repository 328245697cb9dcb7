#!/usr/bin/env bash
# CPU profile of a running JVM (a server.jar of a benchmark run) with async-profiler, the way
# docs/benchmarks.md step 17 took it, and where its CPU went:
#
#   src/test/bench/profile.sh PID 20 target/bench/fanout.collapsed     # 20 s from now
#   src/test/bench/profile.sh PID exit target/bench/storm.collapsed 4ms # from now until the JVM exits
#
# async-profiler (tools.profiler:async-profiler, Maven Central) is fetched into ~/.m2 and its
# library unpacked into target/async-profiler/ on first use; event=cpu needs perf events
# (kernel.perf_event_paranoid <= 2 as root is enough here). Output: collapsed stacks (one line a
# stack, for flame graphs) and the shares printed by profile/shares.py.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PID=$1 SECONDS_=$2 OUT=$3 INTERVAL=${4:-997us}
VERSION=4.2
LIB=target/async-profiler/linux-x64/libasyncProfiler.so
mkdir -p target
# One unpacking at a time: cluster.sh profiles its nodes at once.
exec 9>target/async-profiler.lock
flock 9
if [[ ! -f $LIB ]]; then
  mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:$VERSION:jar:linux-x64 >&2
  mkdir -p target/async-profiler
  (cd target/async-profiler && unzip -o -q ~/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION-linux-x64.jar)
fi
flock -u 9
LIB=$(realpath "$LIB")
mkdir -p "$(dirname "$OUT")"
OUT=$(realpath "$OUT")
attach() { java src/test/bench/profile/Attach.java "$PID" "$LIB" "$1"; }
if [[ $SECONDS_ == exit ]]; then
  attach "start,event=cpu,interval=$INTERVAL,file=$OUT,collapsed"
  while kill -0 "$PID" 2>/dev/null; do sleep 0.5; done
else
  attach "start,event=cpu,interval=$INTERVAL"
  sleep "$SECONDS_"
  attach "stop,file=$OUT,collapsed"
fi
python3 src/test/bench/profile/shares.py "$OUT"
