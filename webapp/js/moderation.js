// Moderation (protocol 1.1): the owner's tools in the member list, the message menu (the owner's,
// and every author's for their own messages), and what a removal or a deletion does to the page.
// Who may do what is decided in model.js (ownsRoom, mayRemove, mayDelete); the server checks again.
import { t } from '../i18n.js';
import { mayRemove, mayDelete } from './model.js';
import { GENERAL, ui, state, client } from './session.js';
import { openConfirm, closePasswordDialog } from './dialogs.js';
import { showToast } from './banner.js';
import { goToGeneral, syncView, titleOf } from './rooms.js';
import { addSystemLine, showDeleted } from './messages.js';
import { menuButton } from './menu.js';

function viewInfo() {
  return state.rooms.get(state.view.room);
}

/** A refused kick: said the way the page says other refusals. */
function failed(e) {
  showToast(t.error(e.code, e.message));
}

/** The menu button of a member for the room's owner (Remove, Ban); null for anyone else. */
export function memberMenu(member) {
  const room = state.view.room;
  if (!mayRemove(state.me, viewInfo(), member)) return null;
  const nick = member.nick;
  const items = () => [
    { name: 'kick', label: t.kick, action: () => client.kick(room, member.uid).catch(failed) },
    {
      name: 'ban',
      label: t.ban,
      danger: true,
      action: () => openConfirm({
        heading: t.confirmBan(nick, titleOf(room)),
        text: t.confirmBanText,
        submit: t.banShort,
        busy: t.banning,
        action: () => client.ban(room, member.uid),
      }),
    },
  ];
  const button = menuButton('icon-btn member-menu-btn', t.memberActions(nick), items, t.memberActions(nick));
  button.dataset.uid = member.uid;
  return button;
}

/** What the message menu needs of a message, read back from its list item. */
function messageOf(item) {
  return { seq: Number(item.dataset.seq), uid: item.dataset.uid, deleted: item.hasAttribute('data-deleted') };
}

/** Gives a message's item its menu (Delete) when this page may delete it, and takes it away when not. */
export function syncMessageMenu(item) {
  const existing = item.querySelector(':scope > .msg-menu-btn');
  const may = !item.classList.contains('pending') && mayDelete(state.me, viewInfo(), messageOf(item));
  if (!may) {
    existing?.remove();
    return;
  }
  if (existing) return;
  const room = state.view.room;
  const seq = Number(item.dataset.seq);
  const items = () => [{
    name: 'delete',
    label: t.deleteMessage,
    danger: true,
    action: () => openConfirm({
      heading: t.confirmDeleteMessage,
      text: t.confirmDeleteMessageText,
      submit: t.deleteShort,
      busy: t.deleting,
      action: () => client.deleteMessage(room, seq),
    }),
  }];
  const label = t.messageActions(item.dataset.nick ?? '');
  item.append(menuButton('icon-btn msg-menu-btn', label, items, label));
}

/** After the owner of the room on screen changed (or became known): every message's menu again. */
export function syncMessageMenus() {
  for (const item of ui.list.querySelectorAll('.msg:not(.pending)')) syncMessageMenu(item);
}

/** `kicked`: this identity is out of `room` (sori.js no longer rejoins it); say so and go to general. */
export function onKicked(event) {
  const room = event.room;
  const by = String(event.by ?? '');
  const title = titleOf(room);
  const notice = event.banned ? t.bannedYou(title, by) : t.kickedYou(title, by);
  if (state.extra === room) state.extra = null;
  if (state.passwordFor?.room === room) closePasswordDialog();
  const view = state.view;
  if (view.room !== room) {
    showToast(notice);
    return;
  }
  view.joined = false;
  if (room !== GENERAL) {
    goToGeneral(notice);
    return;
  }
  // General has no owner; only the server's API key removes people from it.
  addSystemLine(notice, 'notice', true);
  if (!event.banned) syncView(); // a kick is no ban: back in at once, as on every reconnect
}

/** `message_deleted`: the message on screen becomes "This message was deleted". */
export function onMessageDeleted(event) {
  const view = state.view;
  if (event.room !== view.room || !Number.isInteger(event.seq)) return;
  const item = view.timeline.get(event.seq);
  if (item) showDeleted(item);
}
