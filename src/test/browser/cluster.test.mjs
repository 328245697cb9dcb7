// Two Chromium pages chatting through a real load balancer in front of a three-node cluster; the
// node one page is on dies with kill -9, and both carry on.
//
//   SORI_URL=http://127.0.0.1:HAPROXY_PORT/ \
//   SORI_NODES='[{"id":"node-0","url":"http://127.0.0.1:PORT/","pid":1234}, …]' node cluster.test.mjs
//
// ClusterBrowserIT starts the nodes (server.jar, one Redis, one PostgreSQL database) and HAProxy,
// and passes them here. Which node a page is on is read from each node's /healthz `connections`
// (a page holds one WebSocket); pages are opened until the two are on different nodes.
// Optional: SORI_SCREENSHOT_DIR (default: target/).
import {
  PAGE_URL, check, openPage, run, screenshot, step, tolerateConnectionErrors, waitFor,
} from './harness.mjs';

const NODES = JSON.parse(process.env.SORI_NODES || '[]'); // [{ id, url, pid }]
const killed = new Set();

/**
 * Records every WebSocket the page opens, every frame it sends and every ack it gets; while
 * `held` is set, new sockets fail at once (as if the network were down) without Chromium
 * logging a connection error, so that the test decides when the page may come back.
 */
function socketHooks() {
  const Native = window.WebSocket;
  const hooks = { sockets: [], sent: [], acks: [], held: false };
  window.__soriTest = hooks;
  function TestWebSocket(url, protocols) {
    if (hooks.held) {
      const fake = new EventTarget();
      fake.readyState = Native.CLOSED;
      fake.send = () => { throw new DOMException('closed', 'InvalidStateError'); };
      fake.close = () => {};
      setTimeout(() => fake.dispatchEvent(new CloseEvent('close', { code: 1006 })), 20);
      return fake;
    }
    const socket = new Native(url, protocols);
    const nativeSend = socket.send.bind(socket);
    socket.send = (data) => {
      hooks.sent.push(String(data));
      nativeSend(data);
    };
    socket.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'ack') hooks.acks.push(frame);
    });
    hooks.sockets.push(socket);
    return socket;
  }
  TestWebSocket.prototype = Native.prototype;
  for (const key of ['CONNECTING', 'OPEN', 'CLOSED', 'CLOSING']) TestWebSocket[key] = Native[key];
  window.WebSocket = TestWebSocket;
}

/** Each live node's open WebSocket connections, by node id. */
async function connectionsByNode() {
  const connections = {};
  for (const node of NODES) {
    if (killed.has(node.id)) continue;
    const health = await (await fetch(new URL('healthz', node.url))).json();
    connections[node.id] = health.connections;
  }
  return connections;
}

const total = (connections) => Object.values(connections).reduce((a, b) => a + b, 0);

/** Waits until the live nodes hold `n` connections in all; returns them by node. */
async function awaitConnections(n) {
  return waitFor(`the nodes to hold ${n} connection(s)`, async () => {
    const c = await connectionsByNode();
    return total(c) === n ? c : false;
  }, 15_000);
}

async function openChat(context, name) {
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  await waitFor(`${name} to be online`, async () => (await page.locator('#presence').getAttribute('data-state')) === 'online');
  return page;
}

const nickOf = (page) => page.locator('#nick').inputValue();
const count = (page) => page.locator('#count').getAttribute('data-count');

/** The messages in the list as { seq, text, nick, own }. */
function messages(page) {
  return page.locator('#messages .msg').evaluateAll((items) => items.map((li) => ({
    seq: Number(li.dataset.seq),
    text: li.querySelector('.text').textContent,
    nick: li.dataset.nick,
    own: li.classList.contains('own'),
  })));
}

async function hasMessage(page, text, extra = () => true) {
  return (await messages(page)).some((m) => m.text === text && extra(m));
}

async function sendMessage(page, text) {
  const box = page.locator('#text');
  await box.fill(text);
  await box.press('Enter');
}

/** Each seq once, each one more than the last: what a page shows is one gapless stream. */
async function checkOneStream(page, name) {
  const seqs = (await messages(page)).map((m) => m.seq);
  check(seqs.length > 0 && seqs.every(Number.isInteger), `${name} shows messages without seqs: ${seqs.join(',')}`);
  check(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1),
    `${name}'s messages have a gap, a duplicate or are out of order: ${seqs.join(',')}`);
}

async function main(browser) {
  check(NODES.length >= 2, 'SORI_NODES must name at least two nodes (id, url, pid)');
  await awaitConnections(0);

  step('A opens the page through HAProxy');
  const contextA = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
  await contextA.addInitScript(socketHooks);
  const a = await openChat(contextA, 'A');
  const nickA = await nickOf(a);
  const afterA = await awaitConnections(1);
  const nodeA = Object.keys(afterA).find((id) => afterA[id] === 1);
  step(`A is on ${nodeA}`);

  let b;
  let contextB;
  let nodeB;
  for (let attempt = 1; !nodeB; attempt++) {
    check(attempt <= 8, 'eight pages in a row landed on A\'s node: HAProxy does not balance');
    step(`B opens the page through HAProxy (attempt ${attempt})`);
    contextB = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
    await contextB.addInitScript(socketHooks);
    b = await openChat(contextB, 'B');
    const afterB = await awaitConnections(2);
    if (afterB[nodeA] === 2) {
      // Round robin goes by request, and a page load is always the same number of requests (the
      // page, its scripts, the socket): every page can land where the last one did. One more
      // request through HAProxy shifts the next page on.
      step(`B landed on ${nodeA} too: closing it, one request through HAProxy, trying again`);
      await contextB.close();
      await awaitConnections(1);
      check((await fetch(new URL('healthz', PAGE_URL))).ok, 'GET /healthz through HAProxy failed');
    } else {
      nodeB = Object.keys(afterB).find((id) => id !== nodeA && afterB[id] === 1);
    }
  }
  step(`B is on ${nodeB}`);
  const nickB = await nickOf(b);

  step('they chat across the two nodes');
  await waitFor('A to see 2 online', async () => (await count(a)) === '2');
  await waitFor('B to see 2 online', async () => (await count(b)) === '2');
  await sendMessage(a, `hello from A on ${nodeA}`);
  await waitFor('B to receive A\'s message', () => hasMessage(b, `hello from A on ${nodeA}`, (m) => m.nick === nickA && !m.own));
  await sendMessage(b, `hello from B on ${nodeB}`);
  await waitFor('A to receive B\'s message', () => hasMessage(a, `hello from B on ${nodeB}`, (m) => m.nick === nickB && !m.own));
  await waitFor('B to see its message as own', () => hasMessage(b, `hello from B on ${nodeB}`, (m) => m.own));

  const lastSeqA = Math.max(...(await messages(a)).map((m) => m.seq));
  step(`kill -9 of ${nodeA}, A's node (A last saw seq ${lastSeqA})`);
  tolerateConnectionErrors(true); // attempts that reach the dead node before HAProxy knows fail
  // A stays away until B's next post is stored, so that it can only get it by recovery.
  await a.evaluate(() => { window.__soriTest.sent.length = 0; window.__soriTest.held = true; });
  const victim = NODES.find((n) => n.id === nodeA);
  process.kill(victim.pid, 'SIGKILL');
  killed.add(nodeA);
  await waitFor('A\'s socket to close', () => a.evaluate(() => window.__soriTest.sockets[0].readyState === WebSocket.CLOSED));
  check(await b.evaluate(() => window.__soriTest.sockets.length === 1 && window.__soriTest.sockets[0].readyState === WebSocket.OPEN),
    'B lost its connection, though its node lives');

  step('B posts while A is moving to another node');
  const whileAway = 'B, while A moves';
  await sendMessage(b, whileAway);
  await waitFor('B to see its message as own', () => hasMessage(b, whileAway, (m) => m.own));

  step('A reconnects by itself through HAProxy to a live node, rejoins with since and recovers B\'s message');
  await a.evaluate(() => { window.__soriTest.held = false; });
  await waitFor('A to be online again', async () => (await a.locator('#presence').getAttribute('data-state')) === 'online'
    && (await a.evaluate(() => window.__soriTest.sockets.at(-1).readyState === WebSocket.OPEN)), 30_000);
  const live = await awaitConnections(2);
  const nodeA2 = Object.keys(live).find((id) => live[id] === (id === nodeB ? 2 : 1));
  step(`A is now on ${nodeA2}`);
  check(nodeA2 && nodeA2 !== nodeA, `A is not on a live node: ${JSON.stringify(live)}`);
  await waitFor('A to show B\'s message from while it was away', () => hasMessage(a, whileAway, (m) => m.nick === nickB && !m.own), 15_000);
  const rejoin = await a.evaluate(() => window.__soriTest.sent.map((s) => JSON.parse(s))
    .find((f) => f.type === 'join' && f.payload?.room === 'general'));
  check(rejoin?.payload?.since === lastSeqA, `A did not rejoin general with since=${lastSeqA}: ${JSON.stringify(rejoin?.payload)}`);
  const recovery = await a.evaluate((id) => window.__soriTest.acks.find((f) => f.id === id), rejoin.id);
  check(recovery?.payload?.recovered === true, `A's rejoin was not an exact recovery: recovered=${recovery?.payload?.recovered}`);
  check(recovery.payload.history.some((m) => m.text === whileAway),
    `A's recovery did not bring B's message: seqs ${recovery.payload.history.map((m) => m.seq).join(',')}`);
  tolerateConnectionErrors(false);

  step('A posts from its new node; B sees it');
  const back = `A is back, on ${nodeA2}`;
  await sendMessage(a, back);
  await waitFor('B to receive A\'s post after the move', () => hasMessage(b, back, (m) => m.nick === nickA && !m.own));
  await waitFor('A to see its post as own', () => hasMessage(a, back, (m) => m.own));

  step('both show one gapless stream, the same messages at the same seqs, and 2 online');
  await checkOneStream(a, 'A');
  await checkOneStream(b, 'B');
  const listA = await messages(a);
  const listB = await messages(b);
  for (const m of listA) {
    const same = listB.find((o) => o.seq === m.seq);
    check(!same || same.text === m.text, `A and B disagree on seq ${m.seq}: "${m.text}" / "${same?.text}"`);
  }
  for (const text of [whileAway, back]) {
    for (const [name, list] of [['A', listA], ['B', listB]]) {
      const n = list.filter((m) => m.text === text).length;
      check(n === 1, `${name} shows "${text}" ${n} times`);
    }
  }
  // The dead node's connection of A leaves everywhere once the node is declared dead (5 s).
  await waitFor('A to see 2 online', async () => (await count(a)) === '2', 15_000);
  await waitFor('B to see 2 online', async () => (await count(b)) === '2', 15_000);

  await screenshot(a, 'browser-cluster.png');
}

await run('cluster browser test', main, { watchdogMs: 150_000 });
