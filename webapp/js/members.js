// Who is here: the member list, presence lines, typing.
import { lang, t } from '../i18n.js';
import { headcount, personKey, peopleIn, memberKey } from './model.js';
import { neutraliseBidi } from './text.js';
import { GENERAL, ui, collator, state, isMe, el, safeColor } from './session.js';
import { addSystemLine } from './messages.js';
import { renderRoomItem } from './lobby.js';
import { setMe } from './composer.js';
import { memberMenu } from './moderation.js';
import { closeMenu, menuOpenAt } from './menu.js';

export function onSystem(event) {
  const view = state.view;
  if (event.room === GENERAL && event.kind === 'join' && namesMe(event)) state.ownGeneralJoinSeen = true;
  // Another tab of ours renamed the identity: this one goes by the new name too.
  if (event.kind === 'nick' && state.me?.uid && isMe(event) && event.nick !== state.me.nick) {
    setMe(String(event.nick ?? ''), event.color ?? state.me.color);
  }
  if (event.room !== view.room) return; // other rooms' counts arrive as room_updated
  if (Number.isInteger(event.count)) {
    setCount(headcount(event));
    state.rooms.counts(event);
    renderRoomItem(event.room);
  }
  if (view.joined) updateMembers(view, event); // before the ack, its member list says it all
  const render = { join: t.join, leave: t.leave, nick: t.nick, kick: t.kickLine, ban: t.banLine }[event.kind];
  if (!render) return;
  const line = addSystemLine(render(event), event.kind);
  // The Korean wording names nobody; the name is still one hover away.
  if (lang === 'ko' && event.kind !== 'nick') line.title = event.nicks ? event.nicks.join(', ') : event.nick;
}

export function onTyping(event) {
  const view = state.view;
  if (event.room !== view.room || !view.joined || isMe(event)) return;
  view.typers.note(event, Date.now());
  renderTyping();
}

export function stopTyping(view, key) {
  if (view.typers.stop(key) && view === state.view) renderTyping();
}

export function clearTypers(view) {
  view.typers.clear();
  renderTyping();
}

export function setCount(count) {
  state.view.count = count;
  ui.count.dataset.count = count;
  ui.count.textContent = t.online(count);
}

// ---- members --------------------------------------------------------------------------------

/** The join ack lists connections: a person with two tabs comes twice, with one uid. */
export function setMembers(view, members) {
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

export function renderMembers() {
  const view = state.view;
  const info = state.rooms.get(view.room);
  const owner = info?.owner;
  const isOwner = (member) => (typeof info?.ownerUid === 'string' ? member.uid === info.ownerUid : owner && member.nick === owner);
  const people = view.members.sorted(state.me, owner, collator.compare);
  // The list is drawn anew: focus on a member's menu button, or its open menu, moves to the new one.
  const focusedUid = ui.memberList.contains(document.activeElement) ? document.activeElement.dataset.uid : undefined;
  const openFor = menuOpenAt(ui.memberList)?.dataset.uid;
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
    else if (view.room !== GENERAL && isOwner(member)) item.append(el('span', 'member-tag', t.owner));
    if (member.n > 1) item.append(el('span', 'member-n', `×${member.n}`));
    const menu = view.joined ? memberMenu(member) : null;
    if (menu) item.append(menu);
    return item;
  });
  if (openFor !== undefined) closeMenu(false);
  ui.memberList.replaceChildren(...items);
  const again = focusedUid ?? openFor;
  if (again !== undefined) {
    const button = [...ui.memberList.querySelectorAll('.member-menu-btn')].find((b) => b.dataset.uid === again);
    // Gone (removed, left): the list itself keeps the focus rather than the page's body.
    if (button) button.focus();
    else ui.memberList.focus();
  }
  ui.membersCount.textContent = view.joined ? String(people.length) : '';
  ui.membersBtnCount.textContent = view.joined ? String(people.length) : '';
  ui.membersNote.textContent = view.joined ? t.connections(people.length, view.members.connections) : '';
}

function renderTyping() {
  const typers = state.view.typers;
  const names = typers.names(Date.now());
  let text = '';
  if (names.length === 1) text = t.typingOne(names[0]);
  else if (names.length === 2) text = t.typingTwo(names[0], names[1]);
  else if (names.length > 2) text = t.typingMany;
  ui.typing.textContent = text;
  ui.typing.dataset.nicks = names.join('\n');
  ui.typing.classList.toggle('on', !!text);
  // Shown until the next one's time is up, then drawn again without them.
  clearTimeout(state.typingTimer);
  const next = typers.nextExpiry();
  if (next !== null) state.typingTimer = setTimeout(renderTyping, Math.max(0, next - Date.now()));
}
