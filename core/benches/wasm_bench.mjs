// Times the standard workload compiled to WebAssembly, in Node (V8, the same engine as Chromium).
// Usage: node core/benches/wasm_bench.mjs <module.wasm> [virtual seconds]
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

const [file, secsArg] = process.argv.slice(2);
const secs = BigInt(secsArg ?? 600);
const { instance } = await WebAssembly.instantiate(await readFile(file), {});
const { run_workload, last_writes, memory } = instance.exports;

run_workload(1n, 1000n); // warm-up (and JIT tier-up)
let best = Infinity;
for (const seed of [1n, 2n, 3n]) {
  const t = performance.now();
  const events = Number(run_workload(seed, secs * 1000n));
  const el = (performance.now() - t) / 1000;
  const writes = Number(last_writes());
  console.log(`wasm seed ${seed}: ${events} events, ${writes} acknowledged writes, ${secs} s virtual in ${el.toFixed(3)} s wall: ${(events / el / 1e6).toFixed(2)} M events/s`);
  best = Math.min(best, el);
}
console.log(`wasm best: ${best.toFixed(3)} s; linear memory ${(memory.buffer.byteLength / 1048576).toFixed(1)} MiB`);
