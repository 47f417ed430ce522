// Page benchmark (figures, not a test), in headless Chromium:
//   - wasm transfer size;
//   - first cluster paint: navigation start to the six hosts drawn, timed inside the page;
//   - under issue 6's load — `my-topic` (3 partitions, RF 2), the automatic producer with 3
//     producer processes x 100 messages/s (acks=all) and a console consumer, all on screen —
//     at 1x, 20x and 100x: browser frames/s and the longest frame gap, how often the page
//     redraws the cluster (clock updates/s), long tasks, the virtual speed actually reached
//     and the messages acknowledged per second;
//   - memory (JS heap, wasm linear memory) while that load runs at 100x until the clock shows
//     the given virtual minutes (or the real-time cap passes: the page may not reach 100x).
//
//   node tests/e2e/bench-page.mjs [virtual minutes, default 60] [real-seconds cap, default 900]
//   (after trunk build --release --offline; scripts/bench.sh runs it with BENCH_PAGE=1)
import { statSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { serveDist, launch, openPage, root, startBenchLoad } from './harness.mjs';

const MINUTES = Number(process.argv[2] ?? 60);
const CAP_S = Number(process.argv[3] ?? 900);

const server = await serveDist();
const browser = await launch();
const mib = (b) => (b / 1048576).toFixed(1);

// Measures `ms` of real time inside the page: browser frames (requestAnimationFrame), frames
// in which the clock's text changed (the app redraws the whole view with it), long tasks, and
// the virtual clock and acknowledged-message count at both ends.
const measure = (page, ms) => page.evaluate((dur) => new Promise((resolve) => {
  const clock = () => {
    const m = /(\d+):(\d\d)\.(\d{3})/.exec(document.querySelector('.clock')?.textContent ?? '');
    return m ? (Number(m[1]) * 60 + Number(m[2])) + Number(m[3]) / 1000 : NaN;
  };
  const acked = () => Number(/acknowledged (\d+)/.exec(document.querySelector('#auto-status')?.textContent ?? '')?.[1] ?? 0);
  let changed = false;
  const mo = new MutationObserver(() => { changed = true; });
  mo.observe(document.querySelector('.clock'), { subtree: true, childList: true, characterData: true });
  const longTasks = [];
  const po = new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((e) => e.duration)));
  po.observe({ type: 'longtask' });
  const v0 = clock();
  const a0 = acked();
  let frames = 0;
  let redraws = 0;
  const clients = new Set();
  let worst = 0;
  let last = performance.now();
  const start = last;
  const tick = (t) => {
    frames++;
    worst = Math.max(worst, t - last);
    last = t;
    if (changed) { redraws++; changed = false; }
    for (const g of document.querySelectorAll('g.client[data-client]')) clients.add(g.getAttribute('data-client'));
    if (t - start < dur) { requestAnimationFrame(tick); return; }
    mo.disconnect();
    po.disconnect();
    const real = (t - start) / 1000;
    resolve({
      fps: frames / real,
      redraws: redraws / real,
      worstGapMs: worst,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((a, b) => a + b, 0),
      virtualPerReal: (clock() - v0) / real,
      ackedPerReal: (acked() - a0) / real,
      ackedPerVirtual: (acked() - a0) / Math.max(clock() - v0, 1e-9),
      clients: [...clients].sort(),
    });
  };
  requestAnimationFrame(tick);
}), ms);

try {
  const wasm = readdirSync(path.join(root, 'dist')).find((f) => f.endsWith('.wasm'));
  const bytes = readFileSync(path.join(root, 'dist', wasm));
  console.log(`wasm transfer: ${bytes.length} bytes raw, ${gzipSync(bytes, { level: 9 }).length} bytes gzip`);

  // First paint: navigation start to the six hosts drawn, read in the page from its own clock
  // (performance.now() counts from navigation start), best of 3 fresh contexts.
  const paints = [];
  for (let i = 0; i < 3; i++) {
    const { page, context } = await openPage(browser, 'about:blank');
    await page.goto(server.url);
    const at = await page.waitForFunction(() => {
      if (document.querySelectorAll('g.host').length === 6) return performance.now();
      return false;
    }, null, { polling: 'raf' });
    paints.push(Math.round(await at.jsonValue()));
    await context.close();
  }
  console.log(`first cluster paint: best ${Math.min(...paints)} ms from navigation start (runs: ${paints.join(', ')} ms)`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelectorAll('g.host').length === 6);
  const wasmMemory = () => page.evaluate(() => window.__wasm?.memory?.buffer?.byteLength ?? 0);
  // Where the main thread's time goes (Chromium's own counters, cumulative seconds).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const counters = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const measured = async (ms) => {
    const c0 = await counters();
    const m = await measure(page, ms);
    const c1 = await counters();
    const real = ms / 1000;
    const share = (k) => `${(100 * (c1[k] - c0[k]) / real).toFixed(0)}%`;
    m.split = `main thread: script ${share('ScriptDuration')}, style ${share('RecalcStyleDuration')}, layout ${share('LayoutDuration')}, all tasks ${share('TaskDuration')}`;
    return m;
  };
  const heap = () => page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);

  const idle = await measured(3000);
  console.log(`idle cluster at 1x (booting, no clients): ${idle.fps.toFixed(1)} frames/s, ${idle.redraws.toFixed(1)} redraws/s, ${idle.longTasks} long tasks; ${idle.split}`);

  // Issue 6's load: boot (+30 s fast-forward), the seed's topic, a consumer, 3 x 100 messages/s.
  await startBenchLoad(page);
  console.log('load: 3 producers x 100 messages/s (acks=all) to my-topic (3 partitions, RF 2), one console consumer');

  for (const speed of ['1', '20', '100']) {
    await page.selectOption('#speed', speed);
    await page.waitForTimeout(500);
    const m = await measured(5000);
    console.log(`at ${speed}x: ${m.fps.toFixed(1)} frames/s (longest gap ${m.worstGapMs.toFixed(0)} ms), `
      + `${m.redraws.toFixed(1)} redraws/s, ${m.longTasks} long tasks (${m.longTaskMs.toFixed(0)} ms), `
      + `virtual speed reached ${m.virtualPerReal.toFixed(1)}x, `
      + `${m.ackedPerReal.toFixed(0)} messages acked per real s (${m.ackedPerVirtual.toFixed(0)} per virtual s); ${m.split}`);
    console.log(`  clients drawn on the wire during it: ${m.clients.join(', ') || 'none'}`);
    if (speed === '1' && process.env.BENCH_PAGE_SHOT) await page.screenshot({ path: process.env.BENCH_PAGE_SHOT, fullPage: true });
  }

  // Memory while the load keeps running at 100x, until the clock shows MINUTES (or CAP_S).
  const minutes = () => page.evaluate(() => {
    const m = /(\d+):(\d\d)\.(\d{3})/.exec(document.querySelector('.clock')?.textContent ?? '');
    return m ? Number(m[1]) + Number(m[2]) / 60 : 0;
  });
  const t0 = Date.now();
  const sample = async () => console.log(`  real ${Math.round((Date.now() - t0) / 1000)} s: virtual ${(await minutes()).toFixed(1)} min, `
    + `JS heap ${mib(await heap())} MiB, wasm linear memory ${mib(await wasmMemory())} MiB`);
  console.log(`memory with the load at 100x until ${MINUTES} virtual minutes (at most ${CAP_S} s of real time):`);
  await sample();
  let next = 10;
  while ((await minutes()) < MINUTES && Date.now() - t0 < CAP_S * 1000) {
    await page.waitForTimeout(1000);
    if ((await minutes()) >= next) {
      await sample();
      next += 10;
    }
  }
  await sample();
  const status = await page.textContent('#auto-status');
  console.log(`  automatic producer: ${status.trim()}`);
  if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
