// The timeline: messages by seq, system lines, older pages, and the outbox's "sending…" stand-ins.
import { lang, t } from '../i18n.js';
import { personKey } from './model.js';
import { linkify, mentions, neutraliseBidi } from './text.js';
import { PAGE, GROUP_MS, NEAR_BOTTOM_PX, NEAR_TOP_PX, MAX_ITEMS, ui, timeFormat, fullTimeFormat, state, client, request, isMe, el, safeColor } from './session.js';
import { markSeen } from './store.js';
import { renderRoomItem, renderMenuDot } from './lobby.js';
import { stopTyping } from './members.js';
import { showToast } from './banner.js';
import { notifyMention } from './notify.js';
import { mediaBox, validMedia } from './media.js';
import { openViewer, closeViewer } from './viewer.js';
import { syncMessageMenu } from './moderation.js';

export function onMessage(message) {
  const view = state.view;
  if (!isMe(message) && mentions(message.text, state.me?.nick)) {
    notifyMention(message, state.rooms.get(message.room)?.title ?? message.room);
  }
  if (message.room !== view.room) {
    if (state.unread.note(message, { me: state.me, active: view.room })) {
      renderRoomItem(message.room);
      renderMenuDot();
    }
    return;
  }
  stopTyping(view, personKey(message));
  const own = isMe(message);
  if (view.timeline.has(message.seq)) return;
  const item = renderMessage(view, message, own);
  append(item, own);
  regroup(item);
  noteNewest(view, message.seq);
}

// ---- history: older pages -------------------------------------------------------------------

function oldestSeq() {
  const first = ui.list.querySelector('.msg');
  return first ? Number(first.dataset.seq) : null;
}

export async function loadOlder() {
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
export function fillScreen() {
  requestAnimationFrame(() => {
    const view = state.view;
    if (view.joined && !view.atBeginning && ui.list.scrollHeight <= ui.list.clientHeight + NEAR_TOP_PX) loadOlder();
  });
}

export function renderBeginning(view) {
  ui.list.querySelector('.beginning')?.remove();
  if (!view.atBeginning) return;
  const item = el('li', 'beginning');
  const badge = el('span', 'beginning-badge', '#');
  badge.setAttribute('aria-hidden', 'true');
  item.append(badge, el('p', 'beginning-title', view.title ?? ''), el('p', 'beginning-text', t.beginning(view.title ?? '')));
  ui.list.prepend(item);
}

export function isNearBottom() {
  const list = ui.list;
  return list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
}

export function scrollToBottom() {
  ui.list.scrollTop = ui.list.scrollHeight;
  state.stuckToBottom = true;
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

export function insertBefore(item, ref) {
  ui.list.insertBefore(item, ref && ref.parentNode === ui.list ? ref : null);
}

function trim() {
  const view = state.view;
  while (ui.list.childElementCount > MAX_ITEMS) {
    const oldest = ui.list.firstElementChild;
    if (oldest.classList.contains('msg')) {
      const seq = Number(oldest.dataset.seq);
      if (view.timeline.get(seq) === oldest) view.timeline.forget(seq);
      view.atBeginning = false;
    }
    oldest.remove();
  }
  if (!view.atBeginning) ui.list.querySelector('.beginning')?.remove();
}

/** Inserts messages (oldest first) before `ref`, skipping any already shown; returns the first inserted. */
export function insertMessages(view, messages, ref) {
  let first = null;
  let last = null;
  for (const message of messages) {
    if (!message || !Number.isInteger(message.seq) || view.timeline.has(message.seq)) continue;
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
export function removeBefore(view, ref) {
  while (ui.list.firstElementChild && ui.list.firstElementChild !== ref) ui.list.firstElementChild.remove();
  view.timeline.clear();
  for (const item of ui.list.querySelectorAll('.msg:not(.pending)')) view.timeline.add({ seq: Number(item.dataset.seq) }, item);
}

/** Called once a message is in the timeline: the newest one so far is remembered as seen. */
function noteNewest(view, seq) {
  if (view.synced && seq === view.timeline.newest) markSeen(view.room, seq);
}

/** A "new" divider above the first message that arrived since this room was last on screen. */
export function markNewSince(view, history, lastSeen) {
  if (!Number.isInteger(lastSeen) || !history.length) return;
  const firstNew = history.find((m) => m.seq > lastSeen);
  if (!firstNew || firstNew === history[0] && lastSeen < history[0].seq - 1) return;
  if (history.every((m) => m.seq <= lastSeen || isMe(m))) return;
  const item = view.timeline.get(firstNew.seq);
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
  body.append(meta);
  const media = message.deleted ? null : validMedia(message.media);
  if (media) body.append(mediaFigure(media, message.text));
  body.append(message.deleted ? deletedText() : messageText(message.text));
  item.append(avatar, body);
  if (message.deleted) item.dataset.deleted = '';

  if (own) markOwn(item);
  else if (!message.deleted && mentions(message.text, state.me?.nick)) item.classList.add('mention');
  if (view) {
    view.timeline.add(message, item);
    // Ours, arrived (live or in a rejoin's history): its "sending…" stand-in goes.
    if (own && typeof message.cid === 'string') removePending(message.cid);
    syncMessageMenu(item);
  }
  return item;
}

function deletedText() {
  return el('p', 'text deleted', t.messageDeleted);
}

/**
 * A message deleted after it was shown: in its place, "This message was deleted" (muted); its
 * text, its image (and the viewer, if that image is open) and its menu go.
 */
export function showDeleted(item) {
  if (item.hasAttribute('data-deleted')) return;
  item.dataset.deleted = '';
  item.classList.remove('mention');
  const figure = item.querySelector('.body > .media');
  if (figure) {
    const img = figure.querySelector('img');
    if (ui.viewer.open && img && ui.viewerImg.src === (img.currentSrc || img.src)) closeViewer();
    figure.remove();
  }
  item.querySelector('.body > .text')?.replaceWith(deletedText());
  syncMessageMenu(item);
}

/**
 * A message's image: a button (click, Enter or Space opens the viewer) holding an <img> whose box
 * is sized from the media object before a byte has loaded, so nothing below it moves when it
 * arrives. GIFs and animated WebP animate as any <img> does. The alt text is the caption, or a
 * word for "image" (the file's name stays with the person who sent it).
 */
function mediaFigure(media, caption) {
  const box = mediaBox(media.width, media.height);
  const open = el('button', 'media');
  open.type = 'button';
  open.setAttribute('aria-haspopup', 'dialog');
  const img = el('img', 'media-img');
  img.width = box.width;
  img.height = box.height;
  img.style.aspectRatio = `${box.width} / ${box.height}`;
  img.loading = 'lazy';
  img.decoding = 'async';
  img.alt = neutraliseBidi(String(caption ?? '').trim()) || t.imageAlt(media.type);
  img.src = client.mediaSrc(media);
  if (typeof media.id === 'string') open.dataset.media = media.id;
  open.append(img);
  open.addEventListener('click', () => openViewer(open, img.currentSrc || img.src, img.alt, caption));
  return open;
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

/**
 * Consecutive messages of one author share a header, and a new day starts with a date line;
 * both recomputed wherever a message lands.
 */
function regroup(item) {
  if (!item?.classList.contains('msg')) return;
  markDay(item);
  const previous = item.previousElementSibling;
  const cont = previous?.classList.contains('msg') && previous.dataset.uid === item.dataset.uid
    && previous.dataset.nick === item.dataset.nick && previous.dataset.color === item.dataset.color
    && Math.abs(Number(item.dataset.ts) - Number(previous.dataset.ts)) < GROUP_MS;
  item.classList.toggle('cont', !!cont);
}

const dayFormat = new Intl.DateTimeFormat(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const relativeDays = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });

function dayOf(ts) {
  const d = new Date(Number(ts));
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the date, in the reader's language and time zone. */
function dayLabel(ts) {
  const start = (t0) => new Date(new Date(t0).toDateString()).getTime();
  const days = Math.round((start(Number(ts)) - start(Date.now())) / 86_400_000);
  if (days === 0 || days === -1) {
    const word = relativeDays.format(days, 'day');
    return word.charAt(0).toUpperCase() + word.slice(1);
  }
  return dayFormat.format(Number(ts));
}

/** A date line above `item` when the message before it (if any) is from another day. */
function markDay(item) {
  const day = dayOf(item.dataset.ts);
  // The date lines right above it are redrawn: older messages may have arrived above them.
  let above = item.previousElementSibling;
  while (above?.classList.contains('day')) {
    const up = above.previousElementSibling;
    above.remove();
    above = up;
  }
  // The nearest message or date line above; system lines and dividers do not count.
  let node = above;
  while (node && !node.classList.contains('msg') && !node.classList.contains('day')) node = node.previousElementSibling;
  if (node && (node.classList.contains('day') ? node.dataset.day : dayOf(node.dataset.ts)) === day) return;
  const line = el('li', 'day');
  line.dataset.day = day;
  const time = el('time', 'day-text', dayLabel(item.dataset.ts));
  time.dateTime = new Date(Number(item.dataset.ts)).toISOString().slice(0, 10);
  line.append(time);
  item.before(line);
}

function markOwn(item) {
  item.classList.add('own');
  const nick = item.querySelector('.nick');
  if (nick && !nick.querySelector('.you')) nick.append(el('span', 'you', ` (${t.you})`));
}

export function systemLine(text, kind) {
  const item = el('li', 'sys');
  item.dataset.kind = kind;
  item.append(el('span', 'sys-text', text));
  return item;
}

export function addSystemLine(text, kind, forceScroll = false) {
  const item = systemLine(text, kind);
  append(item, forceScroll);
  return item;
}

/** The outbox's posts in the list: "sending…", "failed — retry"; gone once the message is in. */
export function onOutbox(post) {
  if (post.state === 'sent') {
    const item = pendingItem(post.cid);
    // Its message arrived (or will, through the rejoin's history): the stand-in goes once it is shown.
    if (item && (state.view.timeline.has(post.seq) || post.room !== state.view.room)) removePending(post.cid);
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
  const media = post.media && typeof post.media === 'object' ? post.media : undefined;
  const item = renderMessage(null, { uid: me.uid, nick: me.nick, color: me.color, text: post.text, media, ts: Date.now() }, true);
  item.classList.add('pending');
  item.dataset.cid = post.cid;
  const status = el('p', 'status');
  status.setAttribute('role', 'status');
  item.querySelector('.body').append(status);
  return item;
}

/** The stand-ins of the posts still on their way to the room on screen, after a room switch. */
export function renderOutbox() {
  for (const post of client.outbox.values()) onOutbox(post);
}
