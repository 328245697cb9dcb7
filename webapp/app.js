// The Sori chat page: one WebSocket speaking the protocol in docs/protocol.md. This module starts
// the page and wires the connection's events to the parts, each a module of js/:
//   session.js   settings, DOM elements, the page state, the sori.js client
//   store.js     localStorage and the address bar        model.js  rooms, members, typing, unread
//   messages.js  the timeline and the outbox's messages  text.js   bidi, links (no DOM)
//   lobby.js     the room list                          rooms.js  entering, leaving, the title bar
//   members.js   members, presence lines, typing        banner.js status, toasts, errors
//   dialogs.js   dialogs and drawers                     composer.js the box and the nickname
//   attach.js    an image: picker, paste, drop, upload   viewer.js  an image, large
//   media.js     images' rules and sizes (no DOM)
//   moderation.js the owner's tools, the message menu, kicked and deleted  menu.js  popup menus
// model.js, text.js and media.js have no DOM and are unit-tested (src/test/node) like sori.js.
// Everything a user typed (messages, nicknames, room titles) reaches the DOM through
// textContent only, never as markup.
//
// Rooms, as this page uses them:
// - The connection is always a member of `general`: the server puts every connection there
//   on connect, and leaving it would make everyone in general watch a join and a leave on
//   every page load. Besides general the page is in at most one other room: the active one.
//   Switching rooms = join the new one, then leave the previous one (never general).
// - `state.view` is the room on screen. Frames of other rooms are ignored, except their messages
//   (general's: the page is in general and the room on screen), which count as unread in the lobby.
// - localStorage keeps the identity token, the active room (also in the URL hash,
//   `#room=…`, so a link can be shared), the last seq seen per room and the ids of the
//   rooms this identity created. Never a password: those live in memory for the session,
//   so a reconnect can rejoin a locked room, and a reload asks again.
// - The connection, requests and the outbox are sori.js (the client library the server serves
//   at /sori.js, loaded before this module): it reconnects with jittered backoff, rejoins the
//   active room with `since` after a reconnect, and sends every message with a `cid`, again after
//   a reconnect until the server confirms it (exactly once). Messages are deduplicated by seq.
// - People are told apart by `uid`, never by nickname: two people may share a name (and even a
//   colour), and one person may have several tabs open (several connections, one uid). Only a
//   server that sends no uids (before protocol 1.1) leaves nickname and colour to go by.
// - A message on its way shows in the list as "sending…" (and "failed — retry" if refused) until
//   the server has it; the box is free for the next one meanwhile.
import { lang, t } from './i18n.js';
import { ROOM_KEY, OWNED_KEY, GENERAL, NEAR_TOP_PX, ui, narrowRooms, narrowMembers, newView, state, client, retryNow } from './js/session.js';
import { load, storedToken, storeToken, loadOwned, saveOwned, loadSeen, saveSeen, roomFromHash } from './js/store.js';
import { onMessage, loadOlder, isNearBottom, scrollToBottom, addSystemLine, onOutbox } from './js/messages.js';
import { loadRooms, onRoomInfo, onRoomRemoved, renderRooms } from './js/lobby.js';
import { syncView, joinFailed, leaveStray, enterRoom, applyJoin, goToGeneral, leaveRoom, renderHeader, copyRoomLink } from './js/rooms.js';
import { onSystem, onTyping, clearTypers } from './js/members.js';
import { setPresence, showBanner, hideBanner, showError, hideToast, clearNickError } from './js/banner.js';
import { openCreateDialog, submitCreate, openPasswordDialog, submitPassword, cancelPassword, openConfirmDelete, submitConfirm, openDrawer, closeDrawers, updateDrawers } from './js/dialogs.js';
import { resizeBox, submitMessage, onInput, submitNick, onKey, setMe } from './js/composer.js';
import { askForNotifications, renderNotifyButton } from './js/notify.js';
import { wireAttachments } from './js/attach.js';
import { wireViewer } from './js/viewer.js';
import { onKicked, onMessageDeleted } from './js/moderation.js';

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
wireAttachments();
wireViewer();
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
ui.confirmForm.addEventListener('submit', submitConfirm);
ui.confirmCancel.addEventListener('click', () => ui.confirmDialog.close());
ui.confirmDialog.addEventListener('close', () => { state.confirm = null; });
ui.leave.addEventListener('click', leaveRoom);
ui.copyLink.addEventListener('click', copyRoomLink);
ui.notify.addEventListener('click', askForNotifications);
renderNotifyButton();
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
  state.stuckToBottom = isNearBottom();
  if (state.stuckToBottom) ui.jump.hidden = true;
  if (ui.list.scrollTop < NEAR_TOP_PX) loadOlder();
}, { passive: true });
new ResizeObserver(() => {
  if (state.stuckToBottom) ui.list.scrollTop = ui.list.scrollHeight;
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

// ---- the connection's events ----

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
client.on('kicked', onKicked);
client.on('message_deleted', onMessageDeleted);
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

client.token = storedToken();
client.connect();
// On touch screens focusing would pop the keyboard over the conversation before anyone asked.
if (matchMedia('(pointer: fine)').matches) ui.text.focus();
