//! The broker workload natively, printed: simulated events/s, records/s produced and
//! replicated, virtual-time speed-up, and memory (retained log records, their bytes, the live
//! heap) after 1, 10, 30 and 60 virtual minutes. The wasm twin is `wasm_bench` under Node.
//!
//!   cargo run --release -p kafka-playground-core --example broker_bench -- [minutes, default 60] [steady|fault|both]
//!
//! The last line of each run is `RESULT {json}` (read by core/benches/compare.mjs).

use kafka_playground_core::bench::{broker_report, checkpoints_ms};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes.
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

/// CPU seconds used by this process (Linux /proc; the wall clock elsewhere is not available,
/// so 0). On a busy machine the wall-clock rate understates the simulator; the CPU rate does not.
fn cpu_seconds() -> f64 {
    let read = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    };
    read().unwrap_or(0.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let minutes: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(60);
    let variants: &[bool] = if args.iter().any(|a| a == "both") {
        &[false, true]
    } else if args.iter().any(|a| a == "fault") {
        &[true]
    } else {
        &[false]
    };
    let start = Instant::now();
    let mut clock = move || [start.elapsed().as_secs_f64(), cpu_seconds()];
    for &fault in variants {
        let base = LIVE.load(Ordering::Relaxed);
        let heap = || LIVE.load(Ordering::Relaxed).saturating_sub(base) as u64;
        match broker_report(1, fault, &checkpoints_ms(minutes), &mut clock, &heap) {
            Ok(r) => {
                print!("{}", r.text("native"));
                println!(
                    "RESULT {}",
                    serde_json::json!({ "platform": "native", "report": r })
                );
            }
            Err(e) => {
                eprintln!("broker workload: {e}");
                std::process::exit(1);
            }
        }
    }
}
