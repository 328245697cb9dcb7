// The server-sent event stream of a room in Chromium's own EventSource (no Sori page: a blank
// document of the server's origin). Messages posted through the publish API arrive as `message`
// events with their seq as the event id and bot: true; then the connection is cut under the
// browser (a TCP relay in this script drops it) while more messages are posted, and EventSource
// reconnects by itself with Last-Event-ID: every message arrives exactly once, in order.
import net from 'node:net';
import { run, step, waitFor, check, PAGE_URL } from './harness.mjs';

const KEY = process.env.SORI_API_KEY;
const server = new URL(PAGE_URL);
const sockets = new Set();
let relay;

function startRelay() {
  return new Promise((resolve) => {
    relay = net.createServer((client) => {
      const upstream = net.connect(Number(server.port), server.hostname);
      sockets.add(client);
      sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    relay.listen(0, '127.0.0.1', () => resolve(relay.address().port));
  });
}

async function publish(text) {
  const answer = await fetch(new URL('api/rooms/general/messages', PAGE_URL), {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, nick: 'Ticker' }),
  });
  check(answer.status === 201, `publish answered ${answer.status}`);
  return (await answer.json()).seq;
}

async function main(browser) {
  check(KEY, 'SORI_API_KEY is not set');
  const port = await startRelay();
  const origin = `http://127.0.0.1:${port}/`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(new URL('api/openapi.json', origin).toString());

  step('an EventSource on the room, through the relay');
  await page.evaluate(() => {
    window.got = [];
    window.opened = 0;
    window.errors = 0;
    const source = new EventSource('/api/rooms/general/events');
    source.onopen = () => { window.opened += 1; };
    source.onerror = () => { window.errors += 1; };
    source.addEventListener('message', (e) => window.got.push({ id: e.lastEventId, data: JSON.parse(e.data) }));
    window.source = source;
  });
  await waitFor('the stream to open', () => page.evaluate(() => window.opened === 1));

  step('three messages posted through the API arrive as bot messages with their seq as id');
  const first = await publish('one');
  await publish('two');
  await publish('three');
  await waitFor('three messages', () => page.evaluate(() => window.got.length >= 3));
  const early = await page.evaluate(() => window.got);
  check(early.every((e) => e.data.bot === true && e.data.nick === 'Ticker'), `not bots: ${JSON.stringify(early)}`);
  check(early[0].id === String(first), `the first id is ${early[0].id}, its seq ${first}`);

  step('the connection is cut under the browser; three more are posted meanwhile');
  for (const s of sockets) s.destroy();
  await waitFor('EventSource to see the cut', () => page.evaluate(() => window.errors >= 1));
  await publish('four');
  await publish('five');
  await publish('six');

  step('EventSource reconnects by itself with Last-Event-ID and gets them, then the live ones');
  await waitFor('the stream to reopen', () => page.evaluate(() => window.opened === 2), 15_000);
  await publish('seven');
  await waitFor('seven messages', () => page.evaluate(() => window.got.length >= 7));
  const all = await page.evaluate(() => window.got);
  const texts = all.map((e) => e.data.text);
  check(JSON.stringify(texts) === JSON.stringify(['one', 'two', 'three', 'four', 'five', 'six', 'seven']),
    `no gap, no duplicate, in order: got ${JSON.stringify(texts)}`);
  all.forEach((e, i) => check(e.id === String(first + i), `event ${i} has id ${e.id}, not ${first + i}`));
  await page.evaluate(() => window.source.close());
}

await run('event stream browser test', main, {
  watchdogMs: 90_000,
  cleanUp: () => new Promise((resolve) => (relay ? relay.close(() => resolve()) : resolve())),
});
