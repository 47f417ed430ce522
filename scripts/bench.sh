#!/usr/bin/env bash
# Benchmarks (figures, not tests), natively and as wasm in Node, at the same optimisation level:
#   1. the ZooKeeper workload: simulated events/s and memory (three ZooKeepers, eight clients);
#   2. the broker workload: the seed cluster, 3 producers x 100 records/s (acks=all), two
#      consumer groups, steady and with kafka2 killed halfway: events/s, records/s produced and
#      replicated, virtual-time speed-up, retained log records and heap after 1/10/30/60
#      virtual minutes, then a native-vs-wasm table;
#   3. criterion's timing of the broker workload (BENCH_CRITERION=0 skips it).
#
#   scripts/bench.sh [ZooKeeper virtual seconds, default 600] [broker virtual minutes, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup play
set +e
SECS="${1:-600}"
MINUTES="${2:-60}"
T="${CARGO_TARGET_DIR:-target}"
WASM="$T/wasm32-unknown-unknown/release/examples/wasm_bench.wasm"
OUT="$T/bench"
mkdir -p "$OUT"

say "wasm module (Node $(node --version)): cargo build --profile bench --example wasm_bench --target wasm32-unknown-unknown"
cargo build -q --profile bench -p kafka-playground-core --example wasm_bench --target wasm32-unknown-unknown ||
  fail "the wasm benchmark module did not build"

say "ZooKeeper workload, native: cargo bench -p kafka-playground-core --bench sim -- $SECS"
cargo bench -q -p kafka-playground-core --bench sim -- "$SECS"
say "ZooKeeper workload, wasm: node core/benches/wasm_bench.mjs $WASM $SECS"
node core/benches/wasm_bench.mjs "$WASM" "$SECS"

say "broker workload, native: cargo run --profile bench -p kafka-playground-core --example broker_bench -- $MINUTES both"
cargo run -q --profile bench -p kafka-playground-core --example broker_bench -- "$MINUTES" both | tee "$OUT/broker-native.txt" | grep -v '^RESULT '
say "broker workload, wasm: node core/benches/wasm_bench.mjs $WASM broker $MINUTES both"
node core/benches/wasm_bench.mjs "$WASM" broker "$MINUTES" both | tee "$OUT/broker-wasm.txt" | grep -v '^RESULT '
say "broker workload, native vs wasm (node core/benches/compare.mjs $OUT/broker-native.txt $OUT/broker-wasm.txt)"
node core/benches/compare.mjs "$OUT/broker-native.txt" "$OUT/broker-wasm.txt"

if [ "${BENCH_CRITERION:-1}" != 0 ]; then
  say "broker workload, criterion: cargo bench -p kafka-playground-core --bench broker"
  cargo bench -q -p kafka-playground-core --bench broker
fi
