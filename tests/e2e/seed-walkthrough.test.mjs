// The seed tutorial's whole walkthrough, as a newcomer does it in the sandbox with the mouse and
// the terminals: the compose project is up, a shell in kafka2 creates and describes my-topic
// (3 partitions, RF 2), the Kafka browser (the page's Kafdrop) lists it, consumer.py and
// producer.py run side by side; then the leader of a my-topic partition is killed from its
// button (leaders move, the ISR shrinks) and started again (the ISR grows back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  withBrowser, openPage, screenshot, termType, termScreen, termPrompt, waitTermScreen,
} from './harness.mjs';

const env = withBrowser();
const CREATE = 'kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2';
const DESCRIBE = 'kafka-topics --describe --topic my-topic --bootstrap-server kafka2:19092';

/** my-topic's tiles in the cluster view: { 'my-topic-0': { kafka1: 'leader', … }, … }. */
const tiles = (page) => page.$$eval('g.host .tile', (ts) => {
  const out = {};
  for (const t of ts) {
    const name = t.dataset.replica;
    if (!name.startsWith('my-topic-')) continue;
    const state = [...t.classList].find((c) => c !== 'tile');
    (out[name] ??= {})[t.closest('g.host').dataset.host] = state;
  }
  return out;
});

/** Screenshots of the page in both languages (and, for the last stage, the wide screen too). */
async function shots(page, stage, { wide = false } = {}) {
  for (const lang of ['ko', 'en']) {
    if (await page.evaluate(() => document.documentElement.lang) !== lang) {
      await page.click('#lang-switch');
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    }
    await screenshot(page, `seed-walkthrough-${stage}-${lang}`);
    if (wide) {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, `seed-walkthrough-${stage}-${lang}-1920`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }
}

test('the seed walkthrough: compose up, my-topic from a kafka2 shell, consumer.py and producer.py side by side, a broker killed and healed', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });

  // The page starts the compose project by itself; +30 s lets the brokers register and elect
  // a controller without waiting.
  await page.click('#ff-30s');
  await page.waitForSelector('.controller-badge', { timeout: 30000 });
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
  await termType(page, 1, 'docker-compose up -d');
  await waitTermScreen(page, 1, /Container kafka3 {2}Running/);

  // "Connect to the kafka2 container and run kafka-topics from /usr/bin."
  await termType(page, 1, 'docker exec -it kafka2 bash');
  assert.equal(await termPrompt(page, 1), '[appuser@kafka2 ~]$');
  await termType(page, 1, 'cd /usr/bin');
  assert.equal(await termPrompt(page, 1), '[appuser@kafka2 bin]$');
  await termType(page, 1, CREATE);
  await waitTermScreen(page, 1, /Created topic my-topic\./);
  await termType(page, 1, DESCRIBE);
  await waitTermScreen(page, 1, /PartitionCount: 3\tReplicationFactor: 2/);
  const described = await termScreen(page, 1);
  assert.match(described, /\[appuser@kafka2 bin\]\$ kafka-topics --describe/);
  assert.equal((described.match(/\tTopic: my-topic\tPartition: \d\tLeader: \d\tReplicas: \d,\d\tIsr: \d,\d/g) ?? []).length, 3);
  await termType(page, 1, 'exit');
  assert.equal(await termPrompt(page, 1), '$');

  // The cluster view: six replica tiles, one leader per partition.
  await page.waitForFunction(() => document.querySelectorAll('.tile[data-replica^="my-topic-"]').length === 6);
  const placed = await tiles(page);
  for (const p of ['my-topic-0', 'my-topic-1', 'my-topic-2']) {
    assert.deepEqual(Object.values(placed[p]).sort(), ['follower', 'leader'], p);
  }
  // The Kafka browser (Kafdrop's place): my-topic, 3 partitions, RF 2, nothing under-replicated.
  await page.click('#tab-kafdrop');
  await page.click('#kd-topics button[data-topic="my-topic"]');
  await page.waitForSelector('#kd-partitions');
  assert.equal(await page.$$eval('#kd-partitions tbody tr', (r) => r.length), 3);
  assert.equal(await page.$$eval('#kd-partitions tr.under', (r) => r.length), 0);

  // consumer.py in terminal 2, producer.py in terminal 3, side by side.
  await page.click('#new-terminal');
  await page.click('#new-terminal');
  await page.waitForSelector('#terminal-input-3');
  await termType(page, 2, 'python consumer.py');
  await waitTermScreen(page, 2, /Topic default: test/);
  await termType(page, 3, 'python producer.py');
  assert.equal(await termPrompt(page, 3), 'key: (quit -> q)');
  await termType(page, 3, 'hello');
  await termType(page, 3, 'kafka');
  await waitTermScreen(page, 3, /Message sent: \{'hello': 'kafka'\}/);
  await waitTermScreen(page, 2, /Received message: \{'hello': 'kafka'\} at offset 0/);
  await shots(page, 'running', { wide: true });

  // Kill the leader of my-topic-0 from its button.
  const leader = Object.entries(placed['my-topic-0']).find(([, s]) => s === 'leader')[0];
  await page.click(`[data-action="kill-${leader}"]`);
  await page.waitForSelector(`g.host.killed[data-host="${leader}"]`);
  await page.waitForSelector(`.host-row.killed [data-action="start-${leader}"]:not([disabled])`);
  await page.selectOption('#speed', '20');
  // ZooKeeper notices at session expiry; the controller moves the leaderships away and shrinks
  // the ISRs: the dead broker's tiles fade, every partition still has a leader elsewhere.
  await page.waitForFunction((dead) => {
    const k = document.querySelector(`g.host[data-host="${dead}"]`);
    return k && k.querySelectorAll('.tile.leader').length === 0
      && k.querySelectorAll('.tile.out-of-isr').length === 2;
  }, leader, { timeout: 40000 });
  await page.selectOption('#speed', '1');
  const moved = await tiles(page);
  for (const p of ['my-topic-0', 'my-topic-1', 'my-topic-2']) {
    const l = Object.entries(moved[p]).find(([, s]) => s === 'leader');
    assert.ok(l && l[0] !== leader, `${p} has a live leader`);
  }
  assert.equal(await page.$$eval('#kd-partitions tr.under', (r) => r.length), 2);
  await termType(page, 1, 'kafka-topics --describe --topic my-topic --under-replicated-partitions --bootstrap-server 127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9091');
  await waitTermScreen(page, 1, /Partition: \d\tLeader: \d\tReplicas: \d,\d\tIsr: \d\n[^]*Partition: \d\tLeader: \d\tReplicas: \d,\d\tIsr: \d$/);
  await shots(page, 'killed', { wide: true });

  // Start it again: it catches up and rejoins the ISR of its two partitions.
  await page.click(`[data-action="start-${leader}"]`);
  await page.selectOption('#speed', '20');
  await page.waitForFunction(() => document.querySelectorAll('.tile[data-replica^="my-topic-"].out-of-isr').length === 0
    && document.querySelectorAll('#kd-partitions tr.under').length === 0, null, { timeout: 40000 });
  await page.selectOption('#speed', '1');
  await termType(page, 1, DESCRIBE);
  await waitTermScreen(page, 1, /(Isr: \d,\d[^]*){3}$/);
  // The consumer still runs: what the producer sends now still arrives.
  await termType(page, 3, 'after');
  await termType(page, 3, 'healing');
  await waitTermScreen(page, 2, /Received message: \{'after': 'healing'\} at offset 1/);
  await shots(page, 'healed', { wide: true });
  assert.deepEqual(errors, []);
  await context.close();
});
