// The image viewer: one image of the timeline, large, in a modal <dialog>. showModal() keeps focus
// and screen readers inside it; Escape (the dialog's own cancel), the close button or a click
// beside the image closes it, and focus goes back to the image that opened it.
import { neutraliseBidi } from './text.js';
import { ui } from './session.js';

let opener = null;

export function openViewer(from, src, alt, caption) {
  opener = from;
  ui.viewerImg.src = src;
  ui.viewerImg.alt = alt;
  const text = String(caption ?? '').trim();
  ui.viewerCaption.textContent = neutraliseBidi(text);
  ui.viewerCaption.hidden = !text;
  if (!ui.viewer.open) ui.viewer.showModal();
  ui.viewerClose.focus();
}

export function closeViewer() {
  if (ui.viewer.open) ui.viewer.close();
}

function onClosed() {
  ui.viewerImg.removeAttribute('src');
  const back = opener;
  opener = null;
  // The image may have scrolled out of memory meanwhile (a busy room): then nothing to go back to.
  if (back?.isConnected) back.focus();
}

export function wireViewer() {
  ui.viewerClose.addEventListener('click', closeViewer);
  ui.viewer.addEventListener('close', onClosed);
  // A click on the backdrop lands on the dialog itself; one on the image or caption does not.
  ui.viewer.addEventListener('click', (event) => {
    if (event.target === ui.viewer) closeViewer();
  });
}
