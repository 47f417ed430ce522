// The live cluster in the page: ZooKeeper elects a leader, faults from buttons, the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();

const modes = (page) => page.$$eval('g.host.zookeeper', (gs) => Object.fromEntries(
  gs.map((g) => [g.dataset.host, [...g.classList].find((c) => c.startsWith('mode-'))])));

async function waitForOneLeader(page) {
  await page.waitForFunction(() => {
    const gs = [...document.querySelectorAll('g.host.zookeeper')];
    return gs.filter((g) => g.classList.contains('mode-leading')).length === 1
      && gs.filter((g) => g.classList.contains('mode-following')).length === 2
      && gs.every((g) => g.classList.contains('serving'));
  }, null, { timeout: 20000 });
  const m = await modes(page);
  return Object.keys(m).find((k) => m[k] === 'mode-leading');
}

async function runInTerminal(page, line) {
  const before = await page.$$eval('.terminal pre', (p) => p.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal pre').length > n, before);
  return page.$$eval('.terminal pre', (ps, n) => ps.slice(n).map((p) => p.textContent).join('\n'), before);
}

test('the ensemble elects exactly one leader and the event log explains it', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  const leader = await waitForOneLeader(page);
  assert.ok(['zookeeper1', 'zookeeper2', 'zookeeper3'].includes(leader));
  const log = await page.textContent('.event-log');
  assert.match(log, /election round|vote/i);
  assert.deepEqual(errors, []);
  await context.close();
});

test('killing the leader from its button elects a new one; starting it brings it back as follower', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  const leader = await waitForOneLeader(page);
  await page.click(`[data-action="kill-${leader}"]`);
  await page.waitForSelector(`g.host.killed[data-host="${leader}"]`);
  await page.selectOption('#speed', '20');
  // Two survivors are a majority: a new leader is elected among them.
  await page.waitForFunction((old) => {
    const lead = document.querySelector('g.host.zookeeper.mode-leading');
    return lead && lead.dataset.host !== old;
  }, leader, { timeout: 20000 });
  await screenshot(page, 'leader-killed-ko');
  await page.click(`[data-action="start-${leader}"]`);
  await page.waitForSelector(`g.host.zookeeper.mode-following[data-host="${leader}"]`, { timeout: 20000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the terminal runs zkServer.sh status and zookeeper-shell; a hostile value stays text', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  const leader = await waitForOneLeader(page);
  const status = await runInTerminal(page, `docker exec ${leader} zkServer.sh status`);
  assert.match(status, /Mode: leader/);
  const created = await runInTerminal(page, "zookeeper-shell zookeeper1:2181 create /xss '<img src=x onerror=alert(1)>'");
  assert.match(created, /Created \/xss/);
  const got = await runInTerminal(page, 'zookeeper-shell zookeeper3:2183 get /xss');
  assert.match(got, /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.$$eval('.terminal img', (i) => i.length), 0);
  const bad = await runInTerminal(page, 'frobnicate --now');
  assert.match(bad, /frobnicate/);
  // History: arrow up brings back the last command.
  await page.press('#terminal-input', 'ArrowUp');
  assert.equal(await page.inputValue('#terminal-input'), 'frobnicate --now');
  await screenshot(page, 'terminal-en');
  assert.deepEqual(errors, []);
  await context.close();
});

test('pause stops virtual time; step advances one event', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.click('#play-pause');
  const t1 = await page.textContent('.clock');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('.clock'), t1);
  const events = await page.$$eval('.event-log li', (l) => l.length);
  for (let i = 0; i < 20; i++) await page.click('#step');
  assert.ok(await page.$$eval('.event-log li', (l) => l.length) >= events);
  await context.close();
});

test('the ZooKeeper tree shows each server\'s copy with data and stat', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  await waitForOneLeader(page);
  await runInTerminal(page, 'zookeeper-shell zookeeper1:2181 create /playground "안녕 <b>kafka</b>"');
  await page.click('#tab-zk-tree');
  await page.selectOption('#zk-server', 'zookeeper3');
  await page.click('.znode[data-path="/playground"]');
  assert.equal(await page.textContent('.zk-data'), '안녕 <b>kafka</b>');
  assert.match(await page.textContent('.zk-stat'), /cZxid = 0x[0-9a-f]+\ndataVersion|cZxid = 0x/);
  assert.equal(await page.$$eval('.zk-detail b', (b) => b.length), 0);
  await screenshot(page, 'zk-tree-ko');
  await page.click('[data-action="stop-zookeeper3"]');
  await page.waitForSelector('.zk-browser .empty');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the compose file: a bad one names its line and changes nothing; a good one rebuilds the cluster', async () => {
  const { readFile } = await import('node:fs/promises');
  const annotated = await readFile(new URL('../../core/src/compose/seed-docker-compose-annotated.yml', import.meta.url), 'utf8');
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await waitForOneLeader(page);
  await page.click('#tab-compose');
  const seed = await page.inputValue('#compose-text');
  assert.match(seed, /KAFKA_BROKER_ID: 3/);
  await page.fill('#compose-text', annotated);
  await page.click('#compose-apply');
  await page.waitForSelector('.compose-error');
  assert.match(await page.textContent('.compose-error .line.bad'), /14 \|.*server2=zookeeper2/);
  assert.equal(await page.$$eval('g.host', (g) => g.length), 6);
  await screenshot(page, 'compose-error-en');
  await page.fill('#compose-text', seed.replace('KAFKA_BROKER_ID: 3', 'KAFKA_BROKER_ID: 33'));
  await page.click('#compose-apply');
  await page.waitForSelector('.compose-ok');
  assert.match(await page.textContent('.compose-ok'), /kafdrop/);
  await page.waitForFunction(() => document.querySelector('g.host[data-host="kafka3"] .host-id')?.textContent === 'broker.id 33');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a topic created in the terminal shows its replicas; killing kafka2 moves its leaderships', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  await waitForOneLeader(page);
  await page.waitForSelector('.controller-badge', { timeout: 20000 });
  const created = await runInTerminal(page, 'kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2');
  assert.match(created, /Created topic my-topic\./);
  await page.waitForFunction(() => document.querySelectorAll('.tile').length === 6);
  assert.equal(await page.$$eval('.tile.leader', (t) => t.length), 3);
  await page.selectOption('#speed', '20');
  await page.click('[data-action="kill-kafka2"]');
  // Killed: noticed at session expiry (~18 s virtual); then no leader tile remains on kafka2 and
  // its replicas are out of the ISR (faded).
  await page.waitForFunction(() => {
    const k2 = document.querySelector('g.host[data-host="kafka2"]');
    return k2 && k2.querySelectorAll('.tile.leader').length === 0 && k2.querySelectorAll('.tile.out-of-isr').length > 0;
  }, null, { timeout: 30000 });
  assert.equal(await page.$$eval('.tile.leader', (t) => t.length), 3);
  await screenshot(page, 'kafka2-killed-en');
  const described = await runInTerminal(page, 'kafka-topics --describe --topic my-topic --bootstrap-server kafka1:19091');
  assert.doesNotMatch(described, /Leader: 2\b/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('network faults from buttons: isolating the ZooKeeper leader moves leadership; links cut, slowed and healed show on the picture', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  const leader = await waitForOneLeader(page);
  // Off the network (docker network disconnect): the picture badges it, the others elect anew.
  await page.click(`[data-action="disconnect-${leader}"]`);
  await page.waitForSelector(`g.host.isolated[data-host="${leader}"] .isolated-badge`);
  assert.equal(await page.textContent(`[data-action="connect-${leader}"]`), 'Reconnect');
  await page.selectOption('#speed', '20');
  await page.waitForFunction((old) => {
    const lead = document.querySelector('g.host.zookeeper.mode-leading.serving');
    return lead && lead.dataset.host !== old;
  }, leader, { timeout: 30000 });
  await page.click(`[data-action="connect-${leader}"]`);
  await page.waitForSelector(`g.host.isolated[data-host="${leader}"]`, { state: 'detached' });
  // A link between two brokers: cut (✂), then slowed (300 ms) and lossy, then healed.
  await page.selectOption('#link-a', 'kafka1');
  await page.selectOption('#link-b', 'kafka3');
  await page.click('[data-link-action="cut"]');
  assert.equal(await page.textContent('.link-result'), 'cut kafka1 <-> kafka3');
  await page.waitForSelector('g.link-fault.cut[data-link="kafka1-kafka3"]');
  await page.click('[data-link-action="heal"]');
  await page.waitForSelector('g.link-fault', { state: 'detached' });
  await page.click('[data-link-action="delay"]');
  await page.waitForFunction(() => document.querySelector('g.link-fault.degraded')?.textContent.includes('300 ms'));
  await page.click('[data-link-action="loss"]');
  await page.waitForFunction(() => document.querySelector('g.link-fault.degraded')?.textContent.includes('300 ms 30%'));
  await screenshot(page, 'network-faults-en');
  // The same host twice is the tool's error, shown next to the buttons; nothing changes.
  await page.selectOption('#link-b', 'kafka1');
  await page.click('[data-link-action="cut"]');
  assert.ok(await page.$('.link-result.error'));
  assert.equal(await page.$$eval('g.link-fault.cut', (g) => g.length), 0);
  await page.click('[data-link-action="heal-all"]');
  await page.waitForSelector('g.link-fault', { state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an event-log entry points at its host in the picture (click, keyboard), and at its other entries', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR' });
  await waitForOneLeader(page);
  const entry = await page.waitForSelector('.event-log li[data-host="kafka2"] .event-host');
  assert.match(await entry.getAttribute('title'), /^클러스터 그림에서 보기: kafka2$/);
  await entry.click();
  await page.waitForSelector('g.host.pointed[data-host="kafka2"]');
  assert.equal(await page.$$eval('g.host.pointed', (g) => g.length), 1);
  // Every entry of kafka2 is marked; no other.
  const marked = await page.$$eval('.event-log li.pointed', (li) => [...new Set(li.map((x) => x.dataset.host))]);
  assert.deepEqual(marked, ['kafka2']);
  // Another host's entry, from the keyboard, moves the pointer; pressing it again stops pointing.
  const other = await page.$('.event-log li[data-host^="zookeeper"] .event-host');
  const host = await other.textContent();
  await other.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`g.host.pointed[data-host="${host.trim()}"]`);
  assert.equal(await page.$('g.host.pointed[data-host="kafka2"]'), null);
  await screenshot(page, 'event-log-points-ko');
  await page.click(`.event-log li[data-host="${host.trim()}"] .event-host[aria-pressed="true"]`);
  await page.waitForSelector('g.host.pointed', { state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
