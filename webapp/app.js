// The Sori chat page: one WebSocket speaking the protocol in PROTOCOL.md.
// Everything a user typed reaches the DOM through textContent only, never as markup.
import { lang, t } from './i18n.js';

const TOKEN_KEY = 'sori.token';
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
// A socket stuck opening (or a network that silently ate the connection) is given up on
// after this long, so the backoff loop keeps going instead of waiting on the OS.
const CONNECT_TIMEOUT_MS = 10_000;
const STABLE_MS = 10_000;
const IDLE_PING_MS = 20_000;
const PING_TIMEOUT_MS = 10_000;
// Consecutive messages of one author closer than this share a single name header.
const GROUP_MS = 5 * 60_000;
const NEAR_BOTTOM_PX = 80;
// A tab left open for days must not grow without bound; older lines scroll out of memory.
const MAX_ITEMS = 1000;
const COUNTER_FROM = 200;

const $ = (id) => document.getElementById(id);
const ui = {
  presence: $('presence'),
  count: $('count'),
  nickForm: $('nick-form'),
  nick: $('nick'),
  nickError: $('nick-error'),
  meDot: $('me-dot'),
  banner: $('banner'),
  bannerText: $('banner-text'),
  countdown: $('banner-countdown'),
  retry: $('retry'),
  list: $('messages'),
  jump: $('jump'),
  composer: $('composer'),
  text: $('text'),
  error: $('composer-error'),
  counter: $('counter'),
};

const timeFormat = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
const fullTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });

const state = {
  socket: null,
  connected: false,
  welcomed: false, // at least once: later welcomes are reconnections
  me: null, // { nick, color }
  limits: { maxMessageChars: 2000, maxNickChars: 32 },
  attempt: 0,
  welcomedAt: 0,
  retryTimer: 0,
  countdownTimer: 0,
  heartbeat: 0,
  lastHeard: 0,
  pingSentAt: 0,
  nextId: 1,
  // Requests awaiting their ack, by id: { kind: 'message', text, seq? } or { kind: 'nick' }.
  pending: new Map(),
  // seq -> <li> for this connection; seq restarts when the server does, so it is reset on welcome.
  bySeq: new Map(),
  // Acks that arrived before their message (the server sends the message first today).
  ownSeqs: new Set(),
  unread: 0,
  errorTimer: 0,
};

// ---- connection -----------------------------------------------------------------------------

function chatUrl(token) {
  // Relative to the page, so it works at / and under a WAR's context path alike.
  const url = new URL('chat', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  url.hash = '';
  return url.href;
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

function connect() {
  clearTimeout(state.retryTimer);
  clearInterval(state.countdownTimer);
  state.retryTimer = 0;
  if (state.welcomed) showBanner(null);
  setPresence('connecting');

  const socket = new WebSocket(chatUrl(storedToken()));
  state.socket = socket;
  const giveUp = setTimeout(() => drop(socket), CONNECT_TIMEOUT_MS);
  socket.addEventListener('open', () => clearTimeout(giveUp));
  socket.addEventListener('message', (event) => {
    if (state.socket === socket) receive(event.data);
  });
  socket.addEventListener('close', () => {
    clearTimeout(giveUp);
    if (state.socket === socket) lost();
  });
}

/** Abandons a socket that stopped answering; its own close event may come much later. */
function drop(socket) {
  if (state.socket !== socket) return;
  state.socket = null;
  socket.close();
  lost();
}

function lost() {
  // Only a connection that lasted resets the backoff: a server that welcomes and then closes
  // at once (overloaded, or refusing this client) must not be hammered every half second.
  if (state.welcomedAt && Date.now() - state.welcomedAt > STABLE_MS) state.attempt = 0;
  state.welcomedAt = 0;
  state.socket = null;
  state.connected = false;
  clearInterval(state.heartbeat);
  settlePending();
  setPresence('offline');
  scheduleReconnect();
}

function scheduleReconnect() {
  // Exponential backoff with jitter, so a restarted server is not hit by every page at once.
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** state.attempt);
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  state.attempt += 1;
  const due = Date.now() + delay;
  state.retryTimer = setTimeout(connect, delay);
  showBanner(due);
}

function retryNow() {
  if (state.socket) return;
  connect();
}

function send(type, payload, id) {
  const frame = { type, payload };
  if (id) frame.id = id;
  state.socket.send(JSON.stringify(frame));
}

function newId() {
  return `c${state.nextId++}`;
}

/** What was in flight when the connection dropped: an unconfirmed message goes back in the box. */
function settlePending() {
  const unsent = [];
  for (const request of state.pending.values()) {
    if (request.kind === 'message' && request.seq === undefined) unsent.push(request.text);
  }
  state.pending.clear();
  state.ownSeqs.clear();
  if (unsent.length && !ui.text.value) {
    ui.text.value = unsent.join('\n');
    resizeBox();
    showError(t.unconfirmed);
  }
}

function startHeartbeat() {
  // The server pings us, but a browser cannot see a half-open connection; an application
  // ping after a quiet spell finds out, and a missing answer means reconnect.
  clearInterval(state.heartbeat);
  const socket = state.socket;
  state.heartbeat = setInterval(() => {
    const now = Date.now();
    if (state.pingSentAt && now - state.pingSentAt > PING_TIMEOUT_MS) {
      drop(socket);
    } else if (!state.pingSentAt && now - state.lastHeard > IDLE_PING_MS) {
      state.pingSentAt = now;
      send('ping', undefined, `ping${now}`);
    }
  }, 5_000);
}

// ---- incoming frames ------------------------------------------------------------------------

function receive(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return; // not ours to show; the server only sends JSON
  }
  state.lastHeard = Date.now();
  state.pingSentAt = 0;
  const payload = frame.payload;
  switch (frame.type) {
    case 'welcome': return onWelcome(payload);
    case 'message': return onMessage(payload);
    case 'system': return onSystem(payload);
    case 'ack': return onAck(frame.id, payload);
    case 'error': return onError(frame.id, payload || {});
    default: return undefined; // newer server features this page does not know yet
  }
}

function onWelcome(welcome) {
  storeToken(welcome.token);
  state.connected = true;
  state.welcomedAt = Date.now();
  state.bySeq.clear();
  state.limits = { ...state.limits, ...welcome.limits };
  ui.text.maxLength = state.limits.maxMessageChars;
  ui.nick.maxLength = state.limits.maxNickChars;
  setMe(welcome.nick, welcome.color);
  hideBanner();
  setPresence('online');
  if (state.welcomed) addSystemLine(t.reconnected, 'reconnected');
  state.welcomed = true;
  startHeartbeat();
}

function onMessage(message) {
  let own = state.ownSeqs.delete(message.seq);
  if (!own && state.me && message.nick === state.me.nick && message.color === state.me.color) {
    // Our own message comes back before its ack: recognise it by the text we are waiting on.
    for (const request of state.pending.values()) {
      if (request.kind === 'message' && request.seq === undefined && request.text === message.text) {
        request.seq = message.seq;
        own = true;
        break;
      }
    }
  }
  addMessage(message, own);
}

function onSystem(event) {
  if (Number.isInteger(event.count)) setCount(event.count);
  const render = { join: t.join, leave: t.leave, nick: t.nick }[event.kind];
  if (!render) return;
  const line = addSystemLine(render(event), event.kind);
  // The Korean wording names nobody; the name is still one hover away.
  if (lang === 'ko' && event.kind !== 'nick') line.title = event.nicks ? event.nicks.join(', ') : event.nick;
}

function onAck(id, payload) {
  const request = state.pending.get(id);
  if (!request) return;
  state.pending.delete(id);
  if (request.kind === 'message' && payload && payload.seq !== undefined) {
    const item = state.bySeq.get(payload.seq);
    if (item) markOwn(item);
    else state.ownSeqs.add(payload.seq);
  } else if (request.kind === 'nick' && payload) {
    setMe(payload.nick, payload.color);
    clearNickError();
  }
}

function onError(id, error) {
  const request = id ? state.pending.get(id) : undefined;
  if (request) state.pending.delete(id);
  if (request?.kind === 'nick') {
    const text = error.code === 'invalid_argument' && t.nickInvalid
      ? t.nickInvalid(state.limits.maxNickChars)
      : t.error(error.code, error.message);
    showNickError(text, error.message);
    return;
  }
  if (request?.kind === 'message' && !ui.text.value) {
    ui.text.value = request.text;
    resizeBox();
  }
  showError(t.error(error.code, error.message), error.message);
}

// ---- rendering ------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function safeColor(color) {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : '#64748b';
}

function isNearBottom() {
  const list = ui.list;
  return list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
}

function append(item, forceScroll) {
  const stick = forceScroll || isNearBottom();
  ui.list.append(item);
  while (ui.list.childElementCount > MAX_ITEMS) {
    const oldest = ui.list.firstElementChild;
    if (state.bySeq.get(Number(oldest.dataset.seq)) === oldest) state.bySeq.delete(Number(oldest.dataset.seq));
    oldest.remove();
  }
  if (stick) {
    ui.list.scrollTop = ui.list.scrollHeight;
  } else {
    ui.jump.hidden = false;
  }
  if (document.hidden) {
    state.unread += 1;
    document.title = `(${state.unread}) ${baseTitle}`;
  }
}

function addMessage(message, own) {
  const ts = Number(message.ts) || Date.now();
  const nick = String(message.nick ?? '');
  const color = safeColor(message.color);

  const item = el('li', 'msg');
  item.dataset.seq = message.seq;
  item.dataset.nick = nick;
  item.dataset.color = color;
  item.dataset.ts = ts;
  item.style.setProperty('--nick', color);

  const previous = ui.list.lastElementChild;
  if (previous?.classList.contains('msg') && previous.dataset.nick === nick
      && previous.dataset.color === color && ts - Number(previous.dataset.ts) < GROUP_MS) {
    item.classList.add('cont');
  }

  const avatar = el('span', 'avatar', Array.from(nick)[0] || '?');
  avatar.setAttribute('aria-hidden', 'true');
  const meta = el('div', 'meta');
  meta.append(el('span', 'nick', nick));
  const time = el('time', 'time', timeFormat.format(ts));
  time.dateTime = new Date(ts).toISOString();
  time.title = fullTimeFormat.format(ts);
  meta.append(time);
  const body = el('div', 'body');
  body.append(meta, el('p', 'text', String(message.text ?? '')));
  item.append(avatar, body);

  if (own) markOwn(item);
  state.bySeq.set(message.seq, item);
  append(item, own);
}

function markOwn(item) {
  item.classList.add('own');
  const nick = item.querySelector('.nick');
  if (nick && !nick.querySelector('.you')) nick.append(el('span', 'you', ` (${t.you})`));
}

function addSystemLine(text, kind) {
  const item = el('li', 'sys');
  item.dataset.kind = kind;
  item.append(el('span', 'sys-text', text));
  append(item, false);
  return item;
}

function setCount(count) {
  ui.count.dataset.count = count;
  ui.count.textContent = t.online(count);
}

function setPresence(status) {
  ui.presence.dataset.state = status;
  if (status === 'online') return; // the count arrives with our own join, right after welcome
  delete ui.count.dataset.count;
  ui.count.textContent = status === 'offline' ? t.offline : t.connecting;
}

function setMe(nick, color) {
  state.me = { nick, color };
  ui.meDot.style.background = safeColor(color);
  if (document.activeElement !== ui.nick || !ui.nick.value) ui.nick.value = nick;
  ui.nickForm.dataset.ready = 'true';
}

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

function resizeBox() {
  const box = ui.text;
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  const left = state.limits.maxMessageChars - box.value.length;
  ui.counter.textContent = left <= COUNTER_FROM ? t.charsLeft(left) : '';
}

// ---- user input -----------------------------------------------------------------------------

function submitMessage(event) {
  event.preventDefault();
  // Keep the user's indentation and inner blank lines, drop only the empty edges.
  const text = ui.text.value.replace(/^\s*\n/, '').trimEnd();
  ui.text.focus();
  if (!text.trim()) return;
  if (!state.connected) {
    showError(t.notConnected);
    return;
  }
  const id = newId();
  state.pending.set(id, { kind: 'message', text });
  send('new_message', { text }, id);
  ui.text.value = '';
  resizeBox();
  ui.error.textContent = '';
}

function submitNick(event) {
  event.preventDefault();
  const nick = ui.nick.value.trim();
  if (!state.connected || !nick || nick === state.me?.nick) {
    if (state.me && !nick) ui.nick.value = state.me.nick;
    clearNickError();
    return;
  }
  const id = newId();
  state.pending.set(id, { kind: 'nick' });
  send('nickname', nick, id);
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

const baseTitle = document.title;

localise();
ui.composer.addEventListener('submit', submitMessage);
ui.text.addEventListener('keydown', onKey);
ui.text.addEventListener('input', resizeBox);
ui.nickForm.addEventListener('submit', submitNick);
ui.nick.addEventListener('input', clearNickError);
ui.retry.addEventListener('click', retryNow);
ui.jump.addEventListener('click', () => {
  ui.list.scrollTop = ui.list.scrollHeight;
  ui.jump.hidden = true;
});
// Whoever reads the newest lines keeps seeing them when the list shrinks (banner, phone keyboard).
let stuckToBottom = true;
ui.list.addEventListener('scroll', () => {
  stuckToBottom = isNearBottom();
  if (stuckToBottom) ui.jump.hidden = true;
}, { passive: true });
new ResizeObserver(() => {
  if (stuckToBottom) ui.list.scrollTop = ui.list.scrollHeight;
}).observe(ui.list);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    state.unread = 0;
    document.title = baseTitle;
  }
});
// Coming back online or to the tab is a good moment not to sit out the rest of a backoff.
window.addEventListener('online', retryNow);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.retryTimer) retryNow();
});

connect();
// On touch screens focusing would pop the keyboard over the conversation before anyone asked.
if (matchMedia('(pointer: fine)').matches) ui.text.focus();
