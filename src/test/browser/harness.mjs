// What every browser test script here shares, so that each script is left with its story.
//
// A script reads top to bottom as a test narrative and ends with
//
//   await run('rooms browser test', main, { watchdogMs: 150_000 });
//
// which checks the environment, launches Debian's Chromium, calls `main(browser)`, fails the run
// if any page logged an error or a warning, threw, or opened a dialog (see openPage), and sets
// the exit code that BrowserIT reads. Exports:
//
//   PAGE_URL                   the page of the server under test (env SORI_URL, required)
//   run(name, main, options)   the run as above; options.watchdogMs bounds it, options.cleanUp
//                              releases what the script started itself (a server, say)
//   step(text)                 prints the next step of the narrative
//   waitFor(what, probe, ms)   polls until probe() is truthy; stops early on any page problem
//   check(condition, message)  an assertion
//   openPage(context, name)    a new page at PAGE_URL whose problems fail the run
//   screenshot(page, file)     saves into SORI_SCREENSHOT_DIR (default: target/)
//   tolerateConnectionErrors(on)  while on, Chromium's "WebSocket connection to … failed"
//                              console errors are not problems: for a script that takes the
//                              server down on purpose
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const PAGE_URL = process.env.SORI_URL;
const SHOT_DIR = path.resolve(process.env.SORI_SCREENSHOT_DIR || 'target');
const TIMEOUT_MS = 10_000;

const problems = []; // console errors and warnings, page errors, dialogs: each fails the run
let allowConnectionErrors = false;

export function step(text) {
  console.log(`- ${text}`);
}

/** Polls `probe` until it returns something truthy; fails with `what` and the last value seen. */
export async function waitFor(what, probe, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (problems.length) throw new Error(`while waiting for ${what}: ${problems.join('; ')}`);
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** While the server is down on purpose, Chromium itself reports each refused attempt. */
export function tolerateConnectionErrors(on) {
  allowConnectionErrors = on;
}

// Chromium's own connection errors quote the socket URL, identity token included.
const redact = (text) => text.replace(/token=[^&'"\s]*/g, 'token=…');

function watch(page, name) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    if (allowConnectionErrors && /WebSocket connection to .* failed/.test(msg.text())) return;
    problems.push(`${name} console.${msg.type()}: ${redact(msg.text())}`);
  });
  page.on('pageerror', (err) => problems.push(`${name} page error: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${name} unexpected dialog (${dialog.type()}): ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
}

/** Opens PAGE_URL in a new page of `context`; `name` labels its problems. */
export async function openPage(context, name) {
  const page = await context.newPage();
  watch(page, name);
  await page.goto(PAGE_URL);
  return page;
}

export function screenshot(page, file) {
  return page.screenshot({ path: path.join(SHOT_DIR, file) });
}

/**
 * Runs `main(browser)` as the test called `name`: prints "`name` passed" and exits 0, or prints
 * "FAIL: …" and exits 1, also when it has not finished within `watchdogMs`.
 */
export async function run(name, main, { watchdogMs, cleanUp = () => {} }) {
  let browser;
  const release = async () => {
    try {
      await cleanUp();
    } finally {
      if (browser) await browser.close().catch(() => {});
    }
  };
  const watchdog = setTimeout(() => {
    console.error(`FAIL: the ${name} did not finish within ${watchdogMs / 1000} s`);
    release().finally(() => process.exit(1));
  }, watchdogMs);

  try {
    check(PAGE_URL, 'SORI_URL is not set (the page URL of a running Sori server, e.g. http://127.0.0.1:8080/)');
    mkdirSync(SHOT_DIR, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await main(browser);
    check(problems.length === 0, problems.join('\n'));
    console.log(`${name} passed`);
    process.exitCode = 0;
  } catch (e) {
    console.error(`FAIL: ${e.message}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    await release();
  }
}

let axeSource; // read once, by the first audit

/**
 * Runs axe-core in the page and fails on any serious or critical violation; every violation is
 * printed, so the minor ones are seen too.
 */
export async function audit(page, what) {
  axeSource ??= readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
    .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations) console.log(`  axe (${what}): ${v.impact} ${v.id} ${v.nodes.join(' | ')}`);
  check(bad.length === 0, `axe finds serious or critical violations on ${what}: ${JSON.stringify(bad)}`);
}
