// Page benchmark (figures, not a test): first cluster paint, frame rate while running, wasm
// transfer size, and JS heap after an hour of virtual time.
//   node tests/e2e/bench-page.mjs            (after trunk build --release --offline)
import { statSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { serveDist, launch, openPage, root } from './harness.mjs';

const server = await serveDist();
const browser = await launch();
try {
  const wasm = readdirSync(path.join(root, 'dist')).find((f) => f.endsWith('.wasm'));
  const bytes = readFileSync(path.join(root, 'dist', wasm));
  console.log(`wasm transfer: ${bytes.length} bytes raw, ${gzipSync(bytes, { level: 9 }).length} bytes gzip`);

  // First paint: navigation start to the six hosts drawn (best of 3 fresh contexts).
  const paints = [];
  for (let i = 0; i < 3; i++) {
    const { page, context } = await openPage(browser, 'about:blank');
    const t0 = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('g.host').length === 6);
    paints.push(Date.now() - t0);
    await context.close();
  }
  console.log(`first cluster paint: best ${Math.min(...paints)} ms (runs: ${paints.join(', ')} ms)`);

  // Keep a handle on the wasm instance (Trunk announces it) to read its linear memory.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelectorAll('g.host').length === 6);
  const wasmMemory = () => page.evaluate(() => (window.__wasm?.memory?.buffer?.byteLength ?? 0) / 1048576);
  const fps = (ms) => page.evaluate((dur) => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = (t) => { frames++; if (t - start < dur) requestAnimationFrame(tick); else resolve(frames * 1000 / (t - start)); };
    requestAnimationFrame(tick);
  }), ms);
  for (const speed of ['1', '20', '100']) {
    await page.selectOption('#speed', speed);
    console.log(`frame rate at ${speed}x: ${(await fps(3000)).toFixed(1)} frames/s`);
  }
  // An hour of virtual time at 100x is 36 s of real time.
  const heap = () => page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  const before = await heap();
  const wasmBefore = await wasmMemory();
  const t0 = await page.textContent('.clock');
  await page.waitForTimeout(36_000);
  const t1 = await page.textContent('.clock');
  const after = await heap();
  console.log(`JS heap: ${(before / 1048576).toFixed(1)} MiB -> ${(after / 1048576).toFixed(1)} MiB over ${t0} -> ${t1}`);
  console.log(`wasm linear memory: ${wasmBefore.toFixed(1)} MiB -> ${(await wasmMemory()).toFixed(1)} MiB`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
