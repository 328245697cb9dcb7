// The connection layer of sori.js: backoff with jitter, the connect timeout, the heartbeat.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSocket, loadSori, settle } from './fakes.mjs';

const Sori = loadSori();
let clock;

beforeEach(() => {
  FakeSocket.reset();
  clock = new FakeClock();
});

function connection(options = {}) {
  const c = new Sori.Connection('ws://sori.test/chat', { clock, WebSocket: FakeSocket, random: () => 0.5, ...options });
  const events = [];
  for (const type of ['connecting', 'open', 'down', 'closed']) c.on(type, (e) => events.push(type === 'down' ? `down:${e.due - clock.now()}` : type));
  c.on('frame', (f) => events.push(`frame:${f.type}`));
  return { c, events };
}

test('backoff doubles from 500 ms to a 10 s ceiling, half of it jitter', () => {
  const low = (n) => Sori.backoffDelay(n, () => 0);
  const high = (n) => Sori.backoffDelay(n, () => 0.999999);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 10].map(low), [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  assert.ok(Math.abs(high(0) - 500) < 1 && Math.abs(high(5) - 10_000) < 1);
  // Two clients with different dice wait differently: a restarted server is not hit all at once.
  assert.notEqual(Sori.backoffDelay(3, () => 0.1), Sori.backoffDelay(3, () => 0.9));
});

test('a dropped connection is retried after a growing, jittered delay', async () => {
  const { c, events } = connection();
  c.start();
  FakeSocket.last.cut();
  assert.equal(FakeSocket.all.length, 1);
  assert.deepEqual(events, ['connecting', 'down:375']);
  clock.advance(374);
  assert.equal(FakeSocket.all.length, 1, 'reconnected before the backoff was over');
  clock.advance(1);
  assert.equal(FakeSocket.all.length, 2);
  FakeSocket.last.cut();
  assert.equal(events.at(-1), 'down:750');
  clock.advance(750);
  FakeSocket.last.cut();
  assert.equal(events.at(-1), 'down:1500');
  await settle();
});

test('only a connection that lasted resets the backoff', () => {
  const { c, events } = connection();
  c.start();
  FakeSocket.last.cut();
  clock.advance(375);
  FakeSocket.last.accept();
  clock.advance(1_000); // up, but only briefly: a server that accepts and drops is not hammered
  FakeSocket.last.cut();
  assert.equal(events.at(-1), 'down:750');
  clock.advance(750);
  FakeSocket.last.accept();
  clock.advance(10_000);
  FakeSocket.last.cut();
  assert.equal(events.at(-1), 'down:375');
});

test('a socket stuck opening is abandoned after the connect timeout', () => {
  const { c, events } = connection();
  c.start();
  clock.advance(9_999);
  assert.equal(FakeSocket.all.length, 1);
  clock.advance(1);
  assert.ok(FakeSocket.all[0].closed, 'the stuck socket was not closed');
  assert.equal(events.at(-1), 'down:375');
  clock.advance(375);
  assert.equal(FakeSocket.all.length, 2);
});

test('a quiet connection is pinged, and one that does not answer is dropped', () => {
  const { c, events } = connection();
  c.start();
  const socket = FakeSocket.last;
  socket.accept();
  clock.advance(19_999);
  assert.equal(socket.frames('ping').length, 0);
  clock.advance(1);
  assert.equal(socket.frames('ping').length, 1, 'no ping after 20 s of silence');
  socket.push({ type: 'ack', id: socket.frames('ping')[0].id }); // answered: all is well
  clock.advance(25_000);
  assert.equal(socket.closed, false);
  assert.equal(socket.frames('ping').length, 2);
  clock.advance(4_999); // the second ping (sent at 40 s) goes unanswered until 50 s
  assert.equal(socket.closed, false);
  clock.advance(1);
  assert.ok(socket.closed, 'a half-open connection was kept');
  assert.match(events.at(-1), /^down:/);
});

test('frames are parsed; garbage is ignored; retryNow skips the wait; close stops for good', async () => {
  const { c, events } = connection();
  c.start();
  FakeSocket.last.accept();
  FakeSocket.last.fire('message', { data: 'not json' });
  FakeSocket.last.push({ type: 'welcome', payload: {} });
  assert.deepEqual(events, ['connecting', 'open', 'frame:welcome']);
  FakeSocket.last.cut();
  c.retryNow();
  assert.equal(FakeSocket.all.length, 2, 'retryNow did not reconnect at once');
  c.close();
  await settle();
  clock.advance(60_000);
  assert.equal(FakeSocket.all.length, 2, 'reconnected after close()');
  assert.equal(events.at(-1), 'closed');
});

test('the WebSocket URL follows the page: ws for http, wss for https, the token escaped', () => {
  assert.equal(Sori.chatUrl('http://h:8080/app/index.html', 'a b'), 'ws://h:8080/app/chat?token=a%20b');
  assert.equal(Sori.chatUrl('https://h/', null), 'wss://h/chat');
});

test('nothing is sent on a socket that is closing: send says no, and the caller keeps the frame', () => {
  const { c } = connection();
  c.start();
  FakeSocket.last.accept();
  assert.equal(c.send({ type: 'ping', id: 'p1' }), true);
  FakeSocket.last.closing(); // the server began to close; the close event is still on its way
  assert.equal(c.send({ type: 'ping', id: 'p2' }), false);
  assert.deepEqual(FakeSocket.last.frames('ping').map((f) => f.id), ['p1']);
});
