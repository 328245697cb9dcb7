// The page's pure model and text helpers (webapp/js/model.js, webapp/js/text.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lobby, Members, Timeline, Typers, Unread, headcount, isMe, personKey, TYPING_SHOWN_MS } from '../../../webapp/js/model.js';
import { linkify, mentions, neutraliseBidi } from '../../../webapp/js/text.js';

const me = { uid: 'u1', nick: 'Sam', color: '#111111' };
const twin = { uid: 'u2', nick: 'Sam', color: '#111111' };

test('people are told apart by uid: same name and colour are two people; two tabs are one', () => {
  assert.ok(isMe(me, { uid: 'u1', nick: 'other name' }));
  assert.ok(!isMe(me, twin));
  const members = new Members();
  members.set([me, twin, { ...me }]);
  assert.equal(members.people, 2);
  assert.equal(members.connections, 3);
  assert.deepEqual(members.sorted(me).map((m) => [m.uid, m.n]), [['u1', 2], ['u2', 1]]);
  // Without uids (an older server) name and colour are all there is.
  assert.notEqual(personKey({ nick: 'a', color: '#1' }), personKey({ nick: 'a', color: '#2' }));
});

test('joins, leaves and renames keep the member list; our own pending join is not counted twice', () => {
  const members = new Members();
  members.set([me]);
  let r = members.apply({ kind: 'join', ...me }, { me, skipOwnJoin: true });
  assert.equal(r.skipOwnJoin, false);
  assert.equal(members.connections, 1, 'our own join, already in the ack, counted again');
  members.apply({ kind: 'join', ...twin }, { me });
  members.apply({ kind: 'nick', uid: 'u2', old: 'Sam', nick: 'Kim', color: '#111111' }, { me });
  assert.deepEqual(members.sorted(me).map((m) => m.nick), ['Sam', 'Kim']);
  members.apply({ kind: 'leave', ...twin, nick: 'Kim' }, { me });
  assert.equal(members.people, 1);
  // A coalesced join with uids for each name.
  members.apply({ kind: 'join', nicks: ['a', 'b'], uids: ['ua', 'ub'] }, { me });
  assert.equal(members.people, 3);
  // Without them the list cannot be kept exact and is left alone.
  r = members.apply({ kind: 'join', nicks: ['c', 'd'] }, { me });
  assert.equal(r.changed, false);
  assert.equal(members.people, 3);
});

test('the timeline keeps each seq once and knows the newest', () => {
  const timeline = new Timeline();
  assert.ok(timeline.add({ seq: 2 }));
  assert.ok(timeline.add({ seq: 1 }));
  assert.ok(!timeline.add({ seq: 2 }), 'a replayed message shown twice');
  assert.ok(!timeline.add({ seq: 'x' }) && !timeline.add({ seq: 0 }) && !timeline.add(null));
  assert.equal(timeline.newest, 2);
  timeline.clear();
  assert.equal(timeline.newest, 0);
});

test('typing shows for a while after the last notice', () => {
  const typers = new Typers();
  typers.note({ uid: 'u2', nick: 'Kim' }, 1_000);
  typers.note({ uid: 'u3', nick: 'Lee' }, 2_000);
  assert.deepEqual(typers.names(1_000 + TYPING_SHOWN_MS - 1), ['Kim', 'Lee']);
  assert.deepEqual(typers.names(1_000 + TYPING_SHOWN_MS), ['Lee']);
  assert.equal(typers.nextExpiry(), 2_000 + TYPING_SHOWN_MS);
  typers.stop({ uid: 'u3' });
  assert.deepEqual(typers.names(0), []);
});

test('unread counts every room but the one on screen, never our own messages', () => {
  const unread = new Unread();
  unread.note({ room: 'general', uid: 'u2' }, { me, active: 'den' });
  unread.note({ room: 'lab', uid: 'u2' }, { me, active: 'den' });
  unread.note({ room: 'lab', uid: 'u2' }, { me, active: 'den' });
  unread.note({ room: 'den', uid: 'u2' }, { me, active: 'den' });
  unread.note({ room: 'lab', uid: 'u1' }, { me, active: 'den' });
  assert.deepEqual([unread.of('general'), unread.of('lab'), unread.of('den'), unread.total], [1, 2, 0, 3]);
  unread.read('lab');
  assert.equal(unread.of('lab'), 0);
});

test('the lobby: general first, counts from system events, full by connections', () => {
  const lobby = new Lobby();
  lobby.setAll([{ room: 'b', title: 'Beta', count: 2, people: 1, max: 2 }, { room: 'general', title: 'General' }, { room: 'a', title: 'alpha' }]);
  assert.deepEqual(lobby.sorted((x, y) => x.localeCompare(y, 'en', { sensitivity: 'base' })).map((r) => r.room), ['general', 'a', 'b']);
  assert.equal(headcount(lobby.get('b')), 1, 'people, not connections');
  assert.ok(lobby.isFull('b'));
  lobby.counts({ room: 'b', count: 1, people: 1 });
  assert.ok(!lobby.isFull('b'));
  assert.equal(headcount({ count: 3 }), 3, 'an older server counts connections only');
});

test('bidi overrides and isolates are shown, not obeyed; marks stay', () => {
  assert.equal(neutraliseBidi('gnp.\u202Eexe'), 'gnp.<U+202E>exe');
  assert.equal(neutraliseBidi('a\u2066b\u2069c'), 'a<U+2066>b<U+2069>c');
  assert.equal(neutraliseBidi('\u200Fשלום'), '\u200Fשלום');
});

test('links: http and https only, sentence punctuation left out', () => {
  assert.deepEqual(linkify('see https://example.com/a?b=1. ok'), [
    { text: 'see ' }, { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' }, { text: '. ok' }]);
  assert.deepEqual(linkify('javascript:alert(1) ftp://x'), [{ text: 'javascript:alert(1) ftp://x' }]);
  assert.equal(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')[1].text, 'https://en.wikipedia.org/wiki/Foo_(bar)');
  assert.deepEqual(linkify(''), []);
});

test('mentions: @nick as a word, any case, any script; not inside a longer name or an address', () => {
  assert.ok(mentions('hi @Anon-4821, look', 'Anon-4821'));
  assert.ok(mentions('@민수 안녕', '민수'));
  assert.ok(mentions('thanks @SAM!', 'Sam'));
  assert.ok(!mentions('hi @Samuel', 'Sam'));
  assert.ok(!mentions('mail sam@Sam.org', 'Sam'));
  assert.ok(!mentions('hi Sam', 'Sam'));
  assert.ok(mentions('a.b (@a.b) c', 'a.b') && !mentions('@aXb', 'a.b'), 'a nickname is matched literally');
});
