// Requests and the outbox of sori.js: ids, acks, timeouts; a cid on every post, sent again after
// a reconnect until the server confirms it, and rejoins with `since`.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSocket, loadSori, settle } from './fakes.mjs';

const Sori = loadSori();
let clock;

beforeEach(() => {
  FakeSocket.reset();
  clock = new FakeClock();
});

const ME = { uid: 'u-me', nick: 'me', color: '#123456' };

function client() {
  const c = new Sori.Client({ url: 'http://sori.test/', clock, WebSocket: FakeSocket, random: () => 0.5, cidPrefix: 'p' });
  const outbox = [];
  c.on('outbox', (p) => outbox.push(`${p.text}:${p.state}`));
  c.connect();
  return { c, outbox };
}

/** Opens the current fake socket and welcomes it, as the server does on connect. */
function welcome(token = 't1') {
  const socket = FakeSocket.last;
  socket.accept();
  socket.push({ type: 'welcome', payload: { ...ME, token, room: 'general', limits: { maxMessageChars: 2000 } } });
  return socket;
}

function ack(socket, frame, payload) {
  socket.push({ type: 'ack', id: frame.id, payload });
}

test('a request resolves with its ack, by id, whatever the order of the answers', async () => {
  const { c } = client();
  const socket = welcome();
  const a = c.request('list_rooms');
  const b = c.request('history', { room: 'general' });
  const [fa, fb] = socket.sent;
  assert.notEqual(fa.id, fb.id);
  ack(socket, fb, { messages: [] });
  ack(socket, fa, { rooms: [1] });
  assert.equal(JSON.stringify(await a), '{"rooms":[1]}');
  assert.equal(JSON.stringify(await b), '{"messages":[]}');
});

test('an error reply rejects with the server\'s code; no answer rejects with timeout', async () => {
  const { c } = client();
  const socket = welcome();
  const refused = c.request('join', { room: 'x' });
  socket.push({ type: 'error', id: socket.sent[0].id, payload: { code: 'forbidden', message: 'wrong password' } });
  await assert.rejects(refused, (e) => e.code === 'forbidden' && e.message === 'wrong password');
  const unanswered = c.request('list_rooms');
  clock.advance(15_000);
  await assert.rejects(unanswered, (e) => e.code === 'timeout');
});

test('requests in flight fail with disconnected when the connection drops; none are sent offline', async () => {
  const { c } = client();
  const socket = welcome();
  const inFlight = c.request('list_rooms');
  socket.cut();
  await assert.rejects(inFlight, (e) => e.code === 'disconnected');
  await assert.rejects(c.request('list_rooms'), (e) => e.code === 'disconnected');
});

test('every post carries a cid; the ack settles it', async () => {
  const { c, outbox } = client();
  const socket = welcome();
  const sent = c.post('general', 'hello');
  const [frame] = socket.frames('new_message');
  assert.deepEqual(frame.payload, { text: 'hello', room: 'general', cid: 'p-1' });
  ack(socket, frame, { room: 'general', seq: 7, cid: 'p-1' });
  assert.equal((await sent).seq, 7);
  assert.deepEqual(outbox, ['hello:sending', 'hello:sent']);
  assert.equal(c.outbox.size, 0);
});

test('a post with an image carries its id (the caption may be empty) and the outbox shows the image, also after a reconnect', async () => {
  const { c } = client();
  let socket = welcome();
  const media = { id: 'm1', type: 'image/gif', width: 40, height: 20, bytes: 99, url: 'media/m1' };
  const events = [];
  c.on('outbox', (p) => events.push(p));
  const sent = c.post('general', '', { media });
  const [frame] = socket.frames('new_message');
  assert.deepEqual(frame.payload, { media: 'm1', text: '', room: 'general', cid: 'p-1' });
  assert.equal(events[0].media, media, 'the stand-in can show the image while it is on its way');
  socket.cut();
  await settle();
  clock.advance(375);
  socket = welcome('t1');
  const [again] = socket.frames('new_message');
  assert.deepEqual(again.payload, { media: 'm1', text: '', room: 'general', cid: 'p-1' }, 'sent again with the image');
  ack(socket, again, { room: 'general', seq: 4, cid: 'p-1' });
  assert.equal((await sent).seq, 4);
  // An id alone works too.
  c.post('general', 'caption', { media: 'm2' });
  assert.equal(socket.frames('new_message').at(-1).payload.media, 'm2');
});

test('a post whose ack was lost is sent again after the reconnect with the same cid, and the duplicate ack settles it', async () => {
  const { c, outbox } = client();
  let socket = welcome();
  const sent = c.post('general', 'lost ack');
  socket.cut(); // stored by the server, perhaps, but we never heard
  await settle();
  assert.deepEqual(outbox, ['lost ack:sending'], 'a post in doubt must neither fail nor vanish');
  clock.advance(375);
  socket = welcome('t1');
  const resent = socket.frames('new_message');
  assert.equal(resent.length, 1);
  assert.equal(resent[0].payload.cid, 'p-1');
  ack(socket, resent[0], { room: 'general', seq: 3, cid: 'p-1', duplicate: true });
  assert.equal((await sent).duplicate, true);
  assert.deepEqual(outbox, ['lost ack:sending', 'lost ack:sent']);
});

test('posts written while offline wait in the outbox and go out in order once connected', async () => {
  const { c } = client();
  c.post('general', 'one');
  c.post('general', 'two');
  assert.equal(FakeSocket.last.sent.length, 0);
  const socket = welcome();
  assert.deepEqual(socket.frames('new_message').map((f) => f.payload.text), ['one', 'two']);
});

test('our own message coming back with its cid settles the post before its ack', async () => {
  const { c, outbox } = client();
  const socket = welcome();
  c.post('general', 'echoed');
  socket.push({ type: 'message', payload: { room: 'general', seq: 4, cid: 'p-1', uid: 'u-me', text: 'echoed' } });
  assert.deepEqual(outbox, ['echoed:sending', 'echoed:sent']);
  socket.cut();
  clock.advance(375);
  assert.equal(welcome().frames('new_message').length, 0, 'a delivered post was sent again');
  // Someone else's message with the same cid string is not ours.
  c.post('general', 'mine');
  FakeSocket.last.push({ type: 'message', payload: { room: 'general', seq: 5, cid: 'p-2', uid: 'u-other' } });
  assert.equal(c.outbox.size, 1);
});

test('a post to another room waits for the rejoin (with since) and is settled by the history it brings', async () => {
  const { c, outbox } = client();
  let socket = welcome();
  const joined = c.join('den');
  ack(socket, socket.frames('join')[0], { room: 'den', history: [{ seq: 1 }, { seq: 2 }], members: [] });
  await joined;
  socket.push({ type: 'message', payload: { room: 'den', seq: 3, uid: 'u-x' } });
  c.post('den', 'first');
  c.post('den', 'second');
  assert.equal(socket.frames('new_message').length, 2);
  socket.cut();
  clock.advance(375);
  socket = welcome();
  assert.equal(socket.frames('new_message').length, 0, 'posted to a room before rejoining it');
  const [rejoin] = socket.frames('join');
  assert.deepEqual(rejoin.payload, { room: 'den', since: 3 });
  const rejoined = new Promise((resolve) => c.on('rejoin', resolve));
  // The first was stored before the drop: it is in the recovered history, so only the second goes again.
  ack(socket, rejoin, { room: 'den', recovered: true, history: [{ seq: 4, cid: 'p-1', uid: 'u-me' }], members: [] });
  const event = await rejoined;
  assert.equal(event.since, 3);
  assert.deepEqual(socket.frames('new_message').map((f) => [f.payload.text, f.payload.cid]), [['second', 'p-2']]);
  assert.deepEqual(outbox, ['first:sending', 'second:sending', 'first:sent']);
});

test('a refused post is failed, stays in the outbox, and retry sends it again with its cid', async () => {
  const { c, outbox } = client();
  const socket = welcome();
  const sent = c.post('general', 'too fast');
  const [first] = socket.frames('new_message');
  socket.push({ type: 'error', id: first.id, payload: { code: 'rate_limited', message: 'slow down' } });
  await assert.rejects(sent, (e) => e.code === 'rate_limited');
  assert.deepEqual(outbox, ['too fast:sending', 'too fast:failed']);
  const again = c.retry(first.payload.cid);
  const second = socket.frames('new_message')[1];
  assert.equal(second.payload.cid, first.payload.cid);
  ack(socket, second, { room: 'general', seq: 9 });
  assert.equal((await again).seq, 9);
});

test('a failed rejoin is reported and the room is no longer rejoined', async () => {
  const { c } = client();
  let socket = welcome();
  const joined = c.join('locked', { password: 'pw' });
  ack(socket, socket.frames('join')[0], { room: 'locked', history: [] });
  await joined;
  socket.cut();
  clock.advance(375);
  socket = welcome();
  assert.deepEqual(socket.frames('join')[0].payload, { room: 'locked', password: 'pw' });
  const failed = new Promise((resolve) => c.on('rejoin_failed', resolve));
  socket.push({ type: 'error', id: socket.frames('join')[0].id, payload: { code: 'not_found' } });
  assert.equal((await failed).error.code, 'not_found');
  assert.equal(c.wanted.has('locked'), false);
});

test('a reconnect uses the token of the last welcome', () => {
  client();
  const socket = welcome('fresh-token');
  socket.cut();
  clock.advance(375);
  assert.equal(FakeSocket.last.url, 'ws://sori.test/chat?token=fresh-token');
});
