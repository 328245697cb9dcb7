// A small popup menu, after the WAI-ARIA menu button pattern: a button with aria-haspopup opens a
// role=menu of role=menuitem buttons; arrows move between them, Home and End jump, Escape closes it
// and focus goes back to the button, Tab or a click elsewhere closes it. One menu is open at a
// time. Used by the owner's tools (members.js) and the message menu (messages.js).
import { el } from './session.js';

const MENU_ID = 'popup-menu';
let current = null; // { button, menu }

/** A button that opens a menu (see openMenu); `label` names it for screen readers. */
export function menuButton(className, label, items, menuLabel) {
  const button = el('button', className);
  button.type = 'button';
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-label', label);
  button.title = label;
  button.append(dots());
  button.addEventListener('click', () => {
    if (current?.button === button) closeMenu(true);
    else openMenu(button, items(), menuLabel, 'first');
  });
  button.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    openMenu(button, items(), menuLabel, event.key === 'ArrowUp' ? 'last' : 'first');
  });
  return button;
}

function dots() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M12 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4z');
  svg.append(path);
  return svg;
}

/**
 * Opens a menu of `items` ([{ label, action, danger? }]) at `button`, focus on its first (or
 * last) item. An item's action runs after the menu has closed and focus is back on the button,
 * so that a dialog it opens returns focus there.
 */
export function openMenu(button, items, label, focus = 'first') {
  closeMenu(false);
  if (!items.length) return;
  const menu = el('div', 'popup-menu');
  menu.id = MENU_ID;
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', label);
  for (const item of items) {
    const entry = el('button', item.danger ? 'menu-item danger' : 'menu-item', item.label);
    entry.type = 'button';
    entry.setAttribute('role', 'menuitem');
    entry.tabIndex = -1;
    if (item.name) entry.dataset.action = item.name;
    entry.addEventListener('click', () => {
      closeMenu(true);
      item.action();
    });
    menu.append(entry);
  }
  menu.addEventListener('keydown', onKey);
  // Inside the button's landmark, so that it is read as part of it (axe: region). Fixed, so that
  // no list's overflow clips it (an open drawer has no transform to move it).
  (button.closest('main, aside') ?? document.body).append(menu);
  place(menu, button);
  button.setAttribute('aria-expanded', 'true');
  button.setAttribute('aria-controls', MENU_ID);
  current = { button, menu };
  const entries = [...menu.children];
  (focus === 'last' ? entries[entries.length - 1] : entries[0]).focus();
}

/** The button whose menu is open, if it is inside `container`. */
export function menuOpenAt(container) {
  return current && container.contains(current.button) ? current.button : null;
}

/** Closes the open menu, if any; `returnFocus`: to the button that opened it (if still there). */
export function closeMenu(returnFocus = false) {
  if (!current) return;
  const { button, menu } = current;
  current = null;
  menu.remove();
  button.setAttribute('aria-expanded', 'false');
  button.removeAttribute('aria-controls'); // it would name an element that is gone
  if (returnFocus && button.isConnected) button.focus();
}

function onKey(event) {
  const entries = [...current.menu.children];
  const at = entries.indexOf(document.activeElement);
  const move = (i) => entries[(i + entries.length) % entries.length].focus();
  switch (event.key) {
    case 'ArrowDown': move(at + 1); break;
    case 'ArrowUp': move(at - 1); break;
    case 'Home': move(0); break;
    case 'End': move(entries.length - 1); break;
    case 'Escape': closeMenu(true); break;
    case 'Tab': closeMenu(false); return; // Tab moves on as usual
    default: return;
  }
  event.preventDefault();
  event.stopPropagation(); // Escape must not also close a drawer
}

/** Below the button, its right edges aligned; above it when there is no room below. */
function place(menu, button) {
  const at = button.getBoundingClientRect();
  const size = menu.getBoundingClientRect();
  const below = at.bottom + 4;
  const top = below + size.height > window.innerHeight && at.top - size.height - 4 > 0 ? at.top - size.height - 4 : below;
  const left = Math.max(4, Math.min(at.right - size.width, window.innerWidth - size.width - 4));
  menu.style.top = `${Math.round(top)}px`;
  menu.style.left = `${Math.round(left)}px`;
}

// A click elsewhere, a scroll or a resize leaves the menu where it no longer belongs.
document.addEventListener('pointerdown', (event) => {
  if (current && !current.menu.contains(event.target) && !current.button.contains(event.target)) closeMenu(false);
}, true);
document.addEventListener('scroll', (event) => {
  if (current && !current.menu.contains(event.target)) closeMenu(false);
}, true);
window.addEventListener('resize', () => closeMenu(false));
