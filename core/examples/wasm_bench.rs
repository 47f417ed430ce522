//! The benchmark workloads as a bare WebAssembly module (no JavaScript glue), so Node can time
//! them against the native runs: see core/benches/wasm_bench.mjs and scripts/bench.sh.
//!
//! Build: cargo build --profile bench -p kafka-playground-core --example wasm_bench --target wasm32-unknown-unknown

use kafka_playground_core::bench::standard_workload;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts live heap bytes (the broker report's memory figure, as natively).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs the ZooKeeper workload; returns simulated events. Acknowledged writes are read by
/// `last_writes`.
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
    static BROKER_OUT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
extern "C" {
    /// `performance.now()`, in ms.
    fn bench_wall_ms() -> f64;
    /// The process's CPU time (`process.cpuUsage()`), in ms.
    fn bench_cpu_ms() -> f64;
}

/// Runs the broker workload for `minutes` of virtual time (`fault` ≠ 0: a broker killed
/// halfway) and keeps its report as text, ending with a `RESULT {json}` line; returns the
/// text's length in bytes (0 when the cluster did not boot). Read it at `broker_out_ptr`.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn broker_run(seed: u64, minutes: u64, fault: u32) -> u32 {
    use kafka_playground_core::bench::{broker_report, checkpoints_ms};
    let mut clock = || unsafe { [bench_wall_ms() / 1000.0, bench_cpu_ms() / 1000.0] };
    let base = LIVE.load(Ordering::Relaxed);
    let heap = || LIVE.load(Ordering::Relaxed).saturating_sub(base) as u64;
    let text = match broker_report(
        seed,
        fault != 0,
        &checkpoints_ms(minutes),
        &mut clock,
        &heap,
    ) {
        Ok(r) => format!(
            "{}RESULT {}\n",
            r.text("wasm"),
            serde_json::json!({ "platform": "wasm", "report": r })
        ),
        Err(_) => String::new(),
    };
    BROKER_OUT.with(|o| {
        *o.borrow_mut() = text;
        o.borrow().len() as u32
    })
}

/// Where the last `broker_run` text starts in linear memory.
#[no_mangle]
pub extern "C" fn broker_out_ptr() -> *const u8 {
    BROKER_OUT.with(|o| o.borrow().as_ptr())
}

/// Natively the example does nothing; it exists for the wasm32 build.
#[allow(dead_code)]
fn main() {}
