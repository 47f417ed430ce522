#!/usr/bin/env bash
# Benchmarks (figures, not tests): the simulator's events/s and memory, natively and as wasm in Node.
#   scripts/bench.sh [virtual seconds, default 600]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup play
set +e
SECS="${1:-600}"
say "native: cargo bench -p kafka-playground-core --bench sim -- $SECS"
cargo bench -q -p kafka-playground-core --bench sim -- "$SECS"
say "wasm (Node $(node --version), same optimisation level as the native bench)"
cargo build -q --profile bench -p kafka-playground-core --example wasm_bench --target wasm32-unknown-unknown &&
  node core/benches/wasm_bench.mjs target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm "$SECS"
