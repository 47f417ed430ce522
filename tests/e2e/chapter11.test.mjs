// Chapter 11 (replication and failure) in the page: open it, run every cell by clicking its Run
// button, step by step, and watch each step's goals turn green (the data goals included: message
// counts, high watermarks, "broker N has every record of T") — in Korean, then in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot, switchLanguage, openChapter, runCells, goalsMet, stepOutputs as outputs } from './harness.mjs';

const env = withBrowser();


for (const [tag, title, everyRecord, lost] of [
  ['ko', '11. 복제와 장애', '브로커 1이 my-topic 토픽의 커밋된 레코드를 모두 갖고 있다', 'my-topic-0 파티션에 메시지가 3개 있다'],
  ['en', '11. Replication and failure', 'broker 1 has every committed record of my-topic', 'partition my-topic-0 holds 3 messages'],
]) {
  test(`chapter 11 (${tag}): failures, min.insync.replicas and acks=1 loss, goals turn green`, async () => {
    const locale = tag === 'ko' ? 'en-US' : 'ko-KR';
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale });
    await switchLanguage(page, tag);
    await openChapter(page, title);
    const steps = await page.$$eval('.step-dot', (d) => d.length);
    assert.equal(steps, 9);
    for (let s = 0; s < steps; s++) {
      await page.waitForSelector(`.step[data-step="${s}"]`);
      assert.ok(await runCells(page) > 0, `step ${s + 1} has cells`);
      const goals = await goalsMet(page);
      const out = await outputs(page);
      if (s === 1) {
        assert.ok(out.includes('Partition: 1\tLeader: 3\tReplicas: 2,3\tIsr: 3'), out);
        assert.ok(out.includes('Processed a total of 6 messages'), out);
      }
      if (s === 4) {
        assert.ok(out.includes('NotEnoughReplicasException'), out);
        assert.ok(!out.includes('order-3\n'), out);
        await screenshot(page, `chapter11-${tag}-not-enough-replicas`);
      }
      if (s === steps - 1) {
        assert.ok(out.includes('Offset:2\tbuy'), out);
        assert.ok(!out.includes('logout'), out);
        assert.ok(goals.some((g) => g.includes(everyRecord)), goals.join(' | '));
        assert.ok(goals.some((g) => g.includes(lost)), goals.join(' | '));
      }
      if (s < steps - 1) await page.click('#next-step');
    }
    assert.equal(await page.$eval('.step', (s) => s.classList.contains('complete')), true);
    await screenshot(page, `chapter11-${tag}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
