// Terminals side by side: a console consumer runs in the foreground of one and streams what a
// console producer typed in another sends, until Ctrl-C prints its summary; consumer.py and
// producer.py likewise; Tab completes; a share link rebuilds the terminals and their screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, openPage, screenshot } from './harness.mjs';

const env = withBrowser();
const B = '--bootstrap-server kafka1:19091';
const HOSTILE = '<img src=x onerror=alert(1)>';

const input = (t) => (t === 1 ? '#terminal-input' : `#terminal-input-${t}`);
const term = (t) => `.terminal[data-term="${t}"]`;
const screenText = (page, t) => page.$eval(`${term(t)} .screen`, (s) => [...s.querySelectorAll('pre')].map((p) => p.textContent).join('\n'));
const promptOf = (page, t) => page.$eval(`${term(t)} .prompt .ps`, (s) => s.textContent);

/** Types a line into terminal t and waits until its screen has grown. */
async function type(page, t, line) {
  const n = await page.$$eval(`${term(t)} pre`, (p) => p.length);
  await page.fill(input(t), line);
  await page.press(input(t), 'Enter');
  await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length > k, [`${term(t)} pre`, n]);
}

async function waitScreen(page, t, re, timeout = 20000) {
  await page.waitForFunction(([sel, src]) => new RegExp(src).test(
    [...document.querySelectorAll(`${sel} .screen pre`)].map((p) => p.textContent).join('\n')), [term(t), re.source], { timeout });
}

async function bootCluster(page) {
  await page.waitForSelector('#ff-30s');
  await page.click('#ff-30s');
  await page.waitForSelector('.controller-badge', { timeout: 20000 });
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 30000 });
}

test('a console consumer streams what another terminal produces until Ctrl-C; the share link replays both', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'en-US', viewport: { width: 1440, height: 900 } });
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await bootCluster(page);
  await type(page, 1, `kafka-topics ${B} --create --topic test --partitions 1 --replication-factor 3`);
  await waitScreen(page, 1, /Created topic test\./);

  // "+" opens terminal 2, which takes the focus; its close button says which terminal.
  assert.equal(await page.getAttribute('#new-terminal', 'aria-label'), 'Open another terminal');
  await page.click('#new-terminal');
  await page.waitForSelector(input(2));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'terminal-input-2');
  assert.equal(await page.getAttribute(term(2), 'aria-label'), 'Terminal 2');
  assert.equal(await page.getAttribute(`${term(2)} .term-close`, 'aria-label'), 'Close the terminal — Terminal 2');

  // Terminal 1: the consumer keeps the foreground; no shell prompt.
  await type(page, 1, `kafka-console-consumer ${B} --topic test`);
  await page.waitForSelector(`${term(1)}.busy .term-running`);
  assert.equal(await promptOf(page, 1), '');
  // Terminal 2: the console producer's > prompt; each typed line is a record.
  await type(page, 2, `kafka-console-producer ${B} --topic test`);
  await page.waitForSelector(`${term(2)}.busy`);
  assert.equal(await promptOf(page, 2), '>');
  await type(page, 2, 'hello');
  await type(page, 2, HOSTILE);
  assert.match(await screenText(page, 2), />hello\n><img src=x onerror=alert\(1\)>/);
  await waitScreen(page, 1, /hello\n<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.$$eval('.terminal img', (i) => i.length), 0);

  // A third terminal: the layout holds three side by side.
  await page.click('#new-terminal');
  await page.waitForSelector(input(3));
  await type(page, 3, `kafka-console-consumer ${B} --topic test --from-beginning --property print.offset=true`);
  await waitScreen(page, 3, /Offset:1\t<img src=x onerror=alert\(1\)>/);
  await screenshot(page, 'terminals-en');
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.equal(await page.getAttribute(term(2), 'aria-label'), '터미널 2');
  await screenshot(page, 'terminals-ko');
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');

  // Ctrl-C in terminal 1: the console consumer's summary, then the prompt is back.
  await page.focus(input(1));
  await page.keyboard.press('Control+c');
  await waitScreen(page, 1, /\^C\nProcessed a total of 2 messages$/);
  await page.waitForFunction((sel) => !document.querySelector(sel).classList.contains('busy'), term(1));
  assert.equal(await promptOf(page, 1), '$');
  // Ctrl-D ends the producer's input; the button does what the key does.
  await page.focus(input(2));
  await page.keyboard.press('Control+d');
  await page.waitForFunction((sel) => !document.querySelector(sel).classList.contains('busy'), term(2));
  await page.click(`${term(3)} [data-key="ctrl-c"]`);
  await waitScreen(page, 3, /\^C\nProcessed a total of 2 messages$/);

  // The share link: a fresh profile rebuilds the three terminals and what they showed.
  await page.click('#play-pause');
  const shown = [await screenText(page, 1), await screenText(page, 2), await screenText(page, 3)];
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  const fresh = await openPage(env.browser, link, { locale: 'en-US', viewport: { width: 1440, height: 900 } });
  await fresh.page.waitForSelector(input(3));
  for (const t of [1, 2, 3]) {
    assert.equal(await screenText(fresh.page, t), shown[t - 1], `terminal ${t}`);
  }
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();

  // Closing: the last terminal has no close button; focus goes to "+".
  await page.click(`${term(3)} .term-close`);
  await page.click(`${term(2)} .term-close`);
  await page.waitForFunction(() => document.querySelectorAll('.terminal').length === 1);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-terminal');
  assert.equal(await page.$$eval('.term-close', (b) => b.length), 0);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('producer.py asks for a key and a value; consumer.py prints it; --help answers in the terminal', async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: 'ko-KR', viewport: { width: 1280, height: 800 } });
  await bootCluster(page);
  await type(page, 1, `kafka-topics ${B} --create --topic test --partitions 1 --replication-factor 3`);
  await waitScreen(page, 1, /Created topic test\./);
  // Tab completes: one fit fills the word in, several are listed.
  await page.fill(input(1), 'kafka-to');
  await page.press(input(1), 'Tab');
  assert.equal(await page.inputValue(input(1)), 'kafka-topics ');
  await page.fill(input(1), 'docker compose st');
  await page.press(input(1), 'Tab');
  assert.equal(await page.textContent(`${term(1)} .completions`), 'startstop');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'terminal-input');
  await page.press(input(1), 'o');
  assert.equal(await page.$$eval('.completions', (c) => c.length), 0);
  await type(page, 1, 'kafka-topics --help');
  await waitScreen(page, 1, /This tool helps to create, delete, describe, or change a topic\./);
  await page.click('#new-terminal');
  await page.waitForSelector(input(2));
  await type(page, 1, 'python consumer.py');
  await type(page, 2, 'python producer.py');
  assert.equal(await promptOf(page, 2), 'key: (quit -> q)');
  await type(page, 2, 'k');
  assert.equal(await promptOf(page, 2), 'value: ');
  await type(page, 2, 'v');
  await waitScreen(page, 2, /key: \(quit -> q\)k\nvalue: v\nMessage sent: \{'k': 'v'\}/);
  await waitScreen(page, 1, /Received message: \{'k': 'v'\} at offset 0/);
  await screenshot(page, 'terminals-python-ko');
  // Ctrl-C at producer.py's prompt: Python's KeyboardInterrupt traceback.
  await page.focus(input(2));
  await page.keyboard.press('Control+c');
  await waitScreen(page, 2, /key = input\("key: \(quit -> q\)"\)\nKeyboardInterrupt$/);
  // While consumer.py runs, ↑ does not recall history and typed lines are not commands.
  await page.fill(input(1), 'kafka-topics --list');
  await page.press(input(1), 'Enter');
  assert.equal(await page.inputValue(input(1)), 'kafka-topics --list');
  await page.fill(input(1), '');
  await page.focus(input(1));
  await page.keyboard.press('Control+c');
  await waitScreen(page, 1, /Consumer closed\.$/);
  assert.deepEqual(errors, []);
  await context.close();
});
