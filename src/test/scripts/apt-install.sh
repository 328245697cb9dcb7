#!/usr/bin/env bash
# Installs Debian packages for the test setup scripts: `apt-install.sh WHO PACKAGE...`, as root or
# through sudo, without recommended packages (the tests start the binaries themselves; no
# package's service is wanted). WHO names the caller in the one line it prints.
set -euo pipefail
who=$1
shift
echo "$who: installing Debian $*"
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "$@"
