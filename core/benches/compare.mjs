// Prints the broker benchmark's native and wasm figures side by side (a Markdown table).
// Usage: node core/benches/compare.mjs <output file>...   (files holding `RESULT {json}` lines,
// as printed by core/examples/broker_bench.rs and core/benches/wasm_bench.mjs)
import { readFileSync } from 'node:fs';

const runs = [];
for (const f of process.argv.slice(2)) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (line.startsWith('RESULT ')) runs.push(JSON.parse(line.slice(7)));
  }
}
if (runs.length === 0) {
  console.error('compare: no RESULT lines found');
  process.exit(1);
}

const MIB = 1024 * 1024;
const num = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const rate = (c, v, cpu) => v / Math.max(cpu ? c.cpu_s : c.wall_s, 1e-9);

for (const variant of [...new Set(runs.map((r) => r.report.variant))]) {
  const cols = runs.filter((r) => r.report.variant === variant);
  const last = (r) => r.report.checkpoints.at(-1);
  const rows = [
    ['virtual time of load', (r) => `${num(last(r).stats.virtual_ms / 60000)} min`],
    ['CPU / wall seconds', (r) => `${num(last(r).cpu_s, 1)} / ${num(last(r).wall_s, 1)} s`],
    ['simulated events per CPU second', (r) => num(rate(last(r), last(r).stats.events, true))],
    ['records produced (acked) per CPU second', (r) => num(rate(last(r), last(r).stats.acked, true))],
    ['records replicated (follower copies) per CPU second', (r) => num(rate(last(r), last(r).stats.replicated, true))],
    ['speed-up: virtual s per CPU second', (r) => `${num(rate(last(r), last(r).stats.virtual_ms / 1000, true))}x`],
    ['speed-up: virtual s per wall second', (r) => `${num(rate(last(r), last(r).stats.virtual_ms / 1000, false))}x`],
  ];
  // Memory at every checkpoint the runs share.
  const mins = cols[0].report.checkpoints.map((c) => c.stats.virtual_ms);
  for (const ms of mins) {
    const at = (r) => r.report.checkpoints.find((c) => c.stats.virtual_ms === ms);
    const m = num(ms / 60000);
    rows.push([`retained log records after ${m} min`, (r) => (at(r) ? num(at(r).stats.retained_records) : '-')]);
    rows.push([`log bytes (approx.) after ${m} min`, (r) => (at(r) ? `${num(at(r).stats.log_bytes / MIB, 1)} MiB` : '-')]);
    rows.push([`live heap after ${m} min`, (r) => (at(r) ? `${num(at(r).heap_bytes / MIB, 1)} MiB` : '-')]);
  }
  rows.push(['event queue, longest', (r) => num(last(r).stats.max_queue)]);
  rows.push(['drained: sent / acked / consumed (distinct)', (r) => {
    const d = r.report.drained;
    return `${num(d.sent)} / ${num(d.acked)} / ${num(d.consumed)} (${num(d.consumed_distinct)})`;
  }]);
  rows.push(['acked but never consumed', (r) => num(r.report.drained.acked_not_consumed)]);
  const head = cols[0].report;
  console.log(`\nbroker workload, ${variant}: ${head.producers} producers x ${head.rate} records/s, acks=all, seed ${head.seed}`);
  console.log(`| figure | ${cols.map((r) => r.platform).join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const [name, f] of rows) console.log(`| ${name} | ${cols.map(f).join(' | ')} |`);
}
