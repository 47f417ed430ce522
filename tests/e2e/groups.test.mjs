// Consumer groups from the panels: two console consumers in group g1 on my-topic split its three
// partitions; the Kafka browser's group view shows the members, the committed offsets and the
// lag while the automatic producer runs; the rate and lag charts draw non-zero points; stopping
// one member hands every partition to the other. Screenshots in en and ko at 1280×720 and 1920×1080.
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

async function bootCluster(page) {
  await page.waitForSelector('#ff-30s');
  await page.click('#ff-30s');
  await page.waitForSelector('.controller-badge', { timeout: 20000 });
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
}

/** The partitions each card of group `g` holds, as the member believes (empty while rebalancing). */
function assignments(page, g) {
  return page.$$eval(`.consumer-card[data-group="${g}"] .member-assigned`, (dds) => dds.map((d) => d.dataset.partitions));
}

/** Starts a console consumer in group `g` on my-topic from the form. */
async function startMember(page, g) {
  const before = await page.$$eval('.consumer-card', (c) => c.length);
  await page.selectOption('#consumer-program', 'console');
  await page.waitForSelector('#consumer-topic');
  await page.fill('#consumer-topic', 'my-topic');
  await page.fill('#consumer-group', g);
  await page.click('#consumer-start-button');
  await page.waitForFunction((n) => document.querySelectorAll('.consumer-card').length === n + 1, before);
}

/** Two members of g1 hold disjoint parts of {0,1,2} that cover it. */
function splitBetweenTwo(parts) {
  if (parts.length !== 2 || parts.some((p) => p === '')) return false;
  const all = parts.flatMap((p) => p.split(',')).sort();
  return all.join(',') === '0,1,2';
}

test('two panel consumers in a group split my-topic, the browser shows their lag, one stops and the other takes all', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US', viewport: { width: 1280, height: 720 } });
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await bootCluster(page);
  assert.match(await runInTerminal(page, CREATE), /Created topic my-topic\./);

  // The first member gets all three partitions.
  await startMember(page, 'g1');
  assert.match(await page.textContent('#consumer-command'), /kafka-console-consumer --bootstrap-server 127\.0\.0\.1:9091 --topic my-topic --group g1 --from-beginning/);
  await page.waitForFunction(() => document.querySelector('.consumer-card[data-group="g1"] .member-assigned')?.dataset.partitions === '0,1,2', null, { timeout: 20000 });
  const gen1 = Number(await page.getAttribute('.consumer-card[data-group="g1"] .member-gen', 'data-generation'));
  assert.ok(gen1 >= 1, `generation ${gen1}`);
  assert.match(await page.textContent('.consumer-card[data-group="g1"] .member-id'), /^consumer-g1-1-[0-9a-f-]{36}$/);

  // The second joins: a rebalance splits the partitions between them, in a newer generation.
  await startMember(page, 'g1');
  await page.waitForFunction(() => {
    const parts = [...document.querySelectorAll('.consumer-card[data-group="g1"] .member-assigned')].map((d) => d.dataset.partitions);
    if (parts.length !== 2 || parts.some((p) => p === '')) return false;
    return parts.flatMap((p) => p.split(',')).sort().join(',') === '0,1,2';
  }, null, { timeout: 30000 });
  assert.ok(splitBetweenTwo(await assignments(page, 'g1')));
  const gens = await page.$$eval('.consumer-card[data-group="g1"] .member-gen', (g) => g.map((x) => Number(x.dataset.generation)));
  assert.equal(gens[0], gens[1], 'both members are in the same generation');
  assert.ok(gens[0] > gen1, `the rebalance made a new generation (${gen1} → ${gens[0]})`);
  // The first member flashed: it has been rebalanced.
  assert.equal(await page.$$eval('.consumer-card[data-group="g1"] .member-gen.flash', (f) => f.length), 1);
  // The group's header, the partition strip and the rebalance log agree.
  await page.waitForFunction(() => document.querySelector('.consumer-group[data-group="g1"] .group-facts .group-state')?.dataset.state === 'Stable', null, { timeout: 15000 });
  assert.match(await page.textContent('.consumer-group[data-group="g1"] .group-facts'), /members 2/);
  const owners = await page.$$eval('.consumer-group[data-group="g1"] .assign-cell', (c) => c.map((x) => x.dataset.owner));
  assert.equal(owners.length, 3);
  assert.equal(new Set(owners).size, 2, `two owners: ${owners}`);
  const log = await page.$$eval('.consumer-group[data-group="g1"] .group-event', (e) => e.map((x) => x.textContent));
  assert.ok(log.some((l) => /rebalance: gives its partitions back/.test(l)), log.join('\n'));
  assert.ok(log.some((l) => new RegExp(`gets my-topic-\\d.*\\(generation ${gens[0]}\\)`).test(l)), log.join('\n'));

  // The automatic producer: records flow, the members consume, the charts draw them.
  await page.fill('#auto-topic', 'my-topic');
  await page.fill('#auto-rate', '20');
  await page.click('#auto-on');
  await page.waitForSelector('#auto-on[aria-pressed="true"]');
  // Committed offsets and lag per partition on the cards.
  await page.waitForFunction(() => [...document.querySelectorAll('.consumer-card[data-group="g1"] .member-table td.committed')]
    .some((td) => Number(td.textContent) > 0), null, { timeout: 20000 });

  // The Kafka browser's group view: members, committed offsets, log-end offsets, lag.
  await page.click('#tab-kafdrop');
  await page.waitForSelector('#kd-groups tr[data-group="g1"]');
  const row = await page.$$eval('#kd-groups tr[data-group="g1"] > *', (c) => c.map((x) => x.textContent.trim()));
  assert.equal(row[0], 'g1');
  assert.match(row[1], /Stable/);
  assert.equal(row[2], '2');
  await page.click('#kd-groups button[data-group="g1"]');
  await page.waitForSelector('#kd-group-offsets');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'kd-group-back');
  assert.equal(await page.$$eval('#kd-group-members tbody tr', (r) => r.length), 2);
  assert.equal(await page.$$eval('#kd-group-members .kd-badge', (b) => b.length), 1, 'one group leader');
  const heads = await page.$$eval('#kd-group-offsets thead th', (h) => h.map((x) => x.textContent.trim()));
  assert.deepEqual(heads, ['Partition', 'Committed offset', 'Log-end offset', 'Lag', 'Consumer id']);
  // Between two auto-commits the committed offsets trail the log end: the tool's lag.
  await page.waitForFunction(() => [...document.querySelectorAll('#kd-group-offsets td.lag')].some((td) => Number(td.textContent) > 0), null, { timeout: 20000, polling: 'raf' });
  const offsets = await page.$$eval('#kd-group-offsets tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent.trim())));
  assert.equal(offsets.length, 3);
  for (const [tp, committed, end, lag, who] of offsets) {
    assert.match(tp, /^my-topic-[012]$/);
    assert.match(who, /^console-consumer-\d+$/);
    if (/^\d+$/.test(committed) && /^\d+$/.test(lag)) assert.equal(Number(end) - Number(committed), Number(lag));
  }
  assert.match(await page.textContent('#kd-group-summary'), /Stable.*generation \d+.*coordinator \d.*members 2.*assignor range/s);

  // Charts: produce and consume rates above zero; one lag line for g1.
  await page.waitForFunction(() => Number(document.querySelector('#flow-chart svg')?.dataset.peak) >= 10, null, { timeout: 20000 });
  const legend = await page.textContent('#flow-chart .chart-legend');
  assert.match(legend, /produced: \d+ records\/s/);
  assert.match(legend, /consumed \(all consumers\): \d+ records\/s/);
  const points = (await page.getAttribute('#flow-chart .series.s0', 'points')).split(' ');
  assert.ok(points.length > 3, 'a line, not a dot');
  assert.ok(points.some((p) => Number(p.split(',')[1]) < 114), 'a point above the baseline');
  assert.equal(await page.getAttribute('#lag-chart .series.s0', 'data-series'), 'g1');
  assert.match(await page.getAttribute('#lag-chart svg', 'aria-label'), /Consumer lag over time: virtual time \d+ s: g1: \d+ records/);

  const shots = [];
  shots.push(await screenshot(page, 'groups-kafdrop-en-1280x720'));
  await page.setViewportSize({ width: 1920, height: 1080 });
  shots.push(await screenshot(page, 'groups-kafdrop-en-1920x1080'));
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.match(await page.textContent('#kd-group-offsets caption'), /파티션별 오프셋과 랙/);
  assert.match(await page.textContent('.consumer-group[data-group="g1"] .group-title'), /컨슈머 그룹/);
  shots.push(await screenshot(page, 'groups-kafdrop-ko-1920x1080'));
  await page.setViewportSize({ width: 1280, height: 720 });
  shots.push(await screenshot(page, 'groups-kafdrop-ko-1280x720'));
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  // Nothing sticks out of the tab panel.
  const overflow = await page.$eval('.panel.log', (p) => p.scrollWidth - p.clientWidth);
  assert.ok(overflow <= 1, `the tab panel overflows by ${overflow}px`);
  const wide = await page.$$eval('.kd-scroll', (els) => els.map((e) => e.scrollWidth - e.clientWidth));
  assert.ok(wide.every((d) => d <= 1), `a group table is wider than its panel: ${wide}`);

  // Stop the producer, then one member: the other takes every partition in a newer generation.
  await page.click('#auto-on');
  await page.waitForSelector('#auto-on[aria-pressed="false"]');
  const names = await page.$$eval('.consumer-card[data-group="g1"]', (c) => c.map((x) => x.getAttribute('aria-label')));
  await page.click('.consumer-card[data-group="g1"]:nth-of-type(2) .consumer-stop');
  await page.waitForFunction(() => document.querySelectorAll('.consumer-card[data-group="g1"]').length === 1);
  await page.waitForFunction(() => document.querySelector('.consumer-card[data-group="g1"] .member-assigned')?.dataset.partitions === '0,1,2', null, { timeout: 30000 });
  const gen3 = Number(await page.getAttribute('.consumer-card[data-group="g1"] .member-gen', 'data-generation'));
  assert.ok(gen3 > gens[0], `a newer generation after the leave (${gens[0]} → ${gen3})`);
  const after = await page.$$eval('.consumer-group[data-group="g1"] .group-event', (e) => e.map((x) => x.textContent));
  assert.ok(after.some((l) => l.includes(names[1]) && /stopped: commits and leaves the group/.test(l)), after.join('\n'));
  assert.ok(after.some((l) => new RegExp(`gets my-topic-0, my-topic-1, my-topic-2 \\(generation ${gen3}\\)`).test(l)), after.join('\n'));
  await page.waitForFunction(() => document.querySelectorAll('#kd-group-members tbody tr').length === 1, null, { timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#kd-group-offsets td.kd-owner')].every((td) => td.textContent === td.parentElement.parentElement.querySelector('td.kd-owner').textContent), null, { timeout: 15000 });
  shots.push(await screenshot(page, 'groups-after-leave-en-1280x720'));

  assert.equal(await page.$$eval('img', (i) => i.length), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('panels with groups in Korean and English, at both sizes; a hostile group id stays text', async () => {
  for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']]) {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale, viewport: { width: 1280, height: 720 } });
    let dialogs = 0;
    page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
    await bootCluster(page);
    await runInTerminal(page, CREATE);
    await startMember(page, 'g1');
    await startMember(page, 'g1');
    await startMember(page, HOSTILE);
    // A consumer without a group beside them.
    await page.fill('#consumer-group', '');
    await page.click('#consumer-start-button');
    await page.waitForFunction(() => document.querySelectorAll('.consumer-card').length === 4);
    await page.waitForFunction(() => {
      const parts = [...document.querySelectorAll('.consumer-card[data-group="g1"] .member-assigned')].map((d) => d.dataset.partitions);
      return parts.length === 2 && parts.every((p) => p !== '') && parts.flatMap((p) => p.split(',')).sort().join(',') === '0,1,2';
    }, null, { timeout: 30000 });
    await page.waitForFunction((g) => document.querySelector(`.consumer-card[data-group="${CSS.escape(g)}"] .member-assigned`)?.dataset.partitions === '0,1,2', HOSTILE, { timeout: 30000 });
    assert.equal(await page.textContent('.consumer-group:not([data-group="g1"]):not(.standalone) .group-id'), HOSTILE);
    await page.fill('#auto-topic', 'my-topic');
    await page.fill('#auto-rate', '10');
    await page.click('#auto-on');
    await page.waitForTimeout(1500);
    await page.click('#tab-kafdrop');
    await page.waitForSelector('#kd-groups');
    const groups = await page.$$eval('#kd-groups tbody tr', (r) => r.map((x) => x.dataset.group));
    assert.deepEqual(groups.sort(), [HOSTILE, 'g1'].sort());
    await page.click('#kd-groups button[data-group="g1"]');
    await page.waitForSelector('#kd-group-offsets');
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      await screenshot(page, `groups-panels-${lang}-${viewport.width}x${viewport.height}`);
      const overflow = await page.$eval('.panel.clients', (p) => p.scrollWidth - p.clientWidth);
      assert.ok(overflow <= 1, `the clients panel overflows by ${overflow}px`);
    }
    assert.equal(await page.$$eval('img', (i) => i.length), 0);
    assert.equal(dialogs, 0);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
