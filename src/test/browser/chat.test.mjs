// Drives Debian's Chromium through the chat page of a running Sori server.
//
//   SORI_URL=http://127.0.0.1:PORT/ node chat.test.mjs
//
// Optional: SORI_SCREENSHOT_DIR (default: target/). With SORI_SERVER_PID, SORI_SERVER_JAR,
// SORI_DATA_DIR and SORI_JAVA set (BrowserIT sets them) it also stops that server, starts another on the
// same port and checks that the page reconnects by itself.
import { spawn } from 'node:child_process';
import {
  PAGE_URL, check, openPage, run, screenshot, step, tolerateConnectionErrors, waitFor,
} from './harness.mjs';

const XSS = 'look: <img src=x onerror=alert(1)> and <b>bold</b> & "quotes"';

let restarted; // the server this script started, if any

async function openChat(context, name) {
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  return page;
}

const count = (page) => page.locator('#count').getAttribute('data-count');
const countText = (page) => page.locator('#count').textContent();
const systemLines = (page) => page.locator('#messages .sys').allTextContents();
const nickOf = (page) => page.locator('#nick').inputValue();

async function hasSystemLine(page, text) {
  return (await systemLines(page)).includes(text);
}

async function sendMessage(page, text) {
  const box = page.locator('#text');
  await box.fill(text);
  await box.press('Enter');
}

/** The messages in the list as { text, nick, own }. */
function messages(page) {
  return page.locator('#messages .msg').evaluateAll((items) => items.map((li) => ({
    text: li.querySelector('.text').textContent,
    nick: li.dataset.nick,
    own: li.classList.contains('own'),
  })));
}

async function main(browser) {
  // One context each: separate storage, so separate identities, and one language each.
  const contextA = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
  const contextB = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 780 }, isMobile: true });

  step('A (English) opens the page');
  const a = await openChat(contextA, 'A');
  const nickA = await nickOf(a);
  await waitFor('A to see 1 online', async () => (await count(a)) === '1' && (await countText(a)) === '1 online');
  check(await a.evaluate(() => document.documentElement.lang) === 'en', 'A page is not in English');

  step('B (Korean) opens the page; both see two people');
  const b = await openChat(contextB, 'B');
  const nickB = await nickOf(b);
  await waitFor('A to see 2 online', async () => (await countText(a)) === '2 online');
  await waitFor('B to see 2명 접속 중', async () => (await countText(b)) === '2명 접속 중');
  await waitFor(`A to see "${nickB} joined [now 2]"`, () => hasSystemLine(a, `${nickB} joined [now 2]`));
  // Issue 15, finding 8: the Korean line named nobody (the name was only in a hover title).
  await waitFor('B to see the Korean join line, with the name', () => hasSystemLine(b, `새로운 유저 접속: ${nickB} [현재: 2명]`));
  check(await b.evaluate(() => document.documentElement.lang) === 'ko', 'B page is not in Korean');

  step('A sends a message; B sees it, A sees it as its own, focus stays in the box');
  const hello = 'Hello from A 👋\nsecond line';
  await sendMessage(a, 'Hello from A 👋');
  await waitFor('B to receive A\'s message', async () => (await messages(b)).some(
    (m) => m.text === 'Hello from A 👋' && m.nick === nickA && !m.own));
  await waitFor('A to see its message marked own', async () => (await messages(a)).some(
    (m) => m.text === 'Hello from A 👋' && m.own));
  check(await a.evaluate(() => document.activeElement?.id) === 'text', 'focus left the message box after sending');
  check(await a.locator('#text').inputValue() === '', 'the message box was not cleared after sending');
  // Shift+Enter breaks the line instead of sending.
  const box = a.locator('#text');
  await box.fill('');
  await box.pressSequentially('Hello from A 👋');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  await box.press('Enter');
  await waitFor('B to receive the two-line message', async () => (await messages(b)).some((m) => m.text === hello));

  step('B renames itself; A sees the nick line');
  await b.locator('#nick').fill('Bora');
  await b.locator('#nick').press('Enter');
  await waitFor(`A to see "${nickB} is now Bora"`, () => hasSystemLine(a, `${nickB} is now Bora`));
  await waitFor('B to see the Korean nick line', () => hasSystemLine(b, `${nickB} 님이 닉네임을 Bora(으)로 바꿨습니다`));

  step('an invalid nickname is refused inline, without blocking');
  await b.locator('#nick').fill('Bo\u202Era'); // a bidi override: the server refuses it
  await b.locator('#nick').press('Enter');
  await waitFor('B to see the nickname error', async () => {
    const error = b.locator('#nick-error');
    return await error.isVisible() && (await error.textContent()).includes('닉네임');
  });
  // Putting the current name back and confirming clears the error without a request.
  await b.locator('#nick').fill('Bora');
  await b.locator('#nick').press('Enter');
  await waitFor('B\'s nickname error to clear', async () => !(await b.locator('#nick-error').isVisible()));

  step('B sends in Korean; A sees it with B\'s new nick');
  await sendMessage(b, '안녕하세요! 반가워요 🙂');
  await waitFor('A to receive B\'s message', async () => (await messages(a)).some(
    (m) => m.text === '안녕하세요! 반가워요 🙂' && m.nick === 'Bora' && !m.own));

  step('markup in a message is shown literally, never interpreted');
  await sendMessage(a, XSS);
  for (const [name, page] of [['A', a], ['B', b]]) {
    await waitFor(`${name} to show the markup as text`, async () => (await messages(page)).some((m) => m.text === XSS));
    const elements = await page.locator('#messages img, #messages b').count();
    check(elements === 0, `${name}: the message list contains ${elements} img/b element(s): markup was interpreted`);
  }

  step('B reloads and resumes its identity from the stored token');
  await b.reload();
  await waitFor('B to come back as Bora', async () => (await nickOf(b)) === 'Bora');
  await waitFor('A to see Bora rejoin', () => hasSystemLine(a, 'Bora joined [now 2]'));
  await sendMessage(b, 'back again');
  await waitFor('B to see its message as own after the reload', async () => (await messages(b)).some(
    (m) => m.text === 'back again' && m.own));

  await a.bringToFront();
  await screenshot(a, 'browser-chat.png');
  await screenshot(b, 'browser-chat-phone-ko.png');

  step('B closes; A sees the leave line and 1 online');
  await contextB.close();
  await waitFor('A to see "Bora left [now 1]"', () => hasSystemLine(a, 'Bora left [now 1]'));
  await waitFor('A to see 1 online', async () => (await countText(a)) === '1 online');

  if (process.env.SORI_SERVER_PID && process.env.SORI_SERVER_JAR) {
    await restartScenario(a);
  } else {
    step('server restart skipped: SORI_SERVER_PID and SORI_SERVER_JAR are not set');
  }
}

async function restartScenario(a) {
  const pid = Number(process.env.SORI_SERVER_PID);
  const port = new URL(PAGE_URL).port;

  step('the server stops; A shows the reconnecting banner');
  tolerateConnectionErrors(true);
  process.kill(pid, 'SIGTERM');
  await waitFor('A to show the reconnecting banner', () => a.locator('#banner').isVisible());
  await waitFor('A to show it is offline', async () => (await a.locator('#presence').getAttribute('data-state')) !== 'online');
  await waitFor('the old server to exit', () => { try { process.kill(pid, 0); return false; } catch { return true; } }, 20_000);
  await screenshot(a, 'browser-reconnecting.png');

  step(`a new server starts on the same port ${port}; A reconnects by itself`);
  restarted = await startServer(port);
  // Backoff is capped at 10 s, plus the attempt in flight.
  await waitFor('A to hide the banner again', async () => !(await a.locator('#banner').isVisible()), 25_000);
  await waitFor('A to be online again', async () => (await a.locator('#presence').getAttribute('data-state')) === 'online');
  await waitFor('A to show "Reconnected"', () => hasSystemLine(a, 'Reconnected'));
  await waitFor('A to see 1 online after reconnecting', async () => (await countText(a)) === '1 online');
  tolerateConnectionErrors(false);

  await sendMessage(a, 'still here');
  await waitFor('A\'s message after the restart to come back as its own', async () => (await messages(a)).some(
    (m) => m.text === 'still here' && m.own));
}

function startServer(port) {
  const java = process.env.SORI_JAVA || 'java';
  // Same data as the server it replaces (SORI_DATA_DIR), never a data/ folder where node runs.
  const dataDir = process.env.SORI_DATA_DIR;
  if (!dataDir) throw new Error('SORI_DATA_DIR is not set: the restarted server needs the first one\'s data directory');
  const child = spawn(java, ['-jar', process.env.SORI_SERVER_JAR, '--host', '127.0.0.1', '--port', port, '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`restarted server did not listen within 30 s:\n${output}`)), 30_000);
    const onData = (data) => {
      output += data;
      if (output.includes(' listening: ')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`restarted server exited with ${code}:\n${output}`));
    });
  });
}

function stopRestartedServer() {
  if (restarted && restarted.exitCode === null) restarted.kill('SIGTERM');
}

await run('browser test', main, { watchdogMs: 100_000, cleanUp: stopRestartedServer });
