// The lobby: the list of rooms, their people counts and unread counts.
import { t } from '../i18n.js';
import { headcount } from './model.js';
import { ui, collator, state, request, el, icon } from './session.js';
import { saveOwned } from './store.js';
import { enterRoom, goToGeneral, renderHeader } from './rooms.js';
import { showToast } from './banner.js';
import { closePasswordDialog } from './dialogs.js';

export async function loadRooms() {
  let ack;
  try {
    ack = await request('list_rooms');
  } catch (e) {
    if (e.code !== 'disconnected') showToast(t.error(e.code, e.message));
    return;
  }
  state.rooms.setAll(ack.rooms);
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

export function onRoomInfo(info) {
  if (!info || typeof info.room !== 'string') return;
  state.rooms.update(info);
  renderRooms();
  if (info.room === state.view.room) renderHeader();
}

export function onRoomRemoved(info) {
  if (!info || typeof info.room !== 'string') return;
  const room = info.room;
  const title = state.rooms.get(room)?.title ?? info.title ?? room;
  state.rooms.remove(room);
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

export function renderRooms() {
  ui.roomsLoading.hidden = state.rooms.loaded;
  const order = state.rooms.sorted(collator.compare);
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
export function renderRoomItem(id) {
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

export function renderMenuDot() {
  ui.menuDot.hidden = !state.unread.total;
}
