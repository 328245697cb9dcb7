#!/usr/bin/env bash
# Prerequisite of MediaBenchSmokeIT's fetch case, which runs the image benchmark's HTTP load
# through wrk as src/test/bench/media.sh does: Debian's wrk package, installed only when
# missing. Without it that case skips, unless SORI_TEST_REQUIRE_WRK=true.
set -euo pipefail

if [[ ! -x /usr/bin/wrk ]]; then
  bash "$(dirname "$0")/apt-install.sh" "bench-smoke setup" wrk
fi
