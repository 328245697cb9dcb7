#!/usr/bin/env bash
# Installs Debian packages for the test setup scripts: `apt-install.sh [--with-recommends] WHO
# PACKAGE...`, as root or through sudo. Without recommended packages unless asked (the tests start
# the binaries themselves; no package's service is wanted; Chromium wants its fonts). WHO names
# the caller in the one line it prints.
set -euo pipefail
recommends=(--no-install-recommends)
if [[ $1 == --with-recommends ]]; then
  recommends=()
  shift
fi
who=$1
shift
echo "$who: installing Debian $*"
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q "${recommends[@]}" "$@"
