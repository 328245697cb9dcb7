#!/usr/bin/env bash
# Prerequisite of MetricsIT's check of the real /metrics output with `promtool check metrics`:
# Debian's prometheus package (it ships promtool; Debian has no smaller package with it),
# installed only when missing. Without it that check skips, unless SORI_TEST_REQUIRE_PROMTOOL=true.
set -euo pipefail

if ! command -v promtool >/dev/null 2>&1; then
  echo "metrics-test setup: installing Debian prometheus (for promtool)"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  # --no-install-recommends: only the binaries; the package's service is never started by the tests.
  "${sudo[@]}" apt-get install -y -q --no-install-recommends prometheus
fi
