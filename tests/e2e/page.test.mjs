// The built page in real Chromium: hosts drawn, language switch, screenshots in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const HOSTS = ['zookeeper1', 'zookeeper2', 'zookeeper3', 'kafka1', 'kafka2', 'kafka3'];
const env = withBrowser();

async function hostNames(page) {
  await page.waitForSelector('g.host', { timeout: 15000 });
  return page.$$eval('g.host', (gs) => gs.map((g) => g.getAttribute('data-host')));
}

test('English browser: the six hosts of the seed appear, in English', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  assert.deepEqual(await hostNames(page), HOSTS);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const text = await page.textContent('body');
  assert.match(text, /ZooKeeper ensemble/);
  for (const addr of ['zookeeper1:2181', 'kafka2:19092', '127.0.0.1:9093']) assert.ok(text.includes(addr), addr);
  await screenshot(page, 'cluster-en');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Korean browser: the page starts in Korean and Hangul renders', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  assert.deepEqual(await hostNames(page), HOSTS);
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.match(await page.textContent('body'), /주키퍼 앙상블/);
  // Hangul must render with real glyphs: a CJK font gives the label a width like Latin text's, not tofu.
  const width = await page.$eval('.row-label', (el) => el.getBBox().width);
  assert.ok(width > 40, `Korean label is ${width}px wide`);
  await screenshot(page, 'cluster-ko');
  assert.deepEqual(errors, []);
  await context.close();
});

// The page's fixed words (the clock and the event log, whose host names are buttons, change by
// themselves as time runs).
const labels = (page) => page.$$eval('h1, h2, .row-label, .host-status, button:not(.event-host), .legend-item, label',
  (els) => els.map((e) => e.textContent.trim()).join('|'));

test('the language switch changes every label and back', async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await hostNames(page);
  const en = await labels(page);
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  const ko = await labels(page);
  assert.match(ko, /카프카 브로커/);
  assert.doesNotMatch(ko, /Kafka brokers|ZooKeeper ensemble|running|Pause|Stop|Terminal/);
  await page.keyboard.press('Tab'); // the switch is reachable and usable by keyboard
  await page.focus('#lang-switch');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await labels(page), en);
  await context.close();
});
