// Status: the connection banner, the presence line, toasts, inline errors.
import { t } from '../i18n.js';
import { TOAST_MS, ui, state } from './session.js';

export function setPresence(status) {
  ui.presence.dataset.state = status;
  if (status === 'online') return; // the count arrives with the join, right after welcome
  delete ui.count.dataset.count;
  ui.count.textContent = status === 'offline' ? t.offline : t.connecting;
}

export function showBanner(due) {
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

export function hideBanner() {
  clearInterval(state.countdownTimer);
  ui.banner.hidden = true;
}

export function showError(text, detail) {
  clearTimeout(state.errorTimer);
  ui.error.textContent = text;
  ui.error.title = detail || '';
  // Errors are transient hints, not dialogs: they fade after a while on their own.
  state.errorTimer = setTimeout(() => { ui.error.textContent = ''; }, 8_000);
}

export function showToast(text) {
  clearTimeout(state.toastTimer);
  ui.toastText.textContent = text;
  ui.toast.hidden = false;
  state.toastTimer = setTimeout(hideToast, TOAST_MS);
}

export function hideToast() {
  clearTimeout(state.toastTimer);
  ui.toast.hidden = true;
}

export function showNickError(text, detail) {
  ui.nickError.textContent = text;
  ui.nickError.title = detail || '';
  ui.nickError.hidden = false;
  ui.nick.setAttribute('aria-invalid', 'true');
}

export function clearNickError() {
  ui.nickError.hidden = true;
  ui.nickError.textContent = '';
  ui.nick.removeAttribute('aria-invalid');
}

export function fieldError(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
  const input = node.id && document.querySelector(`[aria-describedby~="${node.id}"]`);
  if (input) {
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}
