// Chapter 7 (creating my-topic) in the page: switch the language with the button, open the chapter,
// run every cell by clicking its Run button, step by step, and watch each step's goals turn green —
// first in Korean, then the same in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot, switchLanguage, openChapter, runCells, goalsMet } from './harness.mjs';

const env = withBrowser();

const lastOutput = (page) => page.$$eval('.step .cell-output', (o) => o.at(-1).textContent);

for (const [tag, title, goalText] of [
  ['ko', '7. 토픽 생성', '브로커 2가 어느 ISR에도 없다'],
  ['en', '7. Creating a topic', 'broker 2 is in no ISR'],
]) {
  test(`chapter 7 (${tag}): cells run by clicking, step by step, and every goal turns green`, async () => {
    // The browser asks for the other language: the button switches it.
    const locale = tag === 'ko' ? 'en-US' : 'ko-KR';
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale });
    await switchLanguage(page, tag);
    await openChapter(page, title);
    // A fresh cluster booted as the headless runner boots it: one ZooKeeper leader already.
    assert.equal(await page.$$eval('g.host.zookeeper.mode-leading', (g) => g.length), 1);
    const steps = await page.$$eval('.step-dot', (d) => d.length);
    assert.equal(steps, 7);
    for (let s = 0; s < steps; s++) {
      await page.waitForSelector(`.step[data-step="${s}"]`);
      assert.ok(await runCells(page) > 0, `step ${s + 1} has cells`);
      const goals = await goalsMet(page);
      if (s === 0) assert.match(await lastOutput(page), /^Created topic my-topic\.$/);
      if (s === 1) {
        // Leaders spread over the three brokers, two replicas each, every ISR full.
        const out = await lastOutput(page);
        for (const line of ['Partition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2',
          'Partition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2,3', 'Partition: 2\tLeader: 3\tReplicas: 3,1\tIsr: 3,1']) {
          assert.ok(out.includes(line), `${line} in\n${out}`);
        }
      }
      if (s === 4) {
        // After the session expired: partition 1 moved to broker 3, and 2 left every ISR.
        const out = await lastOutput(page);
        assert.ok(out.includes('Partition: 1\tLeader: 3\tReplicas: 2,3\tIsr: 3'), out);
        assert.ok(!/Isr: [0-9,]*2/.test(out.split('\n').slice(0, 4).join('\n')), out);
        assert.ok(goals.some((g) => g.includes(goalText)), goals.join(' | '));
        assert.equal(await page.$eval('.tile[data-replica="my-topic-1"].leader title',
          (t) => t.textContent), 'my-topic-1: leader');
        await screenshot(page, `chapter7-${tag}-kafka2-down`);
      }
      if (s === 5) {
        // kafka2 is back in the ISRs; nothing is under-replicated.
        const out = await lastOutput(page);
        assert.ok(out.includes('Partition: 1\tLeader: 3\tReplicas: 2,3\tIsr: 3,2'), out);
      }
      if (s < steps - 1) await page.click('#next-step');
    }
    // The preferred leaders are back.
    assert.ok((await lastOutput(page)).includes('Partition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 3,2'));
    assert.equal(await page.$eval('.step', (s) => s.classList.contains('complete')), true);
    await screenshot(page, `chapter7-${tag}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
