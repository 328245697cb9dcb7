// Images in chat (issue 16), as two people see them in Chromium:
//
//   SORI_URL=http://127.0.0.1:PORT/ node media.test.mjs
//
// 1. A attaches a PNG with the picker (the hidden file input), writes a caption and sends it. The
//    upload is held by this script until the progress bar has been seen; B's fetch of the image
//    is held too, so that B's bubble can be measured before and after the image loads: its box
//    is reserved from the media object, nothing moves when the image arrives.
// 2. A pastes a JPEG (a ClipboardEvent whose DataTransfer holds a File) and sends it without a
//    caption; A drops a WebP onto the conversation (dragenter shows the drop zone, drop attaches);
//    A picks an animated GIF. B sees each at its aspect ratio, with its caption or "Image" as alt.
// 3. B opens the first image in the viewer with Enter: a modal dialog, focus inside; Escape
//    closes it and focus is back on the image.
// 4. A file over the limit and a file that is not an image are refused in the page's words
//    without any request, and the text in the box stays. Then what only the server can tell: an
//    HTML page named .png (415), and an upload over the rate limit (429, with the wait).
// 5. B reloads: the images come back from history, sized the same.
// Optional: SORI_SCREENSHOT_DIR.
import { audit, check, openPage, PAGE_URL, run, screenshot, step, waitFor } from './harness.mjs';


const MiB = 1024 * 1024;
const isUpload = (request) => request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/media');

async function openChat(browser, name) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 800 } });
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  return page;
}

// The uploads this script makes the server refuse on purpose: Chromium logs each refused
// request as a console error. Any other error or warning of the uploader's page fails the run.
const REFUSED_ON_PURPOSE = /^Failed to load resource: the server responded with a status of (415|429)\b/;
const uploaderProblems = [];

/** Like openChat, without the harness's watch, whose every console error is a failure. */
async function openUploader(browser, name, pageUrl) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if ((msg.type() === 'error' || msg.type() === 'warning') && !REFUSED_ON_PURPOSE.test(msg.text())) {
      uploaderProblems.push(`${name} console.${msg.type()}: ${msg.text().replace(/token=[^&'"\s]*/g, 'token=…')}`);
    }
  });
  page.on('pageerror', (err) => uploaderProblems.push(`${name} page error: ${err.message}`));
  page.on('dialog', (dialog) => {
    uploaderProblems.push(`${name} unexpected dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await page.goto(pageUrl);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  return page;
}

/** Runs axe-core on the page as it is; fails on any serious or critical violation. */

/** An image drawn on a canvas in `page`, encoded by Chromium (PNG, JPEG and WebP), as a Buffer. */
async function drawn(page, type, width, height) {
  const base64 = await page.evaluate(async ({ type, width, height }) => {
    const canvas = Object.assign(document.createElement('canvas'), { width, height });
    const g = canvas.getContext('2d');
    const gradient = g.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, '#4f46e5');
    gradient.addColorStop(1, '#f59e0b');
    g.fillStyle = gradient;
    g.fillRect(0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, { type, width, height });
  return Buffer.from(base64, 'base64');
}

/**
 * An animated GIF (two frames, looping) of `width` × `height`, written here: canvases cannot
 * encode GIF. Every pixel is a literal LZW code, with a clear code every two pixels so that the
 * code size stays at 3 bits: valid GIF, if not a small one.
 */
function animatedGif(width, height) {
  const le = (n) => [n & 0xff, n >> 8];
  const palette = [0x4f, 0x46, 0xe5, 0xf5, 0x9e, 0x0b, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00];
  const frame = (colour) => {
    const codes = [];
    for (let i = 0; i < width * height; i += 1) {
      if (i % 2 === 0) codes.push(4); // clear
      codes.push(colour);
    }
    codes.push(5); // end of information
    const data = [];
    let acc = 0;
    let bits = 0;
    for (const code of codes) {
      acc |= code << bits;
      bits += 3;
      while (bits >= 8) {
        data.push(acc & 0xff);
        acc >>= 8;
        bits -= 8;
      }
    }
    if (bits) data.push(acc & 0xff);
    const blocks = [];
    for (let i = 0; i < data.length; i += 255) {
      const chunk = data.slice(i, i + 255);
      blocks.push(chunk.length, ...chunk);
    }
    return [0x21, 0xf9, 0x04, 0x00, ...le(20), 0x00, 0x00, // 0.2 s a frame
      0x2c, 0, 0, 0, 0, ...le(width), ...le(height), 0x00, 0x02, ...blocks, 0x00];
  };
  return Buffer.from([
    ...Buffer.from('GIF89a'), ...le(width), ...le(height), 0xf1, 0x00, 0x00, ...palette,
    0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 0x03, 0x01, 0x00, 0x00, 0x00,
    ...frame(0), ...frame(1), 0x3b,
  ]);
}

/** The images of the messages that have arrived, as the page drew them. */
function bubbles(page) {
  return page.locator('#messages .msg:not(.pending)').evaluateAll((items) => items.filter((li) => li.querySelector('.media-img')).map((li) => {
    const img = li.querySelector('.media-img');
    const rect = img.getBoundingClientRect();
    return {
      seq: li.dataset.seq,
      caption: li.querySelector('.text').textContent,
      alt: img.alt,
      attrs: [img.getAttribute('width'), img.getAttribute('height')].map(Number),
      box: [Math.round(rect.width), Math.round(rect.height)],
      loading: img.loading,
      decoding: img.decoding,
      loaded: img.complete && img.naturalWidth > 0,
      natural: [img.naturalWidth, img.naturalHeight],
      itemHeight: li.getBoundingClientRect().height,
    };
  }));
}

async function bubbleWith(page, caption, alt) {
  return waitFor(`an image "${alt}" to arrive`, async () => (await bubbles(page)).find((b) => b.caption === caption && b.alt === alt));
}

/** Holds requests matching `pattern` on `page` until release() is called; later ones pass at once. */
async function hold(page, pattern) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const held = [];
  const done = [];
  await page.route(pattern, (route) => {
    held.push(route.request());
    // fallback: on to the network (or to any other handler), as if this one were not there
    done.push(released.then(() => route.fallback()));
  });
  return {
    held,
    release: async () => {
      release();
      await Promise.all(done);
    },
  };
}

async function preview(page) {
  return page.evaluate(() => ({
    shown: !document.getElementById('attachment').hidden,
    name: document.getElementById('attachment-name').textContent,
    size: document.getElementById('attachment-size').textContent,
    thumb: document.getElementById('attachment-thumb').src.startsWith('blob:'),
    placeholder: document.getElementById('text').placeholder,
  }));
}

async function byPicker(a, b) {
  step('A picks a PNG: the preview shows its thumbnail, name and size; the box asks for a caption');
  await a.locator('#attach').focus();
  check(await a.locator('#attach').evaluate((el) => el.tagName === 'BUTTON' && el.textContent.trim() === 'Attach an image'),
    'the attach button is a button with a label');
  await a.locator('#file').setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: await drawn(a, 'image/png', 640, 360) });
  const p = await preview(a);
  check(p.shown && p.name === 'wide.png' && /\d/.test(p.size) && p.thumb, `the preview: ${JSON.stringify(p)}`);
  check(p.placeholder === 'Add a caption (optional)', `the box's placeholder: ${p.placeholder}`);
  await audit(a, 'the composer with an image attached');

  step('A sends it with a caption; the upload is held until the progress bar has been seen');
  const upload = await hold(a, '**/media');
  const fetches = await hold(b, /\/media\/[^/?#]+$/);
  await a.locator('#text').fill('A wide one');
  await a.locator('#text').press('Enter');
  await waitFor('the upload to start', () => upload.held.length === 1);
  const request = upload.held[0];
  check(/^Bearer .+/.test(request.headers().authorization ?? ''), 'the upload carries the identity token');
  check(request.headers()['content-type'] === 'image/png', `the upload's type: ${request.headers()['content-type']}`);
  const progress = a.locator('#upload-progress');
  await waitFor('the progress bar', () => progress.isVisible());
  check(await progress.getAttribute('aria-label') === 'Uploading the image', 'the progress bar has a label');
  check(await a.locator('#send').isDisabled(), 'no second send while the first is on its way');
  check(await a.locator('#text').inputValue() === 'A wide one', 'the caption stays in the box while it uploads');
  await upload.release();
  await waitFor('the composer to be free again', async () => !(await preview(a)).shown && (await a.locator('#text').inputValue()) === '');

  step('B sees it with its box already sized; loading it moves nothing');
  await waitFor('B to ask for the image', () => fetches.held.length >= 1);
  const before = await bubbleWith(b, 'A wide one', 'A wide one');
  check(!before.loaded, 'the image is still held');
  check(before.attrs.join('x') === '320x180' && before.box.join('x') === '320x180', `the reserved box: ${JSON.stringify(before)}`);
  check(before.loading === 'lazy' && before.decoding === 'async', 'lazy and async');
  await fetches.release();
  const after = await waitFor('the image to load', async () => (await bubbles(b)).find((x) => x.seq === before.seq && x.loaded));
  check(after.natural.join('x') === '640x360', `the image itself: ${after.natural}`);
  check(after.box.join('x') === before.box.join('x') && after.itemHeight === before.itemHeight,
    `the bubble moved when the image loaded: ${JSON.stringify(before)} then ${JSON.stringify(after)}`);
}

async function byPaste(a, b) {
  step('A pastes a JPEG and sends it without a caption');
  const jpeg = (await drawn(a, 'image/jpeg', 300, 400)).toString('base64');
  const taken = await a.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'tall.jpg', { type: 'image/jpeg' }));
    const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.getElementById('text').focus();
    document.getElementById('text').dispatchEvent(paste);
    return paste.defaultPrevented;
  }, jpeg);
  check(taken, 'the page took the pasted file');
  check((await preview(a)).name === 'tall.jpg', 'the pasted image is in the preview');
  await a.locator('#text').press('Enter');
  const seen = await bubbleWith(b, '', 'Image');
  check(seen.attrs.join('x') === '240x320', `a portrait image keeps its shape: ${JSON.stringify(seen)}`);
}

async function byDrop(a, b) {
  step('A drags a WebP over the conversation (the drop zone shows) and drops it');
  const webp = (await drawn(a, 'image/webp', 200, 200)).toString('base64');
  await a.evaluate((base64) => {
    window.dropped = new DataTransfer();
    window.dropped.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'square.webp', { type: 'image/webp' }));
    const list = document.getElementById('messages');
    for (const type of ['dragenter', 'dragover']) list.dispatchEvent(new DragEvent(type, { dataTransfer: window.dropped, bubbles: true, cancelable: true }));
  }, webp);
  check(await a.locator('#dropzone').isVisible(), 'the drop zone shows while a file is dragged over');
  check(await a.locator('#dropzone').textContent() === 'Drop the image to attach it', 'the drop zone says what to do');
  await a.evaluate(() => document.getElementById('messages').dispatchEvent(new DragEvent('drop', { dataTransfer: window.dropped, bubbles: true, cancelable: true })));
  check(!(await a.locator('#dropzone').isVisible()), 'the drop zone goes once dropped');
  check((await preview(a)).name === 'square.webp', 'the dropped image is in the preview');
  await a.locator('#text').fill('A square one');
  await a.locator('#text').press('Enter');
  const seen = await bubbleWith(b, 'A square one', 'A square one');
  check(seen.attrs.join('x') === '200x200', `a small image is not enlarged: ${JSON.stringify(seen)}`);

  step('A picks an animated GIF');
  await a.locator('#file').setInputFiles({ name: 'blink.gif', mimeType: 'image/gif', buffer: animatedGif(40, 20) });
  await a.locator('#text').fill('It blinks');
  await a.locator('#text').press('Enter');
  const gif = await bubbleWith(b, 'It blinks', 'It blinks');
  const loaded = await waitFor('the GIF to load', async () => (await bubbles(b)).find((x) => x.seq === gif.seq && x.loaded));
  check(loaded.natural.join('x') === '40x20', `the GIF as it was: ${loaded.natural}`);
}

async function viewer(b) {
  await audit(b, 'a timeline of images');
  step('B opens the first image with Enter: a modal dialog, focus inside; Escape brings focus back');
  const first = b.locator('#messages .msg:not(.pending) .media').first();
  await first.focus();
  await b.keyboard.press('Enter');
  const dialog = b.locator('#viewer');
  await waitFor('the viewer to open', () => dialog.evaluate((d) => d.open));
  const inside = await b.evaluate(() => ({
    modal: document.getElementById('viewer').matches(':modal'),
    ariaModal: document.getElementById('viewer').getAttribute('aria-modal'),
    focus: document.getElementById('viewer').contains(document.activeElement),
    closeLabel: document.getElementById('viewer-close').getAttribute('aria-label'),
    alt: document.getElementById('viewer-img').alt,
    src: document.getElementById('viewer-img').src,
  }));
  check(inside.modal && inside.ariaModal === 'true' && inside.focus && inside.closeLabel === 'Close', `the viewer: ${JSON.stringify(inside)}`);
  check(inside.alt === 'A wide one' && /\/media\/[^/]+$/.test(inside.src), `the viewer's image: ${JSON.stringify(inside)}`);
  await audit(b, 'the image viewer');
  await b.keyboard.press('Escape');
  await waitFor('the viewer to close', async () => !(await dialog.evaluate((d) => d.open)));
  check(await first.evaluate((el) => el === document.activeElement), 'focus is back on the image');
  step('Space opens it too, and the close button closes it');
  await b.keyboard.press('Space');
  await waitFor('the viewer to open again', () => dialog.evaluate((d) => d.open));
  await b.locator('#viewer-close').click();
  await waitFor('the viewer to close again', async () => !(await dialog.evaluate((d) => d.open)));
  check(await first.evaluate((el) => el === document.activeElement), 'focus is back on the image after the button');
}

async function refusals(a) {
  step('a file over the limit, and one that is not an image: refused in words, no request, the draft stays');
  const uploads = [];
  a.on('request', (r) => { if (isUpload(r)) uploads.push(r); });
  await a.locator('#text').fill('a draft that stays');
  // The default limit (the server announces no other): one byte over it.
  await a.locator('#file').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * MiB + 1, 1) });
  await waitFor('the too-big message', async () => (await a.locator('#composer-error').textContent()) === 'That image is too big to send: at most 5 MB.');
  await a.locator('#file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await waitFor('the not-an-image message', async () => /not an image Sori can send/.test(await a.locator('#composer-error').textContent()));
  check(!(await preview(a)).shown, 'nothing attached');
  check(await a.locator('#text').inputValue() === 'a draft that stays', 'the draft stays');
  check(uploads.length === 0, `${uploads.length} upload requests for refused files`);
}

async function serverRefusals(a) {
  step('the server refuses what only its bytes tell: an HTML page named .png is not an image; the draft stays');
  await a.locator('#text').fill('still my draft');
  await a.locator('#file').setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
  await a.locator('#send').click();
  await waitFor('the not-an-image message from the server', async () => /not an image Sori can send/.test(await a.locator('#composer-error').textContent()));
  check(!(await preview(a)).shown, 'a file the server refused as such is dropped');
  check(await a.locator('#text').inputValue() === 'still my draft', 'the draft stays');

  step('too many uploads: the server\'s 429 says when to try again; the image and the draft stay');
  await a.locator('#text').fill('');
  const gif = animatedGif(8, 8);
  let refused = null;
  for (let i = 0; i < 15 && !refused; i += 1) {
    await a.locator('#file').setInputFiles({ name: `n${i}.gif`, mimeType: 'image/gif', buffer: gif });
    await a.locator('#text').fill(`burst ${i}`);
    await a.locator('#send').click();
    refused = await waitFor(`upload ${i} to be posted or refused`, async () => {
      const error = await a.locator('#composer-error').textContent();
      if (/Too many images/.test(error)) return error;
      return !(await preview(a)).shown && (await a.locator('#text').inputValue()) === '' && 'posted';
    });
    if (refused === 'posted') refused = null;
  }
  check(refused && /Try again in \d+ s\./.test(refused), `the rate limit's message: ${refused}`);
  check((await preview(a)).shown, 'a rate-limited image stays attached for later');
  check(/^burst \d+$/.test(await a.locator('#text').inputValue()), 'its caption stays in the box');
  await a.locator('#attachment-remove').click();
  check(!(await preview(a)).shown, 'the remove button drops it');
}

async function history(b) {
  step('B reloads: the images come back from history with the same boxes');
  const before = await bubbles(b);
  const count = before.length;
  await b.reload();
  await waitFor('B to be welcomed again', () => b.locator('#nick').inputValue());
  const after = await waitFor('the images from history', async () => {
    const list = await bubbles(b);
    return list.length === count && list;
  });
  check(JSON.stringify(after.map((x) => [x.alt, x.attrs])) === JSON.stringify(before.map((x) => [x.alt, x.attrs])),
    `history draws them as they were: ${JSON.stringify(after.map((x) => [x.alt, x.attrs]))}`);
}

async function main(browser) {
  step('A and B open the page');
  const a = await openUploader(browser, 'A', PAGE_URL);
  const b = await openChat(browser, 'B');
  await byPicker(a, b);
  await byPaste(a, b);
  await byDrop(a, b);
  await viewer(b);
  await refusals(a);
  await serverRefusals(a);
  await history(b);
  await screenshot(b, 'browser-media.png');
  check(uploaderProblems.length === 0, uploaderProblems.join('\n'));
}

await run('media browser test', main, { watchdogMs: 150_000 });
