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
  echo "cluster-test setup: installing Debian ${missing[*]}"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  # --no-install-recommends: no service is wanted, only the binaries the tests start themselves.
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
