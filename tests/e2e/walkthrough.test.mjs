// A newcomer's walk through chapters 1–11 in English, in one fresh browser profile: open each
// chapter from the list, read step by step, click every Run button, do what the prose asks on the
// page (the Kafka browser's tables in chapter 5, the terminal in chapter 8's hint), and check that
// every goal turns green, that what the prose says you will see is what the page shows, and that
// the chapter list counts each finished chapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  withBrowser, openPage, screenshot, openChapter, runCells, goalsMet, stepOutputs, chapterList,
  runInTerminal,
} from './harness.mjs';

const env = withBrowser();
const B = '--bootstrap-server 127.0.0.1:9091';

/** The Kafka browser's row for `topic` as its cells read. */
const topicRow = (page, topic) => page.$$eval(`#kd-topics tr[data-topic="${topic}"] > *`, (c) => c.map((x) => x.textContent.trim()));

/** Every line of the event log. */
const eventLog = (page) => page.$$eval('.event-log li', (l) => l.map((x) => x.textContent).join('\n'));

/** The chapter list, the chapter title, the step and the cells stay inside the tutorial panel. */
async function fitsThePanel(page) {
  const over = await page.evaluate(() => {
    const right = document.querySelector('.tut').getBoundingClientRect().right;
    return ['#chapter', '.step', '.step-nav', '#next-step', '.cell']
      .filter((s) => document.querySelector(s) && document.querySelector(s).getBoundingClientRect().right > right + 0.5);
  });
  assert.deepEqual(over, [], 'nothing sticks out of the tutorial panel');
}

// Per chapter: its title in the list, its step count, and what the student checks or does after
// each step's cells ran and its goals turned green (`out` = the step's cell outputs).
const CHAPTERS = [
  ['1. What Kafka is', 2, {
    0: async (page, out) => assert.match(out, /kafka3 +confluentinc\/cp-kafka:7\.0\.0 +kafka3 +Up/),
  }],
  ['2. The cluster from docker-compose', 7, {
    1: async (page, out) => assert.match(out, /Client port found: 2182\.[^\n]*\nMode: leader/),
    3: async (page, out) => assert.ok(out.includes('"brokerid":1'), out),
    // Who wins this election depends on who starts first (the prose says so): one leader, either way.
    5: async (page, out) => {
      const mode = out.match(/Client port found: 2183\.[^\n]*\nMode: (leader|follower)/)?.[1];
      assert.ok(mode, out);
      const leaders = await page.$$eval('g.host.zookeeper.mode-leading', (g) => g.map((x) => x.dataset.host ?? x.textContent));
      assert.equal(leaders.length, 1);
    },
  }],
  ['3. The ZooKeeper ensemble', 5, {
    3: async (page, out) => assert.ok(out.includes('KeeperErrorCode = ConnectionLoss for /two-down'), out),
    4: async (page, out) => assert.match(out, /, one-down, tutorial, zookeeper\]$/),
  }],
  ['4. Brokers and the controller', 4, {
    2: async (page, out) => assert.match(out, /\[1, 2, 3\][\s\S]*\[2, 3\][\s\S]*\n2$/),
  }],
  ['5. Looking around like Kafdrop', 6, {
    // "the page's Kafka browser tab (next to the event log)": brokers, the controller badge.
    0: async (page) => {
      await page.click('#tab-kafdrop');
      await page.waitForSelector('#kd-brokers');
      assert.deepEqual(await page.$$eval('#kd-brokers tbody tr', (r) => r.map((x) => x.dataset.broker)), ['kafka1', 'kafka2', 'kafka3']);
      assert.equal(await page.$eval('#kd-brokers tr[data-broker="kafka1"]', (r) => r.querySelectorAll('.kd-badge.controller').length), 1);
    },
    // "The table gets a row: name my-topic, 3 partitions, replication factor 2, 0 under-replicated, 0 offline, internal no."
    1: async (page) => {
      await page.waitForSelector('#kd-topics tr[data-topic="my-topic"]');
      assert.deepEqual(await topicRow(page, 'my-topic'), ['my-topic', '3', '2', '0', '0', 'no']);
    },
    // "Click the topic's name to open its partitions table": kim's three messages, HW 3 on partition 2.
    2: async (page) => {
      await page.click('#kd-topics button[data-topic="my-topic"]');
      await page.waitForSelector('#kd-partitions tr[data-partition="2"]');
      const row = await page.$$eval('#kd-partitions tr[data-partition="2"] td', (c) => c.map((x) => x.textContent.trim()));
      assert.deepEqual(row.slice(-3), ['0', '3', '3'], row.join(' | '));
    },
    // "Click a partition's number … to see that partition's messages".
    3: async (page) => {
      await page.click('#kd-partitions button[data-partition="2"]');
      await page.waitForSelector('#kd-messages tbody tr');
      const values = await page.$$eval('#kd-messages tbody tr', (r) => r.map((x) => x.textContent));
      assert.equal(values.length, 3);
      assert.ok(values.every((v) => v.includes('kim')), values.join(' | '));
      await page.click('#kd-messages-back');
      await page.click('#kd-back');
      await page.waitForSelector('#kd-topics');
    },
    4: async (page, out) => {
      assert.ok(out.includes("Consumer group 'my-group' has no active members."), out);
      await page.waitForSelector('#kd-topics tr[data-topic="__consumer_offsets"]');
      assert.equal((await topicRow(page, '__consumer_offsets')).at(-1), 'yes');
    },
    // "my-topic shows 2 under-replicated partitions … and __consumer_offsets 17 offline ones".
    5: async (page, out) => {
      assert.equal(out.split('\n').filter((l) => l.includes('__consumer_offsets') && l.includes('Leader: none')).length, 17);
      await page.waitForFunction(() => document.querySelector('#kd-topics tr[data-topic="my-topic"]')?.textContent.includes('⚠'));
      assert.deepEqual((await topicRow(page, 'my-topic')).slice(3, 5), ['⚠ 2', '0']);
      assert.equal((await topicRow(page, '__consumer_offsets'))[4], '⚠ 17');
      await page.click('#tab-events');
    },
  }],
  ['6. Bootstrap servers and metadata', 6, {
    1: async (page, out) => assert.ok(out.includes('Partition: 0\tLeader: 3\tReplicas: 3,1\tIsr: 3,1'), out),
    // "The coordinator is broker 1 both times, and its address fits whoever asked."
    3: async (page, out) => {
      assert.match(out, /tracker +127\.0\.0\.1:9091 \(1\)/);
      assert.match(out, /tracker +kafka1:19091 \(1\)/);
    },
    5: async (page, out) => assert.ok(out.includes('Partition: 1\tLeader: 2\tReplicas: 1,2\tIsr: 2'), out),
  }],
  ['7. Creating a topic', 7, {
    1: async (page, out) => {
      for (const line of ['Partition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2', 'Partition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3',
        'Partition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1']) assert.ok(out.includes(line), `${line} in\n${out}`);
    },
    4: async (page, out) => assert.ok(out.includes('Partition: 1\tLeader: 3\tReplicas: 2,3\tIsr: 3'), out),
    6: async (page, out) => assert.ok(out.includes('Partition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 3,2'), out),
  }],
  ['8. producer.py: sending messages', 4, {
    1: async (page, out) => assert.ok(out.includes('{"lang": "\\ud55c\\uad6d\\uc5b4"}'), out),
    // The hint: send han:logout from the terminal (Tab would complete, so ':' separates the key),
    // see it land in partition 1, then reset the step as the hint says and run the cell again.
    2: async (page, out) => {
      assert.match(out, /Partition:2\tkim\tlogout/);
      await runInTerminal(page, `kafka-console-producer ${B} --topic my-topic --property parse.key=true --property key.separator=:`);
      await page.waitForSelector('.terminal.busy');
      await runInTerminal(page, 'han:logout');
      await page.focus('#terminal-input');
      await page.keyboard.press('Control+d');
      await page.waitForSelector('.terminal:not(.busy)');
      const read = await runInTerminal(page, `kafka-console-consumer ${B} --topic my-topic --partition 1 --offset 0 --max-messages 2 --property print.key=true`);
      assert.match(read, /han\tlogin\nhan\tlogout\nProcessed a total of 2 messages/);
      await page.click('#reset-step');
      await page.waitForSelector('.step .cell:not(.ran)');
      await runCells(page);
      await goalsMet(page);
    },
    3: async (page, out) => assert.match(out, /han\tlogin\nnull\tno key 1\nnull\tno key 2\nnull\tno key 3/),
  }],
  ['9. consumer.py: reading messages', 4, {
    1: async (page, out) => assert.ok(out.includes("Received message: {'fruit': 'apple'} at offset 2"), out),
    3: async (page, out) => assert.ok(out.includes('{"drink": "coffee"}') && !out.includes('"kim"'), out),
  }],
  ['10. Consumer groups', 7, {
    0: async (page, out) => assert.match(out, /app +127\.0\.0\.1:9092 \(2\) +range +Stable +1/),
    // "with two members, 2 and 1; with three, one each"; each consumer got one new message.
    1: async (page, out) => {
      assert.match(out, /consumer-app-1 +2 +my-topic\(0,1\)/);
      assert.equal(out.match(/Processed a total of 1 messages/g)?.length, 3);
    },
    // The member left takes all three partitions.
    2: async (page, out) => assert.match(out, /consumer-app-1 +3 +my-topic\(0,1,2\)\nProcessed a total of 0 messages$/),
    3: async (page, out) => assert.match(out, /cut console-consumer-35 <-> kafka2[\s\S]*consumer-app-1 +3 +my-topic\(0,1,2\)/),
    4: async (page, out) => assert.match(out, /app +my-topic +2 +4 +6 +2/),
    6: async (page, out) => assert.match(out, /rr +127\.0\.0\.1:9091 \(1\) +roundrobin +Stable +2[\s\S]*consumer-rr-1 +2 +my-topic\(0,2\)/),
  }],
  ['11. Replication and failure', 9, {
    1: async (page, out) => assert.ok(out.includes('Processed a total of 6 messages'), out),
    4: async (page, out) => {
      assert.ok(out.includes('NotEnoughReplicasException'), out);
      assert.match(out, /order-1\norder-2\norder-4\n/);
    },
    // The hint's event: the old leader truncates what the new leader never had.
    8: async (page, out) => {
      assert.ok(out.includes('Offset:2\tbuy') && !out.includes('logout'), out);
      assert.match(await eventLog(page), /broker 1 truncated my-topic-0 to offset 2 \(1 record\(s\) the new leader never had are gone\)/);
    },
  }],
];

test('a newcomer completes chapters 1–11 in English, step by step, in one browser profile', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US' });
  const started = Date.now();
  for (const [c, [title, steps, checks]] of CHAPTERS.entries()) {
    // The first from the chapter list; then, as a newcomer would, the last step's "Next chapter".
    if (c === 0) await openChapter(page, title);
    else {
      await page.click('#next-chapter');
      await page.waitForFunction((t) => document.querySelector('.chapter-title')?.textContent === t, title);
      await page.waitForSelector('.step[data-step="0"]');
    }
    assert.equal(await page.$$eval('.step-dot', (d) => d.length), steps, `${title}: steps`);
    for (let s = 0; s < steps; s++) {
      await page.waitForSelector(`.step[data-step="${s}"]`);
      await fitsThePanel(page);
      await runCells(page); // chapter 1's second step has none: its goals hold already
      await goalsMet(page);
      await checks[s]?.(page, await stepOutputs(page));
      assert.equal(await page.$eval('.step', (x) => x.classList.contains('complete')), true);
      if (s < steps - 1) await page.click('#next-step');
    }
    // The list marks the chapter done; the chapters not opened yet still show 0 done.
    const list = await chapterList(page);
    assert.equal(list[c + 1], `${title} ✓`, list.join(' | '));
    if (c === 4) await screenshot(page, 'walkthrough-chapter5');
  }
  assert.equal(await page.getAttribute('#next-chapter', 'title'), '12. Final challenge: a topic that keeps going when a broker dies');
  const list = await chapterList(page);
  assert.deepEqual(list.slice(1, 12), CHAPTERS.map(([title]) => `${title} ✓`));
  assert.match(list[12], /^12\. .* \(0\/5\)$/);
  await screenshot(page, 'walkthrough-done');
  assert.deepEqual(errors, []);
  console.log(`walkthrough: chapters 1–11 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await context.close();
});
