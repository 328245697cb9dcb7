#!/usr/bin/env bash
# Prerequisite of MetricsIT's check of the real /metrics output with `promtool check metrics`:
# Debian's prometheus package (it ships promtool; Debian has no smaller package with it),
# installed only when missing. Without it that check skips, unless SORI_TEST_REQUIRE_PROMTOOL=true.
set -euo pipefail

if ! command -v promtool >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install.sh" "metrics-test setup" prometheus
fi
