// An image in the composer: taken from the picker, a paste or a drop; previewed with its name and
// size (the message box is its caption); uploaded with a progress bar when sent, then posted
// through the outbox like any message. A refusal is said in the page's words and the text in the
// box stays; the image stays too unless the refusal is about the file itself.
import { lang, t } from '../i18n.js';
import { carriesFiles, checkFile, fileIsRefused, formatBytes, maxUploadBytes, pickFile, progressPercent, refusal } from './media.js';
import { ui, state, client } from './session.js';
import { showError } from './banner.js';
import { renderHeader } from './rooms.js';

/** The refusal of `error` (an UploadError, or a code checked here) in the page's words. */
function refusalText(error) {
  const { key, args } = refusal(error, maxUploadBytes(state.limits));
  const words = t[key];
  return typeof words === 'function' ? words(...args) : words;
}

/** Takes `file` into the composer, or says why it cannot be sent (without uploading anything). */
export function attach(file) {
  if (!file) return;
  if (state.attachment?.upload) return; // one image at a time: the one on its way goes first
  const code = checkFile(file, maxUploadBytes(state.limits));
  if (code) {
    showError(refusalText({ code }));
    return;
  }
  detach();
  const url = URL.createObjectURL(file);
  state.attachment = { file, url, upload: null };
  ui.attachmentThumb.src = url;
  ui.attachmentName.textContent = file.name || t.imageAlt(file.type);
  ui.attachmentSize.textContent = formatBytes(file.size, lang);
  ui.progress.hidden = true;
  ui.progress.removeAttribute('value');
  ui.attachment.hidden = false;
  ui.error.textContent = '';
  renderHeader(); // the box's placeholder now asks for a caption
  ui.text.focus();
}

/** Drops the image from the composer (cancelling its upload if it is on its way). */
export function detach() {
  const attachment = state.attachment;
  if (!attachment) return;
  state.attachment = null;
  attachment.upload?.abort();
  URL.revokeObjectURL(attachment.url);
  ui.attachment.hidden = true;
  ui.attachmentThumb.removeAttribute('src');
  ui.attachmentName.textContent = '';
  ui.attachmentSize.textContent = '';
  ui.progress.hidden = true;
  ui.send.disabled = false;
  renderHeader();
}

export function removeAttachment() {
  detach();
  ui.text.focus();
}

/**
 * Uploads the attached image and posts it to `room` with `caption`. Resolves true once it is in
 * the outbox (the box may be cleared), false when it was refused (the refusal is shown).
 */
export async function sendAttachment(room, caption) {
  const attachment = state.attachment;
  if (!attachment || attachment.upload) return false;
  ui.progress.hidden = false;
  ui.progress.removeAttribute('value'); // indeterminate until the first progress event
  ui.send.disabled = true;
  const upload = client.upload(attachment.file, {
    onProgress: ({ loaded, total }) => {
      const percent = progressPercent(loaded, total);
      if (percent === null) ui.progress.removeAttribute('value');
      else ui.progress.value = percent;
    },
  });
  attachment.upload = upload;
  let media;
  try {
    media = await upload;
  } catch (e) {
    if (state.attachment !== attachment) return false; // cancelled, or replaced
    attachment.upload = null;
    ui.progress.hidden = true;
    ui.send.disabled = false;
    if (e.code === 'aborted') return false;
    showError(refusalText(e), e.message);
    if (fileIsRefused(e)) detach();
    return false;
  }
  if (state.attachment !== attachment) return false;
  attachment.upload = null;
  ui.progress.value = 100;
  detach();
  const sent = client.post(room, caption, { media });
  sent.catch((e) => {
    if (e.code !== 'discarded') showError(t.error(e.code, e.message), e.message);
  });
  return true;
}

// ---- where images come from ----

export function openPicker() {
  ui.file.click();
}

export function onPicked() {
  const file = ui.file.files?.[0];
  ui.file.value = ''; // the same file may be picked again after a removal
  attach(file);
}

/** A paste that holds a file attaches it; text pastes go on into the box as usual. */
export function onPaste(event) {
  if (document.querySelector('dialog[open]')) return;
  const file = pickFile(event.clipboardData, { preferText: true });
  if (!file) return;
  event.preventDefault();
  attach(file);
}

// dragenter and dragleave fire for every child crossed: the zone shows while the count is above 0.
let dragDepth = 0;

function showDropzone(on) {
  ui.dropzone.hidden = !on;
  ui.main.classList.toggle('dropping', on);
}

export function onDragEnter(event) {
  if (!carriesFiles(event.dataTransfer)) return;
  event.preventDefault();
  dragDepth += 1;
  showDropzone(true);
}

export function onDragOver(event) {
  if (!carriesFiles(event.dataTransfer)) return;
  event.preventDefault(); // without it the browser would open the file in place of the page
  event.dataTransfer.dropEffect = 'copy';
}

export function onDragLeave(event) {
  if (!carriesFiles(event.dataTransfer)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (!dragDepth) showDropzone(false);
}

export function onDrop(event) {
  if (!carriesFiles(event.dataTransfer) && !event.dataTransfer?.files?.length) return;
  event.preventDefault();
  dragDepth = 0;
  showDropzone(false);
  attach(pickFile(event.dataTransfer));
}

export function wireAttachments() {
  ui.attach.addEventListener('click', openPicker);
  ui.file.addEventListener('change', onPicked);
  ui.attachmentRemove.addEventListener('click', removeAttachment);
  document.addEventListener('paste', onPaste);
  ui.main.addEventListener('dragenter', onDragEnter);
  ui.main.addEventListener('dragover', onDragOver);
  ui.main.addEventListener('dragleave', onDragLeave);
  ui.main.addEventListener('drop', onDrop);
}
