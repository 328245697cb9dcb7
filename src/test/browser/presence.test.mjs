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

/** How many people an English join line names: "Anon-1 joined", "Anon-1 and Anon-2 joined", "Anon-1, Anon-2 and 48 others joined". */
function joinedIn(line) {
  const m = /^(.+) joined \[now \d+\]$/.exec(line);
  if (!m) return 0;
  const many = /^Anon-\d{4}, Anon-\d{4} and (\d+) others?$/.exec(m[1]);
  if (many) return 2 + Number(many[1]);
  if (/^Anon-\d{4} and Anon-\d{4}$/.test(m[1])) return 2;
  return /^Anon-\d{4}$/.test(m[1]) ? 1 : 0;
}

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
  // The last batch may hold one or two names, and then it reads as an ordinary line ("Anon-1
  // joined", "Anon-1 and Anon-2 joined"): the last join line of any kind carries the final count.
  const lastJoinA = (await systemLines(a)).filter((l) => joinedIn(l) > 0).at(-1);
  check(lastJoinA.endsWith(`[now ${total}]`), `A's last join line: ${lastJoinA}`);
  const koJoin = /^유저 (\d+)명 접속 \[현재: (\d+)명\]$/;
  const joinLinesB = (await systemLines(b)).filter((l) => koJoin.test(l));
  check(joinLinesB.length >= 1, `B shows no coalesced join line: ${JSON.stringify((await systemLines(b)).slice(-5))}`);
  const lastJoinB = (await systemLines(b)).filter((l) => koJoin.test(l) || /^새로운 유저 접속: .+ \[현재: \d+명\]$/.test(l)).at(-1);
  check(lastJoinB.endsWith(`[현재: ${total}명]`), `B's last join line: ${lastJoinB}`);
  // Single and coalesced lines together name everyone exactly once (A's own join included).
  const namedA = (await systemLines(a)).reduce((sum, l) => sum + joinedIn(l), 0);
  check(namedA === total, `A's join lines name ${namedA} people, expected ${total}`);
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
