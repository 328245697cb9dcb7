// The Sori chat page: one WebSocket speaking the protocol in PROTOCOL.md.
// Everything a user typed (messages, nicknames, room titles) reaches the DOM through
// textContent only, never as markup.
//
// Rooms, as this page uses them:
// - The connection is always a member of `general`: the server puts every connection there
//   on connect, and leaving it would make everyone in general watch a join and a leave on
//   every page load. Besides general the page is in at most one other room: the active one.
//   Switching rooms = join the new one, then leave the previous one (never general).
// - `state.view` is the room on screen. Frames of other rooms are ignored, except general's
//   messages, which count as unread on its lobby entry.
// - localStorage keeps the identity token, the active room (also in the URL hash,
//   `#room=…`, so a link can be shared), the last seq seen per room and the ids of the
//   rooms this identity created. Never a password: those live in memory for the session,
//   so a reconnect can rejoin a locked room, and a reload asks again.
// - The connection, requests and the outbox are sori.js (the client library the server serves
//   at /sori.js, loaded before this module): it reconnects with jittered backoff, rejoins the
//   active room with `since` after a reconnect, and sends every message with a `cid`, again after
//   a reconnect until the server confirms it (exactly once). Messages are deduplicated by seq.
// - The model (members by uid, messages by seq, unread per room) is js/model.js, without the DOM.
// - People are told apart by `uid`, never by nickname: two people may share a name (and even a
//   colour), and one person may have several tabs open (several connections, one uid). Only a
//   server that sends no uids (before protocol 1.1) leaves nickname and colour to go by.
// - A message on its way shows in the list as "sending…" (and "failed — retry" if refused) until
//   the server has it; the box is free for the next one meanwhile.
import { lang, t } from './i18n.js';
import { Members, Unread, headcount, isMe as isMeOf, personKey, peopleIn, memberKey } from './js/model.js';
import { clip, linkify, neutraliseBidi } from './js/text.js';

const Sori = globalThis.Sori;

const TOKEN_KEY = 'sori.token';
const ROOM_KEY = 'sori.room';
const SEEN_KEY = 'sori.seen';
const OWNED_KEY = 'sori.owned';
const GENERAL = 'general';
const PAGE = 50;
const MAX_SEEN_ROOMS = 100;

// Consecutive messages of one author closer than this share a single name header.
const GROUP_MS = 5 * 60_000;
const NEAR_BOTTOM_PX = 80;
// Older messages are asked for when the reader scrolls this close to the top.
const NEAR_TOP_PX = 150;
// A tab left open for days must not grow without bound; older lines scroll out of memory.
const MAX_ITEMS = 1000;
const COUNTER_FROM = 200;
const TYPING_EVERY_MS = 2_500;
const TYPING_SHOWN_MS = 4_000;
const TOAST_MS = 7_000;
const RETRY_JOIN_MS = 3_000;

const $ = (id) => document.getElementById(id);
const ui = {
  app: $('app'),
  sidebar: $('sidebar'),
  sidebarClose: $('sidebar-close'),
  scrim: $('scrim'),
  menu: $('menu'),
  menuDot: $('menu-dot'),
  rooms: $('rooms'),
  roomsLoading: $('rooms-loading'),
  newRoom: $('new-room'),
  newRoomSmall: $('new-room-small'),
  roomTitle: $('room-title'),
  roomLock: $('room-lock'),
  presence: $('presence'),
  count: $('count'),
  leave: $('leave'),
  del: $('delete'),
  membersToggle: $('members-toggle'),
  membersBtnCount: $('members-btn-count'),
  members: $('members'),
  membersClose: $('members-close'),
  memberList: $('member-list'),
  membersCount: $('members-count'),
  membersNote: $('members-note'),
  nickForm: $('nick-form'),
  nick: $('nick'),
  nickError: $('nick-error'),
  meDot: $('me-dot'),
  banner: $('banner'),
  bannerText: $('banner-text'),
  countdown: $('banner-countdown'),
  retry: $('retry'),
  list: $('messages'),
  lockedState: $('locked-state'),
  lockedEnter: $('locked-enter'),
  lockedBack: $('locked-back'),
  jump: $('jump'),
  typing: $('typing'),
  composer: $('composer'),
  text: $('text'),
  error: $('composer-error'),
  counter: $('counter'),
  toast: $('toast'),
  toastText: $('toast-text'),
  toastClose: $('toast-close'),
  createDialog: $('create-dialog'),
  createForm: $('create-form'),
  createTitle: $('create-title'),
  createTitleError: $('create-title-error'),
  createMax: $('create-max'),
  createMaxError: $('create-max-error'),
  createPassword: $('create-password'),
  createError: $('create-error'),
  createCancel: $('create-cancel'),
  createSubmit: $('create-submit'),
  passwordDialog: $('password-dialog'),
  passwordForm: $('password-form'),
  passwordRoom: $('password-room'),
  passwordInput: $('password-input'),
  passwordError: $('password-error'),
  passwordCancel: $('password-cancel'),
  passwordSubmit: $('password-submit'),
  confirmDialog: $('confirm-dialog'),
  confirmForm: $('confirm-form'),
  confirmHeading: $('confirm-heading'),
  confirmError: $('confirm-error'),
  confirmCancel: $('confirm-cancel'),
  confirmSubmit: $('confirm-submit'),
};

const timeFormat = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
const fullTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
const narrowRooms = matchMedia('(max-width: 760px)');
const narrowMembers = matchMedia('(max-width: 1099px)');

let viewGeneration = 0;

/** What is on screen for one room. Replaced as a whole when the page switches rooms. */
function newView(room, title) {
  return {
    room,
    title,
    gen: ++viewGeneration,
    bySeq: new Map(), // seq -> <li>
    newest: 0, // highest seq on screen
    members: new Members(), // one per person (uid), with their number of connections
    count: undefined,
    joined: false, // a member on the current connection, with its join ack applied
    synced: false, // has had a join ack since the view was created: later joins pass `since`
    joining: false,
    locked: false, // the last join was refused for want of the right password
    anchor: null, // a join ack's messages go before this element (null: at the top)
    loadingOlder: false,
    atBeginning: false,
    typers: new Map(), // personKey -> { nick, timer }
    // Entering a room (not general, which every connection is already in) announces us with a
    // `join` that is queued behind the ack, while the ack's member list already has us.
    ownJoinPending: false,
  };
}

const state = {
  connected: false,
  welcomed: false, // at least once: later welcomes are reconnections
  me: null, // { uid, nick, color }
  limits: { maxMessageChars: 2000, maxNickChars: 32 },
  countdownTimer: 0,
  rooms: new Map(), // the lobby: room id -> room-info
  roomsLoaded: false,
  roomItems: new Map(), // room id -> <li>
  owned: new Set(),
  seen: {},
  passwords: new Map(), // room id -> password, this page session only
  extra: null, // the room besides general this connection is in
  nav: 0, // bumped by each room switch, so that a slow answer to an old one is recognised
  view: null,
  unread: new Unread(), // per room, for the lobby
  typingSentAt: 0,
  deleting: null, // the room this page asked to delete
  passwordFor: null, // { room, mode: 'enter' | 'view' } while the password dialog is open
  hiddenUnread: 0, // arrived while the tab was hidden, for the tab title
  baseTitle: 'Sori',
  errorTimer: 0,
  toastTimer: 0,
  seenTimer: 0,
  retryJoinTimer: 0,
};

// ---- storage --------------------------------------------------------------------------------

function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback; // storage disabled or garbled: start afresh, which still works
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage disabled or full: the page works without it
  }
}

function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: every visit is a new identity, which still works
  }
}

function storeToken(token) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // see storedToken
  }
}

function loadOwned() {
  const owned = load(OWNED_KEY, []);
  state.owned = new Set(Array.isArray(owned) ? owned.filter((id) => typeof id === 'string') : []);
}

function saveOwned() {
  save(OWNED_KEY, [...state.owned]);
}

function loadSeen() {
  const seen = load(SEEN_KEY, {});
  state.seen = seen && typeof seen === 'object' && !Array.isArray(seen) ? seen : {};
}

function markSeen(room, seq) {
  if (!Number.isInteger(seq)) return;
  delete state.seen[room]; // re-insert: the object's order is the order of use
  state.seen[room] = seq;
  clearTimeout(state.seenTimer);
  state.seenTimer = setTimeout(saveSeen, 1_000);
}

function saveSeen() {
  clearTimeout(state.seenTimer);
  const rooms = Object.keys(state.seen);
  for (const room of rooms.slice(0, Math.max(0, rooms.length - MAX_SEEN_ROOMS))) delete state.seen[room];
  save(SEEN_KEY, state.seen);
}

function roomFromHash() {
  const room = new URLSearchParams(location.hash.slice(1)).get('room');
  return room && /^[\w-]{1,64}$/.test(room) ? room : null;
}

/** Puts the active room in the address (shareable) and in storage (for the next visit). */
function rememberRoom(room) {
  const url = room === GENERAL ? location.pathname + location.search : `#room=${encodeURIComponent(room)}`;
  if (roomFromHash() !== (room === GENERAL ? null : room)) history.replaceState(history.state, '', url);
  save(ROOM_KEY, room);
}

// ---- connection: sori.js does the socket, backoff, heartbeat, requests and the outbox ---------

// Relative to the page, so it works at / and under a WAR's context path alike.
const client = new Sori.Client({ url: location.href, token: storedToken() });

function request(type, payload) {
  return client.request(type, payload);
}

function retryNow() {
  client.retryNow();
}

client.on('state', ({ state: status, due }) => {
  if (status === 'connecting') {
    clearInterval(state.countdownTimer);
    if (state.welcomed) showBanner(null);
    setPresence('connecting');
  } else if (status === 'offline') {
    lost(due);
  }
});
client.on('welcome', onWelcome);
client.on('message', onMessage);
client.on('system', onSystem);
client.on('typing', onTyping);
client.on('room_created', onRoomInfo);
client.on('room_updated', onRoomInfo);
client.on('room_removed', onRoomRemoved);
client.on('outbox', onOutbox);
client.on('rejoin', ({ room, ack, since }) => {
  const view = state.view;
  if (room !== view.room) {
    leaveStray(room); // rejoined a room the page has moved away from meanwhile
    return;
  }
  view.joining = false;
  applyJoin(view, ack, since);
});
client.on('rejoin_failed', ({ room, error }) => {
  const view = state.view;
  if (room !== view.room) return;
  view.joining = false;
  joinFailed(view, error);
});
client.on('error', (error) => {
  // Only `typing` goes without an id; racing a leave it may hit a room we just left.
  if (error.code !== 'not_in_room') showError(t.error(error.code, error.message), error.message);
});

function lost(due) {
  state.connected = false;
  state.extra = null;
  state.view.joined = false;
  state.view.joining = false;
  clearTimeout(state.retryJoinTimer);
  clearTypers(state.view);
  setPresence('offline');
  showBanner(due);
}

function onWelcome(welcome) {
  const previousToken = storedToken();
  storeToken(welcome.token);
  if (previousToken && previousToken !== welcome.token) {
    // The server did not know our token: a new identity owns none of the old one's rooms.
    state.owned.clear();
    saveOwned();
  }
  state.connected = true;
  // This connection's own join in general: right after welcome in a small room, but in a big one
  // it may come in a coalesced frame after general's join ack, whose member list has us already.
  state.ownGeneralJoinSeen = false;
  state.extra = null;
  state.limits = { ...state.limits, ...welcome.limits };
  ui.nick.maxLength = state.limits.maxNickChars;
  setMe(welcome.nick, welcome.color, typeof welcome.uid === 'string' ? welcome.uid : null);
  hideBanner();
  setPresence('online');
  resizeBox();
  const view = state.view;
  view.joined = false;
  if (state.welcomed) {
    // Whatever the server replays of the gap goes before this line.
    const line = addSystemLine(t.reconnected, 'reconnected');
    if (view.synced) view.anchor = line;
  }
  state.welcomed = true;
  loadRooms();
  // sori.js rejoins the rooms it joined (with `since`); a room on screen it does not know of
  // (the first visit, a locked room waiting for its password) is joined here.
  if (view.synced && client.wanted.has(view.room)) view.joining = true;
  else syncView();
}

function isMe(who) {
  return isMeOf(state.me, who);
}

function onMessage(message) {
  const view = state.view;
  if (message.room !== view.room) {
    if (state.unread.note(message, { me: state.me, active: view.room })) {
      renderRoomItem(message.room);
      renderMenuDot();
    }
    return;
  }
  stopTyping(view, personKey(message));
  const own = isMe(message);
  if (view.bySeq.has(message.seq)) return;
  const item = renderMessage(view, message, own);
  append(item, own);
  regroup(item);
  noteNewest(view, message.seq);
}

function onSystem(event) {
  const view = state.view;
  if (event.room === GENERAL && event.kind === 'join' && namesMe(event)) state.ownGeneralJoinSeen = true;
  // Another tab of ours renamed the identity: this one goes by the new name too.
  if (event.kind === 'nick' && state.me?.uid && isMe(event) && event.nick !== state.me.nick) {
    setMe(String(event.nick ?? ''), event.color ?? state.me.color);
  }
  if (event.room !== view.room) return; // other rooms' counts arrive as room_updated
  if (Number.isInteger(event.count)) {
    setCount(headcount(event));
    const info = state.rooms.get(event.room);
    if (info) {
      info.count = event.count;
      if (Number.isInteger(event.people)) info.people = event.people;
      renderRoomItem(event.room);
    }
  }
  if (view.joined) updateMembers(view, event); // before the ack, its member list says it all
  const render = { join: t.join, leave: t.leave, nick: t.nick }[event.kind];
  if (!render) return;
  const line = addSystemLine(render(event), event.kind);
  // The Korean wording names nobody; the name is still one hover away.
  if (lang === 'ko' && event.kind !== 'nick') line.title = event.nicks ? event.nicks.join(', ') : event.nick;
}

function onTyping(event) {
  const view = state.view;
  if (event.room !== view.room || !view.joined || isMe(event)) return;
  const key = personKey(event);
  const typer = view.typers.get(key);
  if (typer) clearTimeout(typer.timer);
  view.typers.set(key, {
    nick: String(event.nick ?? ''),
    color: event.color,
    timer: setTimeout(() => stopTyping(view, key), TYPING_SHOWN_MS),
  });
  renderTyping();
}

function stopTyping(view, key) {
  const typer = view.typers.get(key);
  if (!typer) return;
  clearTimeout(typer.timer);
  view.typers.delete(key);
  if (view === state.view) renderTyping();
}

function clearTypers(view) {
  for (const typer of view.typers.values()) clearTimeout(typer.timer);
  view.typers.clear();
  renderTyping();
}

// ---- the lobby ------------------------------------------------------------------------------

async function loadRooms() {
  let ack;
  try {
    ack = await request('list_rooms');
  } catch (e) {
    if (e.code !== 'disconnected') showToast(t.error(e.code, e.message));
    return;
  }
  state.rooms = new Map();
  for (const info of ack.rooms || []) state.rooms.set(info.room, info);
  state.roomsLoaded = true;
  // Rooms that are gone took their ownership with them.
  let changed = false;
  for (const id of state.owned) {
    if (!state.rooms.has(id)) {
      state.owned.delete(id);
      changed = true;
    }
  }
  if (changed) saveOwned();
  renderRooms();
  renderHeader();
}

function onRoomInfo(info) {
  if (!info || typeof info.room !== 'string') return;
  state.rooms.set(info.room, info);
  renderRooms();
  if (info.room === state.view.room) renderHeader();
}

function onRoomRemoved(info) {
  if (!info || typeof info.room !== 'string') return;
  const room = info.room;
  const title = state.rooms.get(room)?.title ?? info.title ?? room;
  state.rooms.delete(room);
  state.passwords.delete(room);
  delete state.seen[room];
  if (state.owned.delete(room)) saveOwned();
  if (state.extra === room) state.extra = null;
  renderRooms();
  if (state.passwordFor?.room === room) {
    closePasswordDialog();
    if (state.view.room !== room) showToast(t.roomGone);
  }
  if (state.view.room === room) {
    const byMe = state.deleting === room;
    state.view.joined = false;
    goToGeneral(byMe ? t.youDeleted(title) : t.roomDeleted(title));
  }
  if (state.deleting === room) state.deleting = null;
}

function sortedRooms() {
  return [...state.rooms.values()].sort((a, b) => {
    if (a.room === GENERAL || b.room === GENERAL) return a.room === GENERAL ? -1 : 1;
    return collator.compare(a.title ?? '', b.title ?? '') || (a.room < b.room ? -1 : 1);
  });
}

function renderRooms() {
  ui.roomsLoading.hidden = state.roomsLoaded;
  const order = sortedRooms();
  const ids = new Set(order.map((info) => info.room));
  for (const [id, item] of state.roomItems) {
    if (!ids.has(id)) {
      item.remove();
      state.roomItems.delete(id);
    }
  }
  order.forEach((info, index) => {
    const item = renderRoomItem(info.room);
    // Move only what is out of place, so a focused entry keeps its focus.
    if (ui.rooms.children[index] !== item) ui.rooms.insertBefore(item, ui.rooms.children[index] ?? null);
  });
}

/** Creates or updates the lobby entry of a room. */
function renderRoomItem(id) {
  const info = state.rooms.get(id);
  if (!info) return null;
  let item = state.roomItems.get(id);
  if (!item) {
    item = el('li', 'room-item');
    item.dataset.room = id;
    const button = el('button', 'room-btn');
    button.type = 'button';
    button.addEventListener('click', () => enterRoom(id));
    const hash = el('span', 'room-hash', '#');
    hash.setAttribute('aria-hidden', 'true');
    const main = el('span', 'room-main');
    const line = el('span', 'room-line');
    line.append(el('span', 'room-title'), icon('i-lock', 'room-lock'), el('span', 'visually-hidden room-lock-label'));
    main.append(line, el('span', 'room-owner'));
    button.append(hash, main, el('span', 'room-unread'), el('span', 'room-count'));
    item.append(button);
    state.roomItems.set(id, item);
  }
  const button = item.firstElementChild;
  const title = String(info.title ?? id);
  const count = Number.isInteger(headcount(info)) ? headcount(info) : 0;
  // The capacity counts connections (a person with two tabs takes two places).
  const connections = Number.isInteger(info.count) ? info.count : count;
  const max = Number.isInteger(info.max) ? info.max : null;
  const active = id === state.view.room;
  item.querySelector('.room-title').textContent = title;
  item.querySelector('.room-lock').toggleAttribute('hidden', !info.locked);
  item.querySelector('.room-lock-label').textContent = info.locked ? `, ${t.lockedLabel}` : '';
  const owner = item.querySelector('.room-owner');
  owner.textContent = state.owned.has(id) ? t.byYou : info.owner ? t.byOwner(info.owner) : '';
  owner.hidden = !owner.textContent;
  const countEl = item.querySelector('.room-count');
  countEl.replaceChildren(icon('i-user', 'room-count-icon'), max ? `${count}/${max}` : String(count));
  countEl.title = t.capacityLabel(count, max);
  countEl.setAttribute('aria-label', t.capacityLabel(count, max));
  const unread = active ? 0 : state.unread.of(id);
  const unreadEl = item.querySelector('.room-unread');
  unreadEl.textContent = unread ? (unread > 99 ? '99+' : String(unread)) : '';
  unreadEl.hidden = !unread;
  unreadEl.setAttribute('aria-label', unread ? t.unreadLabel(unread) : '');
  item.dataset.count = count;
  if (max) item.dataset.max = max;
  else delete item.dataset.max;
  item.toggleAttribute('data-locked', !!info.locked);
  item.toggleAttribute('data-full', !!max && connections >= max);
  item.toggleAttribute('data-active', active);
  if (active) button.setAttribute('aria-current', 'page');
  else button.removeAttribute('aria-current');
  return item;
}

function renderMenuDot() {
  ui.menuDot.hidden = !state.unread.total;
}

// ---- rooms: entering, leaving, deleting ------------------------------------------------------

function titleOf(room) {
  if (room === state.view?.room && state.view.title) return state.view.title;
  return state.rooms.get(room)?.title ?? (room === GENERAL ? 'General' : '…');
}

/** Joins (or rejoins, after a reconnect) the room on screen. */
async function syncView() {
  const view = state.view;
  // A locked room on screen waits for its password dialog.
  if (view.joining || view.locked || !state.connected) return;
  clearTimeout(state.retryJoinTimer);
  const since = view.synced ? view.newest : undefined;
  view.joining = true;
  renderHeader();
  let ack;
  try {
    ack = await client.join(view.room, { since, password: state.passwords.get(view.room) });
  } catch (e) {
    view.joining = false;
    if (state.view !== view || e.code === 'disconnected') return;
    joinFailed(view, e);
    return;
  }
  view.joining = false;
  if (state.view !== view) {
    leaveStray(ack.room);
    return;
  }
  applyJoin(view, ack, since);
}

function joinFailed(view, e) {
  if (e.code === 'forbidden') {
    const hadPassword = state.passwords.delete(view.room);
    showLocked(view);
    if (state.passwordFor?.room !== view.room) openPasswordDialog(view.room, 'view', hadPassword ? t.wrongPassword : '');
  } else if (e.code === 'not_found') {
    goToGeneral(t.roomGone);
  } else if (e.code === 'room_full') {
    const info = state.rooms.get(view.room);
    goToGeneral(t.roomFull(titleOf(view.room), info?.max ?? '?'));
  } else {
    // Busy, rate limited, a storage hiccup: say so and try again shortly.
    showToast(t.error(e.code, e.message));
    state.retryJoinTimer = setTimeout(() => {
      if (state.view === view && !view.joined) syncView();
    }, RETRY_JOIN_MS);
  }
}

/** A join that finished after the page had moved on: do not stay in a room nobody looks at. */
function leaveStray(room) {
  if (room === GENERAL || room === state.view.room) return;
  if (state.extra === room) state.extra = null;
  client.leave(room).catch(() => {});
}

/**
 * Switches to a room from the lobby (or a link). The screen changes only once the server has
 * let us in: a wrong password or a full room leaves the current room in place.
 */
async function enterRoom(room, { password } = {}) {
  closeDrawers();
  const view = state.view;
  if (room === view.room) {
    if (view.locked) openPasswordDialog(room, 'view');
    return;
  }
  if (!state.connected) {
    showToast(t.notConnectedShort);
    return;
  }
  const info = state.rooms.get(room);
  // Even a locked room is tried without a password first: the server lets an identity back in
  // once it has given the right password, and asks (forbidden) otherwise.
  const known = password ?? state.passwords.get(room);
  if (info?.locked && isFull(info)) {
    // The password cannot help while there is no place: say it is full rather than ask for it.
    showToast(t.roomFull(titleOf(room), info.max));
    return;
  }
  const nav = ++state.nav;
  setRoomBusy(room, true);
  try {
    const ack = await client.join(room, { password: known });
    if (nav !== state.nav) {
      leaveStray(ack.room);
      return;
    }
    switchView(ack);
  } catch (e) {
    if (nav !== state.nav || e.code === 'disconnected') return;
    if (e.code === 'forbidden') {
      state.passwords.delete(room);
      openPasswordDialog(room, 'enter');
    } else if (e.code === 'room_full') {
      showToast(t.roomFull(titleOf(room), info?.max ?? '?'));
    } else if (e.code === 'not_found') {
      showToast(t.roomGone);
      state.rooms.delete(room);
      renderRooms();
    } else {
      showToast(t.error(e.code, e.message));
    }
  } finally {
    setRoomBusy(room, false);
  }
}

/** The capacity counts connections (a person with two tabs takes two places). */
function isFull(info) {
  return Number.isInteger(info?.max) && Number.isInteger(info.count) && info.count >= info.max;
}

function setRoomBusy(room, busy) {
  const item = state.roomItems.get(room);
  if (item) item.toggleAttribute('data-busy', busy);
}

/** Puts a freshly joined room on screen and leaves the one it replaces (never general). */
function switchView(ack) {
  const previous = state.view;
  const previousExtra = state.extra;
  clearTypers(previous);
  hideToast(); // whatever it said was about where we were
  state.view = newView(ack.room, ack.title);
  ui.list.replaceChildren();
  ui.jump.hidden = true;
  stuckToBottom = true;
  state.unread.read(ack.room);
  applyJoin(state.view, ack, undefined);
  if (previousExtra && previousExtra !== ack.room) leaveStray(previousExtra);
  // General stays joined (the server keeps every connection there) but is not rejoined for the screen.
  if (previous.room === GENERAL && ack.room !== GENERAL) client.forget(GENERAL);
  renderRooms();
  renderMenuDot();
  if (matchMedia('(pointer: fine)').matches && !document.querySelector('dialog[open]')) ui.text.focus();
}

/** Renders a join ack into its view: the history, the members, the count. */
function applyJoin(view, ack, since) {
  view.joined = true;
  view.locked = false;
  view.title = typeof ack.title === 'string' ? ack.title : view.title;
  if (ack.room !== GENERAL) state.extra = ack.room;
  hideLocked();
  const history = Array.isArray(ack.history) ? ack.history : [];
  const stick = stuckToBottom || !view.synced;
  const fresh = since === undefined;
  const startsThere = history.length < PAGE || history[0].seq <= 1;
  if (!fresh && !ack.recovered) {
    // The gap could not be replayed: start over from the latest page, and say so.
    removeBefore(view, view.anchor);
    insertMessages(view, history, view.anchor);
    insertBefore(systemLine(t.missing, 'gap'), view.anchor);
    view.atBeginning = startsThere;
  } else if (fresh) {
    const lastSeen = state.seen[view.room];
    insertMessages(view, history, view.anchor ?? ui.list.firstElementChild);
    markNewSince(view, history, lastSeen);
    view.atBeginning = startsThere;
  } else {
    // Recovered: exactly the missed messages, where the gap was.
    insertMessages(view, history, view.anchor);
  }
  renderBeginning(view);
  view.anchor = null;
  view.synced = true;
  setMembers(view, ack.members);
  view.ownJoinPending = ack.room !== GENERAL || !state.ownGeneralJoinSeen;
  if (Number.isInteger(ack.count)) setCount(headcount(ack));
  renderOutbox();
  if (view.newest) markSeen(view.room, view.newest);
  else delete state.seen[view.room];
  saveSeen();
  renderHeader();
  renderMembers();
  rememberRoom(view.room);
  if (stick) scrollToBottom();
  fillScreen();
}

/** Returns to general, with an optional notice once it is on screen. */
async function goToGeneral(notice) {
  const nav = ++state.nav;
  closePasswordDialog();
  try {
    const ack = await client.join(GENERAL);
    if (nav !== state.nav) return;
    switchView(ack);
  } catch (e) {
    if (nav !== state.nav) return;
    // Offline: show general now; the reconnect will fill it in.
    const previousExtra = state.extra;
    clearTypers(state.view);
    state.view = newView(GENERAL, titleOf(GENERAL));
    ui.list.replaceChildren();
    hideLocked();
    if (previousExtra) leaveStray(previousExtra);
    rememberRoom(GENERAL);
    renderHeader();
    renderMembers();
    renderRooms();
    if (e.code !== 'disconnected') showToast(t.error(e.code, e.message));
  }
  if (notice) addSystemLine(notice, 'notice', true);
}

function leaveRoom() {
  if (state.view.room === GENERAL) return;
  goToGeneral();
}

// ---- history: older pages -------------------------------------------------------------------

function oldestSeq() {
  const first = ui.list.querySelector('.msg');
  return first ? Number(first.dataset.seq) : null;
}

async function loadOlder() {
  const view = state.view;
  const before = oldestSeq();
  if (!view.joined || view.loadingOlder || view.atBeginning || !before || before <= 1) return;
  view.loadingOlder = true;
  const loader = el('li', 'older-loading');
  const loading = el('span', '', t.loadingOlder);
  loading.setAttribute('role', 'status'); // not on the li: a list item keeps its role
  loader.append(el('span', 'spinner'), loading);
  ui.list.prepend(loader);
  let ack;
  try {
    ack = await request('history', { room: view.room, before, limit: PAGE });
  } catch (e) {
    if (e.code !== 'disconnected') showToast(t.error(e.code, e.message));
    return;
  } finally {
    loader.remove();
    view.loadingOlder = false;
  }
  if (state.view !== view) return;
  const messages = Array.isArray(ack.messages) ? ack.messages : [];
  // Keep what the reader is looking at where it is while the page grows above it.
  const fromBottom = ui.list.scrollHeight - ui.list.scrollTop;
  insertMessages(view, messages, ui.list.firstElementChild);
  if (messages.length < PAGE || (messages[0]?.seq ?? 1) <= 1) view.atBeginning = true;
  renderBeginning(view);
  ui.list.scrollTop = ui.list.scrollHeight - fromBottom;
  fillScreen();
}

/** Until the list can scroll, nobody can scroll up for more: fetch it right away. */
function fillScreen() {
  requestAnimationFrame(() => {
    const view = state.view;
    if (view.joined && !view.atBeginning && ui.list.scrollHeight <= ui.list.clientHeight + NEAR_TOP_PX) loadOlder();
  });
}

function renderBeginning(view) {
  ui.list.querySelector('.beginning')?.remove();
  if (!view.atBeginning) return;
  const item = el('li', 'beginning');
  const badge = el('span', 'beginning-badge', '#');
  badge.setAttribute('aria-hidden', 'true');
  item.append(badge, el('p', 'beginning-title', view.title ?? ''), el('p', 'beginning-text', t.beginning(view.title ?? '')));
  ui.list.prepend(item);
}

// ---- rendering ------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function icon(symbol, className) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', `#${symbol}`);
  svg.append(use);
  return svg;
}

function safeColor(color) {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : '#64748b';
}

function isNearBottom() {
  const list = ui.list;
  return list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
}

function scrollToBottom() {
  ui.list.scrollTop = ui.list.scrollHeight;
  stuckToBottom = true;
  ui.jump.hidden = true;
}

function append(item, forceScroll) {
  const stick = forceScroll || isNearBottom();
  // Messages still on their way stay last, below everything that has arrived.
  const firstPending = item.classList.contains('pending') ? null : ui.list.querySelector('.msg.pending');
  ui.list.insertBefore(item, firstPending);
  trim();
  if (stick) {
    ui.list.scrollTop = ui.list.scrollHeight;
  } else {
    ui.jump.hidden = false;
  }
  if (document.hidden && !item.classList.contains('pending')) {
    state.hiddenUnread += 1;
    document.title = `(${state.hiddenUnread}) ${state.baseTitle}`;
  }
}

function insertBefore(item, ref) {
  ui.list.insertBefore(item, ref && ref.parentNode === ui.list ? ref : null);
}

function trim() {
  const view = state.view;
  while (ui.list.childElementCount > MAX_ITEMS) {
    const oldest = ui.list.firstElementChild;
    if (oldest.classList.contains('msg')) {
      const seq = Number(oldest.dataset.seq);
      if (view.bySeq.get(seq) === oldest) view.bySeq.delete(seq);
      view.atBeginning = false;
    }
    oldest.remove();
  }
  if (!view.atBeginning) ui.list.querySelector('.beginning')?.remove();
}

/** Inserts messages (oldest first) before `ref`, skipping any already shown; returns the first inserted. */
function insertMessages(view, messages, ref) {
  let first = null;
  let last = null;
  for (const message of messages) {
    if (!message || !Number.isInteger(message.seq) || view.bySeq.has(message.seq)) continue;
    const item = renderMessage(view, message, isMe(message));
    insertBefore(item, ref);
    first ??= item;
    last = item;
    noteNewest(view, message.seq);
  }
  if (first) {
    for (let item = first; item; item = item.nextElementSibling) {
      regroup(item);
      if (item === last) {
        if (item.nextElementSibling) regroup(item.nextElementSibling);
        break;
      }
    }
    trim();
  }
  return first;
}

/** Removes everything before `ref` (the whole list when ref is null). */
function removeBefore(view, ref) {
  while (ui.list.firstElementChild && ui.list.firstElementChild !== ref) ui.list.firstElementChild.remove();
  view.bySeq.clear();
  view.newest = 0;
  for (const item of ui.list.querySelectorAll('.msg')) {
    const seq = Number(item.dataset.seq);
    view.bySeq.set(seq, item);
    view.newest = Math.max(view.newest, seq);
  }
}

function noteNewest(view, seq) {
  if (seq > view.newest) {
    view.newest = seq;
    if (view.synced) markSeen(view.room, seq);
  }
}

/** A "new" divider above the first message that arrived since this room was last on screen. */
function markNewSince(view, history, lastSeen) {
  if (!Number.isInteger(lastSeen) || !history.length) return;
  const firstNew = history.find((m) => m.seq > lastSeen);
  if (!firstNew || firstNew === history[0] && lastSeen < history[0].seq - 1) return;
  if (history.every((m) => m.seq <= lastSeen || isMe(m))) return;
  const item = view.bySeq.get(firstNew.seq);
  if (!item) return;
  const divider = el('li', 'divider');
  divider.append(el('span', 'divider-text', t.newSinceVisit));
  ui.list.insertBefore(divider, item);
  regroup(item);
}

function renderMessage(view, message, own) {
  const ts = Number(message.ts) || Date.now();
  const nick = String(message.nick ?? '');
  const color = safeColor(message.color);

  const item = el('li', 'msg');
  if (Number.isInteger(message.seq)) item.dataset.seq = message.seq;
  if (typeof message.uid === 'string') item.dataset.uid = message.uid;
  item.dataset.nick = nick;
  item.dataset.color = color;
  item.dataset.ts = ts;
  item.style.setProperty('--nick', color);

  const avatar = el('span', 'avatar', Array.from(nick)[0] || '?');
  avatar.setAttribute('aria-hidden', 'true');
  const meta = el('div', 'meta');
  const nickEl = el('span', 'nick', neutraliseBidi(nick));
  nickEl.dir = 'auto';
  meta.append(nickEl);
  const time = el('time', 'time', timeFormat.format(ts));
  time.dateTime = new Date(ts).toISOString();
  time.title = fullTimeFormat.format(ts);
  meta.append(time);
  const body = el('div', 'body');
  body.append(meta, messageText(message.text));
  item.append(avatar, body);

  if (own) markOwn(item);
  if (view) {
    view.bySeq.set(message.seq, item);
    // Ours, arrived (live or in a rejoin's history): its "sending…" stand-in goes.
    if (own && typeof message.cid === 'string') removePending(message.cid);
  }
  return item;
}

/**
 * A message's text: its own direction (dir=auto, so Arabic or Hebrew reads right to left and
 * does not turn the line around it), bidi overrides shown rather than obeyed, http(s) links
 * clickable. Everything through textContent.
 */
function messageText(raw) {
  const p = el('p', 'text');
  p.dir = 'auto';
  for (const part of linkify(neutraliseBidi(raw))) {
    if (!part.href) {
      p.append(part.text);
      continue;
    }
    const a = el('a', 'link', part.text);
    a.href = part.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow ugc';
    p.append(a);
  }
  return p;
}

/** Consecutive messages of one author share a header; recomputed wherever a message lands. */
function regroup(item) {
  if (!item?.classList.contains('msg')) return;
  const previous = item.previousElementSibling;
  const cont = previous?.classList.contains('msg') && previous.dataset.uid === item.dataset.uid
    && previous.dataset.nick === item.dataset.nick && previous.dataset.color === item.dataset.color
    && Math.abs(Number(item.dataset.ts) - Number(previous.dataset.ts)) < GROUP_MS;
  item.classList.toggle('cont', !!cont);
}

function markOwn(item) {
  item.classList.add('own');
  const nick = item.querySelector('.nick');
  if (nick && !nick.querySelector('.you')) nick.append(el('span', 'you', ` (${t.you})`));
}

function systemLine(text, kind) {
  const item = el('li', 'sys');
  item.dataset.kind = kind;
  item.append(el('span', 'sys-text', text));
  return item;
}

function addSystemLine(text, kind, forceScroll = false) {
  const item = systemLine(text, kind);
  append(item, forceScroll);
  return item;
}

function setCount(count) {
  state.view.count = count;
  ui.count.dataset.count = count;
  ui.count.textContent = t.online(count);
}

function setPresence(status) {
  ui.presence.dataset.state = status;
  if (status === 'online') return; // the count arrives with the join, right after welcome
  delete ui.count.dataset.count;
  ui.count.textContent = status === 'offline' ? t.offline : t.connecting;
}

function setMe(nick, color, uid = state.me?.uid ?? null) {
  const renamed = state.me && state.me.nick !== nick;
  state.me = { uid, nick, color };
  ui.meDot.style.background = safeColor(color);
  if (document.activeElement !== ui.nick || !ui.nick.value) ui.nick.value = nick;
  ui.nickForm.dataset.ready = 'true';
  if (renamed) renderMembers();
}

/** The title bar: room name, lock, owner actions; the composer's placeholder; the tab title. */
function renderHeader() {
  const view = state.view;
  const info = state.rooms.get(view.room);
  const title = titleOf(view.room);
  ui.roomTitle.textContent = title;
  ui.roomLock.toggleAttribute('hidden', !info?.locked);
  // Nothing to leave in a room we are not (yet) in: a link to a locked room waits for its password.
  ui.leave.hidden = view.room === GENERAL || !(view.joined || view.synced) || view.locked;
  ui.del.hidden = view.room === GENERAL || !state.owned.has(view.room) || !view.joined;
  ui.text.placeholder = t.messagePlaceholderIn(title);
  ui.list.setAttribute('aria-label', t.messagesIn(title));
  state.baseTitle = `Sori · #${title}`;
  document.title = state.hiddenUnread ? `(${state.hiddenUnread}) ${state.baseTitle}` : state.baseTitle;
  ui.app.dataset.room = view.room;
}

function showLocked(view) {
  view.locked = true;
  view.joined = false;
  ui.lockedState.hidden = false;
  // Not "Connecting…": connected, and waiting for the password.
  delete ui.count.dataset.count;
  ui.count.textContent = t.needsPassword;
  renderHeader();
}

function hideLocked() {
  ui.lockedState.hidden = true;
}

// ---- members --------------------------------------------------------------------------------

/** The join ack lists connections: a person with two tabs comes twice, with one uid. */
function setMembers(view, members) {
  view.members.set(members);
}

/** Whether a join names this connection's identity (a coalesced one among others). */
function namesMe(event) {
  return peopleIn(event).some(isMe);
}

function updateMembers(view, event) {
  const result = view.members.apply(event, { me: state.me, skipOwnJoin: view.ownJoinPending });
  view.ownJoinPending = result.skipOwnJoin;
  if (!result.changed) return;
  if (event.kind === 'nick') stopTyping(view, event.uid ? personKey(event) : memberKey(event.old, event.color));
  renderMembers();
}

function renderMembers() {
  const view = state.view;
  const owner = state.rooms.get(view.room)?.owner;
  const people = view.members.sorted(state.me, owner, collator.compare);
  const items = people.map((member) => {
    const item = el('li', 'member');
    const color = safeColor(member.color);
    if (typeof member.uid === 'string') item.dataset.uid = member.uid;
    item.dataset.nick = member.nick;
    item.dataset.color = color;
    item.style.setProperty('--nick', color);
    const avatar = el('span', 'avatar avatar-sm', Array.from(member.nick)[0] || '?');
    avatar.setAttribute('aria-hidden', 'true');
    const nick = el('span', 'member-nick', neutraliseBidi(member.nick));
    nick.dir = 'auto';
    item.append(avatar, nick);
    if (isMe(member)) item.append(el('span', 'member-tag', t.you));
    else if (owner && member.nick === owner && view.room !== GENERAL) item.append(el('span', 'member-tag', t.owner));
    if (member.n > 1) item.append(el('span', 'member-n', `×${member.n}`));
    return item;
  });
  ui.memberList.replaceChildren(...items);
  ui.membersCount.textContent = view.joined ? String(people.length) : '';
  ui.membersBtnCount.textContent = view.joined ? String(people.length) : '';
  ui.membersNote.textContent = view.joined ? t.connections(people.length, view.members.connections) : '';
}

function renderTyping() {
  const typers = [...state.view.typers.values()];
  const names = typers.map((typer) => typer.nick);
  let text = '';
  if (names.length === 1) text = t.typingOne(names[0]);
  else if (names.length === 2) text = t.typingTwo(names[0], names[1]);
  else if (names.length > 2) text = t.typingMany;
  ui.typing.textContent = text;
  ui.typing.dataset.nicks = names.join('\n');
  ui.typing.classList.toggle('on', !!text);
}

// ---- banner, toasts, errors ------------------------------------------------------------------

function showBanner(due) {
  clearInterval(state.countdownTimer);
  ui.banner.hidden = false;
  ui.bannerText.textContent = state.welcomed ? t.reconnecting : t.cantConnect;
  const tick = () => {
    const left = due ? Math.ceil((due - Date.now()) / 1000) : 0;
    ui.countdown.textContent = left >= 2 ? `${left}s` : '';
  };
  tick();
  if (due) state.countdownTimer = setInterval(tick, 500);
}

function hideBanner() {
  clearInterval(state.countdownTimer);
  ui.banner.hidden = true;
}

function showError(text, detail) {
  clearTimeout(state.errorTimer);
  ui.error.textContent = text;
  ui.error.title = detail || '';
  // Errors are transient hints, not dialogs: they fade after a while on their own.
  state.errorTimer = setTimeout(() => { ui.error.textContent = ''; }, 8_000);
}

function showToast(text) {
  clearTimeout(state.toastTimer);
  ui.toastText.textContent = text;
  ui.toast.hidden = false;
  state.toastTimer = setTimeout(hideToast, TOAST_MS);
}

function hideToast() {
  clearTimeout(state.toastTimer);
  ui.toast.hidden = true;
}

function showNickError(text, detail) {
  ui.nickError.textContent = text;
  ui.nickError.title = detail || '';
  ui.nickError.hidden = false;
  ui.nick.setAttribute('aria-invalid', 'true');
}

function clearNickError() {
  ui.nickError.hidden = true;
  ui.nickError.textContent = '';
  ui.nick.removeAttribute('aria-invalid');
}

function fieldError(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
  const input = node.id && document.querySelector(`[aria-describedby~="${node.id}"]`);
  if (input) {
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function resizeBox() {
  const box = ui.text;
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  const left = state.limits.maxMessageChars - box.value.length;
  ui.counter.textContent = left <= COUNTER_FROM ? t.charsLeft(left) : '';
  ui.counter.toggleAttribute('data-over', left < 0);
  if (left < 0) ui.text.setAttribute('aria-invalid', 'true');
  else ui.text.removeAttribute('aria-invalid');
}

// ---- dialogs --------------------------------------------------------------------------------

function setBusy(button, busy, busyText, idleText) {
  button.disabled = busy;
  button.textContent = busy ? busyText : idleText;
}

function openCreateDialog() {
  closeDrawers();
  ui.createForm.reset();
  fieldError(ui.createTitleError, '');
  fieldError(ui.createMaxError, '');
  fieldError(ui.createError, '');
  setBusy(ui.createSubmit, false, t.creating, t.create);
  ui.createDialog.showModal();
  ui.createTitle.focus();
}

/** Which field a server-side `invalid_argument` is about, from its message. */
function createErrorField(message) {
  if (/\bmax\b|capacity/i.test(message)) return ui.createMaxError;
  if (/title/i.test(message)) return ui.createTitleError;
  return ui.createError;
}

function localCreateError(field, message) {
  if (field === ui.createMaxError) {
    // The largest capacity is the server's configuration; its message says what it is.
    const range = /between (\d+) and (\d+)/.exec(message || '');
    return range ? t.capacityRange(range[1], range[2]) : t.capacityInvalid;
  }
  if (field === ui.createTitleError && t.titleInvalid) return t.titleInvalid;
  return t.error('invalid_argument', message);
}

async function submitCreate(event) {
  event.preventDefault();
  if (ui.createSubmit.disabled) return;
  fieldError(ui.createTitleError, '');
  fieldError(ui.createMaxError, '');
  fieldError(ui.createError, '');
  const title = ui.createTitle.value.trim();
  const maxText = ui.createMax.value.trim();
  const password = ui.createPassword.value;
  let invalid = false;
  if (!title) {
    fieldError(ui.createTitleError, t.titleRequired);
    invalid = true;
  } else if (Array.from(title).length > 64) {
    fieldError(ui.createTitleError, t.titleTooLong(64));
    invalid = true;
  }
  const max = maxText ? Number(maxText) : undefined;
  if (ui.createMax.validity.badInput || (maxText && (!Number.isInteger(max) || max < 2))) {
    fieldError(ui.createMaxError, t.capacityInvalid);
    invalid = true;
  }
  if (invalid) {
    (ui.createTitleError.hidden ? ui.createMax : ui.createTitle).focus();
    return;
  }
  const payload = { title };
  if (max !== undefined) payload.max = max;
  if (password) payload.password = password;
  setBusy(ui.createSubmit, true, t.creating, t.create);
  const nav = ++state.nav;
  try {
    const ack = await client.createRoom(payload);
    state.owned.add(ack.room);
    saveOwned();
    if (password) state.passwords.set(ack.room, password);
    ui.createDialog.close();
    if (nav === state.nav) switchView(ack);
    else leaveStray(ack.room);
  } catch (e) {
    if (e.code === 'invalid_argument') {
      const field = createErrorField(e.message);
      fieldError(field, localCreateError(field, e.message));
    } else {
      fieldError(ui.createError, t.error(e.code, e.message));
    }
  } finally {
    setBusy(ui.createSubmit, false, t.creating, t.create);
  }
}

/**
 * Asks for a room's password. `enter`: switching to it from the lobby; `view`: it is already on
 * screen (after a reload or a shared link) and the server wants the password first.
 */
function openPasswordDialog(room, mode, error = '') {
  closeDrawers();
  state.passwordFor = { room, mode };
  ui.passwordRoom.textContent = `#${titleOf(room)}`;
  ui.passwordInput.value = '';
  fieldError(ui.passwordError, error);
  setBusy(ui.passwordSubmit, false, t.joining, t.joinRoom);
  if (!ui.passwordDialog.open) ui.passwordDialog.showModal();
  ui.passwordInput.focus();
}

function closePasswordDialog() {
  state.passwordFor = null;
  if (ui.passwordDialog.open) ui.passwordDialog.close();
}

async function submitPassword(event) {
  event.preventDefault();
  const target = state.passwordFor;
  if (!target || ui.passwordSubmit.disabled) return;
  const password = ui.passwordInput.value;
  if (!password) {
    fieldError(ui.passwordError, t.passwordRequired);
    ui.passwordInput.focus();
    return;
  }
  fieldError(ui.passwordError, '');
  setBusy(ui.passwordSubmit, true, t.joining, t.joinRoom);
  const nav = ++state.nav;
  const view = state.view;
  if (view.room === target.room) view.joining = true;
  try {
    const ack = await client.join(target.room, { password });
    if (view.room === target.room) view.joining = false;
    if (nav !== state.nav || state.passwordFor !== target) {
      leaveStray(ack.room);
      return;
    }
    state.passwords.set(target.room, password);
    closePasswordDialog();
    if (state.view.room === ack.room) applyJoin(state.view, ack, undefined);
    else switchView(ack);
  } catch (e) {
    if (view.room === target.room) view.joining = false;
    if (state.passwordFor !== target) return;
    if (e.code === 'forbidden') {
      fieldError(ui.passwordError, t.wrongPassword);
      ui.passwordInput.select();
    } else if (e.code === 'rate_limited' && waitFrom(e.message)) {
      const wait = waitFrom(e.message);
      fieldError(ui.passwordError, t.passwordWait(wait.n, wait.unit));
    } else if (e.code === 'room_full') {
      fieldError(ui.passwordError, t.roomFull(titleOf(target.room), state.rooms.get(target.room)?.max ?? '?'));
    } else if (e.code === 'not_found') {
      closePasswordDialog();
      if (state.view.room === target.room) goToGeneral(t.roomGone);
      else showToast(t.roomGone);
    } else {
      fieldError(ui.passwordError, t.error(e.code, e.message));
    }
  } finally {
    if (ui.passwordDialog.open) setBusy(ui.passwordSubmit, false, t.joining, t.joinRoom);
  }
}

/** The wait the server names in "too many wrong passwords; try again in 8 s" (or "3 min"). */
function waitFrom(message) {
  const match = /try again in (\d+) (s|min)\b/.exec(message || '');
  return match ? { n: Number(match[1]), unit: match[2] } : null;
}

function cancelPassword() {
  const target = state.passwordFor;
  closePasswordDialog();
  ++state.nav; // an answer still on its way is no longer wanted
  // A room on screen that we cannot enter is no place to stay.
  if (target && target.mode === 'view' && state.view.room === target.room && !state.view.joined) goToGeneral();
}

function openConfirmDelete() {
  const view = state.view;
  if (view.room === GENERAL) return;
  ui.confirmHeading.textContent = t.confirmDelete(titleOf(view.room));
  ui.confirmForm.dataset.room = view.room;
  fieldError(ui.confirmError, '');
  setBusy(ui.confirmSubmit, false, t.deleting, t.deleteRoom);
  ui.confirmDialog.showModal();
  ui.confirmCancel.focus(); // the safe choice is the default one
}

async function submitDelete(event) {
  event.preventDefault();
  const room = ui.confirmForm.dataset.room;
  if (!room || ui.confirmSubmit.disabled) return;
  setBusy(ui.confirmSubmit, true, t.deleting, t.deleteRoom);
  state.deleting = room;
  try {
    await request('delete_room', { room });
    ui.confirmDialog.close();
  } catch (e) {
    state.deleting = null;
    fieldError(ui.confirmError, t.error(e.code, e.message));
  } finally {
    setBusy(ui.confirmSubmit, false, t.deleting, t.deleteRoom);
  }
}

// ---- drawers (phones, tablets) ----------------------------------------------------------------

function openDrawer(which) {
  ui.app.dataset.drawer = which;
  ui.scrim.hidden = false;
  updateDrawers();
  (which === 'rooms' ? ui.sidebar : ui.members).querySelector('button')?.focus();
}

function closeDrawers() {
  if (!ui.app.dataset.drawer) return;
  delete ui.app.dataset.drawer;
  ui.scrim.hidden = true;
  updateDrawers();
}

/** Off-screen drawers must not take focus or be read out. */
function updateDrawers() {
  const drawer = ui.app.dataset.drawer;
  ui.sidebar.inert = narrowRooms.matches && drawer !== 'rooms';
  ui.members.inert = narrowMembers.matches && drawer !== 'members';
  ui.menu.setAttribute('aria-expanded', String(drawer === 'rooms'));
  ui.membersToggle.setAttribute('aria-expanded', String(drawer === 'members'));
  if (!narrowRooms.matches && drawer === 'rooms') closeDrawers();
  if (!narrowMembers.matches && drawer === 'members') closeDrawers();
}

// ---- user input -----------------------------------------------------------------------------

function canSend() {
  // The server puts every connection into general, so general takes messages before its ack.
  // Offline, a room that was joined still takes them: the outbox sends them after the rejoin.
  const view = state.view;
  return view.room === GENERAL || view.joined || (view.synced && !view.locked);
}

function submitMessage(event) {
  event.preventDefault();
  // Keep the user's indentation and inner blank lines, drop only the empty edges.
  const text = ui.text.value.replace(/^\s*\n/, '').trimEnd();
  ui.text.focus();
  if (!text.trim()) return;
  const over = text.length - state.limits.maxMessageChars;
  if (over > 0) {
    // Nothing is cut behind the writer's back: the box keeps it all and says how much is too much.
    showError(t.tooLong(over, state.limits.maxMessageChars));
    return;
  }
  if (!canSend()) {
    showError(state.connected ? t.stillJoining : t.notConnected);
    return;
  }
  const room = state.view.room;
  // Into the outbox: shown as "sending…" at once, sent now or after the reconnect, with a cid
  // that makes a resend after a lost ack harmless.
  const sent = client.post(room, text);
  sent.catch((e) => {
    if (e.code !== 'discarded') showError(t.error(e.code, e.message), e.message);
  });
  ui.text.value = '';
  state.typingSentAt = 0;
  resizeBox();
  ui.error.textContent = '';
}

/** The outbox's posts in the list: "sending…", "failed — retry"; gone once the message is in. */
function onOutbox(post) {
  if (post.state === 'sent') {
    const item = pendingItem(post.cid);
    // Its message arrived (or will, through the rejoin's history): the stand-in goes once it is shown.
    if (item && (state.view.bySeq.has(post.seq) || post.room !== state.view.room)) removePending(post.cid);
    else if (item) item.dataset.state = 'sent';
    return;
  }
  if (post.room !== state.view.room) return;
  let item = pendingItem(post.cid);
  if (!item) {
    item = renderPending(post);
    append(item, true);
    regroup(item);
  }
  item.dataset.state = post.state;
  const status = item.querySelector('.status');
  status.replaceChildren();
  if (post.state === 'failed') {
    status.append(el('span', 'status-text', t.failed));
    const retry = el('button', 'link-btn retry-send', t.retrySend);
    retry.type = 'button';
    retry.addEventListener('click', () => client.retry(post.cid).catch(() => {}));
    status.append(' ', retry);
  } else {
    status.append(el('span', 'status-text', t.sending));
  }
}

function pendingItem(cid) {
  return ui.list.querySelector(`.msg.pending[data-cid="${CSS.escape(cid)}"]`);
}

function removePending(cid) {
  pendingItem(cid)?.remove();
}

function renderPending(post) {
  const me = state.me ?? { nick: ui.nick.value, color: '#64748b' };
  const item = renderMessage(null, { uid: me.uid, nick: me.nick, color: me.color, text: post.text, ts: Date.now() }, true);
  item.classList.add('pending');
  item.dataset.cid = post.cid;
  const status = el('p', 'status');
  status.setAttribute('role', 'status');
  item.querySelector('.body').append(status);
  return item;
}

/** The stand-ins of the posts still on their way to the room on screen, after a room switch. */
function renderOutbox() {
  for (const post of client.outbox.values()) onOutbox(post);
}

function onInput(event) {
  resizeBox();
  // A paste past the limit is kept whole (a maxlength would cut it without a word) and flagged.
  const over = ui.text.value.length - state.limits.maxMessageChars;
  if (over > 0 && event?.inputType === 'insertFromPaste') showError(t.tooLong(over, state.limits.maxMessageChars));
  const view = state.view;
  const now = Date.now();
  if (ui.text.value.trim() && state.connected && view.joined && now - state.typingSentAt > TYPING_EVERY_MS) {
    state.typingSentAt = now;
    client.typing(view.room);
  }
}

async function submitNick(event) {
  event.preventDefault();
  const nick = ui.nick.value.trim();
  if (!state.connected || !nick || nick === state.me?.nick) {
    if (state.me && !nick) ui.nick.value = state.me.nick;
    clearNickError();
    return;
  }
  try {
    const ack = await request('nickname', nick);
    setMe(ack.nick, ack.color);
    clearNickError();
  } catch (e) {
    if (e.code === 'disconnected') return;
    const text = e.code === 'invalid_argument' && t.nickInvalid
      ? t.nickInvalid(state.limits.maxNickChars)
      : t.error(e.code, e.message);
    showNickError(text, e.message);
  }
}

function onKey(event) {
  // Enter sends, Shift+Enter breaks the line; never while an IME (Korean, Japanese…) composes.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
}

function localise() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t[node.dataset.i18n];
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t[node.dataset.i18nPlaceholder];
  }
  for (const node of document.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t[node.dataset.i18nLabel]);
  }
}

// ---- start ----------------------------------------------------------------------------------

let stuckToBottom = true;

localise();
loadOwned();
loadSeen();
{
  // Where to start: a shared link first, then where this browser was last time.
  const stored = load(ROOM_KEY, GENERAL);
  const room = roomFromHash() ?? (typeof stored === 'string' && /^[\w-]{1,64}$/.test(stored) ? stored : GENERAL);
  state.view = newView(room, room === GENERAL ? 'General' : undefined);
}
renderHeader();
updateDrawers();

ui.composer.addEventListener('submit', submitMessage);
ui.text.addEventListener('keydown', onKey);
ui.text.addEventListener('input', onInput);
ui.nickForm.addEventListener('submit', submitNick);
ui.nick.addEventListener('input', clearNickError);
ui.retry.addEventListener('click', retryNow);
ui.jump.addEventListener('click', scrollToBottom);
ui.newRoom.addEventListener('click', openCreateDialog);
ui.newRoomSmall.addEventListener('click', openCreateDialog);
ui.createForm.addEventListener('submit', submitCreate);
ui.createCancel.addEventListener('click', () => ui.createDialog.close());
ui.passwordForm.addEventListener('submit', submitPassword);
ui.passwordCancel.addEventListener('click', cancelPassword);
ui.passwordDialog.addEventListener('cancel', (event) => {
  event.preventDefault(); // Escape: same as the Cancel button
  cancelPassword();
});
ui.confirmForm.addEventListener('submit', submitDelete);
ui.confirmCancel.addEventListener('click', () => ui.confirmDialog.close());
ui.leave.addEventListener('click', leaveRoom);
ui.del.addEventListener('click', openConfirmDelete);
ui.lockedEnter.addEventListener('click', () => openPasswordDialog(state.view.room, 'view'));
ui.lockedBack.addEventListener('click', () => goToGeneral());
ui.toastClose.addEventListener('click', hideToast);
ui.menu.addEventListener('click', () => (ui.app.dataset.drawer === 'rooms' ? closeDrawers() : openDrawer('rooms')));
ui.membersToggle.addEventListener('click', () => (ui.app.dataset.drawer === 'members' ? closeDrawers() : openDrawer('members')));
ui.sidebarClose.addEventListener('click', closeDrawers);
ui.membersClose.addEventListener('click', closeDrawers);
ui.scrim.addEventListener('click', closeDrawers);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.app.dataset.drawer && !document.querySelector('dialog[open]')) {
    // Focus goes back to the button that opened the drawer, not to <body>.
    const toggle = ui.app.dataset.drawer === 'rooms' ? ui.menu : ui.membersToggle;
    closeDrawers();
    toggle.focus();
  }
});
narrowRooms.addEventListener('change', updateDrawers);
narrowMembers.addEventListener('change', updateDrawers);
window.addEventListener('hashchange', () => {
  const room = roomFromHash() ?? GENERAL;
  if (room !== state.view.room) enterRoom(room);
});
// Another tab of this browser (same identity) may have created a room.
window.addEventListener('storage', (event) => {
  if (event.key === OWNED_KEY) {
    loadOwned();
    renderRooms();
    renderHeader();
  }
});
window.addEventListener('pagehide', saveSeen);

// Whoever reads the newest lines keeps seeing them when the list shrinks (banner, phone keyboard).
ui.list.addEventListener('scroll', () => {
  stuckToBottom = isNearBottom();
  if (stuckToBottom) ui.jump.hidden = true;
  if (ui.list.scrollTop < NEAR_TOP_PX) loadOlder();
}, { passive: true });
new ResizeObserver(() => {
  if (stuckToBottom) ui.list.scrollTop = ui.list.scrollHeight;
}).observe(ui.list);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    state.hiddenUnread = 0;
    document.title = state.baseTitle;
  } else {
    saveSeen(); // the last moment a closing tab is sure to get
  }
});
// Coming back online or to the tab is a good moment not to sit out the rest of a backoff.
window.addEventListener('online', retryNow);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !state.connected) retryNow();
});

client.connect();
// On touch screens focusing would pop the keyboard over the conversation before anyone asked.
if (matchMedia('(pointer: fine)').matches) ui.text.focus();
