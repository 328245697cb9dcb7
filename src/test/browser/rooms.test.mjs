// Rooms in a real browser: the lobby, a passworded room, chat, typing, a reload, older pages,
// recovery after a dropped connection, a full room, deletion.
//
//   SORI_URL=http://127.0.0.1:PORT/ node rooms.test.mjs
//
// Page A is English on a desktop-sized window, page B Korean on a phone-sized one (the lobby
// is a drawer there). Optional: SORI_SCREENSHOT_DIR (default: target/).
import { check, openPage, run, screenshot, step, waitFor } from './harness.mjs';

const TITLE = '<b>Cats</b> & "friends"';
const PASSWORD = 'meow-123';
const BULK = 60; // more than one page of history (50)

/**
 * Lets the test see the frames a page sends and cut its connection: every WebSocket the page
 * opens is recorded, and while `blocked` is set new ones fail at once (as if the network were
 * down) without Chromium logging a connection error.
 */
function socketHooks() {
  const Native = window.WebSocket;
  const hooks = { sockets: [], sent: [], blocked: false };
  window.__soriTest = hooks;
  function TestWebSocket(url, protocols) {
    if (hooks.blocked) {
      const fake = new EventTarget();
      fake.readyState = Native.CLOSED;
      fake.send = () => { throw new DOMException('closed', 'InvalidStateError'); };
      fake.close = () => {};
      setTimeout(() => fake.dispatchEvent(new CloseEvent('close', { code: 1006 })), 20);
      return fake;
    }
    const socket = new Native(url, protocols);
    const nativeSend = socket.send.bind(socket);
    socket.send = (data) => {
      hooks.sent.push(String(data));
      nativeSend(data);
    };
    hooks.sockets.push(socket);
    return socket;
  }
  TestWebSocket.prototype = Native.prototype;
  for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) TestWebSocket[key] = Native[key];
  window.WebSocket = TestWebSocket;
}

async function openChat(context, name) {
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  await waitFor(`${name} to see the lobby`, () => page.locator('#rooms [data-room="general"]').count());
  return page;
}

const nickOf = (page) => page.locator('#nick').inputValue();
const count = (page) => page.locator('#count').getAttribute('data-count');
const activeRoom = (page) => page.locator('#app').getAttribute('data-room');
const roomTitle = (page) => page.locator('#room-title').textContent();
const systemLines = (page) => page.locator('#messages .sys').allTextContents();

/** The messages in the list as { seq, text, nick, color, own }. */
function messages(page) {
  return page.locator('#messages .msg').evaluateAll((items) => items.map((li) => ({
    seq: Number(li.dataset.seq),
    text: li.querySelector('.text').textContent,
    nick: li.dataset.nick,
    color: li.dataset.color,
    own: li.classList.contains('own'),
  })));
}

async function hasMessage(page, text, extra = () => true) {
  return (await messages(page)).some((m) => m.text === text && extra(m));
}

/** The members panel as { nick, color, avatar (computed background), n }. */
function members(page) {
  return page.locator('#member-list .member').evaluateAll((items) => items.map((li) => ({
    nick: li.dataset.nick,
    color: li.dataset.color,
    avatar: getComputedStyle(li.querySelector('.avatar')).backgroundColor,
    n: li.querySelector('.member-n')?.textContent ?? '',
  })));
}

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function sendMessage(page, text) {
  const box = page.locator('#text');
  await box.fill(text);
  await box.press('Enter');
}

/** Markup in room titles must stay text: no element from a title may appear anywhere. */
async function noMarkup(page, name) {
  const found = await page.locator('#rooms b, #room-name b, #messages b, #password-room b, #confirm-heading b').count();
  check(found === 0, `${name}: ${found} <b> element(s) on the page: a room title was interpreted as markup`);
}

async function openLobby(page) {
  if (await page.locator('#menu').isVisible()) {
    await page.locator('#menu').click();
    await waitFor('the rooms drawer to open', () => page.locator('#sidebar').evaluate(
      (el) => getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().left >= 0));
  }
}

/**
 * A second client, from inside page A (same server, its own identity): posts, fills rooms.
 * Returns the helper's index in window.__helpers.
 */
function helperClient(page, script, args) {
  return page.evaluate(async ({ script, args }) => {
    const url = new URL('chat', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    const replies = new Map();
    let next = 0;
    await new Promise((resolve, reject) => {
      ws.addEventListener('message', (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === 'welcome') resolve();
        if (frame.id && replies.has(frame.id)) {
          replies.get(frame.id)(frame);
          replies.delete(frame.id);
        }
      });
      ws.addEventListener('error', () => reject(new Error('helper socket failed')));
    });
    const call = (type, payload) => new Promise((resolve, reject) => {
      const id = `h${next++}`;
      replies.set(id, (frame) => (frame.type === 'ack' ? resolve(frame.payload)
        : reject(new Error(`${type}: ${JSON.stringify(frame.payload)}`))));
      ws.send(JSON.stringify({ type, payload, id }));
    });
    window.__helpers ??= [];
    window.__helpers.push(ws);
    // eslint-disable-next-line no-new-func
    await new Function('call', 'args', 'ws', `return (async () => { ${script} })();`)(call, args, ws);
    return window.__helpers.length - 1;
  }, { script, args });
}

async function main(browser) {
  const contextA = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  const contextB = await browser.newContext({
    locale: 'ko-KR', viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true,
  });
  await contextB.addInitScript(socketHooks);

  step('A (English, desktop) and B (Korean, phone) open the page; B calls itself Bora');
  const a = await openChat(contextA, 'A');
  const b = await openChat(contextB, 'B');
  const nickA = await nickOf(a);
  await b.locator('#nick').fill('Bora');
  await b.locator('#nick').press('Enter');
  await waitFor('A to see B become Bora', async () => (await systemLines(a)).some((l) => l.endsWith(' is now Bora')));

  step('A opens the create-room dialog; mistakes are shown inline');
  await a.locator('#new-room').click();
  await waitFor('the create dialog to open', () => a.locator('#create-dialog').isVisible());
  await a.locator('#create-submit').click();
  await waitFor('the empty-title error', async () => (await a.locator('#create-title-error').isVisible())
    && (await a.locator('#create-title-error').textContent()) === 'Give the room a title.');
  await a.locator('#create-title').fill(TITLE);
  await a.locator('#create-max').fill('1');
  await a.locator('#create-submit').click();
  await waitFor('the capacity error (checked by the page)', async () =>
    (await a.locator('#create-max-error').textContent()) === 'The capacity is a whole number, at least 2.');
  await a.locator('#create-max').fill('5000');
  await a.locator('#create-submit').click();
  // Checked by the server: the page cannot know the configured cap.
  await waitFor('the capacity error from the server', async () =>
    /^The capacity must be between 2 and \d+\.$/.test(await a.locator('#create-max-error').textContent()));
  check(await a.locator('#create-dialog').isVisible(), 'the dialog closed on an error');
  await screenshot(a, 'browser-rooms-create.png');

  step('A creates the passworded room; it opens with A as the only member');
  await a.locator('#create-max').fill('10');
  await a.locator('#create-password').fill(PASSWORD);
  await a.locator('#create-submit').click();
  await waitFor('the dialog to close', async () => !(await a.locator('#create-dialog').isVisible()));
  await waitFor('A to be in the new room', async () => (await roomTitle(a)) === TITLE);
  const room = await a.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('room'));
  check(room && room !== 'general', `the address does not name the room: ${await a.evaluate(() => location.hash)}`);
  check(await activeRoom(a) === room, 'A: the active room is not the one in the address');
  await waitFor('A to see 1 here', async () => (await count(a)) === '1');
  await waitFor('A to see itself as the only member', async () => {
    const list = await members(a);
    return list.length === 1 && list[0].nick === nickA;
  });
  check(await a.locator('#room-lock').evaluate((el) => !el.hasAttribute('hidden')), 'A: no lock next to the title');
  check(await a.locator('#delete').isVisible(), 'A, the owner, has no delete button');
  check(await a.locator('#leave').isVisible(), 'A has no leave button');
  await noMarkup(a, 'A');
  await sendMessage(a, 'cats only in here');
  await waitFor('A to see its first message in the room', () => hasMessage(a, 'cats only in here', (m) => m.own));

  step('B sees the room appear in the lobby: title as text, lock, 1/10, owner');
  const itemB = b.locator(`#rooms [data-room="${room}"]`);
  await waitFor('the room in B\'s lobby', () => itemB.count());
  await waitFor('B to see 1/10', async () => (await itemB.locator('.room-count').textContent()) === '1/10');
  check(await itemB.locator('.room-title').textContent() === TITLE, 'B: the lobby shows another title');
  check(await itemB.evaluate((el) => el.hasAttribute('data-locked')), 'B: the room is not marked locked');
  check(await itemB.locator('.room-lock').evaluate((el) => !el.hasAttribute('hidden')), 'B: no lock icon');
  check(await itemB.locator('.room-owner').textContent() === `방장 ${nickA}`, 'B: the owner is not shown');
  await openLobby(b);
  check(await itemB.locator('.room-lock').isVisible(), 'B: the lock icon is not visible in the open drawer');
  await noMarkup(b, 'B');
  await screenshot(b, 'browser-rooms-lobby-phone.png');

  step('B tries a wrong password: an error in the dialog, nothing of the room');
  await itemB.locator('button').click();
  await waitFor('the password dialog', () => b.locator('#password-dialog').isVisible());
  check(await b.locator('#password-room').textContent() === `#${TITLE}`, 'B: the dialog names another room');
  await b.locator('#password-input').fill('not-the-password');
  await b.locator('#password-submit').click();
  await waitFor('the wrong-password error', async () => (await b.locator('#password-error').isVisible())
    && (await b.locator('#password-error').textContent()) === '비밀번호가 틀렸습니다. 다시 입력하세요.');
  check(await b.locator('#password-dialog').isVisible(), 'B: the dialog closed after a wrong password');
  check(await activeRoom(b) === 'general', `B left general after a wrong password: ${await activeRoom(b)}`);
  check(await roomTitle(b) === 'General', 'B: the title bar changed after a wrong password');
  check(!(await hasMessage(b, 'cats only in here')), 'B sees the room\'s messages without the password');
  check(await b.locator('#locked-state').isHidden(), 'B: the room\'s locked screen shows although B is still in general');
  await screenshot(b, 'browser-rooms-password.png');

  step('B enters the right password: both see 2 in the room, members with colours');
  await b.locator('#password-input').fill(PASSWORD);
  await b.locator('#password-submit').click();
  await waitFor('the dialog to close', async () => !(await b.locator('#password-dialog').isVisible()));
  await waitFor('B to be in the room', async () => (await activeRoom(b)) === room && (await roomTitle(b)) === TITLE);
  await waitFor('B to see the room\'s history', () => hasMessage(b, 'cats only in here', (m) => m.nick === nickA));
  await waitFor('B to see 2 here', async () => (await count(b)) === '2');
  await waitFor('A to see 2 here', async () => (await count(a)) === '2');
  await waitFor('A to see "Bora joined [now 2]"', async () => (await systemLines(a)).includes('Bora joined [now 2]'));
  for (const [name, page] of [['A', a], ['B', b]]) {
    await waitFor(`${name} to list both members with their colours`, async () => {
      const list = await members(page);
      return list.length === 2 && list.some((m) => m.nick === nickA) && list.some((m) => m.nick === 'Bora')
        && list.every((m) => /^#[0-9a-f]{6}$/i.test(m.color) && m.avatar === rgb(m.color));
    });
  }
  const membersA = await members(a);
  const membersB = await members(b);
  for (const m of membersA) {
    check(membersB.some((o) => o.nick === m.nick && o.color === m.color), `A and B disagree on ${m.nick}'s colour`);
  }
  await waitFor('A\'s lobby to show 2/10', async () =>
    (await a.locator(`#rooms [data-room="${room}"] .room-count`).textContent()) === '2/10');
  await noMarkup(b, 'B');

  step('they chat in the room');
  await sendMessage(a, 'Hi Bora 🐱');
  await waitFor('B to receive A\'s message', () => hasMessage(b, 'Hi Bora 🐱', (m) => m.nick === nickA && !m.own));
  await sendMessage(b, '안녕 고양이들!');
  await waitFor('A to receive B\'s message', () => hasMessage(a, '안녕 고양이들!', (m) => m.nick === 'Bora' && !m.own));
  await waitFor('B to see its message as own', () => hasMessage(b, '안녕 고양이들!', (m) => m.own));
  check(!(await hasMessage(a, '안녕 고양이들!', (m) => m.own)), 'A shows B\'s message as its own');

  step('B sees A typing, and the indicator goes away when A stops');
  await a.locator('#text').pressSequentially('I am typ', { delay: 30 });
  await waitFor('B to see A typing', async () =>
    (await b.locator('#typing').textContent()) === `${nickA}님이 입력 중…`);
  await screenshot(a, 'browser-rooms.png');
  await screenshot(b, 'browser-rooms-phone-ko.png');
  await a.locator('#text').fill('');
  await waitFor('B\'s typing indicator to go away', async () => (await b.locator('#typing').textContent()) === '', 8_000);
  check(await a.locator('#typing').textContent() === '', 'A sees itself typing');

  step('B\'s connection drops; A posts meanwhile; B reconnects with since and has each message once');
  const before = await messages(b);
  const lastSeq = Math.max(...before.map((m) => m.seq));
  await b.evaluate(() => {
    window.__soriTest.blocked = true;
    window.__soriTest.sent.length = 0;
    for (const socket of window.__soriTest.sockets) socket.close();
  });
  await waitFor('B to show the reconnecting banner', () => b.locator('#banner').isVisible());
  await waitFor('A to see "Bora left [now 1]"', async () => (await systemLines(a)).includes('Bora left [now 1]'));
  const missed = ['missed one', 'missed two', 'missed three'];
  for (const text of missed) {
    await sendMessage(a, text);
    await waitFor(`A to see "${text}"`, () => hasMessage(a, text, (m) => m.own));
  }
  // "Retry now" rather than sitting out the backoff; if the page's own timer already fired,
  // the click does nothing (a pointer click could miss the banner as it goes away).
  await b.evaluate(() => {
    window.__soriTest.blocked = false;
    document.getElementById('retry').click();
  });
  await waitFor('B to be back in the room', async () => (await count(b)) === '2' && !(await b.locator('#banner').isVisible()), 15_000);
  await waitFor('B to show the missed messages', () => hasMessage(b, 'missed three'));
  const join = await b.evaluate(() => window.__soriTest.sent.map((s) => JSON.parse(s)).find((f) => f.type === 'join'));
  check(join?.payload?.room === room && join.payload.since === lastSeq,
    `B did not rejoin with since=${lastSeq}: ${JSON.stringify(join && { ...join.payload, password: '…' })}`);
  const after = await messages(b);
  for (const text of missed) {
    const n = after.filter((m) => m.text === text).length;
    check(n === 1, `B shows "${text}" ${n} times`);
  }
  const seqs = after.map((m) => m.seq);
  check(new Set(seqs).size === seqs.length, `B shows a message twice: ${seqs.join(',')}`);
  check(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1), `B's messages are out of order or have a gap: ${seqs.join(',')}`);
  check(after.length === before.length + missed.length, `B shows ${after.length} messages, expected ${before.length + missed.length}`);
  check(!(await b.locator('#messages .sys[data-kind="gap"]').count()), 'B says messages may be missing after a full recovery');
  const lines = await b.locator('#messages > li').evaluateAll((items) => items.map((li) => li.querySelector('.text, .sys-text')?.textContent));
  check(lines.indexOf('missed three') < lines.indexOf('다시 연결되었습니다'),
    'the recovered messages are not before the "reconnected" line');

  step(`${BULK} more messages arrive (from a helper client); B reloads`);
  await helperClient(a, `
    await call('join', { room: args.room, password: args.password });
    for (let i = 1; i <= args.n; i++) {
      await call('new_message', { room: args.room, text: 'bulk ' + i });
      await new Promise((r) => setTimeout(r, 25));
    }
    ws.close();`, { room, password: PASSWORD, n: BULK });
  await waitFor(`B to receive "bulk ${BULK}"`, () => hasMessage(b, `bulk ${BULK}`));
  const total = (await messages(b)).length;
  await b.reload();
  await waitFor('B to be welcomed again', () => b.locator('#nick').inputValue());
  check(await nickOf(b) === 'Bora', `B came back as ${await nickOf(b)}, not Bora`);
  // B gave the right password earlier: the server remembers that for B's identity (never the
  // password itself), so the reload goes straight back into the room without asking again.
  await waitFor('B to be back in the room after the reload', async () => (await activeRoom(b)) === room);
  check(!(await b.locator('#password-dialog').isVisible()), 'B was asked for the password again after the reload');
  const stored = await b.evaluate(() => JSON.stringify({ ...localStorage }));
  check(!stored.includes(PASSWORD), 'the password is in localStorage');
  await waitFor('B to see the room\'s latest history', () => hasMessage(b, `bulk ${BULK}`));
  check(await nickOf(b) === 'Bora', 'B\'s nickname changed after the reload');
  await waitFor('B to be in the room again, with A', async () => (await count(b)) === '2');
  const page1 = await messages(b);
  check(page1.length === 50, `B shows ${page1.length} messages after the reload, expected the latest 50`);
  check(page1.at(-1).text === `bulk ${BULK}`, `the newest message after the reload is "${page1.at(-1).text}"`);
  check(!page1.some((m) => m.text === 'Hi Bora 🐱'), 'the first page already has the oldest messages');

  step('B scrolls to the top: older messages load and the view stays put');
  const list = b.locator('#messages');
  const oldest = page1[0].seq;
  await list.evaluate((el) => { el.scrollTop = 0; });
  const anchorTop = await b.locator(`#messages .msg[data-seq="${oldest}"]`).evaluate((el) => el.getBoundingClientRect().top);
  await waitFor('the older messages', () => hasMessage(b, 'Hi Bora 🐱'));
  await waitFor('the first message of the room', () => hasMessage(b, 'cats only in here'));
  await waitFor('the beginning-of-room header', () => b.locator('#messages .beginning').count());
  const all = await messages(b);
  check(all.length === total, `after paging B shows ${all.length} messages, expected ${total}`);
  const allSeqs = all.map((m) => m.seq);
  check(allSeqs.every((s, i) => i === 0 || s === allSeqs[i - 1] + 1), `paged history has a gap or a duplicate: ${allSeqs.join(',')}`);
  const anchorAfter = await b.locator(`#messages .msg[data-seq="${oldest}"]`).evaluate((el) => el.getBoundingClientRect().top);
  check(Math.abs(anchorAfter - anchorTop) < 40,
    `the view jumped while older messages loaded: the message that was on top moved from ${anchorTop} to ${anchorAfter} px`);
  check(all.some((m) => m.text === '안녕 고양이들!' && m.own), 'B\'s own message in the history is not shown as its own');
  await screenshot(b, 'browser-rooms-history-phone.png');

  step('a message in general while B is elsewhere: an unread count on general in the lobby');
  await helperClient(a, `await call('new_message', { room: 'general', text: 'psst, general' });`, {});
  const generalB = b.locator('#rooms [data-room="general"]');
  // (The lobby is a closed drawer on B's phone: look at the badge itself, not at its visibility.)
  await waitFor('B\'s unread count on general', async () => (await generalB.locator('.room-unread').textContent()) === '1'
    && generalB.locator('.room-unread').evaluate((el) => !el.hidden));
  check(await b.locator('#menu-dot').isVisible(), 'B: no unread dot on the menu button');
  check(!(await hasMessage(b, 'psst, general')), 'B shows a message of general in the room');

  step('a full room: B is told so and stays where it is');
  await helperClient(a, `
    const created = await call('create_room', { title: 'Duo', max: 2 });
    window.__duo = created.room;`, {});
  const duo = await a.evaluate(() => window.__duo);
  await helperClient(a, `await call('join', { room: args.duo });`, { duo });
  const duoB = b.locator(`#rooms [data-room="${duo}"]`);
  await waitFor('B to see Duo full', async () => (await duoB.count())
    && (await duoB.locator('.room-count').textContent()) === '2/2' && duoB.evaluate((el) => el.hasAttribute('data-full')));
  check(await duoB.evaluate((el) => el.hasAttribute('data-full')), 'B: Duo is not marked full');
  await openLobby(b);
  await duoB.locator('button').click();
  await waitFor('B to be told Duo is full', async () => (await b.locator('#toast').isVisible())
    && (await b.locator('#toast-text').textContent()) === '#Duo 방이 가득 찼습니다 (최대 2명). 잠시 후 다시 시도하세요.');
  check(await activeRoom(b) === room, 'B left the room for a full one');

  step('B leaves the room (back to general, unread gone) and comes back without retyping the password');
  const leftLines = async () => (await systemLines(a)).filter((l) => l === 'Bora left [now 1]').length;
  const leftBefore = await leftLines();
  await b.locator('#leave').click();
  await waitFor('B to be in general', async () => (await activeRoom(b)) === 'general' && (await roomTitle(b)) === 'General');
  await waitFor('A to see "Bora left [now 1]"', async () => (await leftLines()) === leftBefore + 1);
  await waitFor('A to see 1 here', async () => (await count(a)) === '1');
  await waitFor('B to see general\'s history', () => hasMessage(b, 'psst, general'));
  check(await generalB.locator('.room-unread').evaluate((el) => el.hidden), 'B: general still shows unread messages');
  check(await b.evaluate(() => location.hash) === '', 'B\'s address still names the room it left');
  await openLobby(b);
  await itemB.locator('button').click();
  // The password is remembered for this page session (not stored): no dialog this time.
  await waitFor('B to be back in the room', async () => (await activeRoom(b)) === room && (await count(b)) === '2');
  check(!(await b.locator('#password-dialog').isVisible()), 'B was asked for the password again in the same session');
  await waitFor('B to see the room\'s history again', () => hasMessage(b, `bulk ${BULK}`));

  step('A deletes the room; B is back in general with a notice, and the room leaves the lobby');
  await a.locator('#delete').click();
  await waitFor('the confirmation', () => a.locator('#confirm-dialog').isVisible());
  check(await a.locator('#confirm-heading').textContent() === `Delete #${TITLE}?`, 'the confirmation names another room');
  await noMarkup(a, 'A');
  await a.locator('#confirm-submit').click();
  await waitFor('A to be back in general', async () => (await activeRoom(a)) === 'general' && (await roomTitle(a)) === 'General');
  await waitFor('A\'s notice', async () => (await systemLines(a)).includes(`You deleted #${TITLE}.`));
  await waitFor('B to be back in general', async () => (await activeRoom(b)) === 'general' && (await roomTitle(b)) === 'General');
  await waitFor('B\'s notice', async () => (await b.locator('#messages .sys[data-kind="notice"]').allTextContents())
    .includes(`방장이 #${TITLE} 방을 삭제했습니다. General로 돌아왔습니다.`));
  await waitFor('the room to leave B\'s lobby', async () => (await itemB.count()) === 0);
  await waitFor('the room to leave A\'s lobby', async () => (await a.locator(`#rooms [data-room="${room}"]`).count()) === 0);
  check(await b.evaluate(() => location.hash) === '', 'B\'s address still names the deleted room');
  check(!(await hasMessage(b, 'bulk 1')), 'B still shows the deleted room\'s messages');
  await sendMessage(b, 'back in general');
  await waitFor('A to get B\'s message in general', () => hasMessage(a, 'back in general', (m) => m.nick === 'Bora'));
  await screenshot(b, 'browser-rooms-deleted-phone-ko.png');
  await screenshot(a, 'browser-rooms-deleted.png');
}

await run('rooms browser test', main, { watchdogMs: 150_000 });
