// Shared end-to-end harness: serve dist/ under a sub-path and drive Debian's Chromium with playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
const dist = path.join(root, 'dist');
export const screenshotDir = path.join(here, 'screenshots');
// playwright-core is installed (without any browser) by scripts/setup.sh into scripts/node_modules.
const { chromium } = createRequire(path.join(root, 'scripts/package.json'))('playwright-core');

// A sub-path proves the page uses relative URLs and works from any static host.
export const SUB_PATH = '/some/static/host/';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves dist/ at http://127.0.0.1:<port>/some/static/host/; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(SUB_PATH)) { res.writeHead(404).end(); return; }
    let rel = decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html';
    const file = path.resolve(dist, rel);
    if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch { res.writeHead(404).end(); }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${SUB_PATH}`, close: () => new Promise((r) => server.close(r)) };
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try { return execFileSync('which', [name]).toString().trim(); } catch { /* next */ }
  }
  throw new Error('Chromium not found: run scripts/setup.sh test (installs Debian chromium)');
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page in a fresh context whose browser language is `locale`; page errors fail the test. */
export async function openPage(browser, url, { locale = 'en-US', viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, context, errors };
}

export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Registers the suite's before/after hooks: one static server for dist/ and one Chromium for all
 * tests of a file. Returns an object whose `server` and `browser` are set once the hook has run.
 */
export function withBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

// ---- Terminals: type into terminal t (1 = the first), read its screen, wait for output ----

export const termInput = (t) => (t === 1 ? '#terminal-input' : `#terminal-input-${t}`);
export const termSel = (t) => `.terminal[data-term="${t}"]`;

/** The text of terminal t's screen, one line per printed block. */
export const termScreen = (page, t) => page.$eval(`${termSel(t)} .screen`,
  (s) => [...s.querySelectorAll('pre')].map((p) => p.textContent).join('\n'));

/** The prompt terminal t shows before its input ($, a container shell's, a program's). */
export const termPrompt = (page, t) => page.$eval(`${termSel(t)} .prompt .ps`, (s) => s.textContent);

/** Types a line into terminal t, presses Enter and waits until its screen has grown. */
export async function termType(page, t, line) {
  const n = await page.$$eval(`${termSel(t)} pre`, (p) => p.length);
  await page.fill(termInput(t), line);
  await page.press(termInput(t), 'Enter');
  await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length > k, [`${termSel(t)} pre`, n]);
}

/** Waits until terminal t's screen matches `re`. */
export async function waitTermScreen(page, t, re, timeout = 20000) {
  await page.waitForFunction(([sel, src, flags]) => new RegExp(src, flags).test(
    [...document.querySelectorAll(`${sel} .screen pre`)].map((p) => p.textContent).join('\n')),
  [termSel(t), re.source, re.flags], { timeout });
}

// ---- Tutorial helpers: what a student does with the tutorial panel. ----

/** Clicks the language button until the page speaks `tag` (`ko` or `en`). */
export async function switchLanguage(page, tag) {
  await page.waitForSelector('#lang-switch');
  if ((await page.getAttribute('html', 'lang')) !== tag) await page.click('#lang-switch');
  await page.waitForSelector(`html[lang="${tag}"]`);
}

/** The chapter list's entries, as the student reads them (title and progress mark). */
export const chapterList = (page) => page.$$eval('#chapter option', (o) => o.map((x) => x.textContent));

/** Opens the chapter whose title starts with `titlePrefix` on a fresh cluster. */
export async function openChapter(page, titlePrefix) {
  await page.waitForSelector('#chapter option:nth-child(2)', { state: 'attached' }); // the chapters arrive after the first paint
  const value = await page.$eval('#chapter', (sel, prefix) =>
    [...sel.options].find((o) => o.textContent.startsWith(prefix))?.value, titlePrefix);
  assert.ok(value !== undefined, `chapter "${titlePrefix}" listed`);
  // Through the sandbox first, so that reopening the same chapter still starts it afresh.
  await page.selectOption('#chapter', '');
  await page.selectOption('#chapter', value);
  await page.waitForSelector('.step[data-step="0"]');
}

/** Clicks each Run button of the open step in order, waiting for each cell's output; returns the count. */
export async function runCells(page, { timeout = 60000 } = {}) {
  const cells = await page.$$('.step .cell');
  for (let i = 0; i < cells.length; i++) {
    await page.click(`.step .cell[data-cell="${i}"] .run-cell`);
    await page.waitForSelector(`.step .cell[data-cell="${i}"].ran .cell-output`, { timeout });
  }
  assert.equal(await page.$$eval('.step .cell-output.failed', (o) => o.length), 0, 'no cell failed');
  return cells.length;
}

/** Waits until every goal of the open step is green; returns their texts. */
export async function goalsMet(page, { timeout = 20000 } = {}) {
  try {
    await page.waitForFunction(() => {
      const goals = [...document.querySelectorAll('.step .goal')];
      return goals.length > 0 && goals.every((g) => g.classList.contains('met'));
    }, null, { timeout });
  } catch (e) {
    const open = await page.$$eval('.step .goal:not(.met)', (g) => g.map((x) => x.textContent));
    const step = await page.$eval('.step h4', (h) => h.textContent).catch(() => '?');
    const out = await page.$$eval('.step .cell-output', (o) => o.map((x) => x.textContent).join('\n')).catch(() => '');
    throw new Error(`step "${step}": goals still open: ${open.join(' | ')}\n--- its cells printed:\n${out}`, { cause: e });
  }
  return page.$$eval('.step .goal', (g) => g.map((x) => x.textContent));
}

/** Every cell output of the open step, joined. */
export const stepOutputs = (page) => page.$$eval('.step .cell-output', (o) => o.map((x) => x.textContent).join('\n'));

/**
 * Types a line into terminal 1 and presses Enter; resolves to what the terminal printed after it
 * (once it printed something).
 */
export async function runInTerminal(page, line, { timeout = 60000 } = {}) {
  const before = await page.$$eval('.terminal pre', (p) => p.length);
  await page.fill('#terminal-input', line);
  await page.press('#terminal-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.terminal pre').length > n, before, { timeout });
  return page.$$eval('.terminal pre', (ps, n) => ps.slice(n).map((p) => p.textContent).join('\n'), before);
}

// ---- Issue 6's performance load, shared by bench-page.mjs and profile-page.mjs ----

const BENCH_TOPIC = 'kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2';

/** Boots (+30 s fast-forward), creates the seed's my-topic, starts a console consumer on it and
 * 3 automatic producers x 100 messages/s; resolves once sends are acknowledged. */
export async function startBenchLoad(page) {
  await page.click('#ff-30s');
  await page.waitForSelector('.controller-badge', { timeout: 30000 });
  await page.waitForSelector('#ff-bar', { state: 'detached', timeout: 60000 });
  const created = await runInTerminal(page, BENCH_TOPIC);
  if (!/Created topic my-topic\./.test(created)) throw new Error(`topic not created: ${created}`);
  await page.selectOption('#consumer-program', 'console');
  await page.fill('#consumer-topic', 'my-topic');
  await page.click('#consumer-start-button');
  await page.waitForSelector('.consumer-card');
  await page.fill('#auto-topic', 'my-topic');
  await page.fill('#auto-producers', '3');
  await page.fill('#auto-rate', '100');
  await page.click('#auto-on');
  await page.waitForSelector('#auto-on[aria-pressed="true"]');
  await page.waitForFunction(() => /acknowledged ([1-9]\d*)/.test(document.querySelector('#auto-status')?.textContent ?? ''), null, { timeout: 20000 });
}
