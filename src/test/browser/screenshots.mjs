// The README's screenshots, taken from the real page so that they stay true:
//
//   java -jar target/server.jar --port 8080 --data-dir /tmp/shots-data &
//   SORI_URL=http://127.0.0.1:8080/ node src/test/browser/screenshots.mjs
//
// Against a fresh server: it sets up a short conversation between two people, then saves
// docs/screenshots/{desktop,phone,dark,korean}.png. Not a test (BrowserIT does not run it).
// Korean and emoji need fonts Chromium can use: on Debian `fonts-noto-cjk fonts-noto-color-emoji`.
import { fileURLToPath } from 'node:url';
import { openPage, run, step, waitFor } from './harness.mjs';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

async function person(browser, name, options) {
  const page = await openPage(await browser.newContext(options), name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  await page.locator('#nick').fill(name);
  await page.locator('#nick').press('Enter');
  await waitFor(`${name} to be called ${name}`, async () => (await page.locator('#member-list .member[data-nick]').evaluateAll(
    (items, n) => items.some((li) => li.dataset.nick === n), name)));
  return page;
}

async function say(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await waitFor('the message to arrive', async () => (await page.locator('#messages .msg:not(.pending) .text').allTextContents()).includes(text));
}

async function main(browser) {
  const desktop = { locale: 'en-US', viewport: { width: 1100, height: 680 } };
  step('two people and a conversation');
  const mina = await person(browser, 'Mina', desktop);
  const joe = await person(browser, 'Joe', { ...desktop, colorScheme: 'dark' });
  await say(mina, 'Morning! Did the deploy go out?');
  await say(joe, '@Mina yes, 10 minutes ago. Release notes: https://example.com/releases/2.4');
  await say(mina, 'Thanks 🙌 I will tell the team.');
  await joe.locator('#text').pressSequentially('one more thing');
  await waitFor('Mina to see Joe typing', async () => (await mina.locator('#typing').getAttribute('data-nicks')) === 'Joe');
  step('desktop, light and dark');
  await mina.screenshot({ path: `${OUT}desktop.png` });
  await joe.screenshot({ path: `${OUT}dark.png` });
  step('a phone, in English and in Korean');
  const phone = await openPage(await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true }), 'phone');
  await waitFor('the phone to show the conversation', async () => (await phone.locator('#messages .msg').count()) >= 3);
  await phone.screenshot({ path: `${OUT}phone.png` });
  const korean = await openPage(await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true }), 'korean');
  await waitFor('the Korean page to show the conversation', async () => (await korean.locator('#messages .msg').count()) >= 3);
  await say(korean, '안녕하세요! 저도 확인했습니다.');
  await korean.screenshot({ path: `${OUT}korean.png` });
}

await run('screenshots', main, { watchdogMs: 120_000 });
