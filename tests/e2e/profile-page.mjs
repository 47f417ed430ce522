// Page profile (a tool, not a test): issue 6's load as in bench-page.mjs, then a CPU profile of
// a few real seconds at 1x through Chromium's DevTools protocol, printed as the functions with
// the most self time (wasm functions carry their names where the build keeps them).
//
//   node tests/e2e/profile-page.mjs [seconds, default 5] [speed, default 1] [screenshot.png]
//   (after trunk build --release --offline)
import { serveDist, launch, startBenchLoad } from './harness.mjs';

const SECONDS = Number(process.argv[2] ?? 5);
const SPEED = process.argv[3] ?? '1';
const SHOT = process.argv[4];

const server = await serveDist();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelectorAll('g.host').length === 6);
  await startBenchLoad(page);
  await page.selectOption('#speed', SPEED);
  await page.waitForTimeout(1000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(SECONDS * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  if (SHOT) await page.screenshot({ path: SHOT, fullPage: true });
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
  console.log(`profile: ${(total / 1e6).toFixed(2)} s sampled over ${SECONDS} s`);
  for (const [name, us] of rows) console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`);
  // Where the page changes the DOM: mutations per second by the panel they fall in.
  const census = await page.evaluate(() => new Promise((resolve) => {
    const counts = {};
    const where = (n) => {
      const el = n.nodeType === 1 ? n : n.parentElement;
      const sec = el?.closest('section, header, .event-log, svg');
      const inner = el?.closest('[class]');
      return `${sec?.tagName ?? '?'}.${sec?.className?.baseVal ?? sec?.className ?? ''} > ${inner?.tagName}.${inner?.className?.baseVal ?? inner?.className ?? ''}`.slice(0, 90);
    };
    const mo = new MutationObserver((list) => {
      for (const m of list) {
        const k = `${m.type.padEnd(13)} ${where(m.target)}`;
        counts[k] = (counts[k] ?? 0) + (m.type === 'childList' ? m.addedNodes.length + m.removedNodes.length : 1);
      }
    });
    mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    setTimeout(() => { mo.disconnect(); resolve(counts); }, 2000);
  }));
  console.log('DOM mutations per second:');
  for (const [k, v] of Object.entries(census).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${String(Math.round(v / 2)).padStart(6)}  ${k}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
