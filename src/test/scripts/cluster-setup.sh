#!/usr/bin/env bash
# Prerequisites of the multi-process cluster tests (dev.sori.cluster.*IT), installed from
# Debian's packages only when missing: redis-server (the tests start private ones on free
# ports; the machine's shared Redis is never touched) and HAProxy (the load balancer of the
# end-to-end tests). Without them those tests skip, unless SORI_TEST_REQUIRE_CLUSTER=true.
set -euo pipefail

missing=()
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
[[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)

if (( ${#missing[@]} > 0 )); then
  bash "$(dirname "$0")/apt-install.sh" "cluster-test setup" "${missing[@]}"
fi
