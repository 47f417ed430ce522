// Tutorials in the page: open a chapter, run its cells by clicking, watch the goals turn green.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();

/** Index of the chapter whose file stem is `id` in the chapter list. */
async function openChapter(page, titlePrefix) {
  await page.waitForSelector('#chapter option:nth-child(2)', { state: 'attached' }); // the chapters arrive after the first paint
  const value = await page.$eval('#chapter', (sel, prefix) =>
    [...sel.options].find((o) => o.textContent.startsWith(prefix))?.value, titlePrefix);
  assert.ok(value !== undefined, `chapter "${titlePrefix}" listed`);
  await page.selectOption('#chapter', value);
  await page.waitForSelector('.step[data-step="0"]');
  // The chapter got its own fresh cluster, booted until every ZooKeeper serves (as the headless
  // runner gives it), so a leader is there before any cell runs.
  assert.equal(await page.$$eval('g.host.zookeeper.mode-leading', (g) => g.length), 1);
}

async function runStep(page) {
  const cells = await page.$$('.step .run-cell');
  for (const b of cells) await b.click();
  if (cells.length) await page.waitForSelector(`.step .cell:nth-of-type(1).ran, .step .cell.ran`);
}

async function goalsMet(page) {
  await page.waitForFunction(() => {
    const goals = [...document.querySelectorAll('.step .goal')];
    return goals.length > 0 && goals.every((g) => g.classList.contains('met'));
  }, null, { timeout: 20000 });
}

for (const [locale, title, shot] of [['ko-KR', '3. 주키퍼 앙상블', 'tutorial-zookeeper-ko'], ['en-US', '3. The ZooKeeper ensemble', 'tutorial-zookeeper-en']]) {
  test(`chapter 3 (${locale}): every step's cells run by clicking and its goals turn green`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale });
    await openChapter(page, title);
    const steps = await page.$$eval('.step-dot', (d) => d.length);
    assert.equal(steps, 5);
    for (let s = 0; s < steps; s++) {
      await page.waitForSelector(`.step[data-step="${s}"]`);
      await runStep(page);
      await goalsMet(page);
      if (s === 2) await screenshot(page, `${shot}-one-down`);
      if (s < steps - 1) await page.click('#next-step');
    }
    // The last step's output shows the recovered tree: what was committed, not what failed.
    const out = await page.$$eval('.step .cell-output', (o) => o.at(-1).textContent);
    assert.match(out, /, one-down, tutorial, zookeeper\]$/);
    await screenshot(page, shot);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a goal turns green when reached with the buttons instead of the cell', async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await openChapter(page, '3. The ZooKeeper ensemble');
  await page.click('.step-dot:nth-child(3)');
  await page.waitForSelector('.step[data-step="2"]');
  assert.equal(await page.$eval('.goal[data-goal="zookeeper3 is stopped"]', (g) => g.classList.contains('met')), false);
  await page.click('[data-action="stop-zookeeper3"]');
  await page.waitForSelector('.goal.met[data-goal="zookeeper3 is stopped"]');
  await context.close();
});

test('progress and position survive a reload (local storage)', async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await openChapter(page, '3. The ZooKeeper ensemble');
  await runStep(page);
  await goalsMet(page);
  await page.click('#next-step');
  await page.reload();
  await page.waitForSelector('.step[data-step="1"]');
  const label = await page.$eval('#chapter', (s) => s.options[s.selectedIndex].textContent);
  assert.match(label, /\(1\/5\)/);
  await context.close();
});

test('chapters are a file fetched after the first paint, and open offline once the page loaded', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.reload();
  await page.waitForSelector('#chapter option:nth-child(2)', { state: 'attached' });
  // Fetched relatively: from the page's own sub-path, never from the host's root.
  assert.ok(fetched.some((p) => p.endsWith('/chapters.json') && p.startsWith(new URL(env.server.url).pathname)), fetched.join(' '));
  await context.setOffline(true);
  await openChapter(page, '3. The ZooKeeper ensemble');
  await runStep(page);
  await goalsMet(page);
  // The other language's chapters came with the same file.
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('#chapter').selectedOptions[0]?.textContent.startsWith('3. 주키퍼 앙상블'));
  await page.waitForSelector('.step[data-step="0"]');
  assert.deepEqual(errors, []);
  await context.setOffline(false);
  await context.close();
});

test('a newcomer on the sandbox page starts chapter 1 with one click (ko and en)', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  const start = await page.waitForSelector('#start-chapter');
  assert.match(await start.textContent(), /^시작하기: 1\. .+ →$/);
  await start.click();
  await page.waitForSelector('.step[data-step="0"]');
  assert.equal(await page.$eval('#chapter', (s) => s.value), '0');
  assert.equal(await page.$('#start-chapter'), null, 'the button is for the sandbox only');
  // Back in the sandbox, in English, the button names the same first chapter.
  await page.selectOption('#chapter', '');
  await page.click('#lang-switch');
  assert.match(await page.textContent('#start-chapter'), /^Start: 1\. .+ →$/);
  assert.deepEqual(errors, []);
  await context.close();
});
