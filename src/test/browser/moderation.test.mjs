// Moderation (issue 17) as a room's owner and a member see it in Chromium:
//
//   SORI_URL=http://127.0.0.1:PORT/ node moderation.test.mjs
//
// A (English) creates a room; B (Korean) enters it and writes. Only A gets the member menu, on
// B's entry (not on its own): A removes B with the keyboard alone (the menu button, arrows,
// Escape, Enter), axe checks the page with the menu open; B is back in General with a notice
// naming the room and A, and A sees "Bora was removed". B comes back (a kick is no ban); A deletes
// one of B's messages through the message menu (mouse, with a confirmation), B deletes one of its
// own: both see "This message was deleted" in the bubble's place, also after B reloads (history's
// tombstones). A bans B (confirmed): B is out with a notice; the lobby and a reload with the room
// in the address keep B out, said in words, no password asked, the join not retried.
// Optional: SORI_SCREENSHOT_DIR.
import { audit, check, openPage, run, screenshot, step, waitFor } from './harness.mjs';

const TITLE = 'Mods & <i>rockers</i>';

/** Records the frames the page sends (window.__soriTest.sent), to count its joins. */
function socketHooks() {
  const Native = window.WebSocket;
  const hooks = { sent: [] };
  window.__soriTest = hooks;
  function TestWebSocket(url, protocols) {
    const socket = new Native(url, protocols);
    const nativeSend = socket.send.bind(socket);
    socket.send = (data) => {
      hooks.sent.push(String(data));
      nativeSend(data);
    };
    return socket;
  }
  TestWebSocket.prototype = Native.prototype;
  for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) TestWebSocket[key] = Native[key];
  window.WebSocket = TestWebSocket;
}

async function openChat(browser, name, locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(socketHooks);
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  await waitFor(`${name} to see the lobby`, () => page.locator('#rooms [data-room="general"]').count());
  return page;
}

const activeRoom = (page) => page.locator('#app').getAttribute('data-room');
const systemLines = (page) => page.locator('#messages .sys').allTextContents();
const notices = (page) => page.locator('#messages .sys[data-kind="notice"]').allTextContents();
const memberNicks = (page) => page.locator('#member-list .member').evaluateAll((items) => items.map((li) => li.dataset.nick));
const joinsOf = (page, room) => page.evaluate((room) => window.__soriTest.sent.map((s) => JSON.parse(s))
  .filter((f) => f.type === 'join' && f.payload?.room === room).length, room);

/** The messages in the list as { seq, text, nick, deleted, menu (has a menu button) }. */
function messages(page) {
  return page.locator('#messages .msg:not(.pending)').evaluateAll((items) => items.map((li) => ({
    seq: Number(li.dataset.seq),
    text: li.querySelector('.text').textContent,
    nick: li.dataset.nick,
    deleted: li.hasAttribute('data-deleted') && li.querySelector('.text').classList.contains('deleted'),
    image: !!li.querySelector('img'),
    menu: !!li.querySelector('.msg-menu-btn'),
  })));
}

async function message(page, text) {
  return (await messages(page)).find((m) => m.text === text);
}

async function sendMessage(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await waitFor(`"${text}" to be sent`, async () => (await message(page, text))?.seq > 0);
}

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { role: el.getAttribute('role'), text: el.textContent, label: el.getAttribute('aria-label'), uid: el.dataset.uid };
});

/** Runs axe-core on the page as it is; fails on any serious or critical violation. */

async function enterFromLobby(page, room) {
  await page.locator(`#rooms [data-room="${room}"] button`).click();
}

/** Opens `item`'s message menu with the mouse and confirms Delete. */
async function deleteByMenu(page, text, labels) {
  const item = page.locator('#messages .msg:not(.pending)').filter({ has: page.locator('.text', { hasText: text }) });
  await item.hover();
  await item.locator('.msg-menu-btn').click();
  const menu = page.locator('#popup-menu[role="menu"]');
  await waitFor('the message menu', () => menu.isVisible());
  check(await item.locator('.msg-menu-btn').getAttribute('aria-expanded') === 'true', 'the message menu button is not expanded');
  await menu.getByRole('menuitem', { name: labels.item }).click();
  await waitFor('the confirmation', () => page.locator('#confirm-dialog').isVisible());
  check(await page.locator('#confirm-heading').textContent() === labels.heading, 'the confirmation asks something else');
  check(await page.evaluate(() => document.activeElement.id) === 'confirm-cancel', 'the safe choice is not the default');
  await page.locator('#confirm-submit').click();
  await waitFor('the confirmation to close', async () => !(await page.locator('#confirm-dialog').isVisible()));
}

async function main(browser) {
  step('A (English) and B (Korean) open the page; B calls itself Bora');
  const a = await openChat(browser, 'A', 'en-US');
  const b = await openChat(browser, 'B', 'ko-KR');
  const nickA = await a.locator('#nick').inputValue();
  await b.locator('#nick').fill('Bora');
  await b.locator('#nick').press('Enter');
  await waitFor('A to see B become Bora', async () => (await systemLines(a)).some((l) => l.endsWith(' is now Bora')));

  step('A creates a room; B enters it from the lobby and writes');
  await a.locator('#new-room').click();
  await a.locator('#create-title').fill(TITLE);
  await a.locator('#create-submit').click();
  await waitFor('A to be in the new room', async () => (await a.locator('#room-title').textContent()) === TITLE);
  const room = await activeRoom(a);
  await waitFor('the room in B\'s lobby', () => b.locator(`#rooms [data-room="${room}"]`).count());
  await enterFromLobby(b, room);
  await waitFor('B to be in the room', async () => (await activeRoom(b)) === room);
  await waitFor('A to list B', async () => (await memberNicks(a)).includes('Bora'));
  await sendMessage(a, 'welcome, Bora');
  await sendMessage(b, 'hello from Bora');
  await waitFor('A to get B\'s message', () => message(a, 'hello from Bora'));
  await waitFor('B to get A\'s message', () => message(b, 'welcome, Bora'));

  step('only the owner has owner tools: a menu on B\'s entry for A; none on A\'s own, none for B');
  const menuOfB = a.locator('#member-list .member[data-nick="Bora"] .member-menu-btn');
  check(await menuOfB.count() === 1, 'A, the owner, has no menu on B\'s entry');
  check(await menuOfB.getAttribute('aria-haspopup') === 'menu', 'the member menu button does not say it opens a menu');
  check(await menuOfB.getAttribute('aria-label') === 'Actions for Bora', `the member menu button is named "${await menuOfB.getAttribute('aria-label')}"`);
  check(await a.locator(`#member-list .member[data-nick="${nickA}"] .member-menu-btn`).count() === 0, 'A can act on itself');
  check(await b.locator('#member-list .member-menu-btn').count() === 0, 'B, a member, has the owner\'s member menu');
  check((await message(a, 'hello from Bora')).menu && (await message(a, 'welcome, Bora')).menu, 'A, the owner, cannot delete every message');
  check((await message(b, 'hello from Bora')).menu, 'B cannot delete its own message');
  check(!(await message(b, 'welcome, Bora')).menu, 'B can delete A\'s message');

  step('A opens B\'s menu with the keyboard: focus on the first item, arrows move, Escape closes back to the button');
  await menuOfB.focus();
  await a.keyboard.press('Enter');
  const menuA = a.locator('#popup-menu[role="menu"]');
  await waitFor('A\'s member menu', () => menuA.isVisible());
  check(await menuOfB.getAttribute('aria-expanded') === 'true', 'the menu button is not expanded');
  check(await menuOfB.getAttribute('aria-controls') === 'popup-menu', 'the menu button does not control the menu');
  check(JSON.stringify(await menuA.getByRole('menuitem').allTextContents()) === JSON.stringify(['Remove from room', 'Ban from room']),
    `the member menu offers ${await menuA.getByRole('menuitem').allTextContents()}`);
  let at = await focused(a);
  check(at.role === 'menuitem' && at.text === 'Remove from room', `focus is on ${JSON.stringify(at)}`);
  await audit(a, 'the owner\'s member menu');
  await screenshot(a, 'browser-moderation-menu.png');
  await a.keyboard.press('ArrowDown');
  check((await focused(a)).text === 'Ban from room', 'ArrowDown does not move to Ban');
  await a.keyboard.press('ArrowDown');
  check((await focused(a)).text === 'Remove from room', 'ArrowDown does not wrap around');
  await a.keyboard.press('Escape');
  await waitFor('the menu to close', async () => (await menuA.count()) === 0);
  at = await focused(a);
  check(at.label === 'Actions for Bora', `Escape left focus on ${JSON.stringify(at)}`);
  check(await menuOfB.getAttribute('aria-expanded') === 'false', 'the closed menu\'s button is still expanded');

  step('A removes B with Enter: B is back in General, told by whom; A sees "Bora was removed"');
  await a.keyboard.press('ArrowDown'); // opens the menu too
  await waitFor('A\'s member menu again', () => menuA.isVisible());
  await a.keyboard.press('Enter');
  await waitFor('B to be back in General', async () => (await activeRoom(b)) === 'general');
  await waitFor('B\'s notice', async () => (await notices(b)).includes(`${nickA} 님이 나를 #${TITLE} 방에서 내보냈습니다.`));
  await waitFor('A\'s line', async () => (await systemLines(a)).includes('Bora was removed [now 1]'));
  await waitFor('B to leave A\'s member list', async () => JSON.stringify(await memberNicks(a)) === JSON.stringify([nickA]));
  check(await b.locator('#password-dialog').isHidden(), 'B is asked for a password');
  check(await b.locator('#i, #messages i, #room-name i').count() === 0, 'a room title was taken as markup');

  step('a kick is no ban: B enters again and writes twice');
  await enterFromLobby(b, room);
  await waitFor('B to be in the room again', async () => (await activeRoom(b)) === room);
  await waitFor('A to list B again', async () => (await memberNicks(a)).includes('Bora'));
  await sendMessage(b, 'a rude remark');
  await sendMessage(b, 'a typo of mine');
  await waitFor('A to get both', async () => (await message(a, 'a rude remark')) && (await message(a, 'a typo of mine')));

  step('A deletes B\'s remark through its message menu; both see the tombstone');
  const rude = (await message(a, 'a rude remark')).seq;
  await deleteByMenu(a, 'a rude remark', { item: 'Delete message', heading: 'Delete this message?' });
  for (const [name, page, words] of [['A', a, 'This message was deleted'], ['B', b, '삭제된 메시지입니다']]) {
    await waitFor(`${name} to show the tombstone`, async () => {
      const m = (await messages(page)).find((x) => x.seq === rude);
      return m?.deleted && m.text === words && !m.menu;
    });
    check(!(await message(page, 'a rude remark')), `${name} still shows the deleted text`);
  }

  step('B deletes its own typo; both see the tombstone');
  const typo = (await message(b, 'a typo of mine')).seq;
  await deleteByMenu(b, 'a typo of mine', { item: '메시지 삭제', heading: '이 메시지를 삭제할까요?' });
  for (const [name, page] of [['A', a], ['B', b]]) {
    await waitFor(`${name} to show B's typo deleted`, async () => (await messages(page)).find((x) => x.seq === typo)?.deleted);
  }
  await screenshot(a, 'browser-moderation-deleted.png');

  step('B reloads: history brings the tombstones back in place');
  await b.reload();
  await waitFor('B to be back in the room', async () => (await activeRoom(b)) === room && (await message(b, 'hello from Bora')));
  const afterReload = await messages(b);
  for (const seq of [rude, typo]) {
    const m = afterReload.find((x) => x.seq === seq);
    check(m?.deleted && m.text === '삭제된 메시지입니다' && !m.menu, `after the reload seq ${seq} is ${JSON.stringify(m)}`);
  }

  step('A bans B (asked first): B is out, told so; A sees "Bora was banned"');
  await waitFor('A to list B after its reload', async () => (await memberNicks(a)).includes('Bora'));
  await menuOfB.click();
  await waitFor('A\'s member menu', () => menuA.isVisible());
  await menuA.getByRole('menuitem', { name: 'Ban from room' }).click();
  await waitFor('the ban confirmation', () => a.locator('#confirm-dialog').isVisible());
  check(await a.locator('#confirm-heading').textContent() === `Ban Bora from #${TITLE}?`, 'the ban confirmation names someone else');
  await a.locator('#confirm-submit').click();
  await waitFor('B to be back in General', async () => (await activeRoom(b)) === 'general');
  await waitFor('B\'s ban notice', async () => (await notices(b)).includes(`${nickA} 님이 나를 #${TITLE} 방에서 차단했습니다.`));
  await waitFor('A\'s line', async () => (await systemLines(a)).includes('Bora was banned [now 1]'));
  check(await a.locator('#confirm-dialog').isHidden(), 'the confirmation stays open after the ban');

  step('the lobby keeps B out, in words, without asking a password');
  await enterFromLobby(b, room);
  await waitFor('B to be told it is banned', async () => (await b.locator('#toast').isVisible())
    && (await b.locator('#toast-text').textContent()) === `#${TITLE} 방에서 차단되어 들어갈 수 없습니다.`);
  check(await activeRoom(b) === 'general', 'B entered the room it is banned from');
  check(await b.locator('#password-dialog').isHidden(), 'B is asked for a password to a room it is banned from');

  step('B reloads with the room in the address: still out, said once, the join not retried');
  await b.goto(new URL(`#room=${room}`, b.url()).href);
  await b.reload();
  await waitFor('B to be sent to General', async () => (await activeRoom(b)) === 'general'
    && (await notices(b)).includes(`#${TITLE} 방에서 차단되어 들어갈 수 없습니다.`));
  check(await b.locator('#password-dialog').isHidden() && await b.locator('#locked-state').isHidden(),
    'B is asked for a password after the reload');
  check(!(await b.evaluate(() => location.hash)), 'B\'s address still names the room');
  // Something after it in order: B's message in general comes back only after any retry would have gone.
  await sendMessage(b, 'still here in general');
  await waitFor('A to see it', () => a.locator('#rooms [data-room="general"] .room-unread').isVisible());
  check(await joinsOf(b, room) === 1, `B tried to join the room ${await joinsOf(b, room)} times after the reload`);
  await screenshot(b, 'browser-moderation-banned-ko.png');
}

await run('moderation browser test', main, { watchdogMs: 150_000 });
