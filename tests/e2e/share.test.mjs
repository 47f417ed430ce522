// Share links: the whole situation in the URL, reproduced in a fresh browser profile; hostile
// links give a message and the default cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();

async function terminal(page, line) {
  const n = await page.$$eval('.terminal pre', (p) => p.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((k) => document.querySelectorAll('.terminal pre').length > k, n);
}

const zkModes = (page) => page.$$eval('g.host.zookeeper', (gs) => gs.map((g) =>
  `${g.dataset.host}:${[...g.classList].filter((c) => c.startsWith('mode-') || ['running', 'stopped', 'killed', 'paused'].includes(c)).join(',')}`));

test('a share link reproduces the same cluster, chapter, step and language in a fresh profile', async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await page.waitForSelector('#chapter option:nth-child(2)', { state: 'attached' }); // the chapters arrive after the first paint
  const value = await page.$eval('#chapter', (s) => [...s.options].find((o) => o.textContent.startsWith('3.')).value);
  await page.selectOption('#chapter', value);
  await page.click('.step-dot:nth-child(2)');
  await terminal(page, 'zookeeper-shell zookeeper1:2181 create /shared "from the teacher"');
  await page.click('[data-action="kill-zookeeper3"]');
  await page.waitForSelector('g.host.killed[data-host="zookeeper3"]');
  await page.click('#play-pause'); // pause, so both sides compare the same instant
  await page.click('#lang-switch'); // Korean
  const clock = await page.textContent('.clock');
  const modes = await zkModes(page);
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  assert.match(link, /#s=[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 2000, `link is ${link.length} characters`);
  await context.close();

  // A fresh context is a fresh profile: no local storage, nothing shared but the URL.
  const fresh = await openPage(env.browser, link, { locale: 'en-US' });
  const p2 = fresh.page;
  await p2.waitForSelector('.step[data-step="1"]');
  assert.equal(await p2.getAttribute('html', 'lang'), 'ko');
  assert.equal(await p2.textContent('.clock'), clock.replace('virtual time', '가상 시간'));
  assert.deepEqual(await zkModes(p2), modes);
  await p2.click('#tab-zk-tree');
  await p2.click('.znode[data-path="/shared"]');
  assert.equal(await p2.textContent('.zk-data'), 'from the teacher');
  await screenshot(p2, 'share-link-opened');
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

for (const [name, fragment] of [
  ['garbage', '#s=%%%<img src=x onerror=alert(1)>'],
  ['not deflate', '#s=AAAAAAAAAAAA'],
  ['oversized', `#s=${'A'.repeat(70000)}`],
]) {
  test(`a hostile share link (${name}) shows a message and the default cluster`, async () => {
    const { page, context, errors } = await openPage(env.browser, `${env.server.url}${fragment}`, { locale: 'en-US' });
    await page.waitForSelector('.notice');
    assert.match(await page.textContent('.notice'), /cannot be opened/);
    assert.equal(await page.$$eval('g.host', (g) => g.length), 6);
    assert.equal(await page.$$eval('.notice img', (i) => i.length), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
