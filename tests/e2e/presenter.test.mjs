// Classroom: presenter mode at projector sizes, driven from the keyboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();

for (const [width, height, locale] of [[1920, 1080, 'ko-KR'], [1280, 720, 'en-US']]) {
  test(`presenter mode at ${width}×${height} (${locale}): keyboard runs the chapter`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale, viewport: { width, height } });
    await page.waitForSelector('#chapter option:nth-child(2)', { state: 'attached' }); // the chapters arrive after the first paint
    const value = await page.$eval('#chapter', (s) => [...s.options].find((o) => o.textContent.startsWith('3.')).value);
    await page.selectOption('#chapter', value);
    await page.click('body', { position: { x: 5, y: height - 5 } }); // focus leaves the select
    await page.keyboard.press('p');
    await page.waitForSelector('.page.presenter');
    assert.equal(await page.isVisible('.event-log'), false);
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('.step[data-step="1"]');
    await page.keyboard.press('r');
    await page.waitForSelector('.step .cell.ran');
    await page.waitForSelector('.goal.met');
    await page.keyboard.press(' ');
    await page.waitForSelector('#play-pause[aria-pressed="true"]');
    await page.keyboard.press('?');
    await page.waitForSelector('.help-box');
    await screenshot(page, `presenter-${width}x${height}`);
    await page.keyboard.press('?');
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('.step[data-step="0"]');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
