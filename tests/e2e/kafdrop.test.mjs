// The Kafka browser tab (Kafdrop-like), fast-forward with its progress bar, and the ISR chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();
const CREATE = 'kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2';
const HOSTILE = '<img src=x onerror=alert(1)>';

async function runInTerminal(page, line) {
  const before = await page.$$eval('.terminal pre', (p) => p.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal pre').length > n, before);
  return page.$$eval('.terminal pre', (ps, n) => ps.slice(n).map((p) => p.textContent).join('\n'), before);
}

/** Fast-forwards with a button; the progress bar must show, move, and go away at the end. */
async function fastForward(page, id, seconds) {
  await page.click(`#${id}`);
  // Read the bar in the same instant it is seen (a fast-forward lasts well under a second).
  const bar = await (await page.waitForFunction(() => {
    const b = document.querySelector('#ff-bar');
    return b && { max: b.getAttribute('max'), text: document.querySelector('.ff-text').textContent };
  }, null, { timeout: 5000, polling: 'raf' })).jsonValue();
  assert.equal(bar.max, String(seconds * 1000));
  assert.match(bar.text, new RegExp(`/ ${seconds} s`));
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
}

/** Boots the cluster quickly: fast-forward until a controller is elected. */
async function bootCluster(page) {
  await page.waitForSelector('#ff-30s');
  await fastForward(page, 'ff-30s', 30);
  await page.waitForSelector('.controller-badge', { timeout: 20000 });
}

test('Kafka browser: brokers, my-topic with leaders; kill kafka2, fast-forward 30 s, under-replicated', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await bootCluster(page);
  assert.match(await runInTerminal(page, CREATE), /Created topic my-topic\./);

  await page.click('#tab-kafdrop');
  assert.equal(await page.getAttribute('#tab-kafdrop', 'aria-selected'), 'true');
  // Brokers: one row each, every listener's host:port, exactly one controller.
  await page.waitForSelector('#kd-brokers');
  assert.deepEqual(await page.$$eval('#kd-brokers tbody tr', (r) => r.map((x) => x.dataset.broker)), ['kafka1', 'kafka2', 'kafka3']);
  const brokers = await page.textContent('#kd-brokers');
  for (const a of ['kafka1:19091', 'kafka2:19092', '127.0.0.1:9093', 'INTERNAL', 'EXTERNAL']) assert.ok(brokers.includes(a), a);
  assert.equal(await page.getAttribute('#kd-brokers tr[data-broker="kafka1"] .kd-listener-name', 'aria-label'), 'LISTENER_DOCKER_INTERNAL');
  assert.equal(await page.$$eval('#kd-brokers .kd-badge.controller', (b) => b.length), 1);
  // Topics: my-topic, 3 partitions, replication factor 2, all healthy.
  const row = await page.$$eval('#kd-topics tr[data-topic="my-topic"] > *', (c) => c.map((x) => x.textContent.trim()));
  assert.deepEqual(row, ['my-topic', '3', '2', '0', '0', 'no']);

  // Into the topic (keyboard: the link is a real button; the focus lands on the way back).
  await page.focus('#kd-topics button[data-topic="my-topic"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#kd-partitions');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'kd-back');
  const leaders = await page.$$eval('#kd-partitions tbody tr', (rs) => rs.map((r) => r.children[1].textContent.trim()));
  assert.equal(leaders.length, 3);
  for (const l of leaders) assert.match(l, /^[123]$/);
  assert.equal(await page.$$eval('#kd-partitions tr.under', (r) => r.length), 0);
  await screenshot(page, 'kafdrop-topic-en');

  // Kill kafka2 from its button, then 30 s of virtual time in slices with a progress bar.
  await page.click('[data-action="kill-kafka2"]');
  await fastForward(page, 'ff-30s', 30);
  await page.waitForFunction(() => document.querySelectorAll('#kd-partitions tr.under').length > 0, null, { timeout: 10000 });
  const rows = await page.$$eval('#kd-partitions tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent.trim())));
  for (const [, leader, replicas, isr, , under] of rows) {
    assert.notEqual(leader, '2', 'kafka2 leads nothing once dead');
    assert.doesNotMatch(isr, /\b2\b/, 'kafka2 left every ISR');
    assert.equal(under.endsWith('yes'), replicas.split(', ').length > isr.split(', ').length);
  }
  // The chart saw it: the under-replicated series is above zero now.
  assert.match(await page.textContent('.chart-legend'), /under-replicated partitions: [1-9]/);
  assert.ok((await page.getAttribute('.series.under', 'points')).split(' ').length > 30);
  await screenshot(page, 'kafdrop-under-replicated-en');

  // Back to the list: the topic's row counts them; kafka2 shows as killed and unregistered.
  await page.click('#kd-back');
  const under = await page.textContent('#kd-topics tr[data-topic="my-topic"] > :nth-child(4)');
  assert.match(under, /[1-9]/);
  assert.match(await page.textContent('#kd-brokers tr[data-broker="kafka2"]'), /killed.*unregistered/s);
  assert.deepEqual(errors, []);
  await context.close();
});

test('fast-forward can be cancelled and the clock goes on from there', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  await page.click('#play-pause'); // paused: only the fast-forward moves time
  await page.click('#ff-1min');
  // Press Cancel in the very frame the bar is seen, so the race with the end is never lost.
  const label = await (await page.waitForFunction(() => {
    const cancel = document.querySelector('#ff-cancel');
    if (!cancel) return false;
    const text = document.querySelector('.ff-progress').textContent;
    cancel.click();
    return text;
  }, null, { polling: 'raf' })).jsonValue();
  assert.match(label, /빨리 감는 중/);
  await page.waitForSelector('#ff-bar', { state: 'detached' });
  const clock = await page.textContent('.clock');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('.clock'), clock, 'paused clock stays put after the cancel');
  assert.doesNotMatch(clock, /1:00\.000/);
  // The keyboard does the same: f fast-forwards 10 s, Escape cancels.
  await page.keyboard.press('f');
  await page.waitForSelector('#ff-bar', { polling: 'raf' });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#ff-bar', { state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('hostile topic names stay text: kafka-topics refuses one; a znode-made one is listed as text', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await bootCluster(page);
  const out = await runInTerminal(page, `kafka-topics --create --topic '${HOSTILE}' --bootstrap-server kafka2:19092 --partitions 1 --replication-factor 1`);
  assert.ok(out.includes(`Topic name "${HOSTILE}" is illegal`), out);
  // Written straight into ZooKeeper, as an old admin tool would: the controller creates it.
  const made = await runInTerminal(page, `zookeeper-shell zookeeper1:2181 create '/brokers/topics/${HOSTILE}' '{"version":2,"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{}}'`);
  await page.click('#tab-kafdrop');
  await page.waitForSelector('#kd-topics, .kd-empty');
  if (/Created/.test(made)) {
    await page.waitForSelector('#kd-topics tr[data-topic]');
    const names = await page.$$eval('#kd-topics .kd-link', (b) => b.map((x) => x.textContent));
    assert.ok(names.includes(HOSTILE), names.join());
    await page.click('#kd-topics .kd-link');
    assert.equal(await page.textContent('.kd-topic-name'), HOSTILE);
  }
  assert.equal(await page.$$eval('img', (i) => i.length), 0);
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  await screenshot(page, 'kafdrop-hostile-en');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']]) {
  for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    test(`screenshots of the Kafka browser, ${lang} ${viewport.width}×${viewport.height}`, async () => {
      const { page, context, errors } = await openPage(env.browser, env.server.url, { locale, viewport });
      await bootCluster(page);
      await runInTerminal(page, CREATE);
      await page.click('#tab-kafdrop');
      await page.waitForSelector('#kd-topics');
      // Nothing in the browser may stick out of its panel.
      const overflow = await page.$eval('.panel.log', (p) => p.scrollWidth - p.clientWidth);
      assert.ok(overflow <= 1, `the tab panel overflows by ${overflow}px`);
      const tables = await page.$$eval('.kd-scroll', (els) => els.map((e) => e.scrollWidth - e.clientWidth));
      assert.ok(tables.every((d) => d <= 1), `a table is wider than its panel: ${tables}`);
      const size = `${viewport.width}x${viewport.height}`;
      await screenshot(page, `kafdrop-topics-${lang}-${size}`);
      await page.click('[data-action="kill-kafka2"]');
      await page.click('#ff-1min');
      await page.waitForSelector('#ff-bar');
      await screenshot(page, `fast-forward-${lang}-${size}`);
      await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
      await page.click('#kd-topics button[data-topic="my-topic"]');
      await page.waitForSelector('#kd-partitions tr.under');
      const wide = await page.$$eval('.kd-scroll', (els) => els.map((e) => e.scrollWidth - e.clientWidth));
      assert.ok(wide.every((d) => d <= 1), `the partitions table is wider than its panel: ${wide}`);
      await screenshot(page, `kafdrop-partitions-${lang}-${size}`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}

test('Kafka browser: "New topic" creates a topic as Kafdrop does; the brokers refuse what Kafka refuses', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  await bootCluster(page);
  await page.click('#tab-kafdrop');
  await page.click('#kd-new-topic');
  // The seed's example, typed into the form (3 partitions and replication factor 2 are prefilled).
  await page.fill('#kd-new-name', 'my-topic');
  await page.click('#kd-new-create');
  assert.equal(await (await page.waitForSelector('.kd-new-result.ok')).textContent(), 'Created topic my-topic.');
  const row = await page.waitForSelector('#kd-topics tr[data-topic="my-topic"]');
  assert.deepEqual(await row.$$eval('td.num', (c) => c.map((x) => x.textContent.trim())), ['3', '2', '0', '0']);
  // Its partitions have leaders and two replicas each, as the cluster picture shows them.
  await page.click('#kd-topics button[data-topic="my-topic"]');
  const replicas = await page.$$eval('#kd-partitions tbody tr', (rows) => rows.map((r) => r.children[2].textContent));
  assert.equal(replicas.length, 3);
  for (const r of replicas) assert.match(r, /^\d, \d$/);
  await page.click('text=← 전체 토픽');
  await page.click('#kd-new-topic');
  // The same name again: the brokers' TopicExistsException; more replicas than brokers: refused.
  await page.fill('#kd-new-name', 'my-topic');
  await page.click('#kd-new-create');
  assert.match(await (await page.waitForSelector('.kd-new-result.error')).textContent(), /Topic 'my-topic' already exists/);
  await page.fill('#kd-new-name', 'orders');
  await page.fill('#kd-new-replication', '4');
  await page.click('#kd-new-create');
  await page.waitForFunction(() => /larger than available brokers: 3/.test(document.querySelector('.kd-new-result.error')?.textContent));
  // A hostile name never reaches a command line: Kafka's own message for an illegal name.
  await page.fill('#kd-new-name', `${HOSTILE}; docker compose kill kafka1`);
  await page.click('#kd-new-create');
  await page.waitForFunction(() => /is illegal/.test(document.querySelector('.kd-new-result.error')?.textContent));
  assert.equal(await page.inputValue('#kd-new-replication'), '4', 'what was typed stays through the redraws');
  assert.equal(await page.$('img[src=x]'), null);
  assert.deepEqual(await page.$$eval('#kd-topics tbody tr', (r) => r.map((x) => x.dataset.topic).filter((t) => !t.startsWith('__'))), ['my-topic']);
  assert.ok(await page.$('g.host[data-host="kafka1"].running'), 'kafka1 still runs');
  await screenshot(page, 'kafdrop-new-topic-ko');
  assert.deepEqual(errors, []);
  await context.close();
});
