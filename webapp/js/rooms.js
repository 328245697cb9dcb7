// Moving between rooms: joining, rejoining, leaving, the title bar, a locked room waiting for its password.
import { t } from '../i18n.js';
import { headcount, isBan, ownsRoom } from './model.js';
import { GENERAL, PAGE, RETRY_JOIN_MS, ui, newView, state, client } from './session.js';
import { markSeen, saveSeen, rememberRoom } from './store.js';
import { fillScreen, renderBeginning, scrollToBottom, insertBefore, insertMessages, removeBefore, markNewSince, systemLine, addSystemLine, renderOutbox } from './messages.js';
import { renderRooms, renderMenuDot } from './lobby.js';
import { clearTypers, setMembers, renderMembers, setCount } from './members.js';
import { showToast, hideToast } from './banner.js';
import { openPasswordDialog, closePasswordDialog, closeDrawers } from './dialogs.js';
import { syncMessageMenus } from './moderation.js';

export function titleOf(room) {
  if (room === state.view?.room && state.view.title) return state.view.title;
  return state.rooms.get(room)?.title ?? (room === GENERAL ? 'General' : '…');
}

/** Joins (or rejoins, after a reconnect) the room on screen. */
export async function syncView() {
  const view = state.view;
  // A locked room on screen waits for its password dialog.
  if (view.joining || view.locked || !state.connected) return;
  clearTimeout(state.retryJoinTimer);
  const since = view.synced ? view.timeline.newest : undefined;
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

export function joinFailed(view, e) {
  if (isBan(e, state.rooms.get(view.room))) {
    // Banned (while away, say): out for good, not asked for a password nor tried again.
    state.passwords.delete(view.room);
    client.forget(view.room);
    goToGeneral(t.bannedFrom(titleOf(view.room)));
  } else if (e.code === 'forbidden') {
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
export function leaveStray(room) {
  if (room === GENERAL || room === state.view.room) return;
  if (state.extra === room) state.extra = null;
  client.leave(room).catch(() => {});
}

/**
 * Switches to a room from the lobby (or a link). The screen changes only once the server has
 * let us in: a wrong password or a full room leaves the current room in place.
 */
export async function enterRoom(room, { password } = {}) {
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
  if (info?.locked && state.rooms.isFull(room)) {
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
    if (isBan(e, info)) {
      showToast(t.bannedFrom(titleOf(room)));
    } else if (e.code === 'forbidden') {
      state.passwords.delete(room);
      openPasswordDialog(room, 'enter');
    } else if (e.code === 'room_full') {
      showToast(t.roomFull(titleOf(room), info?.max ?? '?'));
    } else if (e.code === 'not_found') {
      showToast(t.roomGone);
      state.rooms.remove(room);
      renderRooms();
    } else {
      showToast(t.error(e.code, e.message));
    }
  } finally {
    setRoomBusy(room, false);
  }
}

function setRoomBusy(room, busy) {
  const item = state.roomItems.get(room);
  if (item) item.toggleAttribute('data-busy', busy);
}

/** Puts a freshly joined room on screen and leaves the one it replaces (never general). */
export function switchView(ack) {
  const previous = state.view;
  const previousExtra = state.extra;
  clearTypers(previous);
  hideToast(); // whatever it said was about where we were
  state.view = newView(ack.room, ack.title);
  ui.list.replaceChildren();
  ui.jump.hidden = true;
  state.stuckToBottom = true;
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
export function applyJoin(view, ack, since) {
  view.joined = true;
  view.locked = false;
  view.title = typeof ack.title === 'string' ? ack.title : view.title;
  if (ack.room !== GENERAL) state.extra = ack.room;
  hideLocked();
  const history = Array.isArray(ack.history) ? ack.history : [];
  const stick = state.stuckToBottom || !view.synced;
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
  if (view.timeline.newest) markSeen(view.room, view.timeline.newest);
  else delete state.seen[view.room];
  saveSeen();
  renderHeader();
  renderMembers();
  rememberRoom(view.room);
  if (stick) scrollToBottom();
  fillScreen();
}

/** Returns to general, with an optional notice once it is on screen. */
export async function goToGeneral(notice) {
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

export function leaveRoom() {
  if (state.view.room === GENERAL) return;
  goToGeneral();
}

/** The title bar: room name, lock, owner actions; the composer's placeholder; the tab title. */
export function renderHeader() {
  const view = state.view;
  const info = state.rooms.get(view.room);
  const title = titleOf(view.room);
  ui.roomTitle.textContent = title;
  ui.roomLock.toggleAttribute('hidden', !info?.locked);
  // Nothing to leave in a room we are not (yet) in: a link to a locked room waits for its password.
  ui.leave.hidden = view.room === GENERAL || !(view.joined || view.synced) || view.locked;
  const owns = state.owned.has(view.room) || ownsRoom(state.me, info);
  ui.del.hidden = view.room === GENERAL || !owns || !view.joined;
  // The owner's tools appear once the page knows who owns the room (the lobby's ownerUid).
  const moderates = ownsRoom(state.me, info);
  if (view.moderates !== moderates) {
    view.moderates = moderates;
    syncMessageMenus();
    renderMembers();
  }
  ui.text.placeholder = state.attachment ? t.captionPlaceholder : t.messagePlaceholderIn(title);
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

/** Copies a link that opens the room on screen (general: the page itself). */
export async function copyRoomLink() {
  const room = state.view.room;
  const url = new URL(location.href);
  url.hash = room === GENERAL ? '' : `room=${encodeURIComponent(room)}`;
  try {
    await navigator.clipboard.writeText(url.href);
    showToast(t.linkCopied);
  } catch {
    showToast(t.linkNotCopied(url.href)); // no clipboard (plain http on another host): the link to copy by hand
  }
}
