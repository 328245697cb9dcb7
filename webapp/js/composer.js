// The composer and the nickname: sending through the outbox, typing notices, the length limit.
import { t } from '../i18n.js';
import { GENERAL, COUNTER_FROM, TYPING_EVERY_MS, ui, state, client, request, safeColor } from './session.js';
import { renderMembers } from './members.js';
import { showError, showNickError, clearNickError } from './banner.js';
import { sendAttachment } from './attach.js';

export function setMe(nick, color, uid = state.me?.uid ?? null) {
  const renamed = state.me && state.me.nick !== nick;
  state.me = { uid, nick, color };
  ui.meDot.style.background = safeColor(color);
  if (document.activeElement !== ui.nick || !ui.nick.value) ui.nick.value = nick;
  ui.nickForm.dataset.ready = 'true';
  if (renamed) renderMembers();
}

export function resizeBox() {
  const box = ui.text;
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  const left = state.limits.maxMessageChars - box.value.length;
  ui.counter.textContent = left <= COUNTER_FROM ? t.charsLeft(left) : '';
  ui.counter.toggleAttribute('data-over', left < 0);
  if (left < 0) ui.text.setAttribute('aria-invalid', 'true');
  else ui.text.removeAttribute('aria-invalid');
}

function canSend() {
  // The server puts every connection into general, so general takes messages before its ack.
  // Offline, a room that was joined still takes them: the outbox sends them after the rejoin.
  const view = state.view;
  return view.room === GENERAL || view.joined || (view.synced && !view.locked);
}

export async function submitMessage(event) {
  event.preventDefault();
  // Keep the user's indentation and inner blank lines, drop only the empty edges.
  const text = ui.text.value.replace(/^\s*\n/, '').trimEnd();
  ui.text.focus();
  const withImage = !!state.attachment;
  if (withImage && state.attachment.upload) return; // on its way already
  if (!text.trim() && !withImage) return;
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
  if (withImage) {
    // The text is the image's caption (it may be empty). The box keeps it until the image is
    // posted, and whatever was typed meanwhile after that.
    const typed = ui.text.value;
    if (!await sendAttachment(room, text.trim() ? text : '')) return;
    if (ui.text.value === typed) ui.text.value = '';
    state.typingSentAt = 0;
    resizeBox();
    return;
  }
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

export function onInput(event) {
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

export async function submitNick(event) {
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

export function onKey(event) {
  // Enter sends, Shift+Enter breaks the line; never while an IME (Korean, Japanese…) composes.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
}
