// A join storm and a leave storm in a big room, as two people see them on the page.
//
//   SORI_URL=http://127.0.0.1:PORT/ node presence.test.mjs
//
// Past 100 members the server announces joins and leaves coalesced, one `system` frame per
// 250 ms naming many people (`nicks`). Page A (English) and page B (Korean) watch while the
// script opens and closes dozens of plain WebSockets from inside A's page: each coalesced frame
// must show as one line («Anon-1, Anon-2 and 48 others joined [now M]», «유저 N명 접속 [현재: M명]»),
// and the count and member list must land on the truth. Optional: SORI_SCREENSHOT_DIR.
import { check, openPage, run, screenshot, step, waitFor } from './harness.mjs';

const FILL = 98; // A and B plus these make 100: up to here every join has its own line
const STORM = 50; // then these at once: coalesced

const count = (page) => page.locator('#count').getAttribute('data-count');
const systemLines = (page) => page.locator('#messages .sys').allTextContents();
const memberItems = (page) => page.locator('#member-list .member').count();

async function openChat(context, name) {
  const page = await openPage(context, name);
  await waitFor(`${name} to be welcomed`, () => page.locator('#nick').inputValue());
  return page;
}

/** Opens `n` plain WebSockets from inside `page` and waits for each one's `welcome`. */
function openSockets(page, n) {
  return page.evaluate(async (n) => {
    const url = new URL('chat', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    window.extraSockets ??= [];
    await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onmessage = (e) => {
        if (JSON.parse(e.data).type === 'welcome') resolve();
      };
      ws.onerror = () => reject(new Error('an extra socket failed'));
      window.extraSockets.push(ws);
    })));
  }, n);
}

function closeSockets(page, n) {
  return page.evaluate((n) => window.extraSockets.splice(0, n).forEach((ws) => ws.close()), n);
}

async function main(browser) {
  const contextA = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
  const contextB = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1100, height: 760 } });

  step('A (English) and B (Korean) open the page');
  const a = await openChat(contextA, 'A');
  const b = await openChat(contextB, 'B');
  await waitFor('both to see 2 online', async () => (await count(a)) === '2' && (await count(b)) === '2');

  step(`${FILL} more connections bring general to 100: one line per join`);
  await openSockets(a, FILL);
  await waitFor('A to see 100 online', async () => (await count(a)) === '100');
  const plainJoin = /^Anon-\d{4} joined \[now \d+\]$/;
  const beforeStorm = (await systemLines(a)).filter((l) => plainJoin.test(l)).length;
  check(beforeStorm >= FILL, `A shows ${beforeStorm} single join lines, expected at least ${FILL}`);

  step(`${STORM} at once: past 100 members the joins come coalesced`);
  await openSockets(a, STORM);
  const total = 2 + FILL + STORM;
  await waitFor(`A to see ${total} online`, async () => (await count(a)) === String(total));
  await waitFor(`B to see ${total} online`, async () => (await count(b)) === String(total));
  const coalescedJoin = /^Anon-\d{4}, Anon-\d{4} and (\d+) others? joined \[now (\d+)\]$/;
  const joinLinesA = (await systemLines(a)).filter((l) => coalescedJoin.test(l));
  check(joinLinesA.length >= 1, `A shows no coalesced join line: ${JSON.stringify((await systemLines(a)).slice(-5))}`);
  check(joinLinesA.at(-1).endsWith(`[now ${total}]`), `A's last coalesced line: ${joinLinesA.at(-1)}`);
  const koJoin = /^유저 (\d+)명 접속 \[현재: (\d+)명\]$/;
  const joinLinesB = (await systemLines(b)).filter((l) => koJoin.test(l));
  check(joinLinesB.length >= 1, `B shows no coalesced join line: ${JSON.stringify((await systemLines(b)).slice(-5))}`);
  check(joinLinesB.at(-1) && joinLinesB.at(-1).endsWith(`[현재: ${total}명]`), `B's last coalesced line: ${joinLinesB.at(-1)}`);
  // Each line names several people; together with the single lines they add up to everyone.
  const namedA = joinLinesA.reduce((sum, l) => sum + 2 + Number(coalescedJoin.exec(l)[1]), 0);
  const singlesA = (await systemLines(a)).filter((l) => plainJoin.test(l)).length;
  check(singlesA + namedA === total, `A was told of ${singlesA} single and ${namedA} coalesced joins, expected ${total} in all`);
  await screenshot(a, 'browser-presence-en.png');
  await screenshot(b, 'browser-presence-ko.png');

  step('the member list follows the coalesced frames: everyone once');
  await waitFor(`A's member list to show ${total}`, async () => (await memberItems(a)) === total);
  check(await a.locator('#member-list .member-n').count() === 0, 'someone is listed twice on A');

  step(`${STORM} leave at once: coalesced too`);
  await closeSockets(a, STORM);
  const after = total - STORM;
  await waitFor(`A to see ${after} online`, async () => (await count(a)) === String(after));
  await waitFor(`B to see ${after} online`, async () => (await count(b)) === String(after));
  const coalescedLeave = /^Anon-\d{4}, Anon-\d{4} and \d+ others? left \[now (\d+)\]$/;
  check((await systemLines(a)).some((l) => coalescedLeave.test(l)), 'A shows no coalesced leave line');
  check((await systemLines(b)).some((l) => /^유저 \d+명 연결 해제 \[현재: \d+명\]$/.test(l)), 'B shows no coalesced leave line');
  await waitFor(`A's member list to show ${after}`, async () => (await memberItems(a)) === after);
  await closeSockets(a, FILL);
}

await run('presence browser test', main, { watchdogMs: 120_000 });
