// Dialogs (create a room, a room's password, confirmations: delete a room, ban, delete a message)
// and the phone drawers.
import { t } from '../i18n.js';
import { GENERAL, ui, narrowRooms, narrowMembers, state, client, request } from './session.js';
import { saveOwned } from './store.js';
import { titleOf, leaveStray, switchView, applyJoin, goToGeneral } from './rooms.js';
import { showToast, fieldError } from './banner.js';
import { isBan } from './model.js';

// ---- dialogs --------------------------------------------------------------------------------

function setBusy(button, busy, busyText, idleText) {
  button.disabled = busy;
  button.textContent = busy ? busyText : idleText;
}

export function openCreateDialog() {
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

export async function submitCreate(event) {
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
export function openPasswordDialog(room, mode, error = '') {
  closeDrawers();
  state.passwordFor = { room, mode };
  ui.passwordRoom.textContent = `#${titleOf(room)}`;
  ui.passwordInput.value = '';
  fieldError(ui.passwordError, error);
  setBusy(ui.passwordSubmit, false, t.joining, t.joinRoom);
  if (!ui.passwordDialog.open) ui.passwordDialog.showModal();
  ui.passwordInput.focus();
}

export function closePasswordDialog() {
  state.passwordFor = null;
  if (ui.passwordDialog.open) ui.passwordDialog.close();
}

export async function submitPassword(event) {
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
    if (isBan(e, state.rooms.get(target.room))) {
      closePasswordDialog();
      if (state.view.room === target.room) goToGeneral(t.bannedFrom(titleOf(target.room)));
      else showToast(t.bannedFrom(titleOf(target.room)));
    } else if (e.code === 'forbidden') {
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

export function cancelPassword() {
  const target = state.passwordFor;
  closePasswordDialog();
  ++state.nav; // an answer still on its way is no longer wanted
  // A room on screen that we cannot enter is no place to stay.
  if (target && target.mode === 'view' && state.view.room === target.room && !state.view.joined) goToGeneral();
}

/**
 * Asks before something that cannot be undone: `heading`, `text`, the submit button's `submit`
 * (and `busy` while it runs) labels, and the `action` (a promise) run on confirming. The dialog
 * stays open with the error if the action fails.
 */
export function openConfirm({ heading, text, submit, busy, action }) {
  closeDrawers();
  state.confirm = { submit, busy, action };
  ui.confirmHeading.textContent = heading;
  ui.confirmText.textContent = text;
  fieldError(ui.confirmError, '');
  setBusy(ui.confirmSubmit, false, busy, submit);
  ui.confirmDialog.showModal();
  ui.confirmCancel.focus(); // the safe choice is the default one
}

export async function submitConfirm(event) {
  event.preventDefault();
  const confirm = state.confirm;
  if (!confirm || ui.confirmSubmit.disabled) return;
  setBusy(ui.confirmSubmit, true, confirm.busy, confirm.submit);
  try {
    await confirm.action();
    if (state.confirm === confirm) ui.confirmDialog.close();
  } catch (e) {
    if (state.confirm === confirm) fieldError(ui.confirmError, t.error(e.code, e.message));
  } finally {
    if (state.confirm === confirm) setBusy(ui.confirmSubmit, false, confirm.busy, confirm.submit);
  }
}

export function openConfirmDelete() {
  const view = state.view;
  if (view.room === GENERAL) return;
  const room = view.room;
  openConfirm({
    heading: t.confirmDelete(titleOf(room)),
    text: t.confirmDeleteText,
    submit: t.deleteRoom,
    busy: t.deleting,
    action: async () => {
      state.deleting = room;
      try {
        await request('delete_room', { room });
      } catch (e) {
        state.deleting = null;
        throw e;
      }
    },
  });
}

// ---- drawers (phones, tablets) ----------------------------------------------------------------

export function openDrawer(which) {
  ui.app.dataset.drawer = which;
  ui.scrim.hidden = false;
  updateDrawers();
  (which === 'rooms' ? ui.sidebar : ui.members).querySelector('button')?.focus();
}

export function closeDrawers() {
  if (!ui.app.dataset.drawer) return;
  delete ui.app.dataset.drawer;
  ui.scrim.hidden = true;
  updateDrawers();
}

/** Off-screen drawers must not take focus or be read out. */
export function updateDrawers() {
  const drawer = ui.app.dataset.drawer;
  ui.sidebar.inert = narrowRooms.matches && drawer !== 'rooms';
  ui.members.inert = narrowMembers.matches && drawer !== 'members';
  ui.menu.setAttribute('aria-expanded', String(drawer === 'rooms'));
  ui.membersToggle.setAttribute('aria-expanded', String(drawer === 'members'));
  if (!narrowRooms.matches && drawer === 'rooms') closeDrawers();
  if (!narrowMembers.matches && drawer === 'members') closeDrawers();
}
