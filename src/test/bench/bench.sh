#!/usr/bin/env bash
# Sori's load generator, from the source tree, against any running server:
#
#   src/test/bench/bench.sh --url ws://127.0.0.1:8080/chat --pid <server pid> --scenario fanout [options]
#
# Compiles the test classes (incrementally), resolves the test classpath once, then runs
# dev.sori.bench.Bench in its own JVM. BENCH_JVM_OPTS sets the generator's JVM flags; BENCH_MAIN
# runs another of its programs (dev.sori.bench.WriteFloor: the JVM's floor under the fan-out).
# Results go to target/bench/ as JSON (see docs/benchmarks.md). `--help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/../../.."
mkdir -p target/bench
cp_file=target/bench/classpath.txt
if [[ ! -s $cp_file || pom.xml -nt $cp_file ]]; then
  mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
else
  mvn -q -B test-compile >&2
fi
# shellcheck disable=SC2086
exec java ${BENCH_JVM_OPTS:--Xms1g -Xmx4g -XX:+UseParallelGC} \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" "${BENCH_MAIN:-dev.sori.bench.Bench}" "$@"
