#!/usr/bin/env bash
# Lighthouse scores of a running Sori page, with Debian's Chromium (never a downloaded browser):
#
#   src/test/bench/lighthouse/lighthouse.sh http://127.0.0.1:8080/
#
# Runs the mobile preset (Lighthouse's default: a phone on a throttled network, simulated) and
# the desktop preset, prints the category scores and the Core Web Vitals, and keeps the JSON
# reports in target/lighthouse/. lighthouse is pinned to 12.2.3 (13 needs Node 22) by
# package-lock.json and installed here on first use. A benchmark, not a test: docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${1:?usage: lighthouse.sh PAGE_URL}"
out="$here/../../../../target/lighthouse"
mkdir -p "$out"
if [[ ! -d "$here/node_modules" || "$here/package-lock.json" -nt "$here/node_modules" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$here/node_modules"
fi
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
for preset in mobile desktop; do
  extra=()
  [[ $preset == desktop ]] && extra=(--preset=desktop)
  CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" "$here/node_modules/.bin/lighthouse" "$url" --quiet \
    --chrome-flags="$flags" --only-categories=performance,accessibility,best-practices \
    --output=json --output-path="$out/$preset.json" "${extra[@]}"
  node -e '
    const r = require(process.argv[1]);
    const score = (c) => Math.round(r.categories[c].score * 100);
    const v = (id) => r.audits[id].displayValue;
    console.log(`${process.argv[2]}: performance ${score("performance")}, accessibility ${score("accessibility")}, ` +
      `best practices ${score("best-practices")}; FCP ${v("first-contentful-paint")}, LCP ${v("largest-contentful-paint")}, ` +
      `TBT ${v("total-blocking-time")}, CLS ${v("cumulative-layout-shift")}`);' "$out/$preset.json" "$preset"
done
