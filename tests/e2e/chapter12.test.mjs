// Chapter 12 (the final challenge) in the page: its steps have goals and hints but no Run button
// and no visible solution; the student reaches every goal with the terminal and the producer panel
// (acks=all), and the goals turn green, group goals included — in Korean, then in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot, switchLanguage, openChapter, runInTerminal, goalsMet } from './harness.mjs';

const env = withBrowser();

const PAYMENTS = [['kim', 'pay-100'], ['kang', 'pay-200'], ['han', 'pay-300'], ['kim', 'pay-400'], ['kang', 'pay-500'], ['han', 'pay-600']];

for (const [tag, title, configGoal, lagGoal] of [
  ['ko', '12. 마지막 도전', 'payments 토픽의 설정 min.insync.replicas가 2이다', 'billing 그룹의 payments 토픽 랙(lag)이 0이다'],
  ['en', '12. Final challenge', 'topic payments has min.insync.replicas=2', 'group billing lags 0 messages behind on payments'],
]) {
  test(`chapter 12 (${tag}): goal-only steps reached from the terminal and the producer panel`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: tag === 'ko' ? 'ko-KR' : 'en-US' });
    await switchLanguage(page, tag);
    await openChapter(page, title);
    assert.equal(await page.$$eval('.step-dot', (d) => d.length), 5);

    const steps = [
      ['kafka-topics --create --topic payments --bootstrap-server 127.0.0.1:9091 --partitions 3 --replication-factor 3 --config min.insync.replicas=2'],
      ['docker compose kill kafka3', 'sleep 20'],
      null, // the producer panel, acks=all
      ['docker compose start kafka3', 'sleep 10'],
      ['kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic payments --group billing --from-beginning --max-messages 6'],
    ];
    for (let s = 0; s < steps.length; s++) {
      await page.waitForSelector(`.step[data-step="${s}"]`);
      // A challenge: no Run button, no solution in the page, at least one hint.
      assert.equal(await page.$$eval('.step .run-cell', (b) => b.length), 0, `step ${s + 1} has no cell`);
      assert.ok(await page.$$eval('.step details.hint', (h) => h.length) > 0, `step ${s + 1} has a hint`);
      assert.ok(!(await page.textContent('.step')).includes('pay-100'), 'the solution stays hidden');
      assert.ok(await page.$$eval('.step .goal:not(.met)', (g) => g.length) > 0, `step ${s + 1} starts unmet`);
      if (steps[s]) {
        for (const line of steps[s]) await runInTerminal(page, line);
      } else {
        await page.fill('#cp-topic', 'payments');
        await page.selectOption('#cp-acks', '-1');
        for (const [key, value] of PAYMENTS) {
          const before = await page.$$eval('#sent-list .sent-ok[data-offset]', (l) => l.length);
          await page.fill('#cp-key', key);
          await page.fill('#cp-value', value);
          await page.click('#cp-send');
          await page.waitForFunction((n) => document.querySelectorAll('#sent-list .sent-ok[data-offset]').length > n, before, { timeout: 30000 });
        }
      }
      const goals = await goalsMet(page, { timeout: 30000 });
      if (s === 0) assert.ok(goals.some((g) => g.includes(configGoal)), goals.join(' | '));
      if (s === 2) await screenshot(page, `chapter12-${tag}-acks-all-one-down`);
      if (s === steps.length - 1) assert.ok(goals.some((g) => g.includes(lagGoal)), goals.join(' | '));
      if (s < steps.length - 1) await page.click('#next-step');
    }
    assert.equal(await page.$eval('.step', (s) => s.classList.contains('complete')), true);
    await screenshot(page, `chapter12-${tag}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
