// Times the benchmark workloads compiled to WebAssembly, in Node (V8, the same engine as Chromium).
// Usage:
//   node core/benches/wasm_bench.mjs <module.wasm> [virtual seconds]                 ZooKeeper workload
//   node core/benches/wasm_bench.mjs <module.wasm> broker [minutes] [steady|fault|both]
// The broker runs print the same report as the native example (core/examples/broker_bench.rs),
// ending with `RESULT {json}` lines that core/benches/compare.mjs reads.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

const [file, ...rest] = process.argv.slice(2);
const env = {
  bench_wall_ms: () => performance.now(),
  bench_cpu_ms: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
};
const { instance } = await WebAssembly.instantiate(await readFile(file), { env });
const { run_workload, last_writes, broker_run, broker_out_ptr, memory } = instance.exports;
const mib = () => (memory.buffer.byteLength / 1048576).toFixed(1);

if (rest[0] === 'broker') {
  const minutes = BigInt(rest[1] ?? 60);
  const which = rest[2] ?? 'steady';
  const variants = which === 'both' ? [0, 1] : which === 'fault' ? [1] : [0];
  broker_run(2n, 1n, 0); // warm-up (and JIT tier-up): one virtual minute, another seed
  for (const fault of variants) {
    const len = broker_run(1n, minutes, fault);
    if (len === 0) {
      console.error('broker workload: the cluster did not boot');
      process.exit(1);
    }
    process.stdout.write(new TextDecoder().decode(new Uint8Array(memory.buffer, broker_out_ptr(), len)));
    console.log(`  wasm linear memory after the run: ${mib()} MiB (it only grows)`);
  }
} else {
  const secs = BigInt(rest[0] ?? 600);
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
  console.log(`wasm best: ${best.toFixed(3)} s; linear memory ${mib()} MiB`);
}
