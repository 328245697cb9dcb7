#!/usr/bin/env bash
# Prerequisites of the browser test, installed only when missing so that repeated
# `mvn verify` runs cost nothing: Debian's Chromium (Playwright's own browser downloads
# are not reachable here) and playwright-core exactly as pinned by package-lock.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ ! -x /usr/bin/chromium ]]; then
  bash "$here/../scripts/apt-install.sh" --with-recommends "browser-test setup" chromium
fi

# npm ci deletes and rebuilds node_modules, so run it only when the lockfile changed since.
if [[ ! -d "$here/node_modules" || "$here/package-lock.json" -nt "$here/node_modules" ]]; then
  echo "browser-test setup: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$here/node_modules"
fi
