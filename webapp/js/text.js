// Text as the page shows it, without the DOM: bidi controls neutralised, links found. Pure, so
// node --test checks it (src/test/node/model.test.mjs).

// Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) let one person's text
// reorder what follows it: "gnp.exe" behind an RLO reads "exe.png". Marks (LRM, RLM, ALM) only
// nudge neutral characters and stay.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** A user's text with its bidi embedding, override and isolate controls shown as visible placeholders. */
export function neutraliseBidi(text) {
  return String(text ?? '').replace(BIDI_CONTROLS, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase()}>`);
}

// A URL as people write them in chat: http(s) only, up to whitespace; trailing punctuation that
// usually ends a sentence is left out, and a closing bracket only when it closes one in the URL.
const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;

/**
 * Splits text into parts { text } and { text, href } (http and https links only), for rendering
 * with textContent: a link's text is the text as written.
 */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of String(text ?? '').matchAll(URL_RE)) {
    let url = match[0];
    while (/[.,;:!?'’”)\]]$/.test(url)) {
      const end = url.at(-1);
      if ((end === ')' && count(url, '(') >= count(url, ')')) || (end === ']' && count(url, '[') >= count(url, ']'))) break;
      url = url.slice(0, -1);
    }
    let href;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = undefined;
    }
    if (!href) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: url, href });
    last = match.index + url.length;
  }
  if (last < String(text ?? '').length) parts.push({ text: String(text).slice(last) });
  return parts;
}

/** Whether `text` mentions `nick` as @nick (case-insensitive; not inside a longer name or an address). */
export function mentions(text, nick) {
  if (!nick) return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_@.])@${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(String(text ?? ''));
}

function count(s, c) {
  return s.split(c).length - 1;
}
