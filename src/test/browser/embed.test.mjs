// The embedding example of docs/client.md, run as it is written there, on a page of another
// origin (http://127.0.0.1:EMBED_PORT, served by this script) against a server started with
// --allowed-origins http://127.0.0.1:EMBED_PORT. (Another port of the same machine: Chromium
// keeps a page of a public address from loading scripts from a loopback one.)
//
//   SORI_URL=http://127.0.0.1:PORT/ SORI_EMBED_PORT=EMBED_PORT node embed.test.mjs
//
// A Sori page and the embedded one talk both ways; the embedded one survives a dropped socket.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { PAGE_URL, check, openPage, run, screenshot, step, waitFor } from './harness.mjs';

/* global sori */
const ORIGIN = `http://127.0.0.1:${process.env.SORI_EMBED_PORT}`;
let site;

/** The ```html block of docs/client.md, pointed at the server under test. */
function example() {
  const doc = readFileSync(new URL('../../../docs/client.md', import.meta.url), 'utf8');
  const block = /```html\n([\s\S]*?)```/.exec(doc);
  check(block, 'docs/client.md has no html example');
  check(block[1].split('\n').length <= 25, 'the embedding example is no longer short');
  return block[1].replaceAll('https://chat.example.com/', PAGE_URL);
}

async function main(browser) {
  step('another site embeds a room with the example from docs/client.md');
  check(process.env.SORI_EMBED_PORT, 'SORI_EMBED_PORT is not set (a free port, in the server\'s --allowed-origins)');
  const html = example();
  site = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise((resolve, reject) => site.once('error', reject).listen(Number(process.env.SORI_EMBED_PORT), '127.0.0.1', resolve));
  const context = await browser.newContext({ locale: 'en-US' });
  const problems = [];
  const embed = await context.newPage();
  embed.on('pageerror', (e) => problems.push(e.message));
  embed.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await embed.goto(`${ORIGIN}/page.html`);
  check(await embed.evaluate(() => location.origin) === ORIGIN, 'the example is not on another origin');
  await waitFor('the embedded page to be welcomed', () => {
    check(problems.length === 0, `the embedded page reported: ${problems.join('; ')}`);
    return embed.evaluate(() => typeof sori === 'object' && sori.online === true);
  });

  step('someone on the Sori page writes; the embedded page shows it, as text');
  const soriPage = await openPage(await browser.newContext({ locale: 'en-US' }), 'Sori page');
  await waitFor('the Sori page to be welcomed', () => soriPage.locator('#nick').inputValue());
  const nick = await soriPage.locator('#nick').inputValue();
  await soriPage.locator('#text').fill('hello <b>embed</b>');
  await soriPage.locator('#text').press('Enter');
  const lines = () => embed.locator('#log li').allTextContents();
  await waitFor('the embedded page to show the message', async () => (await lines()).includes(`${nick}: hello <b>embed</b>`));
  check(await embed.locator('#log b').count() === 0, 'markup in a message was interpreted');

  step('the embedded page writes; the Sori page shows it');
  await embed.locator('#text').fill('hello from example.org');
  await embed.locator('#send button').click();
  await waitFor('the Sori page to show it', async () =>
    (await soriPage.locator('#messages .msg .text').allTextContents()).includes('hello from example.org'));

  step('the embedded page loses its socket, misses a message, and recovers it on rejoin');
  await embed.evaluate(() => sori.connection.socket.close());
  await waitFor('the embedded page to be offline', () => embed.evaluate(() => sori.online === false));
  await soriPage.locator('#text').fill('while you were away');
  await soriPage.locator('#text').press('Enter');
  await waitFor('the embedded page to show the missed message once', async () =>
    (await lines()).filter((l) => l === `${nick}: while you were away`).length === 1);
  await screenshot(embed, 'browser-embed.png');
  check(problems.length === 0, `the embedded page reported: ${problems.join('; ')}`);
}

await run('embedding browser test', main, { watchdogMs: 90_000, cleanUp: () => site?.close() });
