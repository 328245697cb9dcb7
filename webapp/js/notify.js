// Browser notifications for mentions while the tab is hidden. Permission is asked only when the
// person presses the bell, never on load (browsers penalise pages that ask unprompted).
import { t } from '../i18n.js';
import { ui } from './session.js';
import { showToast } from './banner.js';

const supported = typeof Notification === 'function';

/** The bell's state: pressed once notifications are allowed; hidden where there are none. */
export function renderNotifyButton() {
  ui.notify.hidden = !supported;
  if (!supported) return;
  ui.notify.setAttribute('aria-pressed', String(Notification.permission === 'granted'));
}

export async function askForNotifications() {
  if (!supported) return;
  if (Notification.permission === 'default') await Notification.requestPermission();
  if (Notification.permission === 'denied') showToast(t.notifyDenied);
  renderNotifyButton();
}

/** Tells someone who is not looking that `message` mentions them. */
export function notifyMention(message, roomTitle) {
  if (!supported || !document.hidden || Notification.permission !== 'granted') return;
  const notification = new Notification(t.mentionedYou(String(message.nick ?? ''), roomTitle), {
    body: String(message.text ?? '').slice(0, 200),
    tag: `sori-${message.room}-${message.seq}`,
  });
  notification.addEventListener('click', () => {
    window.focus();
    notification.close();
  });
}
