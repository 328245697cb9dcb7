// Moderation on the page's side (protocol 1.1): who gets which tool (model.js), what a deletion
// leaves, how a ban is told from a password, and what sori.js does with kick, ban, delete_message
// and kicked: requests with acks, and a removed room no longer joined nor rejoined.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Members, isBan, mayDelete, mayRemove, ownsRoom, tombstone } from '../../../webapp/js/model.js';
import { FakeClock, FakeSocket, loadSori, settle } from './fakes.mjs';

const owner = { uid: 'u-owner', nick: 'Ona', color: '#111111' };
const member = { uid: 'u-member', nick: 'Min', color: '#222222' };
const den = { room: 'den', title: 'Den', ownerUid: 'u-owner', locked: false };
const general = { room: 'general', title: 'General', ownerUid: null, locked: false };

test('the owner of a room may remove anyone else from it; nobody else may, and nobody in general', () => {
  assert.ok(ownsRoom(owner, den));
  assert.ok(!ownsRoom(member, den));
  assert.ok(mayRemove(owner, den, member));
  assert.ok(!mayRemove(owner, den, owner), 'the owner is offered to remove themselves');
  assert.ok(!mayRemove(member, den, owner), 'a member gets the owner\'s tools');
  assert.ok(!mayRemove(member, den, { uid: 'u-third' }));
  assert.ok(!mayRemove(owner, { ...general, ownerUid: 'u-owner' }, member), 'general has no owner tools');
  // A server without ownerUid, a room not yet in the lobby, a member without uid: no tools.
  assert.ok(!mayRemove(owner, { room: 'den' }, member));
  assert.ok(!mayRemove(owner, undefined, member));
  assert.ok(!mayRemove(owner, den, { nick: 'old server' }));
  assert.ok(!mayRemove(null, den, member));
});

test('a message may be deleted by its author (in general too) and by the room\'s owner, once', () => {
  const byMember = { seq: 3, uid: 'u-member', text: 'hi' };
  assert.ok(mayDelete(member, den, byMember), 'the author may not delete their own message');
  assert.ok(mayDelete(owner, den, byMember), 'the owner may not delete a member\'s message');
  assert.ok(!mayDelete({ uid: 'u-third' }, den, byMember));
  assert.ok(mayDelete(member, general, byMember), 'in general the author may delete their own');
  assert.ok(!mayDelete(owner, general, byMember), 'nobody owns general');
  assert.ok(!mayDelete(member, den, { ...byMember, deleted: true }), 'a deleted message offers Delete again');
  assert.ok(!mayDelete(member, den, { uid: 'u-member', text: 'sending…' }), 'a message without seq (still on its way)');
});

test('a deleted message keeps its place and author, loses its text and image', () => {
  const message = { room: 'den', seq: 7, uid: 'u-member', nick: 'Min', color: '#222222', text: 'oops', media: { id: 'm1' }, ts: 5 };
  const dead = tombstone(message);
  assert.deepEqual(dead, { room: 'den', seq: 7, uid: 'u-member', nick: 'Min', color: '#222222', text: '', ts: 5, deleted: true });
  assert.equal(message.text, 'oops', 'the original was changed');
  assert.ok(!mayDelete(owner, den, dead));
});

test('a refused join is a ban when the server says so, or when the room has no password', () => {
  const banned = { code: 'forbidden', message: 'you are banned from this room' };
  assert.ok(isBan(banned, undefined));
  assert.ok(isBan(banned, { ...den, locked: true }));
  const noPassword = { code: 'forbidden', message: 'wrong password' };
  assert.ok(!isBan(noPassword, { ...den, locked: true }), 'a wrong password taken for a ban');
  assert.ok(!isBan(noPassword, undefined), 'a room the page does not know yet: ask for the password');
  assert.ok(isBan({ code: 'forbidden' }, den), 'an open room refused: nothing a password could fix');
  assert.ok(!isBan({ code: 'not_found', message: 'banned' }, den));
});

test('someone kicked or banned leaves the member list like someone who left, one connection each', () => {
  const members = new Members();
  members.set([owner, member, { ...member }]);
  assert.equal(members.apply({ kind: 'kick', ...member, count: 2, people: 2 }, { me: owner }).changed, true);
  assert.equal(members.connections, 2);
  members.apply({ kind: 'ban', ...member, count: 1, people: 1 }, { me: owner });
  assert.deepEqual(members.sorted(owner).map((m) => m.uid), ['u-owner']);
});

// ---- sori.js ----

const Sori = loadSori();
let clock;
// sori.js runs in its own realm (a vm context): its objects are compared as plain data.
const plain = (value) => JSON.parse(JSON.stringify(value));
const outcome = (promise) => promise.then((ack) => plain(ack), (e) => e.code);

beforeEach(() => {
  FakeSocket.reset();
  clock = new FakeClock();
});

function connected() {
  const c = new Sori.Client({ url: 'http://sori.test/', clock, WebSocket: FakeSocket, random: () => 0.5, cidPrefix: 'p' });
  c.connect();
  const socket = FakeSocket.last;
  socket.accept();
  socket.push({ type: 'welcome', payload: { ...member, token: 't', room: 'general' } });
  return { c, socket };
}

async function inDen(c, socket) {
  const joined = c.join('den');
  socket.push({ type: 'ack', id: socket.frames('join')[0].id, payload: { room: 'den', history: [{ seq: 4 }], members: [] } });
  await joined;
}

test('kick, ban, unban and deleteMessage send their requests and resolve with the ack, or reject with the code', async () => {
  const { c, socket } = connected();
  const calls = [c.kick('den', 'u-x'), c.ban('den', 'u-y'), c.unban('den', 'u-y'), c.deleteMessage('den', 4)].map(outcome);
  assert.deepEqual(plain(socket.sent.filter((f) => f.id).map((f) => [f.type, f.payload])), [
    ['kick', { room: 'den', uid: 'u-x' }],
    ['ban', { room: 'den', uid: 'u-y' }],
    ['unban', { room: 'den', uid: 'u-y' }],
    ['delete_message', { room: 'den', seq: 4 }],
  ]);
  const [kick, ban, unban, del] = socket.sent.filter((f) => f.id);
  socket.push({ type: 'ack', id: kick.id, payload: {} });
  socket.push({ type: 'error', id: ban.id, payload: { code: 'forbidden', message: 'only the room\'s owner may do that' } });
  socket.push({ type: 'error', id: unban.id, payload: { code: 'invalid_argument', message: 'not yourself' } });
  socket.push({ type: 'ack', id: del.id, payload: {} });
  assert.deepEqual(await Promise.all(calls), [{}, 'forbidden', 'invalid_argument', {}]);
});

test('kicked: the room is no longer joined, nor rejoined after a reconnect; the event says who and whether banned', async () => {
  const { c, socket } = connected();
  await inDen(c, socket);
  const events = [];
  c.on('kicked', (e) => events.push(e));
  socket.push({ type: 'kicked', payload: { room: 'den', by: 'Ona', banned: true } });
  assert.deepEqual(plain(events), [{ room: 'den', by: 'Ona', banned: true }]);
  assert.equal(c.joined.has('den'), false);
  assert.equal(c.wanted.has('den'), false);
  // A post to it waits instead of going to a room this connection is not in.
  c.post('den', 'still here?');
  assert.equal(socket.frames('new_message').length, 0);
  socket.cut();
  clock.advance(375);
  const again = FakeSocket.last;
  again.accept();
  again.push({ type: 'welcome', payload: { ...member, token: 't', room: 'general' } });
  assert.deepEqual(again.frames('join'), [], 'a room one was removed from is rejoined');
});

test('a ban that came while away: the rejoin is refused once, reported, and not tried again', async () => {
  const { c, socket } = connected();
  await inDen(c, socket);
  socket.cut();
  clock.advance(375);
  let next = FakeSocket.last;
  next.accept();
  next.push({ type: 'welcome', payload: { ...member, token: 't', room: 'general' } });
  const [rejoin] = next.frames('join');
  assert.deepEqual(plain(rejoin.payload), { room: 'den', since: 4 });
  const failed = new Promise((resolve) => c.on('rejoin_failed', resolve));
  next.push({ type: 'error', id: rejoin.id, payload: { code: 'forbidden', message: 'you are banned from this room' } });
  const { room, error } = await failed;
  assert.equal(room, 'den');
  assert.ok(isBan(error, den));
  assert.equal(c.wanted.has('den'), false);
  next.cut();
  clock.advance(10_000);
  next = FakeSocket.last;
  next.accept();
  next.push({ type: 'welcome', payload: { ...member, token: 't', room: 'general' } });
  await settle();
  assert.deepEqual(next.frames('join'), [], 'the page keeps knocking on a room it is banned from');
});

test('message_deleted reaches listeners as it came', () => {
  const { c, socket } = connected();
  const events = [];
  c.on('message_deleted', (e) => events.push(e));
  socket.push({ type: 'message_deleted', payload: { room: 'den', seq: 4 } });
  assert.deepEqual(plain(events), [{ room: 'den', seq: 4 }]);
});
