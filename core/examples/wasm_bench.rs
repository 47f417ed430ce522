//! The standard benchmark workload as a bare WebAssembly module (no JavaScript glue), so Node can
//! time it against the native run: see core/benches/wasm_bench.mjs and scripts/bench.sh.
//!
//! Build: cargo build --release -p kafka-playground-core --example wasm_bench --target wasm32-unknown-unknown

use kafka_playground_core::bench::standard_workload;

/// Runs the workload; returns simulated events. Acknowledged writes are read by `last_writes`.
#[no_mangle]
pub extern "C" fn run_workload(seed: u64, virtual_ms: u64) -> u64 {
    let s = standard_workload(seed, virtual_ms);
    LAST_WRITES.with(|w| w.set(s.writes));
    s.events
}

#[no_mangle]
pub extern "C" fn last_writes() -> u64 {
    LAST_WRITES.with(|w| w.get())
}

thread_local! {
    static LAST_WRITES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Natively the example does nothing; it exists for the wasm32 build.
#[allow(dead_code)]
fn main() {}
