// Producer and consumer panels, and the Kafka browser's messages view: a value typed into the
// producer.py form lands at a partition and offset, reaches the consumer panels and is found in
// the leader's log, always as text (an HTML-injection value never becomes markup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();
const CREATE = 'kafka-topics --create --topic test --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 2';
const HOSTILE = '<img src=x onerror=alert(1)>';

async function runInTerminal(page, line) {
  const before = await page.$$eval('.terminal pre', (p) => p.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal pre').length > n, before);
  return page.$$eval('.terminal pre', (ps, n) => ps.slice(n).map((p) => p.textContent).join('\n'), before);
}

async function bootCluster(page) {
  await page.waitForSelector('#ff-30s');
  await page.click('#ff-30s');
  await page.waitForSelector('.controller-badge', { timeout: 20000 });
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
}

test('producer.py form → consumer panels → messages view, all as text; screenshots in en and ko', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US', viewport: { width: 1280, height: 720 } });
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await bootCluster(page);
  assert.match(await runInTerminal(page, CREATE), /Created topic test\./);

  // Two consumers side by side: consumer.py and a console consumer from the beginning.
  await page.click('#consumer-start-button');
  await page.selectOption('#consumer-program', 'console');
  await page.waitForSelector('#consumer-topic');
  await page.click('#consumer-start-button');
  await page.waitForFunction(() => document.querySelectorAll('.consumer-card').length === 2);
  const names = await page.$$eval('.consumer-name', (n) => n.map((x) => x.textContent));
  assert.match(names[0], /^python-consumer-\d+$/);
  assert.match(names[1], /^console-consumer-\d+$/);
  // Each knows the three partitions of `test`, at position 0 with no lag, once it has reset.
  await page.waitForFunction(() => [...document.querySelectorAll('.consumer-card')].every((c) =>
    c.querySelectorAll('.lag-table tbody tr').length === 3
    && [...c.querySelectorAll('.lag-table td.lag')].every((td) => td.textContent === '0')), null, { timeout: 15000 });

  // producer.py: key k, the hostile value.
  await page.fill('#py-key', 'k');
  await page.fill('#py-value', HOSTILE);
  await page.click('#py-send');
  const sent = await page.waitForSelector('#sent-list .sent-ok[data-offset]', { timeout: 15000 });
  const partition = await sent.getAttribute('data-partition');
  const offset = await sent.getAttribute('data-offset');
  assert.equal(offset, '0', 'the first record of its partition');
  assert.equal(await page.textContent('#sent-list .sent-line'), `Message sent: {'k': '${HOSTILE}'}`);

  // Both consumers receive it at that partition and offset, shown as text.
  const sel = `.consumed-record[data-partition="${partition}"][data-offset="${offset}"] .rec-value`;
  await page.waitForFunction((s) => document.querySelectorAll(s).length === 2, sel, { timeout: 15000 });
  const values = await page.$$eval(sel, (v) => v.map((x) => x.textContent));
  assert.deepEqual(values, [`{'k': '${HOSTILE}'}`, `{"k": "${HOSTILE}"}`]);
  // The lag went back to zero and the position moved on.
  await page.waitForFunction((p) => [...document.querySelectorAll(`.consumer-card .lag-table tr[data-partition="${p}"]`)]
    .every((r) => r.children[1].textContent === '1' && r.children[2].textContent === '1' && r.children[3].textContent === '0'), partition);

  // The console producer: a keyed record with acks=all.
  await page.fill('#cp-key', 'user-1');
  await page.fill('#cp-value', 'hello');
  await page.selectOption('#cp-acks', '-1');
  await page.click('#cp-send');
  await page.waitForFunction(() => document.querySelectorAll('#sent-list .sent-ok[data-offset]').length === 2, null, { timeout: 15000 });
  assert.match(await page.textContent('#sent-list .sent-line'), /^>user-1\thello {2}\(acks=all\)$/);
  await page.waitForFunction(() => [...document.querySelectorAll('.consumer-card')][1]
    ?.querySelector('.consumed-record .rec-key')?.textContent === 'user-1', null, { timeout: 15000 });
  // consumer.py cannot decode a non-JSON value: the panel says so.
  await page.waitForFunction(() => document.querySelector('.consumer-card .rec-warn'), null, { timeout: 15000 });

  // Kafka browser: the partition's offsets, then its messages with the record.
  await page.click('#tab-kafdrop');
  await page.click('#kd-topics button[data-topic="test"]');
  await page.waitForSelector('#kd-partitions');
  const heads = await page.$$eval('#kd-partitions thead th', (h) => h.map((x) => x.textContent.trim()));
  assert.deepEqual(heads.slice(6), ['Start', 'End', 'HW']);
  assert.deepEqual(await page.$$eval('#kd-partitions thead th abbr', (a) => a.slice(-3).map((x) => x.title)), ['Log start', 'End offset', 'High watermark']);
  const row = await page.$$eval(`#kd-partitions tr[data-partition="${partition}"] td`, (c) => c.map((x) => x.textContent.trim()));
  // Both records sent so far may share the partition (the keyless one's is the seed's choice).
  const here = await page.$$eval(`#sent-list .sent-ok[data-partition="${partition}"]`, (s) => s.length);
  assert.deepEqual(row.slice(6, 9), ['0', String(here), String(here)]);
  await page.click(`#kd-partitions button[data-partition="${partition}"]`);
  await page.waitForSelector('#kd-messages');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'kd-messages-back');
  const msg = await page.$$eval(`#kd-messages tr[data-offset="${offset}"] > *`, (c) => c.map((x) => x.textContent.trim()));
  assert.equal(msg[0], offset);
  assert.match(msg[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(msg[2], 'null', 'producer.py sends without a key');
  assert.equal(msg[3], `{"k": "${HOSTILE}"}`);
  assert.match(msg[4], /^\d+$/);
  assert.match(await page.textContent('#kd-messages-summary'), new RegExp(`High watermark ${here}`));

  // Never HTML: no image element anywhere, no alert.
  assert.equal(await page.$$eval('img', (i) => i.length), 0);
  assert.equal(dialogs, 0);

  // The automatic producer at 20 messages/s: counts grow, consumers follow.
  await page.fill('#auto-rate', '20');
  await page.click('#auto-on');
  await page.waitForSelector('#auto-on[aria-pressed="true"]');
  assert.equal(await page.inputValue('#auto-rate'), '20', 'a typed field survives the redraws');
  await page.waitForFunction(() => /acknowledged ([1-9]\d+)/.test(document.querySelector('#auto-status')?.textContent ?? ''), null, { timeout: 15000 });
  await page.waitForSelector('.dot.records', { timeout: 15000 });
  // 20 messages/s: consecutive auto records are 50 ms apart in virtual time.
  await page.click('#auto-on');
  await page.waitForSelector('#auto-on[aria-pressed="false"]');
  await page.click('#kd-latest').catch(() => {});

  await screenshot(page, 'panels-en-1280x720');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'panels-en-1920x1080');
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.match(await page.textContent('.consumers-panel h2'), /컨슈머/);
  await screenshot(page, 'panels-ko-1920x1080');
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, 'panels-ko-1280x720');

  // Stop: the panel goes away.
  await page.click('.consumer-card .consumer-stop');
  await page.waitForFunction(() => document.querySelectorAll('.consumer-card').length === 1);

  assert.deepEqual(errors, []);
  await context.close();
});
