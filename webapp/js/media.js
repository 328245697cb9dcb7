// Images in chat, without the DOM: which file to take from a paste or a drop, whether it may be
// sent, how large its bubble is, what a refusal says, how far an upload is. Pure, so node --test
// checks it (src/test/node/media.test.mjs); composer.js, messages.js and viewer.js draw it.

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
// What the server takes (recognised by content there; here only what the file says it is).
export const ACCEPTED_TYPES = ['image/gif', 'image/png', 'image/jpeg', 'image/webp'];
// The largest box an image takes in the timeline, in CSS pixels; the viewer shows it larger.
export const BUBBLE_MAX = { width: 320, height: 320 };
// Below this a sliver of an image (1 × 2000) could not be seen or clicked.
const MIN_SIDE = 40;

/** The upload limit the server announced in `welcome.limits`, or the default. */
export function maxUploadBytes(limits) {
  const max = limits?.maxUploadBytes;
  return Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_UPLOAD_BYTES;
}

/**
 * Why `file` cannot be sent, before anything is uploaded: `too_large`, `unsupported` (it says it
 * is something other than the four formats), `invalid_argument` (empty); null when it may go.
 * A file that does not say what it is goes to the server, which looks at its bytes.
 */
export function checkFile(file, maxBytes = DEFAULT_MAX_UPLOAD_BYTES) {
  if (!file) return 'invalid_argument';
  if (file.type && !ACCEPTED_TYPES.includes(file.type.toLowerCase())) return 'unsupported';
  if (!(file.size > 0)) return 'invalid_argument';
  if (file.size > maxBytes) return 'too_large';
  return null;
}

/** Whether a drag carries files (only those are worth a drop zone). */
export function carriesFiles(dataTransfer) {
  const types = dataTransfer?.types;
  if (!types) return false;
  return Array.from(types).includes('Files');
}

/**
 * The file to attach from a DataTransfer-like object (a paste's clipboardData, a drop's
 * dataTransfer), or null when it holds none (plain text: the paste goes on as usual). An image
 * comes before any other file; a non-image file is still returned, so that it is refused with a
 * reason rather than ignored. `preferText` (pastes): text copied from an office program or a
 * web page often comes with a picture of itself; whoever copied text wants the text.
 */
export function pickFile(dataTransfer, { preferText = false } = {}) {
  if (!dataTransfer) return null;
  const items = Array.from(dataTransfer.items ?? []);
  if (preferText && items.some((item) => item?.kind === 'string' && item.type === 'text/plain')) return null;
  const files = [];
  for (const item of items) {
    if (item?.kind !== 'file') continue;
    const file = item.getAsFile?.();
    if (file) files.push(file);
  }
  if (!files.length) files.push(...Array.from(dataTransfer.files ?? []).filter(Boolean));
  return files.find((f) => typeof f.type === 'string' && f.type.startsWith('image/')) ?? files[0] ?? null;
}

/** A media object as the server sends it, or null when it is not one the page can show. */
export function validMedia(media) {
  if (!media || typeof media !== 'object' || typeof media.url !== 'string' || !media.url) return null;
  // Only a path (relative to the page) or http(s): never javascript:, data: or the like.
  if (/^[a-z][a-z0-9+.-]*:/i.test(media.url) && !/^https?:/i.test(media.url)) return null;
  return media;
}

/**
 * The box an image of `width` × `height` takes in the timeline: scaled down (never up) to fit
 * `max`, each side at least MIN_SIDE. Unknown or nonsensical dimensions give a landscape box of
 * the largest size, so that the space is still reserved before the image loads.
 */
export function mediaBox(width, height, max = BUBBLE_MAX) {
  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    return { width: max.width, height: Math.round(max.width * 3 / 4) };
  }
  const scale = Math.min(1, max.width / width, max.height / height);
  return {
    width: Math.min(max.width, Math.max(MIN_SIDE, Math.round(width * scale))),
    height: Math.min(max.height, Math.max(MIN_SIDE, Math.round(height * scale))),
  };
}

/** An upload's progress in whole percent (0–100), or null when the total is unknown. */
export function progressPercent(loaded, total) {
  if (!(Number.isFinite(total) && total > 0) || !Number.isFinite(loaded)) return null;
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)));
}

/**
 * What to tell the user about a refused upload, as a key of i18n.js and its arguments: too big,
 * not an image, broken, too many uploads (with the server's wait), not allowed, or failed.
 */
export function refusal(error, maxBytes = DEFAULT_MAX_UPLOAD_BYTES) {
  switch (error?.code) {
    case 'too_large': return { key: 'mediaTooBig', args: [maxBytes] };
    case 'unsupported': return { key: 'mediaNotImage', args: [] };
    case 'invalid_argument': return { key: 'mediaBroken', args: [] };
    case 'rate_limited': {
      const wait = Number.isFinite(error.retryAfter) && error.retryAfter > 0 ? Math.ceil(error.retryAfter) : null;
      return { key: 'mediaTooMany', args: [wait] };
    }
    case 'forbidden': return { key: 'mediaForbidden', args: [] };
    default: return { key: 'mediaFailed', args: [] };
  }
}

/** Whether a refusal is about the file itself: sending it again cannot work, so it is dropped. */
export function fileIsRefused(error) {
  return ['too_large', 'unsupported', 'invalid_argument'].includes(error?.code);
}

/** A size as people read it: "512 KB", "4.8 MB" (in the page's language). */
export function formatBytes(bytes, lang = 'en') {
  const n = Number(bytes) || 0;
  const [value, unit] = n >= 1024 * 1024 ? [n / (1024 * 1024), 'megabyte'] : n >= 1024 ? [n / 1024, 'kilobyte'] : [n, 'byte'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0 }).format(value);
}
