// Images in the page without a browser: webapp/js/media.js (what may be sent, which file a paste or
// a drop holds, the bubble's size, progress, what a refusal says) and sori.js's upload() against a
// fake XMLHttpRequest whose server side is the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUBBLE_MAX, DEFAULT_MAX_UPLOAD_BYTES, carriesFiles, checkFile, fileIsRefused, formatBytes, maxUploadBytes,
  mediaBox, pickFile, progressPercent, refusal, validMedia,
} from '../../../webapp/js/media.js';
import { loadSori } from './fakes.mjs';

const Sori = loadSori();
const MiB = 1024 * 1024;
const file = (name, type, size) => ({ name, type, size });

test('the limit is 5 MiB unless the welcome says otherwise', () => {
  assert.equal(DEFAULT_MAX_UPLOAD_BYTES, 5 * MiB);
  assert.equal(maxUploadBytes(undefined), 5 * MiB);
  assert.equal(maxUploadBytes({ maxMessageChars: 2000 }), 5 * MiB);
  assert.equal(maxUploadBytes({ maxUploadBytes: 1000 }), 1000);
  assert.equal(maxUploadBytes({ maxUploadBytes: -1 }), 5 * MiB, 'nonsense is ignored');
});

test('a file is checked before anything is uploaded: size, declared type, emptiness', () => {
  assert.equal(checkFile(file('cat.gif', 'image/gif', 5 * MiB)), null, 'exactly the limit goes');
  assert.equal(checkFile(file('cat.gif', 'image/gif', 5 * MiB + 1)), 'too_large');
  assert.equal(checkFile(file('cat.png', 'image/png', 2000), 1000), 'too_large', 'the limit given wins');
  for (const type of ['image/png', 'image/jpeg', 'image/webp', 'IMAGE/GIF']) assert.equal(checkFile(file('x', type, 10)), null, type);
  assert.equal(checkFile(file('notes.pdf', 'application/pdf', 10)), 'unsupported');
  assert.equal(checkFile(file('logo.svg', 'image/svg+xml', 10)), 'unsupported', 'SVG can carry script: not one of the four');
  assert.equal(checkFile(file('photo.heic', 'image/heic', 10)), 'unsupported');
  assert.equal(checkFile(file('mystery', '', 10)), null, 'no declared type: the server looks at the bytes');
  assert.equal(checkFile(file('empty.png', 'image/png', 0)), 'invalid_argument');
  assert.equal(checkFile(null), 'invalid_argument');
});

/** A DataTransfer as a paste or a drop hands it over: `items` (with getAsFile) and/or `files`. */
function transfer({ items = [], files = [], types } = {}) {
  return {
    items: items.map((it) => ({ kind: it.kind, type: it.type, getAsFile: () => (it.kind === 'file' ? it.file : null) })),
    files,
    types: types ?? [...new Set(items.map((it) => (it.kind === 'file' ? 'Files' : it.type)).concat(files.length ? ['Files'] : []))],
  };
}

test('a paste or drop gives its image; plain text gives nothing (the paste goes on as usual)', () => {
  const png = file('shot.png', 'image/png', 100);
  const pdf = file('notes.pdf', 'application/pdf', 100);
  assert.equal(pickFile(transfer({ items: [{ kind: 'string', type: 'text/plain' }] })), null);
  assert.equal(pickFile(transfer()), null);
  assert.equal(pickFile(null), null);
  // A screenshot pasted from the clipboard comes with an HTML rendering of it beside the file.
  assert.equal(pickFile(transfer({ items: [{ kind: 'string', type: 'text/html' }, { kind: 'file', type: 'image/png', file: png }] })), png);
  // The image before any other file; another file is still returned, to be refused with a reason.
  assert.equal(pickFile(transfer({ items: [{ kind: 'file', type: 'application/pdf', file: pdf }, { kind: 'file', type: 'image/png', file: png }] })), png);
  assert.equal(pickFile(transfer({ items: [{ kind: 'file', type: 'application/pdf', file: pdf }] })), pdf);
  // A drop's files list when items say nothing (older browsers, synthetic events).
  assert.equal(pickFile({ files: [png] }), png);
  assert.equal(pickFile(transfer({ files: [pdf, png] })), png);
  // Text copied from a word processor comes with a picture of itself: a paste of it is text.
  const copiedText = transfer({ items: [{ kind: 'string', type: 'text/plain' }, { kind: 'string', type: 'text/html' }, { kind: 'file', type: 'image/png', file: png }] });
  assert.equal(pickFile(copiedText, { preferText: true }), null);
  assert.equal(pickFile(copiedText), png, 'a drop has no such rule');
  // "Copy image" in a browser: the image and its <img> markup, no plain text.
  assert.equal(pickFile(transfer({ items: [{ kind: 'string', type: 'text/html' }, { kind: 'file', type: 'image/png', file: png }] }), { preferText: true }), png);
});

test('only drags that carry files open the drop zone', () => {
  assert.ok(carriesFiles({ types: ['Files'] }));
  assert.ok(carriesFiles({ types: ['text/uri-list', 'Files'] }));
  assert.ok(!carriesFiles({ types: ['text/plain'] }), 'dragging selected text around is not a drop of a file');
  assert.ok(!carriesFiles(null));
});

test('the bubble keeps the image\'s shape, fits 320 × 320, never enlarges, never vanishes', () => {
  assert.deepEqual(BUBBLE_MAX, { width: 320, height: 320 });
  assert.deepEqual(mediaBox(640, 360), { width: 320, height: 180 }, 'landscape: width-bound');
  assert.deepEqual(mediaBox(300, 400), { width: 240, height: 320 }, 'portrait: height-bound');
  assert.deepEqual(mediaBox(200, 200), { width: 200, height: 200 }, 'small: as it is');
  assert.deepEqual(mediaBox(40, 20), { width: 40, height: 40 }, 'a tiny GIF keeps a clickable box (contain)');
  assert.deepEqual(mediaBox(16384, 1), { width: 320, height: 40 }, 'a sliver stays visible');
  assert.deepEqual(mediaBox(4000, 3000, { width: 800, height: 600 }), { width: 800, height: 600 });
  for (const [w, h] of [[0, 10], [undefined, undefined], [NaN, 5], [-3, 4], ['640', 360]]) {
    assert.deepEqual(mediaBox(w, h), { width: 320, height: 240 }, `unknown size ${w}×${h}: a box is still reserved`);
  }
});

test('progress is a whole percentage, or unknown', () => {
  assert.equal(progressPercent(0, 1000), 0);
  assert.equal(progressPercent(499, 1000), 49);
  assert.equal(progressPercent(1000, 1000), 100);
  assert.equal(progressPercent(1200, 1000), 100, 'headers counted in: never past 100');
  assert.equal(progressPercent(10, 0), null);
  assert.equal(progressPercent(10, undefined), null);
});

test('each refusal has its own message; those about the file drop it, the others keep it', () => {
  assert.deepEqual(refusal({ code: 'too_large' }, 5 * MiB), { key: 'mediaTooBig', args: [5 * MiB] });
  assert.deepEqual(refusal({ code: 'unsupported', status: 415 }), { key: 'mediaNotImage', args: [] });
  assert.deepEqual(refusal({ code: 'invalid_argument', status: 400 }), { key: 'mediaBroken', args: [] });
  assert.deepEqual(refusal({ code: 'rate_limited', retryAfter: 37 }), { key: 'mediaTooMany', args: [37] });
  assert.deepEqual(refusal({ code: 'rate_limited', retryAfter: 0.2 }), { key: 'mediaTooMany', args: [1] });
  assert.deepEqual(refusal({ code: 'rate_limited' }), { key: 'mediaTooMany', args: [null] });
  assert.deepEqual(refusal({ code: 'forbidden', status: 401 }), { key: 'mediaForbidden', args: [] });
  for (const code of ['network', 'internal', 'unavailable', undefined]) assert.equal(refusal({ code }).key, 'mediaFailed', String(code));
  assert.ok(fileIsRefused({ code: 'too_large' }) && fileIsRefused({ code: 'unsupported' }) && fileIsRefused({ code: 'invalid_argument' }));
  assert.ok(!fileIsRefused({ code: 'rate_limited' }) && !fileIsRefused({ code: 'forbidden' }) && !fileIsRefused({ code: 'network' }));
});

test('a media object is shown only with a path or an http(s) URL', () => {
  assert.ok(validMedia({ id: 'a', url: 'media/a', width: 1, height: 1 }));
  assert.ok(validMedia({ id: 'a', url: 'https://chat.example.com/media/a' }));
  assert.equal(validMedia({ id: 'a', url: 'javascript:alert(1)' }), null);
  assert.equal(validMedia({ id: 'a', url: 'data:image/svg+xml,<svg/>' }), null);
  assert.equal(validMedia({ id: 'a' }), null);
  assert.equal(validMedia('media/a'), null);
  assert.equal(validMedia(undefined), null);
});

test('sizes read as people say them', () => {
  assert.equal(formatBytes(512, 'en'), '512 byte');
  assert.equal(formatBytes(300 * 1024, 'en'), '300 kB');
  assert.equal(formatBytes(5 * MiB, 'en'), '5 MB');
  assert.equal(formatBytes(4.8 * MiB, 'en'), '4.8 MB');
});

// ---- sori.js: upload() ----

/** An XMLHttpRequest whose server is the test: respond(status, body, headers), progress(loaded, total), fail(). */
class FakeXhr {
  static last = null;

  constructor() {
    FakeXhr.last = this;
    this.headers = {};
    this.listeners = {};
    this.uploadListeners = {};
    this.upload = { addEventListener: (type, fn) => { this.uploadListeners[type] = fn; } };
  }

  open(method, url) { Object.assign(this, { method, url }); }

  setRequestHeader(name, value) { this.headers[name] = value; }

  addEventListener(type, fn) { this.listeners[type] = fn; }

  send(body) { this.body = body; }

  abort() { this.listeners.abort?.(); }

  getResponseHeader(name) { return this.responseHeaders?.[name.toLowerCase()] ?? null; }

  progress(loaded, total) { this.uploadListeners.progress?.({ loaded, total, lengthComputable: total > 0 }); }

  respond(status, body, headers = {}) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.responseHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.listeners.load?.();
  }

  fail() { this.listeners.error?.(); }
}

function uploader(url = 'http://sori.test/app/index.html#room=cats') {
  const c = new Sori.Client({ url, XMLHttpRequest: FakeXhr, WebSocket: class {} });
  c.token = 'tok-1';
  return c;
}

const MEDIA = { id: 'm1', type: 'image/png', width: 640, height: 360, bytes: 1234, url: 'media/m1' };

test('upload POSTs the file to media next to the page, with the identity token, and reports progress', async () => {
  const c = uploader();
  const blob = { type: 'image/png', size: 1234 };
  const seen = [];
  const promise = c.upload(blob, { onProgress: (p) => seen.push(p) });
  const xhr = FakeXhr.last;
  assert.equal(xhr.method, 'POST');
  assert.equal(xhr.url, 'http://sori.test/app/media', 'relative to the page: under a WAR\'s context path too');
  assert.equal(xhr.headers.Authorization, 'Bearer tok-1');
  assert.equal(xhr.headers['Content-Type'], 'image/png');
  assert.equal(xhr.body, blob, 'the file itself is the body');
  xhr.progress(617, 1234);
  xhr.progress(1234, 1234);
  xhr.respond(201, MEDIA);
  assert.deepEqual({ ...await promise }, MEDIA);
  assert.deepEqual(seen.map((p) => ({ ...p })), [{ loaded: 617, total: 1234 }, { loaded: 1234, total: 1234 }]);
  assert.equal(c.mediaSrc(MEDIA), 'http://sori.test/app/media/m1');
});

test('a refused upload rejects with the server\'s code, the status and Retry-After', async () => {
  const c = uploader();
  const cases = [
    [413, { code: 'too_large', message: 'over 5242880 bytes' }, {}, 'too_large', undefined],
    [415, { code: 'unsupported', message: 'not an image' }, {}, 'unsupported', undefined],
    [401, { code: 'forbidden', message: 'no token' }, {}, 'forbidden', undefined],
    [429, { code: 'rate_limited', message: 'slow down' }, { 'Retry-After': '42' }, 'rate_limited', 42],
    [413, '<html>Request Entity Too Large</html>', {}, 'too_large', undefined], // a proxy's page
    [502, '', {}, 'internal', undefined],
  ];
  for (const [status, body, headers, code, retryAfter] of cases) {
    const promise = c.upload({ type: 'image/gif', size: 1 });
    FakeXhr.last.respond(status, body, headers);
    await assert.rejects(promise, (e) => {
      assert.equal(e.name, 'UploadError');
      assert.equal(e.code, code, `HTTP ${status}`);
      assert.equal(e.status, status);
      assert.equal(e.retryAfter, retryAfter);
      return true;
    });
  }
});

test('no answer, and a cancelled upload, reject with their own codes', async () => {
  const c = uploader();
  let promise = c.upload({ type: 'image/png', size: 1 });
  FakeXhr.last.fail();
  await assert.rejects(promise, { code: 'network', status: 0 });
  promise = c.upload({ type: 'image/png', size: 1 });
  promise.abort();
  await assert.rejects(promise, { code: 'aborted' });
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(Sori.retryAfterSeconds('7'), 7);
  assert.equal(Sori.retryAfterSeconds(null), undefined);
  assert.equal(Sori.retryAfterSeconds('soon'), undefined);
  const now = Date.parse('2026-12-06T10:00:00Z');
  assert.equal(Sori.retryAfterSeconds('Sun, 06 Dec 2026 10:00:30 GMT', now), 30);
});
